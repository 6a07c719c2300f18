"""Neutral replies -> Slack mrkdwn and Block Kit."""

from __future__ import annotations

import re

from handlers import Reply

SECTION_LIMIT = 3000  # Block Kit's limit for a section's text
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_MENTION = re.compile(r"&lt;@([A-Z0-9]+)&gt;")


def mrkdwn(text: str) -> str:
    """Escapes &, <, > (so no user text can become <!channel>), then our light Markdown to mrkdwn."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MENTION.sub(r"<@\1>", text)
    text = _LINK.sub(r"<\2|\1>", text)
    return _BOLD.sub(r"*\1*", text)


def _chunks(text: str) -> list[str]:
    chunks, current = [], ""
    for line in text.split("\n"):
        while len(line) > SECTION_LIMIT:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:SECTION_LIMIT])
            line = line[SECTION_LIMIT:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > SECTION_LIMIT:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current or " ")
    return chunks


def blocks(reply: Reply) -> list[dict]:
    out: list[dict] = [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
                       for chunk in _chunks(mrkdwn(reply.text))]
    if reply.buttons:
        elements = []
        for index, button in enumerate(reply.buttons[:25]):
            element = {
                "type": "button",
                "action_id": f"club:{button.action}:{index}",
                "text": {"type": "plain_text", "text": button.label[:75], "emoji": True},
                "value": button.value[:2000],
            }
            if button.style:
                element["style"] = button.style
            elements.append(element)
        out.append({"type": "actions", "elements": elements})
    return out


def message(reply: Reply) -> dict:
    """Arguments for chat.postMessage / chat.update / ack: fallback text plus blocks."""
    return {"text": mrkdwn(reply.text)[:3000], "blocks": blocks(reply)}
