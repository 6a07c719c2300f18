"""What a poll shows in its channel: the header (question, how to vote, closing time) and one message per
option, carrying the reactions or the buttons that vote on it."""

from __future__ import annotations

from handlers.context import Context
from handlers.core import Anchor, Button, Reply, Visibility
from handlers.i18n import format_datetime
from handlers.polls.votes import APPROVE, GRADES, NUMBERS, OPTION, VOTE_ACTION, option_values
from handlers.text import user_text
from storage.polls import Poll, PollOption

SHORT = "EEE d MMM HH:mm"


def header_text(ctx: Context, poll: Poll) -> str:
    _ = ctx._
    lines = [_("📊 **Sondage #{n}** — {question} (par {auteur})", n=poll.number,
               question=user_text(poll.question), auteur=user_text(poll.author.display_name))]
    if poll.closed_at:
        lines.append(_("Clôturé. Résultats : `/club resultats {n}`.", n=poll.number))
    elif poll.anonymous:
        lines.append(_("Vote anonyme : votez avec les boutons sous chaque option. Votre choix n'est montré qu'à "
                       "vous ; les réactions, elles, sont publiques et ne comptent pas ici."))
    elif poll.kind == "jm":
        scale = " · ".join(f":{emoji}: {_(label)}" for emoji, label in GRADES)
        lines.append(_("Jugement majoritaire : donnez une mention à chaque option en réagissant : {echelle}. "
                       "Une option que vous ne notez pas compte « À rejeter ».", echelle=scale))
    elif poll.kind == "single":
        lines.append(_("Un seul choix : réagissez avec le numéro de l'option choisie ; si vous en choisissez "
                       "plusieurs, seul le dernier compte."))
    else:
        lines.append(_("Réagissez avec :+1: sur chaque option qui vous convient (plusieurs choix possibles)."))
    if poll.closes_at and not poll.closed_at:
        lines.append(_("Clôture : {quand} (heure de Paris).",
                       quand=format_datetime(poll.closes_at, "Europe/Paris", ctx.lang)))
    notes = []
    if poll.by_institution:
        notes.append(_("chaque institution pèse une voix, partagée entre ses membres qui votent"))
    if poll.hide_results and not poll.closed_at:
        notes.append(_("résultats visibles à la clôture"))
    if not poll.members_only:
        notes.append(_("ouvert à tout le canal"))
    if notes:
        lines.append("_" + " ; ".join(notes) + "_")
    return "\n".join(lines)


def header_reply(ctx: Context, poll: Poll, update: bool = False) -> Reply:
    """The header in the poll's channel; `update` edits the posted one in place."""
    if update:
        return Reply(header_text(ctx, poll), anchor=Anchor("poll", poll.id), update=True)
    return Reply(header_text(ctx, poll), visibility=Visibility.CHANNEL, channel=poll.channel_id,
                 anchor=Anchor("poll", poll.id))


def option_label(ctx: Context, option: PollOption, zones: list[str] | None = None) -> str:
    """The option as typed; a date option also in each covered zone (channel) or the reader's own."""
    text = user_text(option.label)
    if option.starts_at is None:
        return text
    zones = zones or [ctx.tz]
    times = " · ".join(f"{format_datetime(option.starts_at, zone, ctx.lang, SHORT)} ({zone.split('/')[-1]})"
                       for zone in zones)
    return f"{text} — {times}"


def option_reply(ctx: Context, poll: Poll, option: PollOption, closed: bool = False) -> Reply:
    """An option's message: the bot's inviting reactions, or an anonymous poll's buttons (gone once closed)."""
    _ = ctx._
    zones = ctx.settings.programme.zones if option.starts_at else None
    text = f"**{option.position}.** {option_label(ctx, option, zones)}"
    if poll.kind == "single" and not poll.anonymous:
        text = f":{NUMBERS[option.position - 1]}: " + text
    buttons: list[Button] = []
    reactions: list[str] = []
    if poll.anonymous and not closed:
        if poll.kind == "jm":
            buttons = [Button(_(label), VOTE_ACTION, f"{option.id}:{emoji}") for emoji, label in GRADES]
        elif poll.kind == "single":
            buttons = [Button(_("Choisir"), VOTE_ACTION, f"{option.id}:{NUMBERS[option.position - 1]}",
                              style="primary")]
        else:
            buttons = [Button(_("Je soutiens / je retire"), VOTE_ACTION, f"{option.id}:{APPROVE}")]
    elif not poll.anonymous and not closed:
        reactions = list(option_values(poll, option))
    return Reply(text, visibility=Visibility.CHANNEL, channel=poll.channel_id, buttons=buttons,
                 reactions=reactions, anchor=Anchor(OPTION, option.id), update=closed)
