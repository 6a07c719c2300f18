"""Nothing is half done: when the platform refuses for good the message that makes an action real (a poll's
question, a group's new channel), the action is undone, and its author is told what to do instead."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from bot.outbox_sender import OutboxSender, Refused, Sender
from handlers import Command, Reply, Service, Visibility
from handlers.core import Attachment
from storage.groups import GroupChannel
from storage.outbox import OutboxMessage
from storage.polls import Poll
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.mattermost import running_mattermost_bot
from tests.support.registry import throwaway_verb
from tests.support.slack import running_slack_bot

ADMIN = "UADMIN01"  # an admin of the Club: may launch polls and lead any group
PRIVATE = "G0PRIVATE1"  # a private channel club-bot was never invited to
POLL = 'sondage "Quel atelier ?" "Eau" "Santé" --fin vendredi 18h'


def wait_until(condition, timeout: float = 20.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def slack_dms(api: FakeSlackAPI, user: str) -> list[str]:
    return [call.params["text"] for call in api.calls_to("chat.postMessage") if call.params["channel"] in (user, "D" + user)]


def outbox_states(service: Service) -> Counter:
    with service.db.transaction() as session:
        return Counter(session.scalars(select(OutboxMessage.state)))


class PartlyJoined:
    """A chat platform where club-bot is a member of some channels only: elsewhere its posts are refused
    for good, as Slack answers `channel_not_found` (docs.slack.dev/reference/methods/chat.postMessage)."""

    name = "chat"

    def __init__(self, *joined: str) -> None:
        self.joined = set(joined)
        self.posts: list[tuple[str, str]] = []  # (channel, text)
        self.dms: list[tuple[str, str]] = []  # (user, text)

    def post(self, channel: str, reply: Reply, key: str | None = None) -> str:
        if channel not in self.joined:
            raise Refused("channel_not_found")
        self.posts.append((channel, reply.text))
        return f"m{len(self.posts)}"

    def direct(self, user: str, reply: Reply, key: str | None = None) -> tuple[str, str]:
        self.dms.append((user, reply.text))
        return "D" + user, f"d{len(self.dms)}"

    def ephemeral(self, channel: str, user: str, reply: Reply) -> None:
        self.dms.append((user, reply.text))

    def update(self, channel: str, message_id: str, reply: Reply) -> None:
        pass

    def add_reaction(self, channel: str, message_id: str, emoji: str) -> None:
        pass

    def reactions(self, channel: str, message_id: str) -> dict[str, set[str]]:
        return {}

    def upload(self, channel: str, attachment: Attachment) -> None:
        pass


def typed(service: Service, text: str, channel: str, user: str = ADMIN, locale: str = "fr-FR") -> str:
    cmd = Command(platform="chat", user_id=user, user_name=user.lower(), channel_id=channel, text=text,
                  received_at=service.clock(), locale=locale)
    return "\n".join(reply.text for reply in service.handle_command(cmd).answer)


# -- polls --------------------------------------------------------------------------------------
def test_a_poll_slack_refuses_to_post_is_cancelled_never_left_open(database_url: str) -> None:
    with running_slack_bot(database_url) as slack:
        slack.api.add_user(ADMIN, "Camille")
        slack.api.fail_next("chat.postMessage", "channel_not_found")  # the question, in a channel without club-bot
        assert "Sondage #1 lancé" in slack.command(POLL, user=ADMIN, channel=PRIVATE).json()["text"]

        [notice] = wait_until(lambda: slack_dms(slack.api, ADMIN), what="the author told")
        assert "Sondage #1" in notice and "il n'est pas membre de ce canal" in notice
        assert "puis relancez le sondage : le sondage #1 est annulé" in notice
        time.sleep(0.3)  # what the outbox would still post, it would post now
        with slack.api.lock:
            assert [m.text for m in slack.api.messages.values() if m.channel == PRIVATE] == []  # no orphan options

        closing = slack.command("cloturer 1", user=ADMIN, channel=PRIVATE).json()["text"]
        assert "Le sondage #1 a été annulé" in closing and "recompte" not in closing
        assert "a été annulé" in slack.command("resultats 1", user=ADMIN, channel=PRIVATE).json()["text"]
        home = slack.command("accueil", user=ADMIN).json()["text"]
        assert "Sondages ouverts : 0" in home and "Quel atelier" not in home  # not among the polls to vote on
        assert outbox_states(slack.service)["failed"] == 1  # the question; the options went with the poll


def test_a_poll_in_a_direct_conversation_is_cancelled_and_never_closed_or_reminded(service: Service,
                                                                                   clock) -> None:
    chat = PartlyJoined("C0CLUB")
    outbox = OutboxSender(service, [Sender(chat, "C0CLUB")])
    assert "Poll #1 started" in typed(service, POLL, channel="D0TWOPEOPLE", locale="en-GB")
    outbox.run_messages()

    assert chat.posts == []
    [(user, notice)] = chat.dms
    assert user == ADMIN and "not a member of that channel" in notice
    assert "then launch the poll again: poll #1 is cancelled" in notice  # in the author's language
    with service.db.transaction() as session:
        poll = session.scalar(select(Poll))
        assert poll.closed_at is not None and poll.cancelled_at is not None
    # Its end comes and goes: no recount, no results, no reminder of a poll nobody saw.
    chat.posts.clear()
    chat.dms.clear()
    clock.now += timedelta(days=8)
    assert [reply for _, reply in service.tick() if reply.recount is not None] == []
    outbox.run(clock.now)
    assert not [text for _, text in chat.posts + chat.dms if "Quel atelier" in text]
    assert "Poll #1 was cancelled" in typed(service, "cloturer 1", channel="C0CLUB", locale="en-GB")


def test_a_refused_poll_on_mattermost_is_cancelled(database_url: str) -> None:
    with running_mattermost_bot(database_url) as mattermost:
        # The fake refuses a post (403) in a channel the bot is not a member of, as Mattermost does.
        answer = mattermost.command(POLL.replace("vendredi 18h", "lundi 9h"), channel="privatechannel0000000000000")
        assert "Sondage #1 lancé" in answer.json()["text"]
        notice = wait_until(lambda: [p.message for p in list(mattermost.api.posts.values())
                                     if "relancez le sondage" in p.message], what="the author told")
        assert "le sondage #1 est annulé" in notice[0]
        wait_until(lambda: outbox_states(mattermost.service)["sent"] == 1, what="the notice sent")
        with mattermost.service.db.transaction() as session:
            assert session.scalar(select(Poll.closed_at)) is not None
        assert outbox_states(mattermost.service) == Counter(failed=1, cancelled=2, sent=1)


# -- a group's channel --------------------------------------------------------------------------
def test_a_group_channel_slack_refuses_is_not_bound_and_the_referent_is_told_in_english(database_url: str) -> None:
    with running_slack_bot(database_url) as slack:
        slack.api.add_user(ADMIN, "Camille", locale="en-US")
        assert "created" in slack.command("groupe creer Accueil des publics", user=ADMIN).json()["text"]
        slack.api.fail_next("chat.postMessage", "not_in_channel")
        assert "now group #1" in slack.command("groupe canal 1", user=ADMIN, channel="G0GROUP01").json()["text"]

        [notice] = wait_until(lambda: slack_dms(slack.api, ADMIN), what="the referent told")
        assert "it is not a member of that channel" in notice
        assert "So the channel of group #1 Accueil des publics has not changed" in notice
        assert "`/invite @club-bot`" in notice and "`/club groupe canal 1` again" in notice
        with slack.service.db.transaction() as session:
            assert session.scalars(select(GroupChannel)).all() == []  # its notes are not sent there


def test_a_new_group_channel_refused_gives_the_group_its_previous_one_back(service: Service) -> None:
    chat = PartlyJoined("C0CLUB", "G0OLD")
    service = Service(service.db, replace(service.settings, club_channels={"chat": "C0CLUB"}), clock=service.clock)
    outbox = OutboxSender(service, [Sender(chat, "C0CLUB")])
    typed(service, "groupe creer Données partagées", channel="C0CLUB")
    typed(service, "groupe canal 1", channel="G0OLD")
    outbox.run_messages()
    assert chat.posts == [("G0OLD", "Ce salon reçoit désormais les relevés de décisions et les rappels de séance "
                                    "du groupe #1 Données partagées.")]

    assert "désormais celui du groupe #1" in typed(service, "groupe canal 1", channel="G0NEW")
    outbox.run_messages()
    [(_, notice)] = chat.dms
    assert "n'a donc pas changé de salon : invitez d'abord club-bot dans celui-ci" in notice
    with service.db.transaction() as session:
        assert session.scalars(select(GroupChannel.channel_id)).all() == ["G0OLD"]

    chat.joined.add("G0NEW")  # club-bot invited, the same command binds the channel for good
    typed(service, "groupe canal 1", channel="G0NEW")
    outbox.run_messages()
    assert chat.posts[-1][0] == "G0NEW" and len(chat.dms) == 1
    with service.db.transaction() as session:
        assert session.scalars(select(GroupChannel.channel_id)).all() == ["G0NEW"]


# -- what nothing undoes ------------------------------------------------------------------------
def test_a_refused_message_nothing_undoes_is_given_up_and_the_rest_still_goes(service: Service) -> None:
    service.registry.add_verb(throwaway_verb("annonce-test", lambda ctx, args: [
        Reply("Annoncé."), Reply("Réunion jeudi", visibility=Visibility.CHANNEL, channel="G0ELSEWHERE"),
        Reply("Pensez à l'ordre du jour", visibility=Visibility.CHANNEL, channel="C0CLUB")]))
    chat = PartlyJoined("C0CLUB")
    outbox = OutboxSender(service, [Sender(chat, "C0CLUB")])
    typed(service, "annonce-test", channel="C0CLUB")
    outbox.run_messages()
    assert chat.posts == [("C0CLUB", "Pensez à l'ordre du jour")]
    [(_, notice)] = chat.dms
    assert notice == ("club-bot n'a pas pu publier « Réunion jeudi » : il n'est pas membre de ce canal. "
                      "Invitez-le dans le canal (`/invite @club-bot`), puis recommencez.")
    assert outbox_states(service) == Counter(sent=2, failed=1)
