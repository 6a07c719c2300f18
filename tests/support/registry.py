"""Verbs of a test's own, added to one Service's registry (nobody else's)."""

from __future__ import annotations

from handlers.registry import Verb, VerbFunc
from storage.models import Role


def throwaway_verb(name: str, func: VerbFunc, role: Role = Role.PARTICIPANT, section: str = "test") -> Verb:
    """A verb with no help text, for a test to add with `service.registry.add_verb(...)`."""
    return Verb(name, (), func, "", "", (), role, section)
