"""Neutral replies -> Slack mrkdwn and Block Kit."""

from __future__ import annotations

import json
import re

from handlers import Button, Form, Reply
from handlers.home import HomePage

SECTION_LIMIT = 3000  # Block Kit's limit for a section's text
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s|]+)\)")  # a '|' in <url> would start a label
_MENTION = re.compile(r"&lt;@([A-Z0-9]+)&gt;")


def _link(match: re.Match[str]) -> str:
    """A link shows its address: `[label](url)` is the label, then the url as its own link."""
    label, url = match[1], match[2]
    return f"<{url}>" if label == url else f"{label} (<{url}>)"


def mrkdwn(text: str) -> str:
    """Escapes &, <, > (so no user text can become <!channel>), then our light Markdown to mrkdwn."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MENTION.sub(r"<@\1>", text) if "&lt;@" in text else text
    text = _LINK.sub(_link, text) if "](" in text else text
    return _BOLD.sub(r"*\1*", text) if "**" in text else text


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


# "You can include up to 50 blocks in each message" (https://docs.slack.dev/reference/block-kit/blocks);
# chat.postMessage answers `invalid_blocks` beyond.
MESSAGE_BLOCKS = 50


def blocks(reply: Reply, text: str | None = None) -> list[dict]:
    """`text`: the reply's text already in mrkdwn, when the caller has it. Never more than a message's
    50 blocks: a listing is cut into messages before (handlers.outbox.pieces); what still does not fit,
    an update replacing one message, ends with "…"."""
    chunks = _chunks(mrkdwn(reply.text) if text is None else text)
    room = MESSAGE_BLOCKS - (1 if reply.buttons else 0)
    if len(chunks) > room:
        chunks = chunks[:room - 1] + [chunks[room - 1][:SECTION_LIMIT - 1] + "…"]
    out: list[dict] = [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in chunks]
    if reply.buttons:
        out.append({"type": "actions",
                    "elements": [_button(button, index) for index, button in enumerate(reply.buttons[:25])]})
    return out


def message(reply: Reply) -> dict:
    """Arguments for chat.postMessage / chat.update / ack: fallback text plus blocks."""
    text = mrkdwn(reply.text)
    return {"text": text[:3000], "blocks": blocks(reply, text)}


FORM_CALLBACK = "club-form"


def modal(form: Form, channel: str) -> dict:
    """A neutral form as a Slack modal; the form id, its state and the channel ride in private_metadata."""
    inputs = []
    for field in form.fields:
        if field.choices:
            options = [{"text": {"type": "plain_text", "text": label[:75]}, "value": value}
                       for value, label in field.choices]
            element: dict = {"type": "static_select", "action_id": "value", "options": options}
            initial = next((o for o in options if o["value"] == field.initial), None)
            if initial:
                element["initial_option"] = initial
        else:
            element = {"type": "plain_text_input", "action_id": "value", "multiline": field.multiline,
                       "max_length": field.max_length}
            if field.initial:
                element["initial_value"] = field.initial
        inputs.append({"type": "input", "block_id": field.name, "optional": field.optional,
                       "label": {"type": "plain_text", "text": field.label[:2000]}, "element": element})
    return {
        "type": "modal",
        "callback_id": f"{FORM_CALLBACK}:{form.form_id}",
        "title": {"type": "plain_text", "text": form.title[:24]},
        "submit": {"type": "plain_text", "text": form.submit[:24]},
        "close": {"type": "plain_text", "text": "Annuler"},
        "private_metadata": json.dumps({"state": form.state, "channel": channel}),
        "blocks": inputs,
    }


def form_values(view: dict) -> dict[str, str]:
    """The values of a submitted modal, by field name (empty string when left blank)."""
    values: dict[str, str] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        action = actions.get("value") or next(iter(actions.values()), {})
        if action.get("type") == "static_select":
            values[block_id] = (action.get("selected_option") or {}).get("value", "")
        elif action.get("type") == "checkboxes":
            values[block_id] = ",".join(o["value"] for o in action.get("selected_options", []))
        else:
            values[block_id] = action.get("value") or ""
    return values


MAX_BLOCKS = 100  # Block Kit's limit for a message, modal or home view
HEADER_LIMIT = 150  # a header block's plain text
CONTEXT_LIMIT = 2000  # a context block's text element


def _button(button: Button, index: int) -> dict:
    element = {
        "type": "button",
        "action_id": f"club:{button.action}:{index}",
        "text": {"type": "plain_text", "text": button.label[:75], "emoji": True},
        "value": button.value[:2000],
    }
    if button.style:
        element["style"] = button.style
    return element


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(text)[:CONTEXT_LIMIT]}]}


def home_view(page: HomePage) -> dict:
    """The neutral home as a Slack App Home view (`views.publish`): a header per section, one section
    block per item with its buttons, at most 100 blocks (the rest is cut, with a word saying so)."""
    out: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": page.title[:HEADER_LIMIT]}},
                       _context(page.intro)]
    counter = 0
    for section in page.sections:
        out.append({"type": "divider"})
        out.append({"type": "header", "text": {"type": "plain_text", "text": section.title[:HEADER_LIMIT]}})
        if not section.items and section.empty:
            out.append(_context(section.empty))
        for item in section.items:
            out.extend({"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
                       for chunk in _chunks(mrkdwn(item.text)))
            if item.buttons:
                elements = []
                for button in item.buttons[:25]:
                    elements.append(_button(button, counter))
                    counter += 1
                out.append({"type": "actions", "elements": elements})
        if section.footer:
            out.append(_context(section.footer))
    if len(out) > MAX_BLOCKS:
        out = out[:MAX_BLOCKS - 1] + [_context("…")]
    return {"type": "home", "blocks": out}
