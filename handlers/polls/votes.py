"""Votes of polls and proposals: recording them safely under concurrency, reading the platform's
reactions back as voters, and tallying them.

A row is one live reaction or button choice, keyed by (target, voter, value) with a unique
constraint: adding is INSERT … ON CONFLICT DO NOTHING, removing is a DELETE, so duplicated,
reordered or concurrent events of different people never lose or double a vote. Where only one
choice may count (single choice; one grade per option), the latest live row wins at tally time,
which is also what the platform shows once someone removes their newer reaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from math import lcm
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, case, delete, func, literal, select
from sqlalchemy.orm import Session

from handlers.i18n import N_
from handlers.members.lookup import ensure_member
from storage.db import insert_for
from storage.models import Member, Role
from storage.polls import Poll, PollOption, Vote

if TYPE_CHECKING:
    from handlers.context import Context

OPTION = "poll_option"
APPROVE = "+1"
VOTE_ACTION = "poll.vote"  # the buttons of anonymous polls and of the home tab: "<option id>:<emoji>"
NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "keycap_ten")
GRADES = (  # best first; the emoji work on Slack and Mattermost alike
    ("heart_eyes", N_("Très bien")),
    ("smile", N_("Bien")),
    ("slightly_smiling_face", N_("Assez bien")),
    ("neutral_face", N_("Passable")),
    ("disappointed", N_("Insuffisant")),
    ("no_entry", N_("À rejeter")),
)
GRADE_INDEX = {emoji: index for index, (emoji, _label) in enumerate(GRADES)}
REJECT = len(GRADES) - 1  # majority judgment: an option someone left ungraded counts "À rejeter"
ALIASES = {"thumbsup": APPROVE, "\N{THUMBS UP SIGN}": APPROVE, "keycap_10": "keycap_ten"}
MAX_OPTIONS = len(NUMBERS)


def normalise_emoji(name: str) -> str:
    """':+1::skin-tone-3:' and 'thumbsup' are both '+1', whatever the platform sent."""
    name = name.split("::skin-tone-")[0].strip(":")
    return ALIASES.get(name, name)


def option_values(poll: Poll | Any, option: PollOption | Any) -> tuple[str, ...]:
    """The emoji that vote on this option; any other reaction is ignored."""
    if poll.kind == "jm":
        return tuple(GRADE_INDEX)
    if poll.kind == "single":
        return (NUMBERS[option.position - 1],)
    return (APPROVE,)


def may_vote(member: Member, poll: Poll | Any | None) -> bool:
    """Members vote; everyone in the channel too when the poll is open to all (`poll` None: a proposal)."""
    return (poll is not None and not poll.members_only) or member.role_enum.at_least(Role.MEMBRE)


def merged_reactions(reactions: dict[str, set[str]]) -> dict[str, set[str]]:
    """The platform's {emoji: user ids} with the spellings of one emoji ('thumbsup', skin tones) merged."""
    merged: dict[str, set[str]] = {}
    for emoji, users in reactions.items():
        merged.setdefault(normalise_emoji(emoji), set()).update(users)
    return merged


def reaction_voters(ctx: Context, poll: Poll | None, user_ids: set[str]) -> list[Member]:
    """The people behind a recount's reactions who may vote (`poll` None: a proposal); the bot's own
    inviting reactions never count, and someone first met in a reaction becomes a member record."""
    members = []
    for user_id in sorted(user_ids):
        if ctx.settings.is_bot(ctx.platform, user_id):
            continue
        member = ensure_member(ctx.session, ctx.club, ctx.settings, ctx.platform, user_id, user_id)
        if may_vote(member, poll):
            members.append(member)
    return members


def add_vote(session: Session, target_kind: str, target_id: int, voter_id: int, value: str,
             poll_id: int | None = None) -> bool:
    """True when the vote is new; a duplicate (retry, recount, concurrent twin) changes nothing."""
    dialect = session.get_bind().dialect.name
    statement = _ADD_VOTE.get(dialect)
    if statement is None:  # built once per dialect: votes come in bursts
        statement = _ADD_VOTE[dialect] = insert_for(session)(Vote).values(
            {column: bindparam(column) for column in ("poll_id", "target_kind", "target_id", "voter_id", "value",
                                                      "created_at")}).on_conflict_do_nothing().returning(Vote.id)
    inserted = session.scalar(statement, {"poll_id": poll_id, "target_kind": target_kind, "target_id": target_id,
                                          "voter_id": voter_id, "value": value, "created_at": datetime.now(UTC)})
    return inserted is not None


