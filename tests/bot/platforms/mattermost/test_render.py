"""Rendering and parsing rules of the Mattermost adapter, without a server."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from bot.platforms.mattermost import render
from bot.platforms.mattermost.client import effective_timezone, normalise_emoji, websocket_url
from bot.platforms.mattermost.commands import normalise_mentions, token_ok
from handlers import Anchor, Button, Form, FormField, Reply
from tests.support.mattermost import MATTERMOST

SECRET = b"s3cret"


@pytest.mark.parametrize(("name", "zone"), [
    ("api_users_get.response.json", "Europe/Paris"),
    ("api_users_get.manual_timezone.response.json", "America/Cayenne"),
    ("api_users_get.empty_timezone.response.json", None),
    ("api_users_get.bot.response.json", None),
])
def test_time_zone_of_corpus_profiles(name: str, zone: str | None) -> None:
    assert effective_timezone(json.loads((MATTERMOST / name).read_text())["timezone"]) == zone


def test_time_zone_edge_cases() -> None:
    assert effective_timezone(None) is None
    assert effective_timezone({"useAutomaticTimezone": "false", "manualTimezone": ""}) is None
    assert effective_timezone({"useAutomaticTimezone": "TRUE", "automaticTimezone": "Pacific/Noumea"}) == \
        "Pacific/Noumea"


@pytest.mark.parametrize(("raw", "name"), [("+1", "+1"), ("thumbsup", "+1"), ("+1_medium_dark_skin_tone", "+1"),
                                           (":-1:", "-1"), ("thumbsdown", "-1"), ("tada", "tada")])
def test_emoji_aliases_and_skin_tones(raw: str, name: str) -> None:
    assert normalise_emoji(raw) == name


def test_websocket_url_follows_the_server_url() -> None:
    assert websocket_url("https://chat.example.gouv.fr") == "wss://chat.example.gouv.fr/api/v4/websocket"
    assert websocket_url("http://localhost:8065/chat/") == "ws://localhost:8065/chat/api/v4/websocket"


def test_tokens_are_compared_whole() -> None:
    assert token_ok("abc", ["zzz", "abc"])
    assert not token_ok("ab", ["abc"]) and not token_ok("", ["abc"]) and not token_ok("", [])


def test_corpus_mentions_become_tokens() -> None:
    fields = parse_qs((MATTERMOST / "command_slash_mentions.form.txt").read_text().strip())
    text, mentions = normalise_mentions(fields["text"][0], fields["user_mentions"], fields["user_mentions_ids"])
    assert text == "propose Inclusion numérique <@1eifd55acpoim8kshtsourwh51> ~club-outre-mer"
    assert mentions == {"1eifd55acpoim8kshtsourwh51": "marie.dupont"}


def test_a_mention_does_not_swallow_a_longer_username() -> None:
    text, _ = normalise_mentions("@marie.dupont2 et @marie.dupont.", ["marie.dupont"], ["ID1"])
    assert text == "@marie.dupont2 et <@ID1>."


def test_buttons_are_signed_attachments() -> None:
    reply = Reply("Choisir", buttons=[Button("Oui", "vote", "1", "primary"), Button("Non", "vote", "2", "weird")],
                  anchor=Anchor("poll", 9))
    message, props = render.message(reply, lambda user: user, "https://bot/mattermost/action", SECRET)
    assert message == "Choisir"
    assert props["club_kind"] == "poll" and props["club_object_id"] == "9"
    first, second = props["attachments"][0]["actions"]
    assert first["style"] == "primary" and "style" not in second
    context = first["integration"]["context"]
    assert render.signature_ok(SECRET, context["sig"], "button", "vote", "1")
    assert not render.signature_ok(SECRET, context["sig"], "button", "vote", "2")
    assert not render.signature_ok(b"other", context["sig"], "button", "vote", "1")


def test_long_messages_are_split_between_lines_in_order() -> None:
    text = "\n".join(f"{n}. Proposition n° {n} — un thème porté par une DREETS" for n in range(1, 800))
    parts = render.pieces(text)
    assert len(parts) > 1 and all(len(part) <= render.MAX_POST for part in parts)
    assert "\n".join(parts) == text and all(not part.startswith("\n") for part in parts)
    assert render.pieces("x" * 20000) == ["x" * render.MAX_POST, "x" * (20000 - render.MAX_POST)]
    assert render.pieces("court") == ["court"]


@pytest.mark.parametrize(("text", "limit", "fitted"), [
    ("Porteur·se à la rencontre", 24, "Porteur·se à la ren…"),  # 27 bytes: · and à take two each
    ("Porteur·se", 24, "Porteur·se"),
    ("ééééééééééééé", 24, "éééééééééé…"),  # never half a character
])
def test_dialog_texts_fit_in_bytes_on_a_character_boundary(text: str, limit: int, fitted: str) -> None:
    assert render.fit_bytes(text, limit) == fitted
    assert len(fitted.encode("utf-8")) <= limit


def test_dialog_state_is_bound_to_its_person() -> None:
    form = Form("f", "Un titre bien trop long pour Mattermost", (
        FormField("court", "Court", max_length=100), FormField("long", "Long", max_length=500)), state="3")
    dialog = render.dialog(form, "C1", "U1", SECRET)
    assert len(dialog["title"].encode("utf-8")) <= 24
    kinds = {e["name"]: (e["type"], e["max_length"]) for e in dialog["elements"]}
    assert kinds == {"court": ("text", 100), "long": ("textarea", 500)}
    assert render.dialog_state(dialog["state"], "U1", SECRET)["state"] == "3"
    assert render.dialog_state(dialog["state"], "U2", SECRET) is None
    tampered = json.loads(dialog["state"]) | {"state": "4"}
    assert render.dialog_state(json.dumps(tampered), "U1", SECRET) is None
    assert render.dialog_state("not json", "U1", SECRET) is None
