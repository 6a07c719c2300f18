"""`/club groupes` and `/club groupe` with their subcommands as people type and read them: names, aliases,
roles and help texts, in the order help lists them. Each subcommand hands its words to the module that
does the work."""

from __future__ import annotations

from handlers.context import Context
from handlers.core import Reply
from handlers.groups import channel, creation, listing, membership, overview
from handlers.i18n import N_
from handlers.registry import subverb, unknown_subverb, verb
from handlers.text import parse_number
from storage.models import Role

SECTION = N_("Groupes de travail")


# -- /club groupes ----------------------------------------------------------------------------------
@verb("groupes", "groups", section=SECTION,
      summary=N_("Les groupes de travail, leurs référent·es, membres et prochaines séances."),
      usage=N_("`/club groupes` liste les groupes : leurs référent·es, membres (continus ou ponctuels), "
               "invité·es et prochaine séance."),
      examples=("/club groupes",))
def groupes(ctx: Context, args: str) -> list[Reply]:
    words = args.split()
    if words:
        raise unknown_subverb(ctx.registry.verbs["groupes"], words[0])
    return listing.list_groups(ctx)


@subverb("groupes", "bilan", "overview", role=Role.FACILITATEUR,
         summary=N_("La vue d'ensemble des groupes pour l'équipe d'animation."),
         usage=N_("`/club groupes bilan` : pour chaque groupe, ses référent·es (alerte s'il en manque), ses "
                  "membres continus et ponctuels, ses invité·es, ses séances tenues et à venir, ses relevés "
                  "(publics, confidentiels) et ses consultations de diffusion. Des nombres seulement, jamais le "
                  "contenu d'un relevé."),
         examples=("/club groupes bilan",))
def bilan(ctx: Context, args: str) -> list[Reply]:
    return overview.overview(ctx)


# -- /club groupe -----------------------------------------------------------------------------------
@verb("groupe", "group", section=SECTION,
      summary=N_("Rejoindre, quitter un groupe ; référent·es, invité·es, salon du groupe."),
      usage=N_("`/club groupe <action> <n> …`, où `<n>` est le numéro du groupe (`/club groupes`) ; les actions "
               "sont détaillées ci-dessous."),
      examples=("/club groupe rejoindre 1 continu",))
def groupe(ctx: Context, args: str) -> list[Reply]:
    """`/club groupe` alone (or with a group's number only) shows what it can do; an unknown word gets the
    nearest subcommand, also after a number (`/club groupe 1 rejoidre`)."""
    parent = ctx.registry.verbs["groupe"]
    unknown = next((word for word in args.split() if parse_number(word) is None), None)
    if unknown is not None:
        raise unknown_subverb(parent, unknown)
    _ = ctx._
    lines = [_("Que voulez-vous faire dans un groupe de travail ? Par exemple :")]
    lines += [f"• `{sub.examples[0]}` : {_(sub.summary)}" for sub in parent.sub_order if sub.examples]
    lines.append(_("Le détail de chaque action : `/club aide groupe`."))
    return [Reply("\n".join(lines))]


@subverb("groupe", "rejoindre", "join", role=Role.MEMBRE,
         summary=N_("Rejoindre un groupe, en continu (par défaut) ou ponctuellement."),
         usage=N_("`/club groupe rejoindre <n> [ponctuel|continu]` ; relancer la commande change votre façon de "
                  "participer. Les personnes extérieures au Club y sont invitées par les référent·es du groupe "
                  "(`/club groupe inviter`)."),
         examples=("/club groupe rejoindre 1 continu", "/club groupe rejoindre 2 ponctuel"))
def join(ctx: Context, args: str) -> list[Reply]:
    return membership.join(ctx, args)


@subverb("groupe", "quitter", "leave",
         summary=N_("Quitter un groupe."),
         usage=N_("`/club groupe quitter <n>` ; un·e référent·e doit d'abord être remplacé·e par l'équipe "
                  "d'animation."),
         examples=("/club groupe quitter 1",))
def leave(ctx: Context, args: str) -> list[Reply]:
    return membership.leave(ctx, args)


@subverb("groupe", "referents", role=Role.FACILITATEUR,
         summary=N_("Désigner les 2 ou 3 référent·es d'un groupe."),
         usage=N_("`/club groupe referents <n> @a @b [@c]` : un binôme ou un trinôme de membres du Club (pas de "
                  "participant·es) ; remplace la liste précédente, et les référent·es deviennent membres du "
                  "groupe."),
         examples=("/club groupe referents 1 @lea @karim",))
def referents(ctx: Context, args: str) -> list[Reply]:
    return membership.set_referents(ctx, args)


@subverb("groupe", "inviter", "invite",
         summary=N_("Inviter une personne extérieure au groupe ; référent·es du groupe et animation."),
         usage=N_("`/club groupe inviter <n> <nom>, <qualité> [ponctuel|continu]` (élu·e, expert·e, chercheur·e, "
                  "opérationnel·le… ; ponctuel par défaut) ; `@personne` à la place du nom la relie à son compte. "
                  "Les relevés confidentiels ne sont pas montrés aux invité·es."),
         examples=("/club groupe inviter 1 Marie Curie, chercheuse", "/club groupe inviter 1 @gilles, élu continu"))
def invite(ctx: Context, args: str) -> list[Reply]:
    return membership.invite(ctx, args)


@subverb("groupe", "canal", "salon", "channel",
         summary=N_("Lier le salon privé d'un groupe, où ses relevés de décisions sont publiés ; référent·es du "
                    "groupe et animation."),
         usage=N_("`/club groupe canal <n>`, à taper dans le salon privé du groupe ; refusé dans le salon du "
                  "Club, que tout le monde lit."),
         examples=("/club groupe canal 1",))
def bind_channel(ctx: Context, args: str) -> list[Reply]:
    return channel.bind_channel(ctx, args)


@subverb("groupe", "creer", "create", role=Role.FACILITATEUR,
         summary=N_("Créer un groupe hors appel à contribution (séminaire, comité…)."),
         usage=N_("`/club groupe creer <titre>` ; les autres groupes naissent des thèmes retenus à la rencontre."),
         examples=("/club groupe creer Séminaire des territoires pilotes",))
def create(ctx: Context, args: str) -> list[Reply]:
    return creation.create(ctx, args)