_ADD_VOTE: dict[str, Any] = {}


def remove_vote(session: Session, target_kind: str, target_id: int, voter_id: int, value: str) -> bool:
    result = session.execute(delete(Vote).where(
        Vote.target_kind == target_kind, Vote.target_id == target_id, Vote.voter_id == voter_id,
        Vote.value == value))
    return bool(result.rowcount)


def replace_votes(session: Session, target_kind: str, target_id: int, platform: str,
                  wanted: set[tuple[int, str]], poll_id: int | None = None) -> tuple[int, int]:
    """Make the target's votes from `platform` exactly `wanted` {(voter id, value)}: (added, removed).
    Votes still there keep their row (and their order); votes from other platforms are untouched."""
    rows = session.execute(select(Vote.id, Vote.voter_id, Vote.value).join(Member, Member.id == Vote.voter_id)
                           .where(Vote.target_kind == target_kind, Vote.target_id == target_id,
                                  Member.platform == platform)).all()
    current = {(voter, value): row_id for row_id, voter, value in rows}
    stale = [row_id for key, row_id in current.items() if key not in wanted]
    if stale:
        session.execute(delete(Vote).where(Vote.id.in_(stale)))
    added = sum(add_vote(session, target_kind, target_id, voter, value, poll_id)
                for voter, value in sorted(wanted - set(current)))
    return added, len(stale)


def voter_rows(session: Session, poll_id: int, voter_id: int) -> list[tuple[int, str]]:
    """(option id, value) of one voter's live votes in a poll, oldest first."""
    return [(target, value) for target, value in session.execute(
        select(Vote.target_id, Vote.value).where(Vote.poll_id == poll_id, Vote.voter_id == voter_id,
                                                 Vote.target_kind == OPTION).order_by(Vote.id))]


def approvals(session: Session, kind: str, object_id: int) -> int:
    """How many people approve (👍) a Club object, e.g. approvals(session, "proposal", 12)."""
    return session.scalar(select(func.count()).select_from(Vote).where(
        Vote.target_kind == kind, Vote.target_id == object_id, Vote.value == APPROVE)) or 0


def non_voters(session: Session, poll_id: int) -> list[Member]:
    """Members who may vote in the poll (on its platform) and have not: whom a reminder is for."""
    poll = session.get(Poll, poll_id)
    if poll is None:
        return []
    voted = select(Vote.voter_id).where(Vote.poll_id == poll_id)
    query = select(Member).where(Member.club_id == poll.club_id, Member.platform == poll.platform,
                                 Member.id.not_in(voted), Member.erased_at.is_(None)).order_by(Member.display_name)
    if poll.members_only:
        query = query.where(Member.role != Role.PARTICIPANT.value)
    return list(session.scalars(query))


@dataclass
class Tally:
    """Scores per option id: `scores` (approval, single, dates) or `grades` (majority judgment)."""

    voters: int = 0
    weighted: bool = False
    unaffiliated: int = 0  # by-institution polls: voters with no institution, each weighing one vote
    scores: dict[int, Fraction] = field(default_factory=dict)
    grades: dict[int, list[Fraction]] = field(default_factory=dict)
    weight_total: Fraction = Fraction(0)


