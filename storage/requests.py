"""Requests already acted on, each remembered until it expires: a second use before then has no effect.

A signed Slack request is valid for five minutes: its signature is kept that long, so a copy sent again
(a replay) is refused by every process sharing the database. A click on a poll's button is kept a few
seconds, so a double click counts once. Each kind keeps its own clock (the signature's timestamp, the
Club's clock), so rows are purged kind by kind, as new ones of that kind come.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, bindparam, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.db import insert_for
from storage.models import Base


class SeenRequest(Base):
    __tablename__ = "seen_requests"
    __table_args__ = (Index("ix_seen_request_expiry", "kind", "expires_at"),)

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)  # "slack-signature", "poll-click"…
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column()


_TABLE = SeenRequest.__table__
_PURGE = delete(_TABLE).where(_TABLE.c.kind == bindparam("kind"), _TABLE.c.expires_at < bindparam("now"))
_CLAIMS: dict[str, object] = {}


def first_use(session: Session, kind: str, key: str, now: datetime, expires_at: datetime) -> bool:
    """True the first time `key` is used (or once its earlier use expired), False for any other use
    before `expires_at`. The primary key decides between concurrent twins: exactly one of them is first."""
    # Core statements on the session's connection: every Slack request makes this claim, and the ORM's
    # bulk-insert path would cost several times the statements themselves.
    connection = session.connection()
    connection.execute(_PURGE, {"kind": kind, "now": now})
    dialect = connection.dialect.name
    statement = _CLAIMS.get(dialect)
    if statement is None:
        statement = _CLAIMS[dialect] = insert_for(session)(_TABLE).values(
            kind=bindparam("kind"), key=bindparam("key"), expires_at=bindparam("expires_at"),
        ).on_conflict_do_nothing().returning(_TABLE.c.key)
    claimed = connection.execute(statement, {"kind": kind, "key": key, "expires_at": expires_at})
    return claimed.scalar() is not None
