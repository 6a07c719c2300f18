"""Who may call what: the bot token, and the OAuth scope each Web API method needs.

Sources: each method's page, docs.slack.dev/reference/methods/<method> ("Scopes, Bot token"), and the
`security` of each path in slackapi/slack-api-specs:web-api/slack_web_openapi_v2.json.
"""

from __future__ import annotations

from pathlib import Path

import yaml

MANIFEST = Path(__file__).resolve().parents[3] / "config" / "slack-manifest.yml"

# One scope for every kind of conversation. views.* and auth.test need none
# (docs.slack.dev/reference/methods/views.open: "No scopes required"; same for views.publish, auth.test).
SCOPE_OF_METHOD: dict[str, str | None] = {
    "auth.test": None,
    "chat.postMessage": "chat:write",  # docs.slack.dev/reference/methods/chat.postMessage
    "chat.update": "chat:write",  # docs.slack.dev/reference/methods/chat.update
    "chat.postEphemeral": "chat:write",  # docs.slack.dev/reference/methods/chat.postEphemeral
    "chat.delete": "chat:write",  # docs.slack.dev/reference/methods/chat.delete
    "reactions.add": "reactions:write",  # docs.slack.dev/reference/methods/reactions.add
    "reactions.remove": "reactions:write",  # docs.slack.dev/reference/methods/reactions.remove
    "reactions.get": "reactions:read",  # docs.slack.dev/reference/methods/reactions.get
    "users.info": "users:read",  # docs.slack.dev/reference/methods/users.info
    "users.list": "users:read",  # docs.slack.dev/reference/methods/users.list
    # docs.slack.dev/reference/methods/files.getUploadURLExternal, …/files.completeUploadExternal
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "views.open": None, "views.publish": None, "views.update": None, "views.push": None,
}

# The scope depends on the conversation's kind: channels (public), groups (private), im (DM), mpim (group DM).
# docs.slack.dev/reference/methods/conversations.history ("channels:history, groups:history, im:history,
# mpim:history"), …/conversations.info and …/conversations.members (the matching `:read` scopes).
SCOPE_PREFIX_OF_KIND = {"public": "channels", "private": "groups", "im": "im", "mpim": "mpim"}
SCOPE_SUFFIX_OF_METHOD = {"conversations.history": "history", "conversations.info": "read",
                          "conversations.members": "read"}


def manifest_scopes() -> frozenset[str]:
    """The bot scopes club-bot's own manifest asks for: what a workspace installing it grants."""
    manifest = yaml.safe_load(MANIFEST.read_text())
    return frozenset(manifest["oauth_config"]["scopes"]["bot"])


def conversations_open_scope(users: str) -> str:
    """conversations.open: a DM needs im:write, a group DM (several users) mpim:write
    (docs.slack.dev/reference/methods/conversations.open)."""
    return "mpim:write" if len([u for u in users.split(",") if u]) > 1 else "im:write"


def missing_scope(needed: str, granted: frozenset[str]) -> dict:
    """The fields Slack adds to a `missing_scope` refusal: the scope needed and those the token has
    (comma-separated), e.g.
    `{"ok": false, "error": "missing_scope", "needed": "chat:write", "provided": "…"}`; the `needed` and
    `provided` fields are in the response types of slackapi/node-slack-sdk (ReactionsAddResponse…)."""
    return {"needed": needed, "provided": ",".join(sorted(granted))}


def token_refusal(authorization: str | None, form_token: str | None, expected: str | None) -> str | None:
    """`not_authed` without a token, `invalid_auth` for one that is not the bot's; None when accepted.
    The token rides in `Authorization: Bearer …` or, alternatively, a `token` POST parameter
    (every method page, argument `token`); a bot token starts with `xoxb-`
    (docs.slack.dev/authentication/tokens)."""
    token = None
    if authorization and authorization.startswith("Bearer "):
        token = authorization.removeprefix("Bearer ").strip()
    token = token or form_token
    if not token:
        return "not_authed"
    if not token.startswith("xoxb-") or (expected is not None and token != expected):
        return "invalid_auth"
    return None
