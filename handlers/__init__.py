"""The Club's capabilities, platform-neutral. Importing this package registers every verb."""

from handlers import (  # noqa: F401  (registration side effects)
    calendar,
    decisions,
    dissemination,
    group_sessions,
    groups,
    help,
    home,
    members,
    polls,
    proposals,
    reminders,
    rex,
)

# isort: split
from handlers import agenda, cohort, presidency, roles, workshops  # noqa: F401  (sister formats)
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
from handlers.service import ClubSettings, Service

__all__ = ["ActionEvent", "Anchor", "Button", "ClubSettings", "Command", "Form", "FormField", "FormSubmission",
           "Profile", "ReactionEvent", "Recount", "Reply", "Service", "UserError", "Visibility"]
