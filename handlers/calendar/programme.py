"""The Club's programme file (TOML): who the Club is, which territories it covers, its year.

`CLUB_CONFIG` points at it; `config/club-des-territoires.toml` is the charter's own. Besides `[club]`,
the file lists the year's phases (`[[phases]]`) and the series of events the calendar is generated
from (`[[series]]`): kind, duration, cadence, allowed weekdays, a fixed hour in a named zone, place,
audience. Mistakes are reported with the file, the key and, for TOML syntax, the line.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from handlers.calendar.programme_fields import Months, Zone, twice
from handlers.calendar.programme_schema import Cohort, Collective, Retention, RoleDef, Seminar
from handlers.calendar.programme_series import ONLINE, Series
from handlers.territories import resolve_zone

DEFAULT_PROGRAMME = Path(__file__).resolve().parents[2] / "config" / "club-des-territoires.toml"

__all__ = ["DEFAULT_PROGRAMME", "ClubSection", "Cohort", "Phase", "Programme", "ProgrammeError", "Series",
           "load_programme"]


def _known_territories(values: list[str]) -> list[str]:
    unknown = [v for v in values if resolve_zone(v) is None]
    if unknown:
        raise ValueError(f"territoires inconnus : {', '.join(unknown)}")
    return values


class ProgrammeError(Exception):
    """The programme file cannot be used; the message names the file and the key at fault."""


class ClubSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str
    name: str
    timezone: Zone = "Europe/Paris"
    territories: Annotated[list[str], AfterValidator(_known_territories)] = ["Paris"]


class Phase(BaseModel):
    """A stretch of the year ("Groupes de travail", March to October), shown in the calendar."""

    model_config = ConfigDict(extra="forbid")

    name: str
    months: Months = []
    start: date | None = None  # a phase with dates (a programme over two years) instead of months
    end: date | None = None
    place: str = ONLINE
    summary: str = ""

    @model_validator(mode="after")
    def _months_or_dates(self) -> Phase:
        if (self.start is None) != (self.end is None):
            raise ValueError("une phase datée a un début et une fin : `start = 2018-05-01`, `end = 2018-11-30`")
        if self.start and self.end:
            if self.end < self.start:
                raise ValueError(f"la fin ({self.end}) précède le début ({self.start})")
            if not self.months:
                self.months = sorted({(self.start.month + i - 1) % 12 + 1 for i in range(
                    (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1)})
        if not self.months:
            raise ValueError("donnez les mois (`months = [3, 4]`) ou les dates (`start`, `end`) de la phase")
        return self

    def starts_in(self, year: int, month: int) -> bool:
        """Whether the calendar of `year` shows the phase opening in `month`."""
        if self.start:
            return (self.start.year, self.start.month) == (year, month)
        return self.months[0] == month


class Programme(BaseModel):
    # Other capabilities may read further tables of the same file.
    model_config = ConfigDict(extra="allow")

    club: ClubSection
    phases: list[Phase] = []
    series: list[Series] = []
    roles: list[RoleDef] = []
    collective: Collective | None = None
    cohort: Cohort | None = None
    seminar: Seminar | None = None
    retention: Retention = Retention()

    @field_validator("series")
    @classmethod
    def _unique_keys(cls, values: list[Series]) -> list[Series]:
        found = twice(s.key for s in values)
        if found:
            raise ValueError(f"clés de série en double : {', '.join(found)}")
        return values

    @model_validator(mode="after")
    def _references(self) -> Programme:
        if self.seminar:
            day = self.series_by_key(self.seminar.series)
            if day is None:
                raise ValueError(f"seminar.series : aucune série de clé {self.seminar.series!r}")
            held = {s.workshops for s in day.slots if s.workshops}
            missing = [p for p in self.seminar.phases if p not in held]
            if missing:
                raise ValueError(f"seminar.workshops : aucun créneau de la série {day.key!r} pour la phase "
                                 f"{missing[0]} (ajoutez `workshops = {missing[0]}` à un créneau)")
        if any(s.per_territory for s in self.series) and self.cohort is None:
            raise ValueError("une série `per_territory` demande une table [cohort] avec ses territoires")
        found = twice(r.key for r in self.roles)
        if found:
            raise ValueError(f"rôles en double : {', '.join(found)}")
        return self

    def role(self, key: str) -> RoleDef | None:
        return next((r for r in self.roles if r.key == key), None)

    @property
    def zones(self) -> list[str]:
        """The distinct time zones of the covered territories, Paris first."""
        zones: list[str] = []
        for name in self.club.territories:
            zone = resolve_zone(name)
            if zone and zone not in zones:
                zones.append(zone)
        return zones

    def series_by_key(self, key: str | None) -> Series | None:
        return next((s for s in self.series if s.key == key), None)

    def phases_of(self, month: int) -> list[Phase]:
        return [p for p in self.phases if month in p.months]


def _where(data: dict, loc: tuple) -> str:
    """`series.2.weekdays` -> `[[series]] n°3 (rex) → weekdays`: the key as people find it in the file."""
    parts: list[str] = []
    node: Any = data
    for i, step in enumerate(loc):
        if isinstance(step, int) and isinstance(node, list) and i > 0:
            label = f"[[{loc[i - 1]}]] n°{step + 1}"
            item = node[step] if step < len(node) else None
            if isinstance(item, dict) and (item.get("key") or item.get("name")):
                label += f" ({item.get('key') or item.get('name')})"
            parts[-1] = label
            node = item
            continue
        parts.append(str(step))
        node = node.get(step) if isinstance(node, dict) else None
    return " → ".join(parts)


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
            f"{_where(data, tuple(error['loc']))} : {error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        )
        raise ProgrammeError(f"{path} : {problems}") from exc
