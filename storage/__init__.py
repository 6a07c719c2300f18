"""Persistence of club-bot: SQLAlchemy 2 models, sessions and Alembic migrations."""

from storage.db import Database

__all__ = ["Database"]
