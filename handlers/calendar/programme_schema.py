"""The parts of a programme file that sister formats use (all optional, the Club's own file has none):

- `[[series]]` may carry `slots` (the timed slots of a one-day programme), an `agenda` (items proposed for
  each meeting's ordre du jour) and `per_territory` (one individual session per territory of the cohort);
- `[[roles]]`: roles people hold in the format (president, general secretariat…);
- `[collective]`: member organisations of a steering committee and a rotating presidency;
- `[cohort]`: the territories of a peer programme, each represented by a binôme;
- `[seminar]`: the registration code, the organisers' contacts and the parallel workshops of each phase;
- `[retention]`: how long personal data is kept (docs/donnees-personnelles.md), for every format.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from handlers.calendar.programme_fields import (
    Hour,
    ItemMinutes,
    OptionalHour,
    RetentionMonths,
    RoleKey,
    WorkshopKey,
    Zone,
    no_twice,
    twice,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Slot(_Strict):
    """A timed slot of a one-day programme: "10:45"–"12:15" Ateliers, phase 1."""

    start: Hour
    end: OptionalHour = None
    title: str = Field(min_length=1, max_length=200)
    detail: str = ""
    workshops: int | None = None  # the workshop phase held in this slot

    @model_validator(mode="after")
    def _ordered(self) -> Slot:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"créneau « {self.title} » : la fin ({self.end:%H:%M}) doit suivre le début "
                             f"({self.start:%H:%M})")
        return self


class AgendaEntry(_Strict):
    title: str = Field(min_length=1, max_length=300)
    duration: ItemMinutes = None


class RoleDef(_Strict):
    """A role of the format: `organiser = true` lets its holders order and lock agendas."""

    key: RoleKey
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
    zone: Zone = "Europe/Paris"

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
    territories: Annotated[list[str], Field(min_length=1), AfterValidator(no_twice("territoires"))]
    binome: int = Field(default=2, ge=1, le=10)
    committee: str = ""


class Workshop(_Strict):
    key: WorkshopKey
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
        found = twice(f"phase {w.phase} {w.key.upper()}" for w in self.workshops)
        if found:
            raise ValueError(f"ateliers en double : {', '.join(found)}")
        return self

    @property
    def phases(self) -> list[int]:
        return sorted({w.phase for w in self.workshops})

    def workshop(self, phase: int, key: str) -> Workshop | None:
        return next((w for w in self.workshops if w.phase == phase and w.key.upper() == key.upper()), None)


class Retention(_Strict):
    """How long personal data is kept, in months ("3 mois", "1 an"): registrations of members and of guests
    after their event, and the reminders and messages the bot sent after they went out."""

    registrations: RetentionMonths = 12
    guests: RetentionMonths = 12
    reminders: RetentionMonths = 3
