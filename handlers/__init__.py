"""The Club's capabilities, platform-neutral: one package per area, each declaring its verbs, reactions,
buttons, forms, scheduled work and event listeners (`handlers.registry`). `Service` runs them on a
registry built from `CAPABILITIES`; help lists them, and listeners of one event run, in this order."""

from handlers.context import ClubSettings
from handlers.core import (
    ActionEvent,
    Anchor,
    Attachment,
    Button,
    Command,
    Form,
    FormField,
    FormSubmission,
    Profile,
    ReactionEvent,
    Recount,
    Reply,
    UserError,
    Visibility,
)
from handlers.service import Service

CAPABILITIES = (
    "handlers.help",
    "handlers.home",
    "handlers.members",
    "handlers.proposals",
    "handlers.polls",
    "handlers.calendar",
    "handlers.groups",
    "handlers.rex",
    "handlers.reminders",
    "handlers.formats",
)

__all__ = ["CAPABILITIES", "ActionEvent", "Anchor", "Attachment", "Button", "ClubSettings", "Command", "Form", "FormField",
           "FormSubmission", "Profile", "ReactionEvent", "Recount", "Reply", "Service", "UserError", "Visibility"]
