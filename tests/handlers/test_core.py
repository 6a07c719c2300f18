"""What a member sends loses its control characters and its text-reordering marks where it enters, before
anything handles or stores it: commands, button values, form values, display names. On SQLite and
PostgreSQL (which refuses a NUL byte)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.platforms.console import Console
from handlers import ActionEvent, Command, FormSubmission, Profile, Service
from storage.models import Member
from storage.proposals import Proposal
from storage.rex import RexTopic

APOLOGY = "Désolé, un problème inattendu"
NOW = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
# Every character that must go: C0 and C1 controls but tab and newline, bidirectional embeddings,
# overrides and isolates, LRM, RLM, the Arabic letter mark.
UNSAFE = [*map(chr, [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]),
          "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
          "\u200e", "\u200f", "\u061c"]


@pytest.mark.parametrize(("line", "shown"), [
    ("/club groupe creer Sémi\x00naire des territoires", "Séminaire des territoires"),
    ("/club rex sujet Accueil des \x00publics ultramarins", "Accueil des publics ultramarins"),
    ("/club rex invite 1 Jeanne\x00 Martin, Mairie de Cayenne", "Jeanne Martin (Mairie de Cayenne)"),
    ("/club odj 1 ajouter Point sur la \x00lettre aux élus", "Point sur la lettre aux élus"),
    ("/club collectif Marti\x00nique", "Collectif Martinique"),
])
def test_a_nul_byte_is_dropped_before_anything_is_stored(service: Service, line: str, shown: str) -> None:
    console = Console(service, user="camille")
    console.run_line("/club calendrier")  # the year's events, numbered
    answer = console.run_line(line)
    assert APOLOGY not in answer and shown in answer


def test_reordering_marks_never_reach_the_club_channel_nor_the_database(service: Service) -> None:
    console = Console(service, user="camille")
    console.run_line("/club appel ouvrir")
    console.run_line(":as lé\u202ea")
    posted = console.run_line("/club propose Rapport \u202etxt.exe — vu\u2066 ici\u2069 \u200fpar\u061c nous")
    assert "#1 · Rapport txt.exe" in posted and "vu ici par nous" in posted
    topic = console.run_line("/club rex sujet urgent Accueil\u202d des \u202bpublics")
    assert "⚡ Accueil des publics" in topic
    with service.db.transaction() as session:
        proposal = session.scalar(select(Proposal))
        assert (proposal.title, proposal.description) == ("Rapport txt.exe", "vu ici par nous")
        assert session.scalar(select(RexTopic.text)) == "Accueil des publics"
        assert "léa" in session.scalars(select(Member.display_name)).all()


def test_a_display_name_from_the_platform_is_cleaned(service: Service) -> None:
    profile = Profile(display_name="Ad\x00ministrateur \u202eeciffO", tz="America/Cayenne")
    answer = service.handle_command(Command("console", "U1", "u\x00ser", "club", "moi", NOW, profile=lambda: profile))
    assert "Administrateur eciffO" in answer[0].text
    with service.db.transaction() as session:
        assert session.scalar(select(Member.display_name).where(Member.platform_user_id == "U1")) == \
            "Administrateur eciffO"


def test_form_values_and_button_values_are_cleaned(service: Service) -> None:
    console = Console(service, user="camille")
    console.run_line("/club appel ouvrir")
    form = FormSubmission(platform="console", user_id="lea", user_name="lea", channel_id="club", form_id="proposal",
                          values={"titre": "Mobilité\x00 \u202erurale", "description": "Transports\x1b[31m\r\nà la demande",
                                  "porteur": ""}, state="", received_at=NOW)
    replies, error = service.handle_form(form)
    assert error is None and "Proposition #1 enregistrée" in replies[0].text
    with service.db.transaction() as session:
        proposal = session.scalar(select(Proposal))
        assert (proposal.title, proposal.description) == ("Mobilité rurale", "Transports[31m\nà la demande")
    click = ActionEvent(platform="slack", user_id="U1", user_name="Lé\x85a", channel_id="C1", message_id="1.2",
                        action="rex-register", value="4\x00\u202e", received_at=NOW)
    assert (click.value, click.user_name) == ("4", "Léa")


def test_every_unsafe_character_goes_and_text_keeps_its_lines() -> None:
    kept = "propose Ligne 1\n\tLigne 2 — « é » 🙂 \u200b@ici عربى"
    assert Command("console", "lea", "lea", "club", "".join(UNSAFE) + kept, NOW).text == kept
    command = Command("console", "lea", "l\x00ea", "club", "propose A\x00B\u2067", NOW, mentions={"U2": "pa\u202eul"})
    assert (command.text, command.user_name, command.mentions) == ("propose AB", "lea", {"U2": "paul"})
