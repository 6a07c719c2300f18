"""Neutral replies -> Mattermost Markdown, message attachments with buttons, interactive dialogs.

Buttons and dialogs come back to club-bot through Mattermost without any signature of the server,
so what we put in them (a button's `context`, a dialog's `state`) carries our own HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable

from handlers import Form, Reply
from handlers.text import between_lines

# Post.IsValid counts the message in runes (Python characters): at most PostMessageMaxRunesV2 =
# PostMessageMaxBytesV2 (65535) / 4 (mattermost/mattermost:server/public/model/post.go).
MAX_POST = 16383
# Dialog.IsValid / DialogElement.IsValid measure with Go's len(), in bytes of UTF-8
# (mattermost/mattermost:server/public/model/integration_action.go): DialogTitleMaxLength,
# DialogElementDisplayNameMaxLength, DialogElementHelpTextMaxLength, DialogElementTextMaxLength (a text
# element's default). The server logs a dialog over them as invalid.
DIALOG_TITLE_BYTES = 24
DISPLAY_NAME_BYTES = 24
HELP_TEXT_BYTES = 150
TEXT_BYTES = 150
ELLIPSIS = "…"
FORM_CALLBACK = "club-form"
_TOKEN = re.compile(r"<@([A-Za-z0-9._\-]+)(?:\|[^>]*)?>")
_STYLES = {"primary": "primary", "danger": "danger"}


def sign(secret: bytes, *parts: str) -> str:
    return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def signature_ok(secret: bytes, signature: object, *parts: str) -> bool:
    # compare_digest raises on a str that is not ASCII: such a signature is simply not ours.
    return isinstance(signature, str) and signature.isascii() and hmac.compare_digest(sign(secret, *parts),
                                                                                      signature)


def markdown(text: str, username_of: Callable[[str], str]) -> str:
    """Our light Markdown is Mattermost's; only mention tokens become @username. Not cut: a message
    over MAX_POST is split by `pieces`."""
    return _TOKEN.sub(lambda m: "@" + username_of(m.group(1)), text)


def pieces(text: str, limit: int = MAX_POST) -> list[str]:
    """The message in posts the server takes (an update, or a message the handlers did not split)."""
    return between_lines(text, limit)


def fit_bytes(text: str, limit: int, mark: str = ELLIPSIS) -> str:
    """`text` within `limit` bytes of UTF-8, cut on a character boundary and ended by `mark` when cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len(mark.encode("utf-8"))
    kept = text.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return kept.rstrip() + mark


def button_context(secret: bytes, action: str, value: str) -> dict:
    return {"action": action, "value": value, "sig": sign(secret, "button", action, value)}


def attachments(reply: Reply, action_url: str, secret: bytes) -> list[dict]:
    if not reply.buttons:
        return []
    actions = []
    for index, button in enumerate(reply.buttons[:25]):
        action = {
            "id": f"club{index}",  # Mattermost action ids: letters and digits only
            "type": "button",
            "name": button.label[:75],
            "integration": {"url": action_url, "context": button_context(secret, button.action, button.value)},
        }
        if button.style in _STYLES:
            action["style"] = _STYLES[button.style]
        actions.append(action)
    return [{"fallback": " · ".join(b.label for b in reply.buttons), "actions": actions}]


def message(reply: Reply, username_of: Callable[[str], str], action_url: str,
            secret: bytes) -> tuple[str, dict]:
    """(message, props) for POST /posts, PUT /posts/{id}/patch and ephemeral posts."""
    props: dict = {}
    found = attachments(reply, action_url, secret)
    if found:
        props["attachments"] = found
    if reply.anchor:
        props["club_kind"] = reply.anchor.kind
        props["club_object_id"] = str(reply.anchor.object_id)
    return markdown(reply.text, username_of), props


def command_response(reply: Reply, in_channel: bool, username_of: Callable[[str], str], action_url: str,
                     secret: bytes) -> dict:
    """The slash command's HTTP answer (a CommandResponse)."""
    text, props = message(reply, username_of, action_url, secret)
    # Mattermost would otherwise turn Slack's <url|text> into a link whose text is not its address.
    body: dict = {"response_type": "in_channel" if in_channel else "ephemeral", "text": text,
                  "skip_slack_parsing": True}
    if props.get("attachments"):
        body["attachments"] = props["attachments"]
    return body


# -- dialogs ----------------------------------------------------------------------------------
def dialog(form: Form, channel: str, user_id: str, secret: bytes) -> dict:
    """A neutral form as an interactive dialog. The state names the form, its channel and the person
    it was opened for, signed: a submission for someone else or another form is refused."""
    elements = []
    for field in form.fields:
        label = fit_bytes(field.label, DISPLAY_NAME_BYTES)
        element: dict = {"display_name": label, "name": field.name, "optional": field.optional}
        if label != field.label:  # the whole label stays readable under the field
            element["help_text"] = fit_bytes(field.label, HELP_TEXT_BYTES)
        if field.choices:
            element |= {"type": "select", "options": [{"text": text[:150], "value": value}
                                                      for value, text in field.choices]}
            if field.initial:
                element["default"] = field.initial
        else:
            # A single-line text element holds at most 150 characters and its default 150 bytes: longer
            # answers, or a longer text to edit, get a textarea.
            multiline = (field.multiline or field.max_length > 150
                         or len((field.initial or "").encode("utf-8")) > TEXT_BYTES)
            element |= {"type": "textarea" if multiline else "text",
                        "max_length": min(field.max_length, 3000 if multiline else 150)}
            if field.initial:
                element["default"] = field.initial  # never cut: it is the person's own text to edit
        elements.append(element)
    state = {"form": form.form_id, "state": form.state, "channel": channel, "user": user_id}
    state["sig"] = sign(secret, "form", form.form_id, form.state, channel, user_id)
    return {
        "callback_id": f"{FORM_CALLBACK}:{form.form_id}",
        "title": fit_bytes(form.title, DIALOG_TITLE_BYTES),
        "submit_label": fit_bytes(form.submit, DIALOG_TITLE_BYTES),
        "notify_on_cancel": False,
        "state": json.dumps(state, separators=(",", ":")),
        "elements": elements,
    }


def dialog_state(raw: str, user_id: str, secret: bytes) -> dict | None:
    """The verified state of a submitted dialog, or None when it was not issued by us for this user."""
    try:
        state = json.loads(raw or "")
    except ValueError:
        return None
    if not isinstance(state, dict):
        return None
    parts = [str(state.get(key, "")) for key in ("form", "state", "channel")]
    if state.get("user") != user_id or not signature_ok(secret, state.get("sig"), "form", *parts, user_id):
        return None
    return state


def dialog_values(submission: dict | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in (submission or {}).items():
        if value is None:
            values[name] = ""
        elif isinstance(value, bool):
            values[name] = "true" if value else "false"
        else:
            values[name] = str(value)
    return values
