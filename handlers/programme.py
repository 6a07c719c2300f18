"""The Club's programme file (TOML): who the Club is, which territories it covers, its year.

`CLUB_CONFIG` points at it; `config/club-des-territoires.toml` is the charter's own. Besides `[club]`,
the file lists the year's phases (`[[phases]]`) and the series of events the calendar is generated
from (`[[series]]`): kind, duration, cadence, allowed weekdays, a fixed hour in a named zone, place,
audience. Mistakes are reported with the file, the key and, for TOML syntax, the line.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from handlers.territories import resolve_zone
from handlers.text import fold

DEFAULT_PROGRAMME = Path(__file__).resolve().parent.parent / "config" / "club-des-territoires.toml"

KINDS = ("rencontre", "groupe", "rex", "seminaire", "comite", "session")
CADENCES = ("unique", "mensuel", "bimestriel", "dates")
AUDIENCES = ("public", "membres", "groupe")
ONLINE = "en ligne"
_WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
             "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_DURATION = re.compile(r"^(?:(\d{1,2})\s*h)?\s*(?:(\d{1,3})\s*(?:min|mn)?)?$")


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
    months: list[int] = Field(min_length=1)
    place: str = ONLINE
    summary: str = ""

    @field_validator("months")
    @classmethod
    def _months(cls, values: list[int]) -> list[int]:
        bad = [m for m in values if not 1 <= m <= 12]
        if bad:
            raise ValueError(f"mois hors de 1..12 : {bad}")
        return sorted(set(values))


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
        if isinstance(value, str):
            match = _DURATION.match(value.strip().lower())
            if not value.strip() or match is None:
                raise ValueError(f"durée illisible {value!r} ; exemples : \"2h\", \"1h30\", \"90 min\"")
            value = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
        if isinstance(value, int) and not 15 <= value <= 12 * 60:
            raise ValueError("durée entre 15 minutes et 12 heures")
        return value

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
        if isinstance(value, str):
            match = re.fullmatch(r"(\d{1,2})\s*[h:]\s*(\d{2})?", value.strip().lower())
            if match is None or int(match.group(1)) > 23:
                raise ValueError(f"heure illisible {value!r} ; exemple : \"14:00\"")
            return time(int(match.group(1)), int(match.group(2) or 0))
        return value

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
            return self
        if not self.months:
            raise ValueError(f"cadence \"{self.cadence}\" : donnez les mois, par exemple `months = [3, 5, 7, 9]`")
        gaps = {b - a for a, b in zip(self.months, self.months[1:], strict=False)}
        expected = {"mensuel": {1}, "bimestriel": {2}, "unique": set()}[self.cadence]
        if self.cadence == "unique" and len(self.months) != 1:
            raise ValueError("cadence \"unique\" : un seul mois, par exemple `months = [7]`")
        if self.cadence != "unique" and gaps - expected:
            raise ValueError(f"cadence \"{self.cadence}\" : les mois {self.months} ne sont pas espacés de "
                             f"{next(iter(expected))} mois")
        return self

    @property
    def online(self) -> bool:
        return fold(self.place) == fold(ONLINE)


class Programme(BaseModel):
    # Other capabilities may read further tables of the same file.
    model_config = ConfigDict(extra="allow")

    club: ClubSection
    phases: list[Phase] = []
    series: list[Series] = []

    @field_validator("series")
    @classmethod
    def _unique_keys(cls, values: list[Series]) -> list[Series]:
        keys = [s.key for s in values]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"clés de série en double : {', '.join(twice)}")
        return values

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
