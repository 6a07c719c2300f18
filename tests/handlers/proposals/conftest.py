"""The fixture of the proposals' tests: what the working-groups capability would be told."""

from __future__ import annotations

import pytest

from handlers import Service
from handlers.events import ThemesRetained


@pytest.fixture
def retained(service: Service) -> list:
    """What the working-groups capability would receive: the themes chosen at the rencontre."""
    seen: list = []
    service.registry.listen(ThemesRetained, lambda ctx, retained: seen.append(list(retained.themes)))
    return seen
