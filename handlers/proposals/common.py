"""What the proposal verbs share: the call's window, looking proposals up, checking and showing them.

Messages posted in the Club channel are written in French, the Club's language, whoever triggers
them: an edit by an English reader must not turn a shared message into English.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.context import Context
from handlers.core import Anchor, Reply, UserError, Visibility
from handlers.i18n import DEFAULT_LANG, Translator, format_datetime
from handlers.text import fold, parse_number, user_text
from storage.proposals import CallStatus, Proposal, ProposalCall, ProposalStatus

log = logging.getLogger(__name__)

MAX_TITLE = 150
MAX_DESCRIPTION = 3000
MAX_CARRIER = 200
VOTE_REACTION = "+1"
KIND = "proposal"
DUPLICATE_SCORE = 80
DAY = "EEEE d MMMM y"
DAY_TIME = "EEEE d MMMM y 'à' HH:mm"
_STOPWORDS = frozenset("a au aux d de des du en et l la le les par pour sur un une dans avec".split())


def club_translator() -> Translator:
    """Messages of the Club channel are read by everyone: in the Club's language."""
    return Translator(DEFAULT_LANG)


def club_tz(ctx: Context) -> str:
    return ctx.settings.programme.club.timezone


# -- the call's window -------------------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    year: int
    start: datetime  # UTC, first instant of the call
    end: datetime  # UTC, first instant after the call


def _setting(section: object, *names: str) -> object:
    for name in names:
        value = section.get(name) if isinstance(section, dict) else getattr(section, name, None)
        if value is not None:
            return value
    return None


