"""A member's text repeated by the bot cannot disguise a link: on Slack, on Mattermost (its posts and the
answers to its slash commands), a link's visible text is its address. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from slack_sdk.models.blocks import Block, SectionBlock

from bot.platforms.mattermost import render as mattermost
from bot.platforms.slack import render as slack
from handlers import Command, Profile, Reply, Service

DECOY, TARGET = "https://www.gouvernement.fr", "https://evil.example/steal"
MARKDOWN = f"[{DECOY}]({TARGET})"
SLACK_STYLE = f"<{TARGET}|{DECOY}>"

# Slack mrkdwn: <target> or <target|text>; <@U…>, <!here> and <#C…> are mentions, not links.
_SLACK_LINK = re.compile(r"<([^<>|@!#][^<>|]*)(?:\|([^<>]*))?>")
# What Mattermost's server does to a slash command's answer unless told to skip it (model.ParseSlackLinksToMarkdown).
_MATTERMOST_SLACK_LINK = re.compile(r"<([^\n<|>]+)\|([^|\n>]+)>")
# Markdown links whose text is chosen: inline [text](target), and reference ones ([text][ref], [ref]: target).
_INLINE = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]*)")
_REFERENCE = re.compile(r"\]\s*\[|^ {0,3}\[[^\]]+\]:", re.M)


def slack_links(reply: Reply) -> list[tuple[str, str]]:
    """(text, target) of every link of the message as Slack receives it: its fallback and its Block Kit."""
    message = slack.message(reply)
    texts = [message["text"]] + [block.text.text for block in Block.parse_all(message["blocks"])
                                 if isinstance(block, SectionBlock) and block.text]
    return [(text or target, target) for shown in texts for target, text in _SLACK_LINK.findall(shown)]


def mattermost_links(reply: Reply) -> list[tuple[str, str]]:
    """(text, target) of the Markdown links of the reply as a post and as a slash command's answer, as
    Mattermost's server stores them; a reference link counts as a disguised one."""
    post, _props = mattermost.message(reply, str, "https://bot.example/mattermost/action", b"secret")
    answer = mattermost.command_response(reply, True, str, "https://bot.example/mattermost/action", b"secret")
    answered = answer["text"] if answer.get("skip_slack_parsing") else \
        _MATTERMOST_SLACK_LINK.sub(r"[\2](\1)", answer["text"])
    links = []
    for text in (post, answered):
        links += _INLINE.findall(text)
        links += [("(reference)", "?") for _ in _REFERENCE.finditer(text)]
    return links


def command(service: Service, user: str, text: str, name: str | None = None) -> list[Reply]:
    profile = (lambda: Profile(display_name=name)) if name else None
    return list(service.handle_command(Command("console", user, user, "club", text, service.clock(), profile=profile)))


@pytest.mark.parametrize(("title", "name"), [
    (f"Thème {MARKDOWN}", "Léa"),
    (f"Thème {SLACK_STYLE}", "Léa"),
    ("Accueil des publics", MARKDOWN),  # a display name from the platform's profile
    ("Accueil des publics", SLACK_STYLE),
])
def test_a_proposal_cannot_disguise_a_link(service: Service, title: str, name: str) -> None:
    command(service, "camille", "appel ouvrir")
    replies = command(service, "lea", f"propose {title}", name=name)
    post = next(reply for reply in replies if "#1 ·" in reply.text)  # the proposal posted in the Club channel
    for reply in replies:
        for text, target in slack_links(reply) + mattermost_links(reply):
            assert text == target, (reply.text, text, target)
    # Both addresses are still there to read.
    shown = slack.mrkdwn(post.text)
    assert "www.gouvernement.fr" in shown and "evil.example/steal" in shown


def test_links_the_bot_renders_show_their_address() -> None:
    """Markdown links of the bot's own texts (a programme file's) become Slack links to themselves."""
    assert slack.mrkdwn(f"[{DECOY}]({DECOY})") == f"<{DECOY}>"
    rendered = slack.mrkdwn(f"Voir [la page]({TARGET}) et [x]({TARGET}|{DECOY})")
    assert f"la page (<{TARGET}>)" in rendered
    assert [text for _target, text in _SLACK_LINK.findall(rendered)] == [""]  # no link with a text of its own
