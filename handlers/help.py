"""`/club aide`: the verbs with examples, or the details of one verb."""

from __future__ import annotations

from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.i18n import N_
from handlers.registry import ORDER, VERBS, verb
from handlers.text import user_text


@verb("aide", "help", summary=N_("Les commandes, avec des exemples ; `/club aide <commande>` pour le détail."),
      usage=N_("`/club aide` liste les commandes ; `/club aide fuseau` détaille une commande."),
      examples=("/club aide", "/club aide fuseau"))
def help_(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    if args:
        name = args.split()[0].lower().lstrip("/")
        entry = VERBS.get(name)
        if entry is None:
            raise UserError("Pas d'aide pour « {verbe} » : cette commande n'existe pas. Tapez `/club aide`.",
                            verbe=user_text(name[:40]))
        lines = [f"**/club {entry.name}**" + (f" ({', '.join(entry.aliases)})" if entry.aliases else ""),
                 _(entry.summary), _(entry.usage)]
        if entry.examples:
            lines.append(_("Exemples :"))
            lines.extend(f"• `{example}`" for example in entry.examples)
        if entry.role.value != "participant":
            lines.append(_("Réservé au rôle « {role} » et au-delà.", role=entry.role.value))
        return [Reply("\n".join(lines))]

    lines = [_("**club-bot** — le bot du {club}. Commandes (`/club <commande>`) :", club=ctx.club.name)]
    sections: dict[str, list[str]] = {}
    for entry in ORDER:
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
