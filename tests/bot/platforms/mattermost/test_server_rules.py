"""What a Mattermost server refuses, and what club-bot does about it: dialogs within the limits the server
counts in bytes, emoji the server knows, messages over the post size split, a channel the bot is not in
explained to the author, the API rate limiter waited out."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from mattermostautodriver.exceptions import ResourceNotFound

from bot.outbox_sender import RateLimited
from bot.platforms.mattermost import render
from bot.platforms.mattermost.client import MattermostPlatform, make_driver
from bot.platforms.mattermost.sender import MattermostSender
from handlers import Form, FormField, Reply, Visibility
from handlers.polls.votes import APPROVE, GRADES, NUMBERS
from handlers.proposals.common import VOTE_REACTION
from tests.fakes.mattermost_api import SYSTEM_EMOJI, TOKEN, FakeMattermostAPI, new_id
from tests.support.mattermost import CLUB_CHANNEL, MattermostBot, corpus_user, running_mattermost_bot
from tests.support.registry import throwaway_verb

ALAN = "erj6qck3rfgtujs86w5r6rckzh"
ELSEWHERE = "elsewhereelsewhereelsewh01"  # a channel nobody added the bot to
JANE = "janejanejanejanejanejane01"  # writes in English


@pytest.fixture
def mattermost(database_url: str, clock) -> Iterator[MattermostBot]:
    with running_mattermost_bot(database_url, clock=clock) as bot:
        bot.api.add_user(corpus_user("response"))
        bot.api.add_user({"id": JANE, "username": "jane", "first_name": "Jane", "locale": "en",
                          "timezone": {"useAutomaticTimezone": "true", "automaticTimezone": "Europe/Paris"}})
        yield bot


@pytest.fixture
def api() -> Iterator[FakeMattermostAPI]:
    with FakeMattermostAPI() as server:
        server.add_channel(CLUB_CHANNEL)
        yield server


def rest(api: FakeMattermostAPI, method: str, path: str, **kwargs) -> httpx.Response:
    return httpx.request(method, f"{api.url}/api/v4{path}", headers={"Authorization": f"Bearer {TOKEN}"},
                         timeout=10, **kwargs)


def wait_for_post(api: FakeMattermostAPI, text: str, timeout: float = 10) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [post for post in list(api.posts.values()) if text in post.message]
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"no post containing {text!r}: {[p.message[:60] for p in api.posts.values()]}")


# -- interactive dialogs ----------------------------------------------------------------------
def test_a_french_label_fits_the_dialog_limit_the_server_counts_in_bytes(mattermost: MattermostBot) -> None:
    form = Form("test-rencontre", "Inscription à la rencontre", (
        FormField("porteur", "Porteur·se à la rencontre"),  # 25 characters, 27 bytes
        FormField("note", "Remarque"),
    ))
    mattermost.service.registry.add_verb(throwaway_verb("rencontre-test", lambda ctx, args: [
        Reply("Ouvrez le formulaire.", form=form)]))
    assert mattermost.command("rencontre-test").json()["text"] == ""
    [opened] = mattermost.api.dialogs
    porteur, note = opened["dialog"]["elements"]
    assert porteur["display_name"] == "Porteur·se à la ren…" and len(porteur["display_name"].encode()) <= 24
    assert porteur["help_text"] == "Porteur·se à la rencontre"  # the whole label, under the field
    assert note["display_name"] == "Remarque" and "help_text" not in note
    assert len(opened["dialog"]["title"].encode()) <= 24
    assert mattermost.api.warnings == []  # the server's Dialog.IsValid has nothing to log


def test_the_stand_in_logs_the_dialogs_the_server_finds_invalid_and_refuses_what_it_refuses(
        api: FakeMattermostAPI) -> None:
    dialog = {"callback_id": "c", "title": "Titre", "elements": [
        {"display_name": "Porteur·se à la rencont…", "name": "porteur", "type": "text"}]}  # 28 bytes
    opened = rest(api, "POST", "/actions/dialogs/open",
                  json={"trigger_id": "dHJpZ2dlcg==", "url": "https://bot/dialog", "dialog": dialog})
    assert opened.status_code == 200  # the server opens it, and logs it as invalid
    assert api.warnings == ["Interactive dialog is invalid: 'porteur' field is not valid: display_name cannot "
                            "be longer than 24 characters, got 28"]
    refused = rest(api, "POST", "/actions/dialogs/open", json={"trigger_id": "dHJpZ2dlcg==", "dialog": dialog})
    assert (refused.status_code, refused.json()["id"]) == (400, "api.context.invalid_param.app_error")


# -- emoji ------------------------------------------------------------------------------------
def test_every_emoji_the_bot_reacts_with_is_a_system_emoji_of_mattermost() -> None:
    used = {APPROVE, VOTE_REACTION, *NUMBERS, *(emoji for emoji, _label in GRADES)}
    assert used - SYSTEM_EMOJI == set()


def test_an_emoji_the_server_does_not_know_is_refused(api: FakeMattermostAPI) -> None:
    platform = MattermostPlatform(make_driver(api.url, TOKEN), TOKEN)
    post_id = platform.post(CLUB_CHANNEL, Reply("Votez"))
    with pytest.raises(ResourceNotFound) as refused:
        platform.add_reaction(CLUB_CHANNEL, post_id, "thumbs_up")  # Slack's spelling of nothing here
    assert refused.value.error_id == "app.emoji.get_by_name.no_result"
    api.add_custom_emoji("club")
    for emoji in ("+1", "keycap_ten", "no_entry", "club"):
        platform.add_reaction(CLUB_CHANNEL, post_id, emoji)
    assert [r["emoji_name"] for r in api.reactions] == ["+1", "keycap_ten", "no_entry", "club"]


# -- post size --------------------------------------------------------------------------------
LISTING = "\n".join(f"**{n}.** Proposition n° {n} : accueil des publics éloignés du numérique en Outre-mer, "
                    f"portée par la DEETS de Guyane — 3 soutiens" for n in range(1, 400))


def test_the_server_refuses_a_message_over_its_post_size(api: FakeMattermostAPI) -> None:
    too_long = rest(api, "POST", "/posts", json={"channel_id": CLUB_CHANNEL, "message": "é" * 16384})
    assert (too_long.status_code, too_long.json()["id"]) == (400, "model.post.is_valid.msg.app_error")
    at_limit = rest(api, "POST", "/posts", json={"channel_id": CLUB_CHANNEL, "message": "é" * 16383})
    assert at_limit.status_code == 201


def test_a_long_listing_is_posted_whole_in_several_posts_in_order(mattermost: MattermostBot) -> None:
    assert len(LISTING) > render.MAX_POST
    mattermost.service.registry.add_verb(throwaway_verb("liste-test", lambda ctx, args: [
        Reply("Liste publiée."), Reply(LISTING, visibility=Visibility.CLUB)]))
    assert mattermost.command("liste-test").json()["text"] == "Liste publiée."
    wait_for_post(mattermost.api, "Proposition n° 399 ")
    posts = [post for post in mattermost.api.posts.values() if post.channel_id == CLUB_CHANNEL]
    assert len(posts) >= 2 and all(len(post.message) <= render.MAX_POST for post in posts)
    assert "\n".join(post.message for post in posts) == LISTING
    keys = [post.props.get("club_message") for post in posts]  # each part is a message of its own, kept once
    assert all(keys) and len(set(keys)) == len(keys)


def test_a_long_answer_to_a_command_is_shown_whole_right_after_it(mattermost: MattermostBot) -> None:
    mattermost.service.registry.add_verb(throwaway_verb("liste-test", lambda ctx, args: [Reply(LISTING)]))
    first = mattermost.command("liste-test").json()["text"]  # the response holds the first part
    assert first.startswith("**1.** Proposition n° 1 ") and len(first) <= render.MAX_POST
    deadline = time.monotonic() + 10
    while "Proposition n° 399 " not in "".join(p.message for p in mattermost.api.ephemerals) \
            and time.monotonic() < deadline:
        time.sleep(0.02)
    shown = mattermost.api.ephemerals
    assert shown and all(post.ephemeral_for == ALAN for post in shown)
    assert "\n".join([first] + [post.message for post in shown]) == LISTING


# -- channel membership -----------------------------------------------------------------------
def test_a_post_in_a_channel_the_bot_is_not_in_is_refused(api: FakeMattermostAPI) -> None:
    refused = rest(api, "POST", "/posts", json={"channel_id": ELSEWHERE, "message": "Bonjour"})
    assert (refused.status_code, refused.json()["id"]) == (403, "api.context.permissions.app_error")


@pytest.mark.parametrize(("user", "name", "told"), [
    (ALAN, "alan", "n'est pas membre de ce canal. Invitez-le dans le canal (`/invite @club-bot`)"),
    (JANE, "jane", "Invite it to the channel (`/invite @club-bot`)"),
])
def test_a_poll_in_a_channel_the_bot_is_not_in_tells_its_author_what_to_do(
        mattermost: MattermostBot, user: str, name: str, told: str) -> None:
    answer = mattermost.command('sondage "Quel créneau pour le REX ?" "Mardi 10 h" "Jeudi 14 h"', user=user,
                                user_name=name, channel=ELSEWHERE)
    assert answer.status_code == 200
    [notice] = wait_for_post(mattermost.api, told)
    assert notice.channel_id == new_id("dm", *sorted([user, "gejjytiqr9bsaneigobabwnkcs"]))
    assert not [post for post in mattermost.api.posts.values() if post.channel_id == ELSEWHERE]


# -- rate limiting ----------------------------------------------------------------------------
def test_the_server_rate_limiter_is_off_by_default_and_answers_as_the_server_once_on(
        api: FakeMattermostAPI) -> None:
    assert "x-ratelimit-limit" not in rest(api, "GET", "/users/me").headers
    api.limit_rate(per_second=0.25, burst=0)
    first = rest(api, "GET", "/users/me")
    assert first.status_code == 200 and first.headers["x-ratelimit-limit"] == "1"
    limited = rest(api, "GET", "/users/me")
    assert (limited.status_code, limited.text) == (429, "limit exceeded")
    assert limited.headers["content-type"].startswith("text/plain")
    assert limited.headers["retry-after"] == "4" and limited.headers["x-ratelimit-remaining"] == "0"
    assert limited.headers["x-ratelimit-reset"] == "4"


def test_a_rate_limited_post_waits_for_as_long_as_the_server_says(api: FakeMattermostAPI) -> None:
    platform = MattermostPlatform(make_driver(api.url, TOKEN, retries=0), TOKEN)
    sender = MattermostSender(platform, CLUB_CHANNEL)
    api.limit_rate(per_second=0.25, burst=0)
    sender.call(platform.post, CLUB_CHANNEL, Reply("Premier"))
    with pytest.raises(RateLimited) as limited:
        sender.call(platform.post, CLUB_CHANNEL, Reply("Second"))
    assert limited.value.retry_after == 4.0
    assert [post.message for post in api.posts.values()] == ["Premier"]

