"""The territories of the Republic the Club covers, and their time zones."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from handlers.text import fold


@dataclass(frozen=True)
class Territory:
    name: str
    tz: str
    aliases: tuple[str, ...] = ()


TERRITORIES: tuple[Territory, ...] = (
    Territory("Paris", "Europe/Paris", ("France", "Métropole", "Hexagone", "France métropolitaine", "Corse")),
    Territory("Guadeloupe", "America/Guadeloupe", ("Pointe-à-Pitre", "Basse-Terre")),
    Territory("Martinique", "America/Martinique", ("Fort-de-France",)),
    Territory("Guyane", "America/Cayenne", ("Cayenne", "Guyane française")),
    Territory("La Réunion", "Indian/Reunion", ("Réunion", "Saint-Denis de La Réunion", "974")),
    Territory("Mayotte", "Indian/Mayotte", ("Mamoudzou", "976")),
    Territory("Saint-Pierre-et-Miquelon", "America/Miquelon", ("Saint-Pierre", "Miquelon", "SPM")),
    Territory("Saint-Martin", "America/Marigot", ("Marigot",)),
    Territory("Saint-Barthélemy", "America/St_Barthelemy", ("Gustavia",)),
    Territory("Nouvelle-Calédonie", "Pacific/Noumea", ("Nouméa", "Caledonie")),
    Territory("Polynésie française", "Pacific/Tahiti", ("Polynésie", "Tahiti", "Papeete")),
    Territory("Wallis-et-Futuna", "Pacific/Wallis", ("Wallis", "Futuna", "Mata-Utu")),
    Territory("Marquises", "Pacific/Marquesas", ("Îles Marquises",)),
    Territory("Terres australes (TAAF)", "Indian/Kerguelen", ("TAAF", "Kerguelen")),
)


@cache
def _index() -> dict[str, Territory]:
    index: dict[str, Territory] = {}
    for territory in TERRITORIES:
        for name in (territory.name, *territory.aliases):
            index[fold(name)] = territory
    return index


@cache
def _iana() -> dict[str, str]:
    return {zone.lower(): zone for zone in available_timezones()}


def by_name(name: str) -> Territory | None:
    return _index().get(fold(name))


def by_zone(tz: str) -> Territory | None:
    return next((t for t in TERRITORIES if t.tz == tz), None)


def resolve_zone(text: str) -> str | None:
    """'Martinique', 'la reunion', 'Nouméa', 'America/Cayenne' -> an IANA zone name, or None."""
    text = text.strip()
    territory = by_name(text)
    if territory:
        return territory.tz
    zone = _iana().get(text.lower().replace(" ", "_"))
    if zone:
        ZoneInfo(zone)  # loadable: available_timezones() lists only zones with data
    return zone


def suggestions(text: str, limit: int = 3) -> list[str]:
    from rapidfuzz import fuzz, process

    names = {t.name for t in TERRITORIES} | {a for t in TERRITORIES for a in t.aliases}
    found = process.extract(text, sorted(names), scorer=fuzz.WRatio, limit=limit, score_cutoff=70)
    return [name for name, _score, _ in found]


def zone_label(tz: str) -> str:
    """A friendly name for a zone: the territory's name when it is one, else the IANA name."""
    territory = by_zone(tz)
    return territory.name if territory else tz
