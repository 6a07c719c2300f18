"""The Club's programme file (TOML): who the Club is, which territories it covers.

`CLUB_CONFIG` points at it; `config/club-des-territoires.toml` is the charter's own.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from handlers.territories import resolve_zone

DEFAULT_PROGRAMME = Path(__file__).resolve().parent.parent / "config" / "club-des-territoires.toml"


class ProgrammeError(Exception):
    """The programme file cannot be used; the message names the file and the key at fault."""


class ClubSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str
    name: str
    timezone: str = "Europe/Paris"
    territories: list[str] = ["Paris"]

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone = resolve_zone(value)
        if zone is None:
            raise ValueError(f"fuseau inconnu : {value!r}")
        return zone

    @field_validator("territories")
    @classmethod
    def _known_territories(cls, values: list[str]) -> list[str]:
        unknown = [v for v in values if resolve_zone(v) is None]
        if unknown:
            raise ValueError(f"territoires inconnus : {', '.join(unknown)}")
        return values


class Programme(BaseModel):
    # Other tables (phases, series…) belong to the calendar and are read by it.
    model_config = ConfigDict(extra="allow")

    club: ClubSection

    @property
    def zones(self) -> list[str]:
        """The distinct time zones of the covered territories, Paris first."""
        zones: list[str] = []
        for name in self.club.territories:
            zone = resolve_zone(name)
            if zone and zone not in zones:
                zones.append(zone)
        return zones


def load_programme(path: Path | str | None = None) -> Programme:
    path = Path(path) if path else DEFAULT_PROGRAMME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProgrammeError(f"{path} : fichier introuvable") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProgrammeError(f"{path} : TOML invalide ({exc})") from exc
    try:
        return Programme.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])} : {error['msg']}" for error in exc.errors()
        )
        raise ProgrammeError(f"{path} : {problems}") from exc
