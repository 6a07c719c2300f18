"""The polls' verbs: `sondage` (launch), `resultats` (read the count), `cloturer` (close now, or set the end).
Declared together so that help lists them in this order."""

from __future__ import annotations

from handlers import registry
from handlers.calendar.dates import parse_when
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.events import PollChanged
from handlers.i18n import N_, format_datetime
from handlers.polls.cancelling import cancelled
from handlers.polls.closing import recount_reply
from handlers.polls.messages import header_reply
from handlers.polls.opening import find_poll, open_poll
from handlers.polls.parsing import read_request
from handlers.polls.results import results_text
from handlers.polls.votes import tally
from handlers.text import user_text
from storage.models import Role
from storage.polls import Poll

SECTION = N_("Votes")


def was_cancelled(poll: Poll) -> UserError:
    """A cancelled poll has neither results nor an end: the answer says why, and what to do."""
    return UserError("Le sondage #{n} a été annulé : club-bot n'a pas pu le publier, personne n'a donc pu y "
                     "voter. Relancez-le dans un canal où club-bot est invité (`/invite @club-bot`).",
                     n=poll.number)


@registry.verb(
    "sondage", "poll", role=Role.MEMBRE, section=SECTION,
    summary=N_("Lancer un sondage voté par réactions (approbation, choix unique, jugement majoritaire, dates)."),
    usage=N_("`/club sondage \"Question\" \"Option 1\" \"Option 2\"…` puis, au choix : `--unique` (un seul choix), "
             "`--jm` (jugement majoritaire : une mention par option), `--dates` (les options sont des dates), "
             "`--anonyme` (vote par boutons : les réactions sont publiques sur Slack et Mattermost, les boutons "
             "non), `--masquer` (résultats cachés jusqu'à la clôture), `--par-institution` (chaque institution "
             "pèse une voix), `--ouvert` (tout le canal vote, pas seulement les membres), `--fin <date>`."),
    examples=("/club sondage \"Quel thème en priorité ?\" \"Eau\" \"Mobilités\" \"Santé\"",
              "/club sondage \"Thèmes 2027\" \"Eau\" \"Santé\" --jm --fin vendredi 18h",
              "/club sondage \"Date de la rencontre ?\" \"mardi 2 mars 14h\" \"jeudi 4 mars 10h\" --dates",
              "/club sondage \"Président·e du comité ?\" \"Léa\" \"Kevin\" --unique --anonyme"),
)
def create_poll(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    request = read_request(args, ctx.tz, ctx.now)
    flags = request.flags
    poll, replies = open_poll(ctx, request.question, request.labels, request.kind, closes_at=request.closes_at,
                              starts=request.starts, anonymous="anonymous" in flags, hide_results="hide" in flags,
                              by_institution="by_institution" in flags, members_only="open" not in flags)
    return [Reply(_("Sondage #{n} lancé. Pour le clore : `/club cloturer {n}` ; résultats : "
                    "`/club resultats {n}`.", n=poll.number)), *replies]


@registry.verb("resultats", "résultats", "results", section=SECTION,
               summary=N_("Les résultats d'un sondage (cachés jusqu'à la clôture si le sondage le demande)."),
               usage=N_("`/club resultats <n>` — par exemple `/club resultats 3`."),
               examples=("/club resultats 3",))
def show_results(ctx: Context, args: str) -> list[Reply]:
    poll = find_poll(ctx, args, "/club resultats 3")
    if cancelled(poll):
        raise was_cancelled(poll)
    if poll.hide_results and not poll.closed_at:
        raise UserError("Les résultats du sondage #{n} seront visibles à sa clôture.", n=poll.number)
    return [Reply(results_text(ctx, poll, tally(ctx.session, poll), final=poll.closed_at is not None))]


@registry.verb("cloturer", "clôturer", "close", section=SECTION,
               summary=N_("Clore un sondage maintenant (après recomptage des réactions), ou fixer sa clôture."),
               usage=N_("`/club cloturer <n>` clôt le sondage tout de suite ; `/club cloturer <n> --fin <date>` "
                        "fixe ou déplace sa clôture. Réservé à l'auteur·e du sondage et aux facilitateur·trices."),
               examples=("/club cloturer 3", "/club cloturer 3 --fin lundi 12h"))
def close_command(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    poll = find_poll(ctx, args, "/club cloturer 3")
    # Whose poll it is decides, not a role alone: the author may close their own.
    if poll.author_id != ctx.member.id and not ctx.member.role_enum.at_least(Role.FACILITATEUR):
        raise UserError("Le sondage #{n} a été lancé par {auteur} : seule son auteur·e ou un·e "
                        "facilitateur·trice peut le clôturer.", n=poll.number,
                        auteur=user_text(poll.author.display_name))
    if cancelled(poll):
        raise was_cancelled(poll)
    if poll.closed_at:
        raise UserError("Le sondage #{n} est déjà clôturé. Résultats : `/club resultats {n}`.", n=poll.number)
    when = " ".join(word for word in args.split()[1:] if word.lower() not in ("--fin", "--end"))
    if when:
        poll.closes_at = parse_when(when, ctx.tz, ctx.now)
        replies = [Reply(_("Le sondage #{n} sera clôturé le {quand}.", n=poll.number,
                           quand=format_datetime(poll.closes_at, ctx.tz, ctx.lang))),
                   header_reply(ctx, poll, update=True)]
        return replies + ctx.emit(PollChanged(poll_id=poll.id, closes_at=poll.closes_at, closed=False))
    poll.closes_at = ctx.now
    return [Reply(_("Clôture du sondage #{n} : je recompte les réactions, puis je publie les résultats.",
                    n=poll.number)),
            recount_reply(poll, ctx.member.platform_user_id)]
