"""Guests are participants, never members, whatever CLUB_DEFAULT_ROLE says: a group's guest, a Slack guest
account (restricted or single-channel), a Mattermost guest account. The members-only REX recordings never
reach them. On SQLite and PostgreSQL; Slack and Mattermost over real HTTP against their local fakes."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select

from bot.platforms.console import Console
from handlers import Service
from storage.models import Member
from tests.support.mattermost import ADMIN, corpus_user, running_mattermost_bot
from tests.support.slack import running_slack_bot

RECORDING = "https://video.exemple.fr/rex-1"
REFUSED = "réservée aux personnes ayant le rôle « membre »"
SENT_TO_ONE = "envoyé en privé à 1 membre(s) inscrit·e(s)"


def first_rex(text: str) -> str:
    """The number of the first upcoming REX in the answer to `/club rex`."""
    return re.search(r"/club rex inscrire (\d+)", text).group(1)


def recording_goes_to_members_only(say: Callable[[str, str], str], guest: str, member: str, facilitator: str) -> None:
    """The guest and a member register to the next REX; the facilitator shares its recording."""
    number = first_rex(say(facilitator, "rex"))
    assert "inscrit·e" in say(guest, f"rex inscrire {number}")
    assert "inscrit·e" in say(member, f"rex inscrire {number}")
    assert SENT_TO_ONE in say(facilitator, f"rex enregistrement {number} {RECORDING}")
    assert REFUSED in say(guest, "rex enregistrements")
    assert RECORDING in say(member, "rex enregistrements")
    assert "Rôle : participant" in say(guest, "moi")


def test_a_guest_a_referent_invites_to_a_group_is_a_participant(club: Service) -> None:
    console = Console(club, user="camille")

    def say(user: str, text: str) -> str:
        console.run_line(f":as {user}")
        return console.run_line(f"/club {text}")

    say("camille", "retenir-test")
    say("camille", "groupe referents 1 @lea @karim")
    assert "gilles (élu) est invité·e au groupe #1" in say("lea", "groupe inviter 1 @gilles, élu")
    recording_goes_to_members_only(say, guest="gilles", member="nina", facilitator="camille")
    assert "✉ gilles" not in "\n".join(console.lines)


def test_a_club_member_is_never_made_a_guest(club: Service) -> None:
    console = Console(club, user="camille")
    console.run_line("/club retenir-test")
    console.run_line("/club groupe referents 1 @lea @karim")
    console.run_line(":as nina")
    console.run_line("/club moi")  # nina is a member of the Club
    console.run_line(":as lea")
    refused = console.run_line("/club groupe inviter 1 @nina, experte")
    assert "nina est membre du Club : un·e invité·e vient de l'extérieur" in refused
    assert "/club groupe rejoindre 1" in refused
    with club.db.transaction() as session:
        assert session.scalar(select(Member.role).where(Member.platform_user_id == "nina")) == "membre"


@pytest.mark.parametrize("kind", ["is_restricted", "is_ultra_restricted"])
def test_a_slack_guest_account_is_a_participant(database_url: str, clock, kind: str) -> None:
    with running_slack_bot(database_url, clock=clock, club_default_role="membre") as slack:
        for user, name in (("UADMIN01", "Camille"), ("U0LEA", "Léa"), ("U0GUEST", "Invitée")):
            slack.api.add_user(user, name)
        slack.api.users["U0GUEST"][kind] = True

        def say(user: str, text: str) -> str:
            response = slack.command(text, user=user)
            assert response.status_code == 200
            return response.json()["text"]

        recording_goes_to_members_only(say, guest="U0GUEST", member="U0LEA", facilitator="UADMIN01")


def test_a_slack_guest_who_first_voted_by_reaction_is_a_participant_from_their_first_command(
        database_url: str, clock) -> None:
    """Met through a vote (no profile in a reaction event), then read at the first command: still a guest."""
    with running_slack_bot(database_url, clock=clock, club_default_role="membre") as slack:
        for user, name in (("UADMIN01", "Camille"), ("U0LEA", "Léa"), ("U0GUEST", "Invitée")):
            slack.api.add_user(user, name)
        slack.api.users["U0GUEST"]["is_restricted"] = True
        assert "lancé" in slack.command('sondage "Quel atelier ?" "Eau" "Santé"', user="UADMIN01").json()["text"]
        slack.api.wait_for("reactions.add", count=2)
        option = sorted(m.ts for m in slack.api.messages.values() if m.channel == "C0CLUB0001")[1]
        assert slack.reaction("U0GUEST", "C0CLUB0001", option, "+1").status_code == 200

        def say(user: str, text: str) -> str:
            response = slack.command(text, user=user)
            assert response.status_code == 200
            return response.json()["text"]

        recording_goes_to_members_only(say, guest="U0GUEST", member="U0LEA", facilitator="UADMIN01")


def test_a_mattermost_guest_account_is_a_participant(database_url: str, clock) -> None:
    guest, member = "guestguestguestguestguest1", "erj6qck3rfgtujs86w5r6rckzh"
    with running_mattermost_bot(database_url, clock=clock, club_default_role="membre") as bot:
        for user_id, username, roles in ((ADMIN, "camille", "system_user system_admin"),
                                         (member, "alan", "system_user"),
                                         (guest, "invitee", "system_guest")):
            bot.api.add_user({**corpus_user("response"), "id": user_id, "username": username, "roles": roles})
        names = {ADMIN: "camille", member: "alan", guest: "invitee"}

        def say(user: str, text: str) -> str:
            response: httpx.Response = bot.command(text, user=user, user_name=names[user])
            assert response.status_code == 200
            return response.json()["text"]

        recording_goes_to_members_only(say, guest=guest, member=member, facilitator=ADMIN)