def tally(session: Session, poll: Poll) -> Tally:
    """The poll's result from its live votes, counted in SQL: one row per (option, value, institution).
    Where one choice counts (single choice; one grade per option), the rare voters with several rows
    are found by a grouped query and only their older rows are taken back off the counts. By-institution
    weights apply to those counts, with integer arithmetic on a common denominator."""
    option_ids = [option.id for option in poll.options]
    mine = (Vote.poll_id == poll.id, Vote.target_kind == OPTION)
    institution = (Member.institution_id,) if poll.by_institution else ()

    def grouped(query):
        return query.join(Member, Member.id == Vote.voter_id).group_by(*institution) if institution else query

    sizes, repeated = _voters(session, poll, mine, institution)
    counts: dict[tuple[int, str, int | None], int] = defaultdict(int)
    for *key, count in session.execute(grouped(select(Vote.target_id, Vote.value, *institution, func.count())
                                                .where(*mine).group_by(Vote.target_id, Vote.value))):
        counts[(key[0], key[1], key[2] if institution else None)] += count
    for target, value, inst in _superseded(session, poll, mine, institution) if repeated else ():
        counts[(target, value, inst)] -= 1
    result = Tally(weighted=poll.by_institution, voters=sum(sizes.values()))
    if poll.by_institution:
        result.unaffiliated = sizes.pop(None, 0)
        scale = lcm(*sizes.values()) if sizes else 1
        weights = {inst: scale // size for inst, size in sizes.items()} | {None: scale}
        whole = scale * (len(sizes) + result.unaffiliated)
    else:
        scale, weights, whole = 1, {None: 1}, result.voters
    totals: dict[tuple[int, str], int] = defaultdict(int)
    graded: dict[int, int] = defaultdict(int)
    for (target, value, inst), count in counts.items():
        totals[(target, value)] += count * weights[inst]
        graded[target] += count * weights[inst]
    result.weight_total = Fraction(whole, scale)
    if poll.kind == "jm":
        for option_id in option_ids:
            grades = [totals.get((option_id, emoji), 0) for emoji in GRADE_INDEX]
            grades[REJECT] += whole - graded[option_id]  # voters who left this option ungraded
            result.grades[option_id] = [Fraction(count, scale) for count in grades]
    else:
        result.scores = {option_id: Fraction(graded[option_id], scale) for option_id in option_ids}
    return result


def _voters(session: Session, poll: Poll, mine: tuple, institution: tuple) -> tuple[dict[int | None, int], bool]:
    """({institution or None: voters}, whether someone has rows that no longer count), in one grouped scan."""
    key = (Vote.voter_id,) if poll.kind == "single" else (Vote.voter_id, Vote.target_id)
    groups = select(*key, *institution, func.count().label("n")).where(*mine).group_by(*key, *institution)
    if institution:
        groups = groups.join(Member, Member.id == Vote.voter_id)
    groups = groups.subquery()
    extra = [groups.c.institution_id] if institution else []
    repeated = func.sum(case((groups.c.n > 1, 1), else_=0)) if poll.kind in ("single", "jm") else literal(0)
    sizes, again = {}, False
    for *inst, voters, more in session.execute(select(*extra, func.count(func.distinct(groups.c.voter_id)),
                                                      repeated).group_by(*extra)):
        if voters:
            sizes[inst[0] if inst else None] = voters
        again = again or bool(more)
    return sizes, again


def _superseded(session: Session, poll: Poll, mine: tuple, institution: tuple) -> list[tuple[int, str, int | None]]:
    """(option, value, institution) of the rows that no longer count: where only one choice counts (per
    voter for single choice, per voter and option for majority judgment), every row but the latest."""
    if poll.kind not in ("single", "jm"):
        return []
    key = (Vote.voter_id,) if poll.kind == "single" else (Vote.voter_id, Vote.target_id)
    repeated = {tuple(row) for row in session.execute(select(*key).where(*mine).group_by(*key)
                                                       .having(func.count() > 1))}
    if not repeated:
        return []
    query = select(Vote.id, Vote.voter_id, Vote.target_id, Vote.value, *institution).where(
        *mine, Vote.voter_id.in_({group[0] for group in repeated})).order_by(Vote.id.desc())
    if institution:
        query = query.join(Member, Member.id == Vote.voter_id)
    latest_seen: set[tuple] = set()
    out = []
    for _id, voter, target, value, *inst in session.execute(query):
        group = (voter,) if poll.kind == "single" else (voter, target)
        if group not in repeated:
            continue
        if group in latest_seen:
            out.append((target, value, inst[0] if inst else None))
        latest_seen.add(group)
    return out
