"""The parts of a programme file that sister formats use (all optional, the Club's own file has none):

- `[[series]]` may carry `slots` (the timed slots of a one-day programme), an `agenda` (items proposed for
  each meeting's ordre du jour) and `per_territory` (one individual session per territory of the cohort);
- `[[roles]]`: roles people hold in the format (president, general secretariat…);
- `[collective]`: member organisations of a steering committee and a rotating presidency;
- `[cohort]`: the territories of a peer programme, each represented by a binôme;
- `[seminar]`: the registration code, the organisers' contacts and the parallel workshops of each phase.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_HOUR = re.compile(r"(\d{1,2})\s*[h:]\s*(\d{2})?")
_DURATION = re.compile(r"^(?:(\d{1,2})\s*h)?\s*(?:(\d{1,3})\s*(?:min|mn)?)?$")


def parse_hour(value: Any) -> Any:
    """"14:00", "9h", "9h15" -> time; anything else is left for pydantic to refuse."""
    if isinstance(value, str):
        match = _HOUR.fullmatch(value.strip().lower())
        if match is None or int(match.group(1)) > 23:
            raise ValueError(f"heure illisible {value!r} ; exemple : \"14:00\"")
        return time(int(match.group(1)), int(match.group(2) or 0))
    return value


def parse_minutes(value: Any, low: int = 15, high: int = 12 * 60) -> Any:
    """"2h", "1h30", "90 min" or a number -> minutes, between `low` and `high`."""
    if isinstance(value, str):
        match = _DURATION.match(value.strip().lower())
        if not value.strip() or match is None:
            raise ValueError(f"durée illisible {value!r} ; exemples : \"2h\", \"1h30\", \"90 min\"")
        value = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    if isinstance(value, int) and not low <= value <= high:
        raise ValueError(f"durée entre {low} minutes et {high // 60} heures")
    return value


def minutes_of(moment: time) -> int:
    return moment.hour * 60 + moment.minute


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Slot(_Strict):
    """A timed slot of a one-day programme: "10:45"–"12:15" Ateliers, phase 1."""

    start: time
    end: time | None = None
    title: str = Field(min_length=1, max_length=200)
    detail: str = ""
    workshops: int | None = None  # the workshop phase held in this slot

    @field_validator("start", "end", mode="before")
    @classmethod
    def _hours(cls, value: Any) -> Any:
        return parse_hour(value)

    @model_validator(mode="after")
    def _ordered(self) -> Slot:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"créneau « {self.title} » : la fin ({self.end:%H:%M}) doit suivre le début "
                             f"({self.start:%H:%M})")
        return self


class AgendaEntry(_Strict):
    title: str = Field(min_length=1, max_length=300)
    duration: int | None = None

    @field_validator("duration", mode="before")
    @classmethod
    def _minutes(cls, value: Any) -> Any:
        return parse_minutes(value, 1)


class RoleDef(_Strict):
    """A role of the format: `organiser = true` lets its holders order and lock agendas."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]{0,31}$")
    name: str = Field(min_length=1, max_length=100)
    organiser: bool = False
    summary: str = ""


class Term(_Strict):
    """A past or current presidency: who held it, and from when."""

    holder: str = Field(min_length=1, max_length=200)
    since: date | None = None


class Presidency(_Strict):
    """A presidency that passes to the next organisation in `order` at each step (`steps`, dates)."""

    history: list[Term] = []
    order: list[str] = []  # the organisations in turn; default: the committee's order
    steps: list[date] = []
    zone: str = "Europe/Paris"

    @field_validator("steps")
    @classmethod
    def _sorted(cls, values: list[date]) -> list[date]:
        return sorted(set(values))


class Collective(_Strict):
    committee: str = "Comité de pilotage"
    organisations: list[str] = Field(min_length=2)
    presidency: Presidency = Presidency()

    @model_validator(mode="after")
    def _known_order(self) -> Collective:
        unknown = [o for o in self.presidency.order if o not in self.organisations]
        if unknown:
            raise ValueError(f"presidency.order : organisations absentes de `organisations` : {', '.join(unknown)}")
        return self

    @property
    def rotation(self) -> list[str]:
        return self.presidency.order or self.organisations


class Cohort(_Strict):
    """The territories of a peer programme; each is represented by `binome` people."""

    name: str = "Cohorte"
    territories: list[str] = Field(min_length=1)
    binome: int = Field(default=2, ge=1, le=10)
    committee: str = ""

    @field_validator("territories")
    @classmethod
    def _distinct(cls, values: list[str]) -> list[str]:
        twice = sorted({v for v in values if values.count(v) > 1})
        if twice:
            raise ValueError(f"territoires en double : {', '.join(twice)}")
        return values


class Workshop(_Strict):
    key: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9\-]{0,15}$")
    phase: int = Field(ge=1, le=9)
    title: str = Field(min_length=1, max_length=200)
    capacity: int = Field(ge=1, le=10000)
    room: str = ""
    host: str = ""


class Contact(_Strict):
    name: str = Field(min_length=1, max_length=200)
    role: str = ""
    email: str = Field(default="", pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Seminar(_Strict):
    series: str  # the key of the day's series
    registration_code: str = ""
    contacts: list[Contact] = []
    workshops: list[Workshop] = []

    @model_validator(mode="after")
    def _unique_workshops(self) -> Seminar:
        keys = [(w.phase, w.key.upper()) for w in self.workshops]
        twice = sorted({f"phase {p} {k}" for p, k in keys if keys.count((p, k)) > 1})
        if twice:
            raise ValueError(f"ateliers en double : {', '.join(twice)}")
        return self

    @property
    def phases(self) -> list[int]:
        return sorted({w.phase for w in self.workshops})

    def workshop(self, phase: int, key: str) -> Workshop | None:
        return next((w for w in self.workshops if w.phase == phase and w.key.upper() == key.upper()), None)
