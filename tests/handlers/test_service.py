"""The contract of every handler call: one transaction, clear errors, no stack traces, no duplicates."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from handlers import Command, Reply, Service, UserError
from handlers.service import claim_event
from storage.models import Institution, Member, ProcessedEvent
from tests.support.registry import throwaway_verb


def command(text: str, user: str = "lea") -> Command:
    return Command(platform="console", user_id=user, user_name=user, channel_id="club", text=text,
                   received_at=datetime.now(UTC))


@pytest.fixture
def failing_verbs(service: Service) -> None:
    def crash(ctx, args):
        ctx.session.add(Institution(club_id=ctx.club.id, name="Partielle", key="partielle"))
        ctx.session.flush()
        raise RuntimeError("secret internal detail")

    def refuse(ctx, args):
        ctx.session.add(Institution(club_id=ctx.club.id, name="Partielle", key="partielle"))
        ctx.session.flush()
        raise UserError("Numéro inconnu : {n}.", n=args)

    for name, func_ in (("test-crash", crash), ("test-refuse", refuse)):
        service.registry.add_verb(throwaway_verb(name, func_))


def institutions(service: Service) -> int:
    with service.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Institution))


def test_unexpected_errors_get_an_apology_and_write_nothing(service: Service, failing_verbs,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        replies = service.handle_command(command("test-crash"))
    assert len(replies) == 1
    assert replies[0].text.startswith("Désolé, un problème inattendu est survenu et rien n'a été enregistré.")
    assert "secret internal detail" not in replies[0].text and "Traceback" not in replies[0].text
    assert institutions(service) == 0
    assert any(record.exc_info for record in caplog.records)  # the traceback is logged, not shown


def test_expected_errors_are_shown_and_roll_back(service: Service, failing_verbs) -> None:
    replies = service.handle_command(command("test-refuse 42"))
    assert [r.text for r in replies] == ["Numéro inconnu : 42."]
    assert institutions(service) == 0


def test_someone_whose_first_command_fails_is_still_known(service: Service, failing_verbs) -> None:
    service.handle_command(command("test-refuse 1", user="nouvelle"))
    with service.db.transaction() as session:
        assert session.scalar(select(Member.display_name).where(Member.platform_user_id == "nouvelle"))


def test_concurrent_first_contacts_make_one_member(service: Service) -> None:
    fresh = Service(service.db, service.settings, clock=service.clock)
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda _: fresh.handle_command(command("moi", user="simultane")), range(16)))
    assert all("Votre profil" in r[0].text for r in replies)
    with service.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Member)
                              .where(Member.platform_user_id == "simultane")) == 1


def test_event_ids_are_claimed_once(service: Service) -> None:
    with service.db.transaction() as session:
        assert claim_event(session, "slack", "Ev1") is True
        assert claim_event(session, "slack", "Ev1") is False
        assert claim_event(session, "mattermost", "Ev1") is True
    with service.db.transaction() as session:
        assert claim_event(session, "slack", "Ev1") is False
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 2


def test_empty_command_shows_help(service: Service) -> None:
    assert "Commandes" in service.handle_command(command(""))[0].text


def test_bot_replies_are_neutral_objects(service: Service) -> None:
    replies = service.handle_command(command("fuseau Mayotte"))
    assert isinstance(replies[0], Reply) and "Indian/Mayotte" in replies[0].text
