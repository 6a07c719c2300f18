"""Results of a poll as a text table (a code block, aligned on every platform). Counts only: no names."""

from __future__ import annotations

from fractions import Fraction

from handlers.context import Context
from handlers.i18n import N_, format_datetime
from handlers.polls import majority_judgment as mj
from handlers.polls.votes import GRADES, Tally
from handlers.text import user_text
from storage.polls import Poll, PollOption

LABEL_WIDTH = 32
RANK, OPTION_COLUMN, VOTES, MAJORITY = N_("Rang"), N_("Option"), N_("Voix"), N_("Mention majoritaire")
SHORT = "EEE d MMM HH:mm"


def _number(value: Fraction, weighted: bool, lang: str) -> str:
    if not weighted:
        return str(int(value))
    text = f"{float(value):.2f}"
    return text.replace(".", ",") if lang == "fr" else text


def _percent(part: Fraction, whole: Fraction) -> str:
    return f"{round(100 * part / whole) if whole else 0} %"


def _label(ctx: Context, option: PollOption) -> str:
    text = option.label
    if option.starts_at is not None:
        text = format_datetime(option.starts_at, ctx.tz, ctx.lang, SHORT)
    text = user_text(text.replace("`", "'"))
    return text if len(text) <= LABEL_WIDTH else text[: LABEL_WIDTH - 1] + "…"


def results_text(ctx: Context, poll: Poll, result: Tally, final: bool) -> str:
    _ = ctx._
    state = _("résultats définitifs") if final else _("résultats provisoires")
    lines = [_("**Résultats du sondage #{n}** — {question} ({etat})", n=poll.number,
               question=user_text(poll.question), etat=state)]
    if result.voters == 0:
        lines.append(_("Aucun vote pour l'instant."))
        return "\n".join(lines)
    table = _jm_table(ctx, poll, result) if poll.kind == "jm" else _count_table(ctx, poll, result)
    lines.append("```\n" + "\n".join(table) + "\n```")
    lines.append(_("{n} votant·e(s).", n=result.voters))
    if poll.by_institution:
        lines.append(_("Pondération par institution : chaque institution pèse une voix, partagée entre ses "
                       "membres qui ont voté (total {total}).", total=_number(result.weight_total, True, ctx.lang)))
        if result.unaffiliated:
            lines.append(_("{n} votant·e(s) sans institution déclarée comptent chacun·e pour une voix "
                           "(`/club institution <nom>`).", n=result.unaffiliated))
    if any(option.starts_at for option in poll.options):
        lines.append(_("Heures données dans votre fuseau ({zone}).", zone=ctx.tz))
    return "\n".join(lines)


def _count_table(ctx: Context, poll: Poll, result: Tally) -> list[str]:
    _ = ctx._
    options = sorted(poll.options, key=lambda o: (-result.scores[o.id], o.position))
    whole = result.weight_total
    header = f"{_(RANK):<5} {_(OPTION_COLUMN):<{LABEL_WIDTH}}  {_(VOTES):>7}  {'%':>5}"
    rows = [header]
    rank = 0
    for index, option in enumerate(options):
        if index == 0 or result.scores[option.id] != result.scores[options[index - 1].id]:
            rank = index + 1
        rows.append(f"{rank:<5} {_label(ctx, option):<{LABEL_WIDTH}}  "
                    f"{_number(result.scores[option.id], result.weighted, ctx.lang):>7}  "
                    f"{_percent(result.scores[option.id], whole):>5}")
    return rows


def _jm_table(ctx: Context, poll: Poll, result: Tally) -> list[str]:
    _ = ctx._
    counts = mj.integer_counts(result.grades)
    by_id = {option.id: option for option in poll.options}
    short = [_(label)[:11] for _emoji, label in GRADES]
    rows = [f"{_(RANK):<5} {_(OPTION_COLUMN):<{LABEL_WIDTH}}  {_(MAJORITY):<19}  "
            + "  ".join(f"{name:>11}" for name in short)]
    for rank, option_id in mj.rank(counts):
        grade = mj.majority_grade(counts[option_id])
        p, _grade, q = mj.gauge(counts[option_id])
        sign = "+" if p > q else "-" if q > p else ""  # Balinski & Laraki's gauge: more above or below
        mention = f"{_(GRADES[grade][1])}{sign}" if grade is not None else "—"
        shares = "  ".join(f"{_percent(share, result.weight_total):>11}" for share in result.grades[option_id])
        rows.append(f"{rank:<5} {_label(ctx, by_id[option_id]):<{LABEL_WIDTH}}  {mention:<19}  {shares}")
    return rows
