"""Files posted in a channel (`Platform.upload`), as each platform's API takes them: Slack's external upload in
three steps, Mattermost's upload then a post carrying the file, the console's file on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from mattermostautodriver.exceptions import NotEnoughPermissions
from slack_sdk.errors import SlackApiError

from bot.platforms.console import ConsolePlatform
from bot.platforms.mattermost.client import MattermostPlatform, make_driver
from bot.platforms.slack.client import SlackPlatform, make_client
from handlers import Attachment, Reply
from tests.fakes.mattermost_api import BOT_USER, TOKEN, FakeMattermostAPI, new_id
from tests.fakes.slack_api import FakeSlackAPI

ROOT = Path(__file__).resolve().parents[3]
EXPORT = Attachment("mes-données.json", json.dumps({"nom": "Léa", "institution": "DEETS Martinique"},
                                                   ensure_ascii=False), "application/json")


def test_slack_uploads_in_three_steps_into_the_direct_conversation() -> None:
    with FakeSlackAPI() as api:
        api.add_user("U1", "Léa")
        platform = SlackPlatform(make_client("xoxb-test", api.url))
        channel, _ts = platform.direct("U1", Reply("Vos données"))
        before = len(api.calls)
        platform.upload(channel, EXPORT)
        steps = [call.method for call in api.calls[before:]]
        ask = api.calls_to("files.getUploadURLExternal")[0].params
    assert steps == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    assert ask["filename"] == "mes-données.json" and int(ask["length"]) == len(EXPORT.content.encode())
    [file] = api.files.values()
    assert file.channel == channel == "DU1" and file.content.decode() == EXPORT.content  # every byte, in UTF-8
    shared = [m for m in api.messages.values() if m.files]
    assert [(m.channel, m.files) for m in shared] == [("DU1", [file.id])]


def test_slack_refuses_a_user_id_as_the_channel_of_a_file() -> None:
    with FakeSlackAPI() as api:
        platform = SlackPlatform(make_client("xoxb-test", api.url))
        with pytest.raises(SlackApiError) as refused:
            platform.upload("U1", EXPORT)
    assert refused.value.response["error"] == "channel_not_found"
    assert not any(file.channel for file in api.files.values())  # uploaded, never shared


def test_slack_manifest_grants_the_upload_scope() -> None:
    manifest = yaml.safe_load((ROOT / "config" / "slack-manifest.yml").read_text())
    assert "files:write" in manifest["oauth_config"]["scopes"]["bot"]  # files.getUploadURLExternal, files.complete…


def test_mattermost_uploads_then_posts_the_file_in_the_direct_channel() -> None:
    with FakeMattermostAPI() as api:
        platform = MattermostPlatform(make_driver(api.url, TOKEN), TOKEN)
        channel = platform.direct_channel("user1lea0000000000000000a")
        platform.upload(channel, EXPORT)
        routes = [call.route for call in api.calls if call.route != "GET /users/{id}"]
    assert routes == ["POST /channels/direct", "POST /files", "POST /posts"]
    [file] = api.files.values()
    assert (file.name, file.channel_id, file.creator_id, file.mime_type) == \
        ("mes-données.json", channel, BOT_USER, "application/json")
    assert file.content.decode() == EXPORT.content
    [post] = api.posts.values()
    assert post.channel_id == channel and post.file_ids == [file.id] and file.post_id == post.id


def test_mattermost_refuses_a_file_in_a_channel_the_bot_is_not_in() -> None:
    with FakeMattermostAPI() as api:
        platform = MattermostPlatform(make_driver(api.url, TOKEN), TOKEN)
        with pytest.raises(NotEnoughPermissions):
            platform.upload(new_id("channel", "elsewhere"), EXPORT)
        api.add_channel(club := new_id("channel", "club"))
        platform.upload(club, EXPORT)
    assert [file.channel_id for file in api.files.values()] == [club]


def test_mattermost_attaches_only_the_bot_s_own_files_of_that_channel() -> None:
    """As the server does: a post keeps the files it may attach and silently leaves out the others."""
    with FakeMattermostAPI() as api:
        platform = MattermostPlatform(make_driver(api.url, TOKEN), TOKEN)
        first, second = platform.direct_channel("user1"), platform.direct_channel("user2")
        platform.upload(first, EXPORT)
        [file] = api.files.values()
        post = platform.driver.posts.create_post(channel_id=second, message="ailleurs", file_ids=[file.id])
    assert post["file_ids"] == [] and file.post_id != post["id"]


def test_the_console_writes_the_file_and_says_where(tmp_path: Path) -> None:
    lines: list[str] = []
    platform = ConsolePlatform(lines.append, files=tmp_path)
    platform.upload("@lea", EXPORT)
    platform.upload("@lea", Attachment("../../échappée.txt", "rien au-dessus"))
    written = tmp_path / "lea" / "mes-données.json"
    assert json.loads(written.read_text(encoding="utf-8")) == {"nom": "Léa", "institution": "DEETS Martinique"}
    assert lines[0] == f"(fichier pour @lea : {written})"
    assert (tmp_path / "lea" / "échappée.txt").exists()  # a file name never leaves its folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lea"]
