"""The Club's capabilities, platform-neutral. Importing this package registers every verb."""

from handlers import help, home  # noqa: F401  (registration side effects)
from handlers.calendar import commands, creneau, meeting_agenda  # noqa: F401
from handlers.formats import cohort, presidency, roles, workshops  # noqa: F401
from handlers.groups import commands as _groups  # noqa: F401
from handlers.groups import decisions, dissemination, sessions  # noqa: F401
from handlers.members import profile  # noqa: F401
from handlers.polls import commands as _polls  # noqa: F401
from handlers.proposals import call, decide, propose  # noqa: F401
from handlers.reminders import cadence  # noqa: F401
from handlers.rex import commands as _rex  # noqa: F401

# isort: split
from handlers.context import ClubSettings
from handlers.core import (
    ActionEvent,
    Anchor,
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

__all__ = ["ActionEvent", "Anchor", "Button", "ClubSettings", "Command", "Form", "FormField", "FormSubmission",
           "Profile", "ReactionEvent", "Recount", "Reply", "Service", "UserError", "Visibility"]
