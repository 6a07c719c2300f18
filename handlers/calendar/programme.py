"""The Club's programme file (TOML): who the Club is, which territories it covers, its year.

`CLUB_CONFIG` points at it; `config/club-des-territoires.toml` is the charter's own. Besides `[club]`,
the file lists the year's phases (`[[phases]]`) and the series of events the calendar is generated
from (`[[series]]`): kind, duration, cadence, allowed weekdays, a fixed hour in a named zone, place,
audience. Mistakes are reported with the file, the key and, for TOML syntax, the line.
"""

from __future__ import annotations

import tomllib
from datetime import date, time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from handlers.calendar.programme_schema import (
    AgendaEntry,
    Cohort,
    Collective,
    RoleDef,
    Seminar,
    Slot,
    minutes_of,
    parse_hour,
    parse_minutes,
)
from handlers.territories import resolve_zone
from handlers.text import fold

DEFAULT_PROGRAMME = Path(__file__).resolve().parents[2] / "config" / "club-des-territoires.toml"

KINDS = ("rencontre", "groupe", "rex", "seminaire", "comite", "session")
CADENCES = ("unique", "mensuel", "bimestriel", "dates", "mois")  # "mois": the listed months, any gaps
AUDIENCES = ("public", "membres", "groupe")
ONLINE = "en ligne"
_WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
             "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}


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


class Phase(BaseModel):
    """A stretch of the year ("Groupes de travail", March to October), shown in the calendar."""

    model_config = ConfigDict(extra="forbid")

    name: str
    months: list[int] = []
    start: date | None = None  # a phase with dates (a programme over two years) instead of months
    end: date | None = None
    place: str = ONLINE
    summary: str = ""

    @field_validator("months")
    @classmethod
    def _months(cls, values: list[int]) -> list[int]:
        bad = [m for m in values if not 1 <= m <= 12]
        if bad:
            raise ValueError(f"mois hors de 1..12 : {bad}")
        return sorted(set(values))

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


class Series(BaseModel):
    """Events that repeat through the year with the same rules: the calendar is generated from them."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]{0,47}$")
    kind: str
    title: str = Field(min_length=1, max_length=200)
    duration: int  # minutes; written "2h", "1h30", "90 min" or a number of minutes
    cadence: str
    months: list[int] = []
    dates: list[date] = []
    week: int = Field(default=1, ge=1, le=5)  # the week of the month it starts looking from
    weekdays: list[int] = [1, 2, 3]
    time: time
    zone: str = "Europe/Paris"
    place: str = ONLINE
    audience: str = "membres"
    visio: str | None = None  # the members' video link, never in a public feed
    year: int | None = Field(default=None, ge=2000, le=2100)  # a series of one year only
    slots: list[Slot] = []  # the timed slots of a one-day programme
    agenda: list[AgendaEntry] = []  # items proposed for each meeting's ordre du jour
    per_territory: bool = False  # one session per territory of the cohort, `per_day` a day, back to back
    per_day: int = Field(default=4, ge=1, le=24)

    @field_validator("agenda", mode="before")
    @classmethod
    def _agenda_texts(cls, values: Any) -> Any:
        if isinstance(values, list):
            return [{"title": v} if isinstance(v, str) else v for v in values]
        return values

    @field_validator("kind", "cadence", "audience", mode="before")
    @classmethod
    def _folded(cls, value: Any) -> Any:
        return fold(value) if isinstance(value, str) else value

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"genre inconnu {value!r} ; choix : {', '.join(KINDS)}")
        return value

    @field_validator("cadence")
    @classmethod
    def _cadence(cls, value: str) -> str:
        if value not in CADENCES:
            raise ValueError(f"cadence inconnue {value!r} ; choix : {', '.join(CADENCES)}")
        return value

    @field_validator("audience")
    @classmethod
    def _audience(cls, value: str) -> str:
        if value not in AUDIENCES:
            raise ValueError(f"public inconnu {value!r} ; choix : {', '.join(AUDIENCES)}")
        return value

    @field_validator("duration", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_minutes(value)

    @field_validator("weekdays", mode="before")
    @classmethod
    def _weekdays(cls, values: Any) -> Any:
        if not isinstance(values, list) or not values:
            raise ValueError("au moins un jour, par exemple [\"mardi\", \"jeudi\"]")
        out = []
        for value in values:
            day = _WEEKDAYS.get(fold(value)) if isinstance(value, str) else None
            if day is None:
                raise ValueError(f"jour inconnu {value!r} ; écrivez lundi, mardi… dimanche")
            out.append(day)
        return sorted(set(out))

    @field_validator("time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        return parse_hour(value)

    @field_validator("zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        zone = resolve_zone(value)
        if zone is None:
            raise ValueError(f"fuseau inconnu : {value!r}")
        return zone

    @field_validator("months")
    @classmethod
    def _months(cls, values: list[int]) -> list[int]:
        bad = [m for m in values if not 1 <= m <= 12]
        if bad:
            raise ValueError(f"mois hors de 1..12 : {bad}")
        return sorted(set(values))

    @model_validator(mode="after")
    def _cadence_fits(self) -> Series:
        if self.cadence == "dates":
            if not self.dates:
                raise ValueError("cadence \"dates\" : donnez la liste `dates = [2027-03-09, …]`")
            self._slots_fit()
            return self
        if not self.months:
            raise ValueError(f"cadence \"{self.cadence}\" : donnez les mois, par exemple `months = [3, 5, 7, 9]`")
        self._slots_fit()
        if self.cadence == "mois":
            return self
        gaps = {b - a for a, b in zip(self.months, self.months[1:], strict=False)}
        expected = {"mensuel": {1}, "bimestriel": {2}, "unique": set()}[self.cadence]
        if self.cadence == "unique" and len(self.months) != 1:
            raise ValueError("cadence \"unique\" : un seul mois, par exemple `months = [7]`")
        if self.cadence != "unique" and gaps - expected:
            raise ValueError(f"cadence \"{self.cadence}\" : les mois {self.months} ne sont pas espacés de "
                             f"{next(iter(expected))} mois")
        return self

    def _slots_fit(self) -> None:
        """Slots lie within the event, in time order, without overlapping."""
        start, end = minutes_of(self.time), minutes_of(self.time) + self.duration
        previous = None
        for slot in self.slots:
            slot_end = minutes_of(slot.end) if slot.end else minutes_of(slot.start)
            if minutes_of(slot.start) < start or slot_end > end:
                raise ValueError(f"créneau « {slot.title} » ({slot.start:%H:%M}) hors de la journée "
                                 f"({self.time:%H:%M}, {self.duration} min)")
            if previous is not None and minutes_of(slot.start) < previous:
                raise ValueError(f"créneau « {slot.title} » ({slot.start:%H:%M}) : les créneaux se chevauchent "
                                 "ou ne sont pas dans l'ordre")
            previous = slot_end

    def title_of(self, index: int) -> str:
        """The title of the `index`-th occurrence (from 1): "Session collective S{n}" -> "… S2"."""
        return self.title.replace("{n}", str(index))

    @property
    def online(self) -> bool:
        return fold(self.place) == fold(ONLINE)


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

    @field_validator("series")
    @classmethod
    def _unique_keys(cls, values: list[Series]) -> list[Series]:
        keys = [s.key for s in values]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"clés de série en double : {', '.join(twice)}")
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
        keys = [r.key for r in self.roles]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"rôles en double : {', '.join(twice)}")
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
