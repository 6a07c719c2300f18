"""The Club's capabilities, platform-neutral. Importing this package registers every verb."""

from handlers import help, members  # noqa: F401  (registration side effects)
from handlers.core import (
           ActionEvent,
           Anchor,
           Button,
           Command,
           Profile,
           ReactionEvent,
           Reply,
           UserError,
           Visibility,
)
from handlers.service import ClubSettings, Service

__all__ = ["ActionEvent", "Anchor", "Button", "ClubSettings", "Command", "Profile", "ReactionEvent", "Reply",
           "Service", "UserError", "Visibility"]
