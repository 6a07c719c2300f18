"""Votes by reaction over signed Slack HTTP: concurrent bursts never lose or double a vote, and the
platform's own reactions (reactions.get) win over missed events at closing."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from fractions import Fraction

import httpx
import pytest
from sqlalchemy import select

from handlers import Anchor
from handlers.polls.votes import GRADES, NUMBERS, REJECT, tally
from storage.polls import Poll
from tests.support.slack import (
    CLUB_CHANNEL,
    SlackBot,
    click_body,
    reaction_body,
    running_slack_bot,
    signed_headers,
)

ADMIN = "UADMIN01"


@pytest.fixture
def slack(database_url: str, clock) -> Iterator[SlackBot]:
    with running_slack_bot(database_url, clock=clock) as bot:
        yield bot


def open_poll(slack: SlackBot, flags: str, options: int = 3) -> list[str]:
    """Creates poll #1 and returns the message ts of each option, in order."""
    labels = " ".join(f'"Option {n}"' for n in range(1, options + 1))
    assert slack.command(f'sondage "Question ?" {labels} {flags}', user=ADMIN).status_code == 200
    per_option = len(GRADES) if "--jm" in flags else 1
    slack.api.wait_for("reactions.add", count=options * per_option, timeout=20)
    with slack.service.db.transaction() as session:
        option_ids = [option.id for option in session.scalar(select(Poll)).options]
    return [slack.service.posted_for("slack", Anchor("poll_option", oid))[0][1] for oid in option_ids]


def current_tally(slack: SlackBot):
    with slack.service.db.transaction() as session:
        poll = session.scalar(select(Poll))
        positions = {option.id: option.position for option in poll.options}
        result = tally(session, poll)
        return ({positions[k]: v for k, v in result.scores.items()},
                {positions[k]: v for k, v in result.grades.items()})


def emoji_for(kind: str, position: int) -> list[str]:
    if kind == "jm":
        return [emoji for emoji, _label in GRADES]
    return [NUMBERS[position - 1]] if kind == "single" else ["+1"]


