"""`POST /mattermost/action` (a button of the bot's messages) and `POST /mattermost/dialog` (a form).

Mattermost signs neither: a click counts only if its `context` carries our HMAC, a dialog only if
its `state` was signed by us for the person submitting it. A refusal is answered the way
Mattermost shows errors (HTTP 200 with an error message) and runs no handler. A body of a shape no
Mattermost server sends (a `context` that is not an object, a `submission` that is not one…) is
refused before that, with a 400.
"""

from __future__ import annotations

import logging

from bot.platforms.mattermost import render
from bot.platforms.mattermost.runtime import MattermostRuntime
from handlers import ActionEvent, FormSubmission, Visibility

log = logging.getLogger(__name__)
STALE_BUTTON = "Ce bouton n'est plus valide : tapez la commande à nouveau (`/club aide`)."
STALE_FORM = "Ce formulaire n'est plus valide : recommencez depuis la commande (`/club aide`)."
MALFORMED = "Requête invalide."
# What the handlers read, of the type Mattermost gives it (PostActionIntegrationRequest, SubmitDialogRequest).
_ACTION = {"context": dict, "user_id": str, "user_name": str, "channel_id": str, "post_id": str, "trigger_id": str}
_DIALOG = {"submission": dict, "user_id": str, "channel_id": str, "state": str, "cancelled": bool}


def well_formed(payload: object, dialog: bool) -> bool:
    """A JSON object whose fields we read have Mattermost's types (or are absent, or null)."""
    if not isinstance(payload, dict):
        return False
    types = _DIALOG if dialog else _ACTION
    return all(payload.get(name) is None or isinstance(payload[name], kind) for name, kind in types.items())


def handle_action(mm: MattermostRuntime, payload: dict) -> dict:
    context = payload.get("context") or {}
    action, value = str(context.get("action", "")), str(context.get("value", ""))
    user_id = str(payload.get("user_id") or "")
    if not user_id or not render.signature_ok(mm.secret, context.get("sig"), "button", action, value):
        log.warning("Mattermost button refused: unsigned or forged context (user %s)", user_id[:64])
        return {"error": {"message": STALE_BUTTON}}
    channel = str(payload.get("channel_id") or "")
    mm.platform.remember(user_id, str(payload.get("user_name") or ""))
    event = ActionEvent(
        platform="mattermost", user_id=user_id, user_name=str(payload.get("user_name") or user_id),
        channel_id=channel, message_id=str(payload.get("post_id") or ""), action=action, value=value,
        received_at=mm.now(), profile=lambda: mm.platform.profile(user_id),
    )
    # A form opens now (its trigger is short-lived), and a plain note for the clicker rides on the answer
    # (`ephemeral_text`, taken as it is: no Slack-style link parsing); the rest is in the outbox already.
    replies = mm.open_forms(mm.service.handle_action(event).answer, payload.get("trigger_id"), channel, user_id)
    answer: dict = {}
    if replies and replies[0].visibility == Visibility.EPHEMERAL and not replies[0].buttons \
            and len(replies[0].text) <= render.MAX_POST:
        answer = {"ephemeral_text": render.markdown(replies[0].text, mm.platform.username),
                  "skip_slack_parsing": True}
        replies = replies[1:]
    mm.later(replies, channel, user_id)
    return answer


def handle_dialog(mm: MattermostRuntime, payload: dict) -> dict:
    if payload.get("cancelled"):
        return {}
    user_id = str(payload.get("user_id") or "")
    state = render.dialog_state(str(payload.get("state") or ""), user_id, mm.secret) if user_id else None
    if state is None:
        log.warning("Mattermost dialog refused: unsigned or forged state (user %s)", user_id[:64])
        return {"error": STALE_FORM}
    channel = str(state.get("channel") or payload.get("channel_id") or "")
    submission = FormSubmission(
        platform="mattermost", user_id=user_id, user_name=user_id, channel_id=channel,
        form_id=str(state["form"]), values=render.dialog_values(payload.get("submission")),
        state=str(state.get("state", "")), received_at=mm.now(), profile=lambda: mm.platform.profile(user_id),
    )
    replies, error = mm.service.handle_form(submission)
    if error:
        return {"error": render.markdown(error, mm.platform.username)}  # the dialog stays open
    mm.later(replies.answer, channel, user_id)
    return {}
