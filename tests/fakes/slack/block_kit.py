"""What Slack refuses in a message's or a view's Block Kit, checked with slack_sdk's own models.

slack_sdk (slack_sdk/models/blocks, slack_sdk/models/views) encodes the limits of Block Kit's reference
(docs.slack.dev/reference/block-kit/blocks): `to_dict()` runs every validator, nested elements included.
A few rules it does not check are added below, each cited.
"""

from __future__ import annotations

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50  # "up to 50 blocks in each message" (docs.slack.dev/reference/block-kit/blocks)
VIEW_BLOCKS = 100  # "up to 100 blocks in modals or Home tabs" (same page)
MESSAGE_TEXT = 40_000  # chat.postMessage: text beyond 40,000 characters is refused as msg_too_long
# (docs.slack.dev/reference/methods/chat.postMessage, "Truncating content"; error `msg_too_long`)


def _own_rules(index: int, block: dict) -> list[str]:
    """Rules of Block Kit's reference that slack_sdk's models leave unchecked."""
    where = f"blocks[{index}]"
    problems = []
    # A header's text "must be plain_text" (docs.slack.dev/reference/block-kit/blocks/header-block).
    if block.get("type") == "header" and (block.get("text") or {}).get("type") != "plain_text":
        problems.append(f"{where}: a header's text must be plain_text")
    return problems


def _action_ids(blocks: list) -> list[str]:
    """action_id "should be unique among all other action_ids in the containing block"
    (docs.slack.dev/reference/block-kit/block-elements/button-element); repeated ones are refused."""
    problems, seen = [], set()
    for index, block in enumerate(blocks):
        elements = block.get("elements") if isinstance(block, dict) and block.get("type") == "actions" else None
        for element in elements or []:
            action_id = element.get("action_id") if isinstance(element, dict) else None
            if action_id is None:
                continue
            if action_id in seen:
                problems.append(f"blocks[{index}]: action_id {action_id!r} repeated")
            seen.add(action_id)
    return problems


def block_kit_problems(blocks: object, limit: int = VIEW_BLOCKS) -> list[str]:
    """What Slack would refuse in a list of blocks; [] when valid."""
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    problems = [] if len(blocks) <= limit else [f"{len(blocks)} blocks: at most {limit}"]
    for index, raw in enumerate(blocks):
        if not isinstance(raw, dict):
            problems.append(f"blocks[{index}]: not an object")
            continue
        block = Block.parse(raw)
        if block is None:  # slack_sdk only knows the published block types
            problems.append(f"blocks[{index}]: unknown block type {raw.get('type')!r}")
            continue
        try:
            block.to_dict()
        except (SlackObjectFormationError, TypeError, ValueError) as error:
            problems.append(f"blocks[{index}]: {error}")
        problems += _own_rules(index, raw)
    return problems + _action_ids(blocks)


def message_refusal(text: object, blocks: object) -> tuple[str, list[str]] | None:
    """chat.postMessage / chat.update / chat.postEphemeral: `no_text` without text nor blocks, `msg_too_long`
    past 40,000 characters, `invalid_blocks` for blocks Slack refuses (the method pages' error tables)."""
    if not text and not blocks:
        return "no_text", []
    if isinstance(text, str) and len(text) > MESSAGE_TEXT:
        return "msg_too_long", []
    if blocks:
        problems = block_kit_problems(blocks, MESSAGE_BLOCKS)
        if problems:
            return "invalid_blocks", problems
    return None


def view_problems(view: dict, kind: str) -> list[str]:
    """views.open (`modal`) / views.publish (`home`): a view slack_sdk's View model accepts, of that type,
    with at most 100 blocks; refused as `invalid_arguments` (docs.slack.dev/reference/methods/views.publish)."""
    if view.get("type") != kind:
        return [f"view.type must be {kind}"]
    try:
        View(**view).to_dict()
    except (SlackObjectFormationError, TypeError, ValueError) as error:
        return [str(error)] + block_kit_problems(view.get("blocks", []))
    return block_kit_problems(view.get("blocks", []))