@pytest.mark.parametrize("kind", ["approval", "single", "jm"])
def test_concurrent_bursts_match_the_ground_truth(slack: SlackBot, kind: str) -> None:
    flags = {"approval": "", "single": "--unique", "jm": "--jm"}[kind]
    timestamps = open_poll(slack, flags)
    threads, voters_per_thread, moves = 4, 5, 40
    # Ground truth per voter: live (position, emoji) -> order of its latest add (per voter: one thread).
    live: dict[str, dict[tuple[int, str], int]] = {}
    counter = iter(range(10**9))
    errors: list[str] = []

    def burst(index: int) -> None:
        rng = random.Random(index * 7919 + len(kind))
        voters = [f"U0V{index:02d}{n:03d}" for n in range(voters_per_thread)]
        with httpx.Client(base_url=slack.url, timeout=20) as http:
            for _ in range(moves):
                voter = rng.choice(voters)
                position = rng.randint(1, len(timestamps))
                emoji = rng.choice(emoji_for(kind, position) + ["tada"])  # "tada" is no vote
                mine = live.setdefault(voter, {})
                added = (position, emoji) not in mine
                if added:
                    mine[(position, emoji)] = next(counter)
                    slack.api.react(CLUB_CHANNEL, timestamps[position - 1], emoji, voter)
                else:
                    del mine[(position, emoji)]
                    slack.api.unreact(CLUB_CHANNEL, timestamps[position - 1], emoji, voter)
                event_id = f"Ev{index}{next(counter)}"
                for _delivery in range(2 if rng.random() < 0.15 else 1):  # Slack's retries: same event id
                    response = slack.reaction(voter, CLUB_CHANNEL, timestamps[position - 1], emoji, added,
                                              event_id=event_id, http=http)
                    if response.status_code != 200:
                        errors.append(f"{response.status_code} {response.text}")

    workers = [threading.Thread(target=burst, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors

    expected_scores, expected_grades = ground_truth(kind, live, len(timestamps))
    scores, grades = current_tally(slack)
    assert (scores, grades) == (expected_scores, expected_grades)

    # Closing recounts from the API, which saw the same reactions: nothing to fix, same result.
    slack.command("cloturer 1", user=ADMIN)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _results_posts(slack):
        time.sleep(0.02)
    assert "Recomptage" not in _results_posts(slack)[0]
    assert current_tally(slack) == (expected_scores, expected_grades)


def _results_posts(slack: SlackBot) -> list[str]:
    return [c.params["text"] for c in slack.api.calls_to("chat.postMessage")
            if "Résultats du sondage" in c.params.get("text", "")]


def ground_truth(kind: str, live: dict[str, dict[tuple[int, str], int]], options: int):
    """Computed from the moves alone, without the bot's code."""
    valid = {voter: {key: order for key, order in keys.items() if key[1] in emoji_for(kind, key[0])}
             for voter, keys in live.items()}
    voters = [voter for voter, keys in valid.items() if keys]
    if kind == "jm":
        grade_of = {emoji: index for index, (emoji, _label) in enumerate(GRADES)}
        grades = {position: [Fraction(0)] * len(GRADES) for position in range(1, options + 1)}
        for voter in voters:
            for position in range(1, options + 1):
                mine = [(order, emoji) for (pos, emoji), order in valid[voter].items() if pos == position]
                grades[position][grade_of[max(mine)[1]] if mine else REJECT] += 1
        return {}, grades
    scores = {position: Fraction(0) for position in range(1, options + 1)}
    for voter in voters:
        if kind == "single":
            scores[max((order, pos) for (pos, _e), order in valid[voter].items())[1]] += 1
        else:
            for position, _emoji in valid[voter]:
                scores[position] += 1
    return scores, {}


def test_platform_state_wins_over_missed_events_at_closing(slack: SlackBot) -> None:
    a, b = open_poll(slack, "", options=2)
    for user, ts in (("U0ANNE", a), ("U0BASILE", a), ("U0CLEM", b)):
        slack.api.react(CLUB_CHANNEL, ts, "+1", user)
        assert slack.reaction(user, CLUB_CHANNEL, ts, "+1").status_code == 200
    slack.api.react(CLUB_CHANNEL, a, "+1", "U0DROPPED")  # the bot never got this event
    slack.api.react(CLUB_CHANNEL, b, "thumbsup::skin-tone-4", "U0DOWN")  # nor this one, made while down
    slack.api.unreact(CLUB_CHANNEL, b, "+1", "U0CLEM")  # nor this removal
    assert current_tally(slack)[0] == {1: 2, 2: 1}
    assert slack.command("cloturer 1", user=ADMIN).status_code == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _results_posts(slack):
        time.sleep(0.02)
    text = _results_posts(slack)[0]
    assert "2 vote(s) ajouté(s), 1 retiré(s)" in text
    assert current_tally(slack)[0] == {1: 3, 2: 1}  # the bot's own :+1: on each option is not a vote
    assert len(slack.api.calls_to("reactions.get")) == 2
    header = [c for c in slack.api.calls_to("chat.update") if "Clôturé" in c.params.get("text", "")]
    assert header and header[0].params["channel"] == CLUB_CHANNEL


def test_anonymous_poll_confirms_to_the_voter_only(slack: SlackBot) -> None:
    import json
    from urllib.parse import urlencode

    assert slack.command('sondage "Qui ?" "Alpha" "Beta" --anonyme', user=ADMIN).status_code == 200
    posts = slack.api.wait_for("chat.postMessage", count=3)
    option = posts[1]
    button = option.params["blocks"][1]["elements"][0] if isinstance(option.params["blocks"], list) else \
        json.loads(option.params["blocks"])[1]["elements"][0]
    payload = {"type": "block_actions", "user": {"id": "U0SECRET", "username": "secret.voter"},
               "container": {"type": "message", "message_ts": "1700000000.000002", "channel_id": CLUB_CHANNEL},
               "channel": {"id": CLUB_CHANNEL}, "trigger_id": "1.2.3", "team": {"id": "T01ND2P8N91"},
               "actions": [{"action_id": button["action_id"], "value": button["value"], "type": "button"}]}
    assert slack.post(urlencode({"payload": json.dumps(payload)})).status_code == 200
    whisper = slack.api.wait_for("chat.postEphemeral")[0]
    assert whisper.params["user"] == "U0SECRET" and "Alpha" in whisper.params["text"]
    slack.command("cloturer 1", user=ADMIN)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _results_posts(slack):
        time.sleep(0.02)
    public = [c.params.get("text", "") for c in slack.api.calls if c.method in ("chat.postMessage", "chat.update")]
    assert _results_posts(slack) and not [text for text in public if "U0SECRET" in text or "secret" in text]
    assert current_tally(slack)[0] == {1: 1, 2: 0}


def test_a_double_click_on_an_anonymous_poll_counts_once(slack: SlackBot, clock) -> None:
    """Two clicks of one person on one button, milliseconds apart, are one intention: the vote stays. A
    click once the confirmation is read withdraws it, as the button says. Twins at the same instant: one."""
    assert slack.command('sondage "Qui ?" "Alpha" "Beta" --anonyme', user=ADMIN).status_code == 200
    alpha = next(c for c in slack.api.wait_for("chat.postMessage", count=3) if "Alpha" in c.params["text"])
    blocks = alpha.params["blocks"]
    button = (json.loads(blocks) if isinstance(blocks, str) else blocks)[1]["elements"][0]
    assert button["text"]["text"] == "Je soutiens / je retire"

    def whispers(count: int) -> list[str]:
        return [c.params["text"] for c in slack.api.wait_for("chat.postEphemeral", count=count)]

    assert slack.post(click_body("U0DOUBLE", button)).status_code == 200
    assert slack.post(click_body("U0DOUBLE", button)).status_code == 200
    assert current_tally(slack)[0] == {1: 1, 2: 0}
    assert [("Vote enregistré" in text) for text in whispers(2)] == [True, True]

    clock.now += timedelta(seconds=10)
    assert slack.post(click_body("U0DOUBLE", button)).status_code == 200
    assert current_tally(slack)[0] == {1: 0, 2: 0}
    assert "Vote retiré pour « Alpha »" in whispers(3)[2]

    clock.now += timedelta(seconds=10)
    ready = threading.Barrier(2)
    statuses: list[int] = []

    def twin() -> None:
        body = click_body("U0DOUBLE", button)
        with httpx.Client(base_url=slack.url, timeout=20) as http:
            ready.wait()
            response = http.post("/slack/events", content=body.encode(), headers=signed_headers(body))
            statuses.append(response.status_code)

    twins = [threading.Thread(target=twin) for _ in range(2)]
    for thread in twins:
        thread.start()
    for thread in twins:
        thread.join()
    assert statuses == [200, 200]
    assert current_tally(slack)[0] == {1: 1, 2: 0}


def test_the_bots_own_reactions_and_tampered_events_are_not_votes(slack: SlackBot) -> None:
    """The bot's inviting reactions come back as events: never counted. A reaction whose body was changed
    after signing is refused and writes nothing. A reaction on a file is acknowledged and ignored."""
    for user in ("U0MEMBRE1", "U0MEMBRE2", "U0MEMBRE3"):
        slack.api.add_user(user, user)
    first, second, _third = open_poll(slack, "")
    assert slack.reaction("U0CLUBBOT", CLUB_CHANNEL, first, "+1").status_code == 200
    body = reaction_body("U0MEMBRE1", CLUB_CHANNEL, second, "+1")
    headers = signed_headers(body, content_type="application/json")
    tampered = body.replace("U0MEMBRE1", "U0MEMBRE2")
    assert slack.http.post("/slack/events", content=tampered.encode(), headers=headers).status_code == 401
    on_file = json.loads(reaction_body("U0MEMBRE3", CLUB_CHANNEL, second, "+1"))
    on_file["event"]["item"] = {"type": "file", "file": "F1"}
    raw = json.dumps(on_file)
    assert slack.http.post("/slack/events", content=raw.encode(),
                           headers=signed_headers(raw, content_type="application/json")).status_code == 200
    assert set(current_tally(slack)[0].values()) == {0}
    assert slack.reaction("U0MEMBRE1", CLUB_CHANNEL, second, "+1").status_code == 200
    scores = current_tally(slack)[0]
    assert scores[2] > 0 and scores[1] == scores[3] == 0
