"""The registration core: no overbooking under concurrent registrations, one row per person, any event."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.platforms.console import Console
from handlers import Command, Service
from handlers.calendar.queries import event_by_number
from handlers.calendar.registrations import (
    Guest,
    capacity,
    counts,
    register,
    registrants,
    set_capacity,
    unregister,
)
from handlers.context import Context
from storage.models import Club, Member
from storage.registrations import Registration

PEOPLE = [f"personne{i:02d}" for i in range(16)]
SEATS = 5


def _command(service: Service, user: str, text: str) -> Command:
    return Command(platform="console", user_id=user, user_name=user, channel_id="club", text=text,
                   received_at=service.clock())


def _all_at_once(service: Service, users: list[str], text: str) -> dict[str, str]:
    """Every user sends `text` at the same instant, each on their own thread and connection."""
    start = threading.Barrier(len(users))
    answers: dict[str, str] = {}

    def run(user: str) -> None:
        start.wait()
        answers[user] = " ".join(r.text for r in service.handle_command(_command(service, user, text)))

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_concurrent_registrations_never_overbook(service: Service) -> None:
    console = Console(service, user="camille")
    console.run_line(f"/club rex capacite 1 {SEATS}")
    for user in PEOPLE:  # everyone already met the bot: the race is on the seats alone
        console.run_line(f":as {user}")
        console.run_line("/club moi")

    answers = _all_at_once(service, PEOPLE, "rex inscrire 1")
    seated = [u for u, a in answers.items() if "vous êtes inscrit·e au REX #1" in a]
    waiting = [u for u, a in answers.items() if "liste d'attente, en position" in a]
    assert len(seated) == SEATS and len(waiting) == len(PEOPLE) - SEATS, answers
    position = {u: int(answers[u].split("en position ")[1].split(".")[0]) for u in waiting}
    assert sorted(position.values()) == list(range(1, len(waiting) + 1))

    # everyone seated leaves at once: exactly as many of the waiting take the seats, in line order
    answers = _all_at_once(service, seated, "rex desinscrire 1")
    assert all("vous n'êtes plus inscrit·e" in a for a in answers.values())
    with service.db.transaction() as session:
        event = event_by_number(session, service.club_id, 1)
        rows = registrants(session, event.id)
        assert counts(session, event.id) == (SEATS, len(waiting) - SEATS)
        states = Counter(r.state for r in rows)
        assert states == {"confirmed": SEATS, "waitlisted": len(waiting) - SEATS}
        first_in_line = sorted(waiting, key=position.get)[:SEATS]
        assert {r.member.platform_user_id for r in rows if r.state == "confirmed"} == set(first_in_line)


def test_the_core_serves_any_event_and_one_row_per_person(service: Service) -> None:
    Console(service, user="camille").run_line("/club calendrier 2027")
    with service.db.transaction() as session:
        club = session.get(Club, service.club_id)
        members = [Member(club_id=club.id, platform="console", platform_user_id=u, display_name=u) for u in "abc"]
        session.add_all(members)
        session.flush()
        rencontre = event_by_number(session, club.id, 2)  # a rencontre, not a REX
        ctx = Context(session=session, club=club, member=members[0], settings=service.settings,
                      platform="console", channel_id="club", now=service.clock(), lang="fr",
                      registry=service.registry)
        assert capacity(session, rencontre.id) is None
        set_capacity(ctx, rencontre.id, 1)
        assert register(ctx, rencontre.id, member=members[0]).registration.state == "confirmed"
        assert register(ctx, rencontre.id, member=members[0]).already
        guest = register(ctx, rencontre.id, guest=Guest("Jeanne Martin", "Mairie"), invited_by=members[1])
        assert guest.registration.state == "waitlisted" and guest.registration.invited_by_id == members[1].id
        left = unregister(ctx, rencontre.id, member=members[0])
        assert [r.guest_name for r in left.promoted] == ["Jeanne Martin"]
        again = register(ctx, rencontre.id, member=members[0])  # the same row, at the end of the line
        assert again.registration.id == left.registration.id and again.registration.state == "waitlisted"
        assert unregister(ctx, rencontre.id, member=members[2]).registration is None
        assert [r.name for r in registrants(session, rencontre.id)] == ["Jeanne Martin", "a"]
        event_id = rencontre.id

    with pytest.raises(IntegrityError), service.db.transaction() as session:  # the database itself refuses
        member_id = session.scalar(select(Member.id).where(Member.platform_user_id == "b"))
        session.add_all([Registration(event_id=event_id, person_key=f"m:{member_id}", member_id=member_id,
                                      state="confirmed") for _ in range(2)])
