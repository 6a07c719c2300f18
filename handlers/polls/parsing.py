"""Reading `/club sondage "Question" "A" "B" --jm --fin jeudi 18h`: quoted texts, flags, the closing date,
and checking them, so that a poll is only opened from a request that makes sense."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from handlers.calendar.dates import parse_when
from handlers.core import UserError
from handlers.polls.votes import MAX_OPTIONS
from handlers.text import user_text

MAX_TEXT = 300
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
FLAGS = {
    "--jm": "jm", "--mj": "jm", "--unique": "single", "--single": "single", "--dates": "dates",
    "--anonyme": "anonymous", "--anonymous": "anonymous", "--par-institution": "by_institution",
    "--by-institution": "by_institution", "--masquer": "hide", "--hidden": "hide", "--ouvert": "open",
    "--open": "open", "--fin": "end", "--end": "end",
}


@dataclass
class PollSpec:
    texts: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    end: str = ""


@dataclass(frozen=True)
class PollRequest:
    """A checked `sondage` command: what `open_poll` needs."""

    question: str
    labels: list[str]
    kind: str  # approval | single | jm | dates
    closes_at: datetime | None
    starts: list[datetime] | None  # date polls: the instant each option proposes
    flags: frozenset[str]


def parse_spec(args: str) -> PollSpec:
    """`"Question" "A" "B" --jm --fin jeudi 18h`: quoted texts, flags, and the words after --fin."""
    spec = PollSpec()
    in_end = False
    for quoted, bare in _TOKEN.findall(args.translate(_QUOTES)):
        if bare and bare.lower() in FLAGS:
            flag = FLAGS[bare.lower()]
            in_end = flag == "end"
            spec.flags.add(flag)
        elif bare and bare.startswith("--"):
            raise UserError("Option inconnue : « {option} ». Options possibles : --jm, --unique, --dates, "
                            "--anonyme, --par-institution, --masquer, --ouvert, --fin <date>.",
                            option=user_text(bare[:40]))
        elif in_end and (bare or not spec.end):
            spec.end = f"{spec.end} {bare or quoted}".strip()
            in_end = bool(bare)
        elif bare:
            raise UserError("Mettez la question et chaque option entre guillemets, par exemple : "
                            "`/club sondage \"Quel thème ?\" \"Eau\" \"Mobilités\"`.")
        else:
            spec.texts.append(" ".join(quoted.split()))
    return spec


def _kind(flags: set[str]) -> str:
    kinds = flags & {"jm", "single", "dates"}
    if len(kinds) > 1:
        raise UserError("Choisissez un seul type de sondage parmi --jm, --unique et --dates.")
    return kinds.pop() if kinds else "approval"


def read_request(args: str, tz: str, now: datetime) -> PollRequest:
    """The poll `args` asks for, its dates read in the asker's zone `tz`; a UserError says what is wrong."""
    spec = parse_spec(args)
    kind = _kind(spec.flags)
    if len(spec.texts) < 3:
        raise UserError("Il faut une question et au moins deux options, chacune entre guillemets : "
                        "`/club sondage \"Quel thème ?\" \"Eau\" \"Mobilités\"`.")
    question, labels = spec.texts[0], spec.texts[1:]
    if len(labels) > MAX_OPTIONS:
        raise UserError("Au plus {max} options par sondage (vous en avez écrit {n}).", max=MAX_OPTIONS,
                        n=len(labels))
    if any(not text or len(text) > MAX_TEXT for text in spec.texts):
        raise UserError("La question et chaque option doivent faire entre 1 et {max} caractères.", max=MAX_TEXT)
    if len({label.casefold() for label in labels}) < len(labels):
        raise UserError("Deux options sont identiques : chaque option doit être différente.")
    if "end" in spec.flags and not spec.end:
        raise UserError("Après --fin, indiquez une date, par exemple `--fin vendredi 18h`.")
    closes_at = parse_when(spec.end, tz, now) if spec.end else None
    starts = [parse_when(label, tz, now) for label in labels] if kind == "dates" else None
    return PollRequest(question, labels, kind, closes_at, starts, frozenset(spec.flags))
