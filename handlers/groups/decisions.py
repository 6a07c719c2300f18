"""Referents' relevé de décisions: consensus, dissensus and next steps, confidential when needed.

Confidential notes reach the group's members, referents and facilitators only: the group's own channel
(never the Club's), `decisions` for insiders, and the internal export. Everyone else never sees them.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from handlers import registry
from handlers.context import Context
from handlers.core import Anchor, Form, FormField, Reply, UserError, Visibility
from handlers.groups.rules import (
    club_channel,
    find_group,
    group_channel,
    is_insider,
    label,
    require_lead,
    shared_translator,
)
from handlers.i18n import N_, Translator, format_datetime
from handlers.text import fold, parse_number, user_text
from storage.groups import DecisionNote, Group
from storage.models import Member

SECTION = N_("Groupes de travail")
MAX_FIELD = 3000
_FLAG = re.compile(r"(?<!\S)--(confidentiel|confidentielle|confidential)\b", re.I)
_LABEL = re.compile(r"(?<!\w)(consensus|dissensus|suites?|next|s[ée]ance|session)\s*:", re.I)
FIELDS = {"consensus": "consensus", "dissensus": "dissensus", "suite": "suite", "suites": "suite",
          "next": "suite", "seance": "seance", "séance": "seance", "session": "seance"}
EXAMPLE = "/club decision {n} consensus: … dissensus: … suite: … [--confidentiel]"
COMPLETE = ("--complet", "--interne", "--full")  # the export with the confidential notes


def parse_note(text: str, number: int) -> tuple[dict[str, str], bool]:
    """`consensus: … dissensus: … suite: … séance: 12 --confidentiel` -> (fields, confidential)."""
    confidential = bool(_FLAG.search(text))
    text = _FLAG.sub(" ", text)
    parts = _LABEL.split(text)
    if parts[0].strip():
        raise UserError("Je n'ai pas compris « {texte} ». Écrivez `{exemple}`.",
                        texte=user_text(parts[0].strip()[:60]), exemple=EXAMPLE.format(n=number))
    fields: dict[str, str] = {}
    for name, value in zip(parts[1::2], parts[2::2], strict=True):
        fields[FIELDS[fold(name)]] = " ".join(value.split()) if fold(name) in ("seance", "session") \
            else value.strip()
    return fields, confidential


def record(ctx: Context, group: Group, fields: dict[str, str], confidential: bool) -> list[Reply]:
    """Checks, stores and posts one note; the rules are the same for the text form and the modal."""
    require_lead(ctx, group)
    consensus, dissensus = fields.get("consensus", "").strip(), fields.get("dissensus", "").strip()
    suite = fields.get("suite", "").strip()
    if not consensus and not dissensus:
        raise UserError("Un relevé dit au moins le consensus ou le dissensus. Exemple : `{exemple}`.",
                        exemple=EXAMPLE.format(n=group.number))
    if max(len(consensus), len(dissensus), len(suite)) > MAX_FIELD:
        raise UserError("Chaque partie du relevé fait {max} caractères au plus.", max=MAX_FIELD)
    event_id = None
    if fields.get("seance"):
        event_id = parse_number(fields["seance"])
        if event_id is None:
            raise UserError("Séance : indiquez son numéro, par exemple `séance: 12`.")
    note = DecisionNote(group_id=group.id, event_id=event_id, consensus=consensus, dissensus=dissensus,
                        next_steps=suite, confidential=confidential, author_id=ctx.member.id, created_at=ctx.now)
    ctx.session.add(note)
    ctx.session.flush()
    _ = ctx._
    channel = group_channel(ctx.session, group, ctx.platform)
    if channel is not None and channel != club_channel(ctx):
        posted = Reply(render_note(shared_translator(), group, note, ctx.member.display_name, ctx.tz),
                       visibility=Visibility.CHANNEL, channel=channel, anchor=Anchor("decision", note.id))
        confirm = _("Relevé enregistré et publié dans le salon du groupe {groupe}.", groupe=label(group))
        return [Reply(confirm), posted]
    # No channel of the group here: only the author sees it now; members read it with `decisions`.
    text = render_note(_, group, note, ctx.member.display_name, ctx.tz, ctx.lang)
    return [Reply(text + "\n\n" + _("Relevé enregistré. Le groupe n'a pas de salon lié sur cette plateforme : "
                                    "ses membres le liront avec `/club decisions {n}` (pour lier un salon : "
                                    "`/club groupe canal {n}`).", n=group.number))]


def render_note(_: Translator, group: Group, note: DecisionNote, author: str, tz: str, lang: str = "fr") -> str:
    date = format_datetime(note.created_at, tz, lang, "d MMMM y")
    head = _("**Relevé de décisions — groupe {groupe}** ({date}, {auteur})", groupe=label(group), date=date,
             auteur=user_text(author))
    lines = [head + (" 🔒 " + _("confidentiel : à garder au sein du groupe") if note.confidential else "")]
    lines += body(_, note)
    return "\n".join(lines)


def body(_: Translator, note: DecisionNote) -> list[str]:
    lines = []
    if note.event_id is not None:
        lines.append(_("• Séance n° {n}", n=note.event_id))
    for title, value in ((_("Consensus"), note.consensus), (_("Dissensus"), note.dissensus),
                         (_("Suite"), note.next_steps)):
        if value:
            lines.append(f"• **{title}** : {user_text(value)}")
    return lines


def visible_notes(ctx: Context, group: Group, include_confidential: bool) -> list[tuple[DecisionNote, str]]:
    query = select(DecisionNote, Member.display_name).outerjoin(Member, Member.id == DecisionNote.author_id) \
        .where(DecisionNote.group_id == group.id).order_by(DecisionNote.created_at, DecisionNote.id)
    if not include_confidential:
        query = query.where(DecisionNote.confidential.is_(False))
    # A note whose author erased their data stays the group's record, under the group's name.
    return [(note, name or f"#{group.number} {group.title}") for note, name in ctx.session.execute(query)]


@registry.verb("decision", "décision", section=SECTION,
               summary=N_("Publier un relevé de décisions (consensus, dissensus, suite) ; référent·es."),
               usage=N_("`/club decision <n> consensus: … dissensus: … suite: … [séance: <n>] [--confidentiel]`. "
                        "Sans texte, un formulaire s'ouvre (Slack). Un relevé confidentiel n'est montré qu'aux "
                        "membres du groupe."),
               examples=("/club decision 1 consensus: guichet unique dissensus: calendrier suite: note au "
                         "comité --confidentiel", "/club decision 1"))
def decision(ctx: Context, args: str) -> list[Reply]:
    head, _sep, rest = args.strip().partition(" ")
    group = find_group(ctx, head, EXAMPLE.format(n=1))
    require_lead(ctx, group)
    if not rest.strip():
        return [Reply(ctx._("Écrivez `{exemple}`.", exemple=EXAMPLE.format(n=group.number)),
                      form=decision_form(ctx, group))]
    fields, confidential = parse_note(rest, group.number)
    return record(ctx, group, fields, confidential)


def decision_form(ctx: Context, group: Group) -> Form:
    _ = ctx._
    return Form("decision", _("Relevé de décisions"), (
        FormField("consensus", _("Consensus"), multiline=True, optional=True, max_length=MAX_FIELD),
        FormField("dissensus", _("Dissensus"), multiline=True, optional=True, max_length=MAX_FIELD),
        FormField("suite", _("Suite (prochaines étapes)"), multiline=True, optional=True, max_length=MAX_FIELD),
        FormField("seance", _("Numéro de la séance (facultatif)"), optional=True, max_length=10),
        FormField("confidentiel", _("Confidentiel ?"), initial="non", choices=(
            ("non", _("Non : visible de tout le Club")), ("oui", _("Oui : membres du groupe seulement")))),
    ), submit=_("Publier"), state=str(group.id))


@registry.on_form("decision")
def decision_submitted(ctx: Context, values: dict[str, str], state: str) -> list[Reply]:
    group = ctx.session.get(Group, parse_number(state)) if parse_number(state) else None
    if group is None or group.club_id != ctx.club.id:
        raise UserError("Ce groupe n'existe plus.")
    return record(ctx, group, values, values.get("confidentiel") == "oui")


@registry.verb("decisions", "décisions", section=SECTION,
               summary=N_("Le relevé de décisions d'un groupe ; `export` pour le Markdown des rapports."),
               usage=N_("`/club decisions <n>` : les membres du groupe, ses référent·es et l'équipe d'animation "
                        "voient tout, les autres les relevés non confidentiels."),
               examples=("/club decisions 1",))
def decisions(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    words = args.split()
    group = find_group(ctx, words[0] if words else "", "/club decisions 1")
    if len(words) > 1:
        raise UserError("Écrivez `/club decisions {n}` ou `/club decisions {n} export`.", n=group.number)
    notes = visible_notes(ctx, group, is_insider(ctx.session, group, ctx.member))
    if not notes:
        return [Reply(_("Pas encore de relevé de décisions pour le groupe {groupe}.", groupe=label(group)))]
    lines = [_("**Relevé de décisions — groupe {groupe}**", groupe=label(group))]
    for note, author in notes:
        date = format_datetime(note.created_at, ctx.tz, ctx.lang, "d MMMM y")
        mark = " 🔒 " + _("confidentiel") if note.confidential else ""
        lines.append("")
        lines.append(f"**{date}** — {user_text(author)}{mark}")
        lines += body(_, note)
    return [Reply("\n".join(lines))]


@registry.subverb("decisions", "export", "exporter",
                  summary=N_("Le relevé d'un groupe en Markdown, pour les rapports ; référent·es du groupe et "
                             "animation."),
                  usage=N_("`/club decisions <n> export [--complet]` : sans `--complet`, la version diffusable, "
                           "sans aucun relevé confidentiel ; avec, le document interne au groupe, qui les "
                           "contient."),
                  examples=("/club decisions 1 export", "/club decisions 1 export --complet"))
def export_command(ctx: Context, args: str) -> list[Reply]:
    words = args.split()
    group = find_group(ctx, words[0] if words else "", "/club decisions 1 export")
    return export(ctx, group, complete=any(w.lower() in COMPLETE for w in words[1:]))


def export(ctx: Context, group: Group, complete: bool) -> list[Reply]:
    """Markdown for the facilitators' reports; the shareable version never holds a confidential note."""
    require_lead(ctx, group)
    _ = ctx._
    notes = visible_notes(ctx, group, include_confidential=complete)
    title = _("Relevé de décisions — groupe {groupe}", groupe=f"#{group.number} {group.title}")
    kind = _("document interne au groupe : contient des relevés confidentiels") if complete \
        else _("version diffusable (sans les relevés confidentiels)")
    out = [f"# {title}", f"_{ctx.club.name} — {kind}_", ""]
    for note, _author in notes:
        date = format_datetime(note.created_at, ctx.tz, ctx.lang, "d MMMM y")
        extra = " — " + _("séance n° {n}", n=note.event_id) if note.event_id is not None else ""
        extra += " — " + _("confidentiel") if note.confidential else ""
        out.append(f"## {date}{extra}")
        for name, value in ((_("Consensus"), note.consensus), (_("Dissensus"), note.dissensus),
                            (_("Suite"), note.next_steps)):
            if value:
                out += [f"**{name}**", "", value.replace("```", "'''"), ""]
    if not notes:
        out.append(_("Aucun relevé."))
    markdown = user_text("\n".join(out).strip())
    return [Reply(_("Export Markdown du relevé ({n} relevé(s)) :", n=len(notes)) + "\n```\n" + markdown + "\n```")]
