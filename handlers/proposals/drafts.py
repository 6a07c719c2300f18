"""What someone asks to propose or edit, read from the text of the command or from the form that offers
the same fields (title, description, who carries the theme in February)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.context import Context
from handlers.core import Form, FormField, UserError
from handlers.proposals.common import MAX_CARRIER, MAX_DESCRIPTION, MAX_TITLE, clean_block, clean_line
from storage.proposals import Proposal

_SEPARATOR = re.compile(r"\s*[—–]\s*|\s+-\s+|\s*\n\s*")
_CARRIER_FLAG = re.compile(r"(?:^|\s)--(?:porteur|porteuse|carrier)(?:\s+|=|$)(.*?)(?=\s--[a-z]|$)", re.S | re.I)
_CONFIRM_FLAG = re.compile(r"(?:^|\s)--(?:confirmer|confirm)(?=\s|$)", re.I)


@dataclass
class Draft:
    title: str
    description: str | None  # None: not given (an edit keeps the current one)
    carrier: str | None  # None: not given
    confirm: bool = False


def parse(text: str) -> Draft:
    """'<titre> — <description> [--porteur <nom>] [--confirmer]'."""
    carrier = None
    match = _CARRIER_FLAG.search(text)
    if match:
        carrier = match.group(1).strip()
        if not carrier:
            raise UserError("Après `--porteur`, indiquez qui portera le thème en février : "
                            "`--porteur Paul Martin` ou `--porteur @paul`.")
        text = text[:match.start()] + " " + text[match.end():]
    confirm = bool(_CONFIRM_FLAG.search(text))
    text = _CONFIRM_FLAG.sub(" ", text).strip()
    parts = _SEPARATOR.split(text, maxsplit=1)
    title = clean_line(parts[0])
    description = clean_block(parts[1]) if len(parts) > 1 else None
    return Draft(title, description, carrier, confirm)


def from_form(values: dict[str, str]) -> Draft:
    """The submitted form's fields; an emptied description or carrier field means "none"."""
    return Draft(clean_line(values.get("titre", "")), clean_block(values.get("description", "")),
                 values.get("porteur", ""))


def proposal_form(ctx: Context, form_id: str = "proposal", state: str = "", proposal: Proposal | None = None,
                  ) -> Form:
    """The form to propose a theme, or, given `proposal`, to edit it (filled with what it says now)."""
    _ = ctx._
    carrier = proposal.carrier_name or "" if proposal else ""
    return Form(form_id, _("Proposer un thème") if proposal is None else _("Modifier #{n}", n=proposal.number),
                fields=(
                    FormField("titre", _("Titre du thème"), max_length=MAX_TITLE,
                              initial=proposal.title if proposal else ""),
                    FormField("description", _("Description (enjeux, pourquoi ce thème)"), multiline=True,
                              optional=True, max_length=MAX_DESCRIPTION,
                              initial=proposal.description if proposal else ""),
                    FormField("porteur", _("Porteur·se à la rencontre de février (vous par défaut)"),
                              optional=True, max_length=MAX_CARRIER, initial=carrier),
                ),
                submit=_("Proposer") if proposal is None else _("Enregistrer"), state=state)
