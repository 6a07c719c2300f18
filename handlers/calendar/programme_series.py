"""A `[[series]]` of the programme file: events that repeat through the year with the same rules (kind,
duration, cadence, allowed weekdays, a fixed hour in a named zone, place, audience); the calendar is
generated from them."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from handlers.calendar.programme_fields import (
    Hour,
    Minutes,
    Months,
    SeriesKey,
    Weekdays,
    Zone,
    minutes_of,
    one_of,
)
from handlers.calendar.programme_schema import AgendaEntry, Slot
from handlers.text import fold

KINDS = ("rencontre", "groupe", "rex", "seminaire", "comite", "session")
CADENCES = ("unique", "mensuel", "bimestriel", "dates", "mois")  # "mois": the listed months, any gaps
AUDIENCES = ("public", "membres", "groupe")
ONLINE = "en ligne"
GAPS = {"mensuel": {1}, "bimestriel": {2}, "unique": set()}  # months between two events of a cadence
Kind = one_of("genre inconnu", KINDS)
Cadence = one_of("cadence inconnue", CADENCES)
Audience = one_of("public inconnu", AUDIENCES)


class Series(BaseModel):
    """One series of events; `plan_year` (generation) turns each into the year's calendar rows."""

    model_config = ConfigDict(extra="forbid")

    key: SeriesKey
    kind: Kind
    title: str = Field(min_length=1, max_length=200)
    duration: Minutes  # written "2h", "1h30", "90 min" or a number of minutes
    cadence: Cadence
    months: Months = []
    dates: list[date] = []
    week: int = Field(default=1, ge=1, le=5)  # the week of the month it starts looking from
    weekdays: Weekdays = [1, 2, 3]
    time: Hour
    zone: Zone = "Europe/Paris"
    place: str = ONLINE
    audience: Audience = "membres"
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

    @model_validator(mode="after")
    def _cadence_fits(self) -> Series:
        if self.cadence == "dates":
            if not self.dates:
                raise ValueError("cadence \"dates\" : donnez la liste `dates = [2027-03-09, …]`")
        elif not self.months:
            raise ValueError(f"cadence \"{self.cadence}\" : donnez les mois, par exemple `months = [3, 5, 7, 9]`")
        self._slots_fit()
        if self.cadence in ("dates", "mois"):
            return self
        if self.cadence == "unique" and len(self.months) != 1:
            raise ValueError("cadence \"unique\" : un seul mois, par exemple `months = [7]`")
        gaps = {b - a for a, b in zip(self.months, self.months[1:], strict=False)}
        if self.cadence != "unique" and gaps - GAPS[self.cadence]:
            raise ValueError(f"cadence \"{self.cadence}\" : les mois {self.months} ne sont pas espacés de "
                             f"{next(iter(GAPS[self.cadence]))} mois")
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