def _month_day(value: object) -> tuple[int, int] | None:
    """'01-15', '--01-15', '2027-01-15' or a date -> (1, 15)."""
    if isinstance(value, date):
        return value.month, value.day
    match = re.fullmatch(r"(?:\d{4}-|--)?(\d{1,2})-(\d{1,2})", str(value).strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def window_days(programme: object) -> tuple[tuple[int, int], tuple[int, int]]:
    """The call's first and last (month, day) from the programme's optional `call` table; January
    when the table is missing or unreadable (the charter's January call)."""
    default = ((1, 1), (1, 31))
    section = getattr(programme, "call", None)
    if section is None and isinstance(getattr(programme, "model_extra", None), dict):
        section = programme.model_extra.get("call")
    if section is None:
        return default
    try:
        start = _month_day(_setting(section, "opens", "start", "from") or "")
        end = _month_day(_setting(section, "closes", "end", "until") or "")
        month = _setting(section, "month")
        if (start is None or end is None) and month is not None:
            month = int(month)
            last = ((date(2001, month + 1, 1) if month < 12 else date(2002, 1, 1)) - timedelta(days=1)).day
            start, end = (month, 1), (month, last)
        if start is None or end is None:
            raise ValueError("no dates")
        date(2000, *start), date(2000, *end)  # leap year: validates 02-29 too
        return start, end
    except (TypeError, ValueError):
        log.warning("programme: unreadable [call] table %r; the call defaults to January", section)
        return default


def default_window(programme: object, year: int, tz: str) -> Window:
    """The programme's window for the call whose themes are `year`'s (it may start the year before)."""
    (sm, sd), (em, ed) = window_days(programme)
    start_year = year - 1 if (sm, sd) > (em, ed) else year
    zone = ZoneInfo(tz)
    start = datetime.combine(_safe_date(start_year, sm, sd), time(), zone)
    end = datetime.combine(_safe_date(year, em, ed) + timedelta(days=1), time(), zone)
    return Window(year, start.astimezone(UTC), end.astimezone(UTC))


def _safe_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:  # 29 February of a common year
        return date(year, month, day - 1)


def call_year(moment: datetime, tz: str) -> int:
    return (moment - timedelta(seconds=1)).astimezone(ZoneInfo(tz)).year


def next_default_window(session: Session, ctx: Context) -> Window:
    """The programme's next window still to come, skipping years whose call is already over."""
    tz = club_tz(ctx)
    local_year = ctx.now.astimezone(ZoneInfo(tz)).year
    done = set(session.scalars(select(ProposalCall.year).where(
        ProposalCall.club_id == ctx.club.id,
        (ProposalCall.status == CallStatus.CLOSED.value) | (ProposalCall.closes_at <= ctx.now))))
    for year in range(local_year, local_year + 3):
        window = default_window(ctx.settings.programme, year, tz)
        if window.end > ctx.now and year not in done:
            return window
    return default_window(ctx.settings.programme, local_year + 3, tz)


def deadline_text(moment: datetime, tz: str, lang: str) -> str:
    """A deadline as people read it: an end of day (midnight) shows as '31 janvier … à 23:59'."""
    local = moment.astimezone(ZoneInfo(tz))
    if (local.hour, local.minute) == (0, 0):
        moment -= timedelta(minutes=1)
    return format_datetime(moment, tz, lang, DAY_TIME)


def latest_call(session: Session, club_id: int) -> ProposalCall | None:
    return session.scalar(select(ProposalCall).where(ProposalCall.club_id == club_id)
                          .order_by(ProposalCall.year.desc()).limit(1))


def require_open_call(ctx: Context) -> ProposalCall:
    """The call open now, or a UserError giving the dates of the next one."""
    call = latest_call(ctx.session, ctx.club.id)
    if call is not None and call.is_open(ctx.now):
        return call
    window = next_default_window(ctx.session, ctx)
    first = format_datetime(window.start, club_tz(ctx), ctx.lang, DAY)
    last = format_datetime(window.end - timedelta(minutes=1), club_tz(ctx), ctx.lang, DAY)
    if call is not None:
        ended = (format_datetime(call.closed_at, ctx.tz, ctx.lang, DAY_TIME) if call.closed_at
                 else deadline_text(call.closes_at, ctx.tz, ctx.lang))
        raise UserError("L'appel à contribution {annee} est clos depuis le {date}. Le prochain est prévu du "
                        "{debut} au {fin}.", annee=call.year, date=ended, debut=first, fin=last)
    raise UserError("L'appel à contribution n'est pas ouvert. Il est prévu du {debut} au {fin} ; "
                    "l'équipe d'animation l'annoncera dans le canal du Club.", debut=first, fin=last)


# -- reading what people type ------------------------------------------------------------------
# Control characters are gone already: what a member sends is cleaned once, in `handlers.core`.
def clean_line(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def clean_block(text: str) -> str:
    """A description keeps its line breaks, loses surrounding blanks."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    return unicodedata.normalize("NFC", "\n".join(lines)).strip()


def check_texts(title: str, description: str) -> None:
    if not title:
        raise UserError("Le titre est vide. Écrivez : `/club propose <titre> — <description>`, par exemple "
                        "`/club propose Accueil des publics vulnérables — partager nos pratiques`.")
    if len(title) > MAX_TITLE:
        raise UserError("Titre trop long ({n} caractères, {max} au plus). Raccourcissez-le et mettez les "
                        "détails dans la description, après un tiret long « — ».", n=len(title), max=MAX_TITLE)
    if len(description) > MAX_DESCRIPTION:
        raise UserError("Description trop longue ({n} caractères, {max} au plus). Résumez-la ; les détails "
                        "pourront être partagés à la rencontre.", n=len(description), max=MAX_DESCRIPTION)


def carrier_of(ctx: Context, text: str) -> tuple[str | None, str | None]:
    """(name, platform user id) of who carries the theme in February; (None, None) for the author."""
    text = clean_line(text)
    if not text:
        return None, None
    mention = re.fullmatch(r"<@([A-Za-z0-9._\-]+)(?:\|[^>]*)?>", text)
    if mention:
        user_id = mention.group(1)
        if user_id == ctx.member.platform_user_id:
            return None, None
        return clean_line(ctx.mentions.get(user_id, user_id))[:MAX_CARRIER], user_id
    if len(text) > MAX_CARRIER:
        raise UserError("Nom du porteur ou de la porteuse trop long ({n} caractères, {max} au plus).",
                        n=len(text), max=MAX_CARRIER)
    return text, None


def proposal_by_number(ctx: Context, token: str, example: str) -> Proposal:
    number = parse_number(token or "")
    if number is None:
        raise UserError("Indiquez le numéro de la proposition, par exemple `{exemple}`. "
                        "`/club propositions` donne la liste.", exemple=example)
    found = ctx.session.scalar(select(Proposal).where(Proposal.club_id == ctx.club.id, Proposal.number == number))
    if found is None:
        raise UserError("Aucune proposition #{n}. `/club propositions` donne la liste et les numéros.", n=number)
    return found


@lru_cache(maxsize=4096)  # every proposal is compared with each new title: fold each title once
def _words(title: str) -> str:
    return " ".join(w for w in re.split(r"\W+", fold(title)) if w and w not in _STOPWORDS)


def similarity(a: str, b: str) -> float:
    """How close two titles are, ignoring case, accents, word order and small words."""
    a, b = _words(a), _words(b)
    if not a or not b:
        return 0.0
    score = fuzz.token_sort_ratio(a, b)
    if min(len(a.split()), len(b.split())) >= 2:  # one title contained in the other
        score = max(score, fuzz.token_set_ratio(a, b))
    return score


def close_proposals(session: Session, call: ProposalCall, title: str, exclude: int | None = None) -> list[Proposal]:
    """The (at most 3) live proposals of the call whose titles are close to `title`, closest first."""
    candidates = session.execute(select(Proposal.id, Proposal.number, Proposal.title).where(
        Proposal.call_id == call.id, Proposal.id != (exclude or 0),
        Proposal.status.in_([ProposalStatus.PROPOSED.value, ProposalStatus.RETAINED.value]))).all()
    scored = sorted(((similarity(title, t), n, i) for i, n, t in candidates), key=lambda s: (-s[0], s[1]))
    return [session.get(Proposal, i) for score, _n, i in scored[:3] if score >= DUPLICATE_SCORE]


# -- showing proposals -------------------------------------------------------------------------
def by_line(proposal: Proposal) -> str:
    """'Léa (DREETS Martinique)', already safe to repeat."""
    name = user_text(proposal.author.display_name)
    if proposal.institution is not None:
        return f"{name} ({user_text(proposal.institution.name)})"
    return name


def render(proposal: Proposal, tz: str) -> str:
    """The proposal's message in the Club channel, in every state of its life."""
    _ = club_translator()
    title = user_text(proposal.title)
    lines = [f"**#{proposal.number} · {title}**"]
    status = proposal.status
    if status == ProposalStatus.WITHDRAWN.value:
        lines[0] += " — " + _("_retirée le {date}_", date=format_datetime(proposal.withdrawn_at, tz, "fr", DAY))
    elif status == ProposalStatus.RETAINED.value:
        lines[0] += " — " + _("✅ **retenue** le {date}", date=format_datetime(proposal.decided_at, tz, "fr", DAY))
    elif status == ProposalStatus.NOT_RETAINED.value:
        lines[0] += " — " + _("non retenue ({date})", date=format_datetime(proposal.decided_at, tz, "fr", DAY))
    if proposal.description:
        lines.append(user_text(proposal.description))
    lines.append(_("Proposée par {auteur} · portée à la rencontre de février par {porteur}",
                   auteur=by_line(proposal), porteur=user_text(proposal.carrier)))
    if status == ProposalStatus.PROPOSED.value:
        lines.append(_("Vous soutenez ce thème ? Réagissez 👍 à ce message."))
    elif status == ProposalStatus.WITHDRAWN.value:
        lines.append(_("Cette proposition a été retirée : elle ne sera pas présentée à la rencontre."))
    return "\n".join(lines)


def post(proposal: Proposal, tz: str) -> Reply:
    return Reply(render(proposal, tz), visibility=Visibility.CLUB, anchor=Anchor(KIND, proposal.id),
                 reactions=[VOTE_REACTION])


def refresh(proposal: Proposal, tz: str) -> Reply:
    """Edits the posted message in place: its reactions (the votes) stay."""
    return Reply(render(proposal, tz), visibility=Visibility.CLUB, anchor=Anchor(KIND, proposal.id), update=True)
