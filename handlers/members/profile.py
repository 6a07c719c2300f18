"""Who is who: my profile, my time zone, my institution (binômes), my language, and roles."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select

from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.i18n import LANGS, N_, format_datetime
from handlers.registry import unknown_subverb, verb
from handlers.territories import TERRITORIES, resolve_zone, suggestions, zone_label
from handlers.text import fold, user_text
from storage.models import Institution, Member

MAX_INSTITUTION = 120
BINOME = 2


def zone_line(ctx: Context, tz: str) -> str:
    return f"{zone_label(tz)} ({tz})" if zone_label(tz) != tz else tz


@verb("moi", "me", summary=N_("Mon profil : institution, rôle, fuseau, inscriptions, groupes."),
      usage=N_("`/club moi` affiche votre profil ; `/club moi donnees` envoie tout ce que club-bot sait de vous, "
               "`/club moi effacer` l'efface."), examples=("/club moi",))
def me(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    if args.split():
        raise unknown_subverb(ctx.registry.verbs["moi"], args.split()[0])
    member = ctx.member
    institution = member.institution
    lines = [_("**Votre profil** — {nom}", nom=user_text(member.display_name))]
    if institution:
        partners = [m.display_name for m in institution.members if m.id != member.id and m.erased_at is None]
        binome = ", ".join(user_text(p) for p in partners) or _("pas encore de binôme")
        lines.append(_("• Institution : {institution} (binôme : {binome})",
                       institution=user_text(institution.name), binome=binome))
    else:
        lines.append(_("• Institution : non renseignée — `/club institution <nom>`"))
    lines.append(_("• Rôle : {role}", role=member.role))
    local = format_datetime(ctx.now, member.tz, ctx.lang, "HH:mm")
    paris = format_datetime(ctx.now, "Europe/Paris", ctx.lang, "HH:mm")
    lines.append(_("• Fuseau : {zone} — il est {local} chez vous, {paris} à Paris",
                   zone=zone_line(ctx, member.tz), local=local, paris=paris))
    lines.append(_("• Langue : {langue}", langue=_("français") if ctx.lang == "fr" else _("anglais")))
    for section in ctx.registry.profile_sections:
        lines.extend(section(ctx))
    return [Reply("\n".join(lines))]


@verb("fuseau", "timezone", summary=N_("Choisir mon fuseau horaire (un territoire ou un nom IANA)."),
      usage=N_("`/club fuseau <territoire>` : Martinique, Guadeloupe, Guyane (Cayenne), La Réunion, Mayotte, "
            "Nouvelle-Calédonie (Nouméa), Polynésie (Tahiti), Saint-Pierre-et-Miquelon, Wallis-et-Futuna, "
            "Paris… ou un nom IANA comme `America/Cayenne`."),
      examples=("/club fuseau Martinique", "/club fuseau La Réunion", "/club fuseau Pacific/Noumea"))
def timezone(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    if not args:
        names = ", ".join(t.name for t in TERRITORIES)
        return [Reply(_("Votre fuseau : {zone}. Pour le changer : `/club fuseau <territoire>` ({noms}) "
                        "ou un nom IANA.", zone=zone_line(ctx, ctx.member.tz), noms=names))]
    zone = resolve_zone(args)
    if zone is None:
        close = suggestions(args)
        if close:
            raise UserError("Fuseau inconnu : « {saisie} ». Vouliez-vous dire : {proches} ? "
                            "Exemple : `/club fuseau Martinique`.",
                            saisie=user_text(args[:80]), proches=", ".join(close))
        raise UserError("Fuseau inconnu : « {saisie} ». Écrivez un territoire (Martinique, La Réunion, "
                        "Nouméa…) ou un nom IANA (America/Cayenne).", saisie=user_text(args[:80]))
    ctx.member.tz = zone
    local = format_datetime(ctx.now, zone, ctx.lang, "HH:mm")
    return [Reply(_("Fuseau horaire enregistré : {zone}. Il est {heure} chez vous ; les horaires vous "
                    "seront donnés dans ce fuseau.", zone=zone_line(ctx, zone), heure=local))]


def _clean_name(text: str) -> str:
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    return "".join(c for c in text if unicodedata.category(c)[0] != "C")


@verb("institution", summary=N_("Déclarer mon institution (les membres viennent en binôme : deux par institution)."),
      usage=N_("`/club institution <nom>` — par exemple `/club institution DREETS Martinique`."),
      examples=("/club institution DREETS Martinique",))
def institution(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    name = _clean_name(args)
    if not name:
        raise UserError("Indiquez le nom de votre institution : `/club institution DREETS Martinique`.")
    if len(name) > MAX_INSTITUTION:
        raise UserError("Nom d'institution trop long ({n} caractères, {max} au plus).", n=len(name),
                        max=MAX_INSTITUTION)
    key = fold(name)
    found = ctx.session.scalar(select(Institution).where(Institution.club_id == ctx.club.id,
                                                         Institution.key == key))
    if found is None:
        found = Institution(club_id=ctx.club.id, name=name, key=key)
        ctx.session.add(found)
        ctx.session.flush()
    ctx.member.institution_id = found.id
    ctx.session.flush()
    others = ctx.session.scalars(select(Member.display_name).where(
        Member.institution_id == found.id, Member.id != ctx.member.id, Member.erased_at.is_(None))
        .order_by(Member.display_name)).all()
    text = _("Institution enregistrée : {nom}.", nom=user_text(found.name))
    if len(others) == BINOME - 1:
        text += " " + _("Votre binôme : {binome}.", binome=user_text(others[0]))
    elif len(others) >= BINOME:
        text += " " + _("Attention : cette institution compte déjà {n} membres ({noms}) ; la charte prévoit "
                        "un binôme par institution. Parlez-en à l'équipe d'animation.",
                        n=len(others), noms=user_text(", ".join(others)))
    else:
        text += " " + _("Vous êtes seul·e pour l'instant : la charte prévoit un binôme par institution.")
    return [Reply(text)]


@verb("langue", "language", summary=N_("Choisir ma langue : fr ou en."),
      usage=N_("`/club langue fr` ou `/club langue en`."), examples=("/club langue en",))
def language(ctx: Context, args: str) -> list[Reply]:
    choice = args.strip().lower()[:2]
    if choice not in LANGS:
        raise UserError("Langue inconnue : « {saisie} ». Choix possibles : fr, en.", saisie=user_text(args[:20]))
    ctx.member.lang = choice
    ctx.set_lang(choice)
    _ = ctx._
    return [Reply(_("Langue enregistrée : {langue}.", langue=_("français") if choice == "fr" else _("anglais")))]
