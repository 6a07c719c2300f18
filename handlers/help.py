"""`/club aide`: the verbs with examples, or the details of one verb and of each of its subcommands."""

from __future__ import annotations

from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.i18n import N_
from handlers.registry import Verb, verb
from handlers.text import user_text


def _names(entry: Verb) -> str:
    return f"**/club {entry.full_name}**" + (f" ({', '.join(entry.aliases)})" if entry.aliases else "")


def _reserved(ctx: Context, entry: Verb) -> list[str]:
    return [] if entry.role.value == "participant" else [
        ctx._("Réservé au rôle « {role} » et au-delà.", role=entry.role.value)]


def details(ctx: Context, entry: Verb) -> list[str]:
    """What `/club aide <verb>` (or `<verb> <subcommand>`) shows: syntax, examples, the role it needs, then
    each subcommand's."""
    _ = ctx._
    lines = [_names(entry), _(entry.summary), _(entry.usage)]
    if entry.examples:
        lines.append(_("Exemples :"))
        lines.extend(f"• `{example}`" for example in entry.examples)
    lines.extend(_reserved(ctx, entry))
    if entry.sub_order:
        lines.append("\n" + _("**Sous-commandes**"))
    for sub in entry.sub_order:
        example = f" — `{sub.examples[0]}`" if sub.examples else ""
        lines.append(f"• {_names(sub)} : {_(sub.summary)} {_(sub.usage)}{example}")
        lines.extend(f"   {line}" for line in _reserved(ctx, sub))
    return lines


@verb("aide", "help", summary=N_("Les commandes, avec des exemples ; `/club aide <commande>` pour le détail."),
      usage=N_("`/club aide` liste les commandes ; `/club aide fuseau` détaille une commande, "
               "`/club aide rex inscrire` une sous-commande."),
      examples=("/club aide", "/club aide fuseau"))
def help_(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    if args:
        words = args.lower().lstrip("/").split()
        entry = ctx.registry.verbs.get(words[0])
        if entry is None:
            raise UserError("Pas d'aide pour « {verbe} » : cette commande n'existe pas. Tapez `/club aide`.",
                            verbe=user_text(words[0][:40]))
        sub = entry.subverb(words[1]) if len(words) > 1 else None
        return [Reply("\n".join(details(ctx, sub or entry)))]

    lines = [_("**club-bot** — le bot du {club}. Commandes (`/club <commande>`) :", club=ctx.club.name)]
    sections: dict[str, list[str]] = {}
    for entry in ctx.registry.order:
        if not ctx.member.role_enum.at_least(entry.role) and entry.role.value == "admin":
            continue
        example = f" — `{entry.examples[0]}`" if entry.examples else ""
        sections.setdefault(entry.section, []).append(f"• `{entry.name}` : {_(entry.summary)}{example}")
    for section, entries in sections.items():
        lines.append(f"\n**{_(section)}**")
        lines.extend(entries)
    lines.append("\n" + _("Les dates s'écrivent en français, dans votre fuseau (« jeudi 14h », « le 3 mars à "
                          "10h30 »). `/club aide <commande>` pour le détail d'une commande."))
    return [Reply("\n".join(lines))]
