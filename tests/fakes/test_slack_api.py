"""The local Slack API refuses what Slack refuses: each rule, through slack_sdk's own client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakes.slack.auth import manifest_scopes
from tests.fakes.slack_api import FakeSlackAPI, block_kit_problems

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "Bonjour"}}
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "Proposer"}, "blocks": [SECTION]}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def api(clock: Clock) -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI(clock=clock) as api:
        api.add_user("U0LEA", "Léa")
        api.add_channel("C0CLUB", members=["U0LEA"])
        yield api


def client(api: FakeSlackAPI, token: str | None = "xoxb-test") -> WebClient:
    return WebClient(token=token, base_url=api.url)


def refusal(call) -> dict:
    with pytest.raises(SlackApiError) as raised:
        call()
    return {"status": raised.value.response.status_code, **raised.value.response.data}


# -- the token and its scopes -------------------------------------------------------------------
def test_a_call_without_a_token_or_with_another_is_refused() -> None:
    with FakeSlackAPI(token="xoxb-club") as api:
        assert refusal(lambda: client(api, None).auth_test())["error"] == "not_authed"
        assert refusal(lambda: client(api, "xoxb-other").auth_test())["error"] == "invalid_auth"
        assert refusal(lambda: client(api, "xoxp-club").auth_test())["error"] == "invalid_auth"
        assert client(api, "xoxb-club").auth_test()["user_id"]


def test_a_method_without_its_scope_names_the_one_needed() -> None:
    with FakeSlackAPI(scopes=["commands", "users:read"]) as api:
        api.add_channel("C0CLUB")
        refused = refusal(lambda: client(api).chat_postMessage(channel="C0CLUB", text="Bonjour"))
        assert refused | {"status": 200} == {"status": 200, "ok": False, "error": "missing_scope",
                                             "needed": "chat:write", "provided": "commands,users:read"}
        assert api.messages == {}


def test_the_history_scope_is_the_one_of_the_conversation_s_kind() -> None:
    with FakeSlackAPI(scopes=["channels:history"]) as api:
        api.add_channel("C0CLUB")
        api.add_channel("G0GROUPE", private=True)
        assert client(api).conversations_history(channel="C0CLUB")["ok"]
        refused = refusal(lambda: client(api).conversations_history(channel="G0GROUPE"))
        assert (refused["error"], refused["needed"]) == ("missing_scope", "groups:history")


def test_the_granted_scopes_default_to_the_manifest_s(api: FakeSlackAPI) -> None:
    assert api.scopes == manifest_scopes() and "chat:write" in api.scopes


# -- conversations and membership ---------------------------------------------------------------
def test_posting_needs_a_conversation_the_bot_may_post_in(api: FakeSlackAPI) -> None:
    api.add_channel("C0PUBLIC", bot_member=False)
    api.add_channel("G0PRIVE", private=True, bot_member=False)
    api.add_channel("C0ANCIEN", archived=True)
    slack = client(api)
    assert slack.chat_postMessage(channel="C0PUBLIC", text="annonce")["ok"]  # chat:write.public is granted
    for channel, error in (("G0PRIVE", "channel_not_found"), ("C0INCONNU", "channel_not_found"),
                           ("C0ANCIEN", "is_archived")):
        assert refusal(lambda channel=channel: slack.chat_postMessage(channel=channel, text="x"))["error"] == error


def test_a_public_channel_the_bot_is_not_in_needs_chat_write_public() -> None:
    with FakeSlackAPI(scopes=["chat:write", "channels:history"]) as api:
        api.add_channel("C0PUBLIC", bot_member=False)
        slack = client(api)
        assert refusal(lambda: slack.chat_postMessage(channel="C0PUBLIC", text="x"))["error"] == "not_in_channel"
        assert refusal(lambda: slack.conversations_history(channel="C0PUBLIC"))["error"] == "not_in_channel"


def test_a_post_to_a_user_lands_in_the_app_s_direct_conversation(api: FakeSlackAPI) -> None:
    posted = client(api).chat_postMessage(channel="U0LEA", text="rappel")
    assert posted["channel"] == "DU0LEA" == client(api).conversations_open(users="U0LEA")["channel"]["id"]
    assert refusal(lambda: client(api).conversations_open(users="U0PERSONNE"))["error"] == "user_not_found"


def test_an_ephemeral_goes_to_a_member_of_the_channel_only(api: FakeSlackAPI) -> None:
    slack = client(api)
    assert slack.chat_postEphemeral(channel="C0CLUB", user="U0LEA", text="pour vous")["ok"]
    refused = refusal(lambda: slack.chat_postEphemeral(channel="C0CLUB", user="U0KARIM", text="pour vous"))
    assert refused["error"] == "user_not_in_channel"


def test_reacting_in_a_conversation_the_bot_is_not_in_is_refused(api: FakeSlackAPI) -> None:
    ts = client(api).chat_postMessage(channel="C0CLUB", text="vote")["ts"]
    api.conversations["C0CLUB"].bot_member = False  # removed from the channel since
    refused = refusal(lambda: client(api).reactions_add(channel="C0CLUB", timestamp=ts, name="+1"))
    assert refused["error"] == "channel_not_found"


# -- rate limits --------------------------------------------------------------------------------
def test_posts_in_one_channel_are_limited_to_a_short_burst_then_one_a_second(api: FakeSlackAPI,
                                                                             clock: Clock) -> None:
    api.add_channel("C0AUTRE")
    slack = client(api)
    for n in range(5):
        slack.chat_postMessage(channel="C0CLUB", text=f"message {n}")
    refused = refusal(lambda: slack.chat_postMessage(channel="C0CLUB", text="un de trop"))
    assert (refused["status"], refused["error"]) == (429, "ratelimited")
    assert slack.chat_postMessage(channel="C0AUTRE", text="ailleurs")["ok"]  # per channel
    clock.now += 1
    assert slack.chat_postMessage(channel="C0CLUB", text="une seconde après")["ok"]


def test_a_tier_3_method_allows_50_calls_a_minute_with_retry_after_in_seconds(api: FakeSlackAPI,
                                                                              clock: Clock) -> None:
    slack = client(api)
    for _ in range(50):
        slack.conversations_history(channel="C0CLUB")
    with pytest.raises(SlackApiError) as raised:
        slack.conversations_history(channel="C0CLUB")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] in (["2"], "2")  # 1 call per 1.2 s, rounded up
    clock.now += 1.2
    assert slack.conversations_history(channel="C0CLUB")["ok"]


# -- Block Kit and message limits ---------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_messages_over_slack_s_limits_are_refused(api: FakeSlackAPI) -> None:
    slack = client(api)
    cases = [({"text": "x" * 40_001}, "msg_too_long"), ({}, "no_text"),
             ({"text": "x", "blocks": [SECTION] * 51}, "invalid_blocks"),
             ({"text": "x", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]},
              "invalid_blocks")]
    for arguments, error in cases:
        assert refusal(lambda arguments=arguments: slack.chat_postMessage(channel="C0CLUB", **arguments))[
            "error"] == error, arguments
    assert slack.chat_postMessage(channel="C0CLUB", text="x" * 40_000, blocks=[SECTION] * 50)["ok"]


def test_a_home_view_takes_100_blocks_at_most(api: FakeSlackAPI) -> None:
    slack = client(api)
    assert slack.views_publish(user_id="U0LEA", view={"type": "home", "blocks": [SECTION] * 100})["ok"]
    refused = refusal(lambda: slack.views_publish(user_id="U0LEA", view={"type": "home", "blocks": [SECTION] * 101}))
    assert refused["error"] == "invalid_arguments"


def test_block_kit_problems_finds_what_slack_sdk_s_models_refuse() -> None:
    button = {"type": "button", "text": {"type": "plain_text", "text": "Oui"}, "action_id": "vote"}
    assert block_kit_problems([SECTION, {"type": "actions", "elements": [button]}]) == []
    assert block_kit_problems([{"type": "carte"}])
    assert block_kit_problems([{"type": "actions", "elements": [button, button]}])  # action_id twice
    assert block_kit_problems([{"type": "actions", "elements": [button | {"value": "v" * 2001}]}])
    assert block_kit_problems([{"type": "header", "text": {"type": "mrkdwn", "text": "titre"}}])


# -- trigger_id and response_url ----------------------------------------------------------------
def test_a_trigger_opens_one_modal_within_three_seconds(api: FakeSlackAPI, clock: Clock) -> None:
    slack = client(api)
    assert refusal(lambda: slack.views_open(trigger_id="1.2.3", view=MODAL))["error"] == "invalid_trigger_id"
    trigger = api.trigger()
    assert slack.views_open(trigger_id=trigger, view=MODAL)["ok"]
    assert refusal(lambda: slack.views_open(trigger_id=trigger, view=MODAL))["error"] == "exchanged_trigger_id"
    late = api.trigger()
    clock.now += 3.1
    assert refusal(lambda: slack.views_open(trigger_id=late, view=MODAL))["error"] == "expired_trigger_id"


def test_a_response_url_takes_five_messages_within_thirty_minutes(api: FakeSlackAPI, clock: Clock) -> None:
    url, stale = api.response_url(), api.response_url()
    for n in range(5):
        assert httpx.post(url, json={"text": f"suite {n}"}).status_code == 200
    assert httpx.post(url, json={"text": "de trop"}).status_code == 404
    assert [post["text"] for post in api.responses(url)] == [f"suite {n}" for n in range(5)]
    clock.now += 30 * 60 + 1
    assert httpx.post(stale, json={"text": "trop tard"}).status_code == 404
    assert api.responses(stale) == []
