"""Mattermost over real HTTP: the server's requests to club-bot, the bot's REST calls to a local Mattermost."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.outbox_sender import OutboxSender
from bot.platforms.mattermost.run import register_command
from bot.scheduler import run_tick
from handlers import Anchor, Button, Form, FormField, Reply, UserError, Visibility
from handlers.registry import Registry
from handlers.text import ZWSP, mention
from storage.models import Member
from tests.fakes.mattermost_api import BOT_USER
from tests.support.mattermost import (
    ADMIN,
    CLUB_CHANNEL,
    COMMAND_TOKEN,
    MATTERMOST,
    MattermostBot,
    corpus_user,
    running_mattermost_bot,
)
from tests.support.registry import throwaway_verb

ALAN = "erj6qck3rfgtujs86w5r6rckzh"  # automatic zone Europe/Paris
MARIE = "1eifd55acpoim8kshtsourwh51"  # manual zone America/Cayenne
KEVIN = "mnm6go6uc5eekhn3bj6c11ehoq"  # no zone at all
PAUL = "paulpaulpaulpaulpaulpaul01"
LUCIE = "luciluciluciluciluciluci01"


@pytest.fixture
def mattermost(database_url: str, clock) -> Iterator[MattermostBot]:
    with running_mattermost_bot(database_url, clock=clock) as bot:
        for name in ("response", "manual_timezone.response", "empty_timezone.response"):
            bot.api.add_user(corpus_user(name))
        bot.api.add_user({"id": ADMIN, "username": "camille", "first_name": "Camille", "locale": "fr",
                          "timezone": {"useAutomaticTimezone": "false", "manualTimezone": "Indian/Reunion"}})
        bot.api.add_user({"id": LUCIE, "username": "lucie", "locale": "fr", "timezone": {
            "useAutomaticTimezone": "true", "automaticTimezone": "America/Martinique",
            "manualTimezone": "Indian/Reunion"}})
        yield bot


@pytest.fixture
def temporary(mattermost: MattermostBot) -> Registry:
    """The running bot's own registry: throwaway verbs, buttons, forms and jobs for one test."""
    return mattermost.service.registry


def add_verb(registry: Registry, name: str, func_) -> None:
    registry.add_verb(throwaway_verb(name, func_))


def members(bot: MattermostBot) -> int:
    with bot.service.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Member))


def posted(bot: MattermostBot, count: int = 1):
    bot.api.wait_for("POST /posts", count)
    deadline = time.monotonic() + 5
    while len(bot.api.posts) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return list(bot.api.posts.values())


def test_help_answers_in_french_at_once(mattermost: MattermostBot) -> None:
    start = time.monotonic()
    response = mattermost.command("aide")
    assert time.monotonic() - start < 3
    assert response.status_code == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "Commandes" in body["text"] and "fuseau" in body["text"]
    assert "**club-bot**" in body["text"]  # Mattermost's Markdown is ours: bold stays **


def profiles_asked(mattermost: MattermostBot) -> list:
    """GET /users/{id} for people (the bot asks /users/me for itself at start)."""
    return [call for call in mattermost.api.calls_to("GET /users/{id}") if call.path != "/users/me"]


@pytest.mark.parametrize(("user", "name", "zone"), [
    (MARIE, "marie.dupont", "Guyane (America/Cayenne)"),  # useAutomaticTimezone "false": the manual zone
    (ALAN, "alan", "Paris (Europe/Paris)"),  # automatic zone
    (LUCIE, "lucie", "Martinique (America/Martinique)"),  # automatic zone chosen over the manual one
    (KEVIN, "k.hoarau", "Paris (Europe/Paris)"),  # empty zones: the programme's default
])
def test_first_contact_takes_the_zone_from_the_mattermost_profile(mattermost: MattermostBot, user: str,
                                                                  name: str, zone: str) -> None:
    profile = mattermost.command("moi", user=user, user_name=name).json()["text"]
    assert f"Fuseau : {zone}" in profile
    assert len(profiles_asked(mattermost)) == 1
    mattermost.command("moi", user=user, user_name=name)
    assert len(profiles_asked(mattermost)) == 1  # fetched once, then remembered


def test_profile_name_comes_from_mattermost(mattermost: MattermostBot) -> None:
    assert "Marie Dupont" in mattermost.command("moi", user=MARIE, user_name="marie.dupont").json()["text"]


def test_timezone_command_over_mattermost(mattermost: MattermostBot) -> None:
    assert "Indian/Reunion" in mattermost.command("fuseau La Réunion").json()["text"]
    assert "La Réunion (Indian/Reunion)" in mattermost.command("moi").json()["text"]


def test_role_by_mention_needs_an_admin(mattermost: MattermostBot) -> None:
    refused = mattermost.command("role @paul facilitateur", mentions={"paul": PAUL}).json()["text"]
    assert "réservée" in refused
    granted = mattermost.command("role @paul facilitateur", user=ADMIN, user_name="camille",
                                 mentions={"paul": PAUL}).json()["text"]
    assert "paul a maintenant le rôle « facilitateur »" in granted
    with mattermost.service.db.transaction() as session:
        paul = session.scalar(select(Member).where(Member.platform_user_id == PAUL))
        assert paul.role == "facilitateur" and paul.platform == "mattermost"


def test_a_mention_typed_by_hand_is_not_a_mention(mattermost: MattermostBot) -> None:
    text = mattermost.command(f"role <@{PAUL}> admin", user=ADMIN, user_name="camille").json()["text"]
    assert "Écrivez : `/club role @personne" in text
    with mattermost.service.db.transaction() as session:
        assert session.scalar(select(Member).where(Member.platform_user_id == PAUL)) is None


@pytest.mark.parametrize("token", ["", "wrong-token", "qzgakf1nx3yt9dr4n8585ihbx", "QZGAKF1NX3YT9DR4N8585IHBXY"])
def test_wrong_or_missing_command_token_is_refused_and_writes_nothing(mattermost: MattermostBot,
                                                                      token: str) -> None:
    response = mattermost.command("institution Pirates", token=token)
    assert response.status_code == 401
    assert members(mattermost) == 0
    assert [call for call in mattermost.api.calls if call.path != "/users/me"] == []  # who the bot is: at start


def test_every_configured_token_is_accepted(mattermost: MattermostBot) -> None:
    assert mattermost.command("aide", token="another-command-token").status_code == 200
    assert members(mattermost) == 1


def _corpus_payloads() -> list[Path]:
    return sorted([*MATTERMOST.glob("command_slash*.form.txt"), *MATTERMOST.glob("action_request*.json")])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_corpus_command_and_action_is_answered(mattermost: MattermostBot,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    payloads = _corpus_payloads()
    assert len(payloads) >= 4
    for path in payloads:
        if path.suffix == ".txt":
            response = mattermost.http.post("/mattermost/command", content=path.read_text().strip(),
                                            headers={"Content-Type": "application/x-www-form-urlencoded"})
            assert response.json()["response_type"] in ("ephemeral", "in_channel")
        else:
            response = mattermost.http.post("/mattermost/action", json=json.loads(path.read_text()))
            assert "error" in response.json()  # the docs' examples carry no signature of ours
        assert 200 <= response.status_code < 300, (path.name, response.status_code, response.text)
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_other_slash_commands_get_a_hint(mattermost: MattermostBot) -> None:
    text = mattermost.command("toronto week", trigger="/weather").json()["text"]
    assert "/club aide" in text
    assert members(mattermost) == 0


def test_user_text_cannot_ping_the_channel(mattermost: MattermostBot) -> None:
    text = mattermost.command("institution @channel et @here").json()["text"]
    assert "@channel" not in text and "@here" not in text
    assert f"@{ZWSP}channel" in text


def test_mentions_in_replies_become_usernames(mattermost: MattermostBot, temporary: Registry) -> None:
    add_verb(temporary, "salut-test", lambda ctx, args: [Reply(f"Bonjour {mention(MARIE)}")])
    assert mattermost.command("salut-test").json()["text"] == "Bonjour @marie.dupont"


def test_button_click_with_our_signature_runs_the_handler(mattermost: MattermostBot, temporary: Registry) -> None:
    clicks: list[tuple[str, str]] = []

    def register(ctx, value):
        clicks.append((ctx.member.platform_user_id, value))
        return [Reply(f"Inscription enregistrée pour la séance {value}."),
                Reply("Une inscription de plus.", visibility=Visibility.CHANNEL)]

    temporary.actions["test-register"] = register
    add_verb(temporary, "seance-test", lambda ctx, args: [Reply("Séance du 12 mars", visibility=Visibility.CLUB,
                                                                buttons=[Button("S'inscrire", "test-register", "42",
                                                                                "primary")],
                                                                anchor=Anchor("test-session", 42))])
    assert mattermost.command("seance-test").json()["text"] == ""
    [post] = posted(mattermost)
    assert post.channel_id == CLUB_CHANNEL
    action = post.props["attachments"][0]["actions"][0]
    assert action["integration"]["url"] == f"{mattermost.url}/mattermost/action"
    assert action["style"] == "primary"

    response = mattermost.click(post, "S'inscrire", user=MARIE, user_name="marie.dupont")
    assert response.status_code == 200
    assert response.json() == {"ephemeral_text": "Inscription enregistrée pour la séance 42.",
                               "skip_slack_parsing": True}
    assert clicks == [(MARIE, "42")]
    posts = posted(mattermost, 2)
    assert posts[-1].message == "Une inscription de plus." and posts[-1].channel_id == CLUB_CHANNEL


@pytest.mark.parametrize("forge", ["unsigned", "wrong-signature", "other-value"])
def test_forged_button_clicks_are_refused(mattermost: MattermostBot, temporary: Registry, forge: str) -> None:
    clicks: list[str] = []
    temporary.actions["test-register"] = lambda ctx, value: clicks.append(value) or []
    add_verb(temporary, "seance-test", lambda ctx, args: [Reply("Séance", visibility=Visibility.CLUB,
                                                                buttons=[Button("Go", "test-register", "42")])])
    mattermost.command("seance-test", user=ADMIN, user_name="camille")
    [post] = posted(mattermost)
    context = dict(post.props["attachments"][0]["actions"][0]["integration"]["context"])
    if forge == "unsigned":
        del context["sig"]
    elif forge == "wrong-signature":
        context["sig"] = "0" * 64
    else:
        context["value"] = "43"
    response = mattermost.click(post, "Go", user=MARIE, context=context)
    assert response.status_code == 200
    assert "n'est plus valide" in response.json()["error"]["message"]
    assert clicks == []
    assert members(mattermost) == 1  # only the admin who typed the command


def test_form_opens_as_a_dialog_and_its_submission_reaches_the_handler(mattermost: MattermostBot,
                                                                       temporary: Registry) -> None:
    decisions: list[tuple[str, dict, str]] = []

    def decide(ctx, values, state):
        if values["choix"] == "peut-etre":
            raise UserError("Choisissez oui ou non.")
        decisions.append((ctx.member.platform_user_id, values, state))
        return [Reply(f"Décision : {values['choix']}", visibility=Visibility.CHANNEL)]

    temporary.forms["test-decision"] = decide
    form = Form("test-decision", "Décision du groupe", (
        FormField("choix", "Votre choix", choices=(("oui", "Oui"), ("non", "Non"), ("peut-etre", "Peut-être"))),
        FormField("note", "Un commentaire pour le groupe (facultatif)", multiline=True, optional=True),
    ), submit="Décider", state="7")
    add_verb(temporary, "decision-test", lambda ctx, args: [Reply("Ouvrez le formulaire.", form=form)])

    assert mattermost.command("decision-test").json()["text"] == ""  # the dialog replaces the text
    [opened] = mattermost.api.dialogs
    assert opened["trigger_id"] == "dHJpZ2dlcg==" and opened["url"] == f"{mattermost.url}/mattermost/dialog"
    elements = {e["name"]: e for e in opened["dialog"]["elements"]}
    assert elements["choix"]["type"] == "select" and elements["note"]["type"] == "textarea"
    assert len(elements["note"]["display_name"]) <= 24

    refused = mattermost.submit(opened, {"choix": "peut-etre", "note": None})
    assert refused.json() == {"error": "Choisissez oui ou non."}
    forged = mattermost.submit(opened, {"choix": "oui"}, user=MARIE)  # not the person it was opened for
    assert "n'est plus valide" in forged.json()["error"]
    assert decisions == []

    accepted = mattermost.submit(opened, {"choix": "oui", "note": "d'accord"})
    assert accepted.status_code == 200 and accepted.json() == {}
    assert decisions == [(ALAN, {"choix": "oui", "note": "d'accord"}, "7")]
    [post] = posted(mattermost)
    assert post.message == "Décision : oui" and post.channel_id == CLUB_CHANNEL


def test_a_form_that_cannot_open_shows_its_text(mattermost: MattermostBot, temporary: Registry) -> None:
    form = Form("test-decision", "Décision", (FormField("choix", "Choix"),))
    add_verb(temporary, "decision-test", lambda ctx, args: [Reply("Écrivez `/club decide oui`.", form=form)])
    mattermost.api.fail_next("POST /actions/dialogs/open", 400, "interactive_message.decode_trigger_id.expired")
    assert mattermost.command("decision-test").json()["text"] == "Écrivez `/club decide oui`."


def test_announcement_with_reactions_survives_a_rate_limit(mattermost: MattermostBot, temporary: Registry) -> None:
    add_verb(temporary, "annonce-test", lambda ctx, args: [
        Reply("reçu"),
        Reply("Annonce pour le Club", visibility=Visibility.CLUB, reactions=["+1", "-1"],
              anchor=Anchor("test-announce", 7))])
    mattermost.api.rate_limit_next("POST /posts", retry_after=1)
    assert mattermost.command("annonce-test").json()["text"] == "reçu"
    reactions = mattermost.api.wait_for("POST /reactions", 2, timeout=10)
    assert len(mattermost.api.calls_to("POST /posts")) == 2  # the 429, then the retry after Retry-After
    [post] = mattermost.api.posts.values()
    assert post.props["club_kind"] == "test-announce"
    assert [(c.body["emoji_name"], c.body["user_id"], c.body["post_id"]) for c in reactions] == \
        [("+1", BOT_USER, post.id), ("-1", BOT_USER, post.id)]
    assert mattermost.service.posted_for("mattermost", Anchor("test-announce", 7)) == [(CLUB_CHANNEL, post.id)]
    # The bot's invitations are not votes: the recount leaves them out.
    mattermost.api.react(MARIE, post.id, "thumbsup")
    assert mattermost.mm.platform.reactions(CLUB_CHANNEL, post.id) == {"+1": {MARIE}}


def test_updates_edit_the_posted_message(mattermost: MattermostBot, temporary: Registry) -> None:
    anchor = Anchor("test-poll", 3)
    add_verb(temporary, "sondage-test", lambda ctx, args: [
        Reply("Sondage ouvert", visibility=Visibility.CLUB, anchor=anchor, buttons=[Button("Voter", "x")])])
    add_verb(temporary, "clore-test", lambda ctx, args: [
        Reply("clos"), Reply("Sondage clos : 3 voix", update=True, anchor=anchor)])
    mattermost.command("sondage-test")
    [post] = posted(mattermost)
    deadline = time.monotonic() + 5
    while not mattermost.service.posted_for("mattermost", anchor) and time.monotonic() < deadline:
        time.sleep(0.01)  # the anchor is recorded right after the post
    mattermost.command("clore-test")
    [patch] = mattermost.api.wait_for("PUT /posts/{id}/patch")
    assert patch.path == f"/posts/{post.id}/patch"
    assert post.message == "Sondage clos : 3 voix" and post.props == {"attachments": [],
                                                                      "club_kind": "test-poll",
                                                                      "club_object_id": "3"}


def test_later_private_replies_are_ephemeral_posts_or_else_direct_messages(mattermost: MattermostBot,
                                                                           temporary: Registry) -> None:
    add_verb(temporary, "prive-test", lambda ctx, args: [
        Reply("Publié", visibility=Visibility.CLUB), Reply("Rien que pour vous")])
    mattermost.command("prive-test")
    [call] = mattermost.api.wait_for("POST /posts/ephemeral")
    assert call.body == {"user_id": ALAN, "post": {"channel_id": CLUB_CHANNEL, "message": "Rien que pour vous",
                                                   "props": {}}}
    # A bot without the create_post_ephemeral permission writes privately instead.
    mattermost.api.fail_next("POST /posts/ephemeral", 403, "api.context.permissions.app_error")
    mattermost.command("prive-test")
    [direct] = mattermost.api.wait_for("POST /channels/direct")
    assert sorted(direct.body) == sorted([BOT_USER, ALAN])
    assert any(p.message == "Rien que pour vous" and p.channel_id != CLUB_CHANNEL
               for p in posted(mattermost, 3))


def test_scheduled_reminders_reach_mattermost_as_direct_messages(mattermost: MattermostBot,
                                                                 temporary: Registry) -> None:
    def job(session, now, settings):
        return [("mattermost", Reply("Rappel : rencontre demain à 10 h", visibility=Visibility.DM, user=MARIE)),
                (None, Reply("La rencontre commence", visibility=Visibility.CLUB)),
                ("slack", Reply("pas pour Mattermost", visibility=Visibility.CLUB))]

    temporary.ticks.append(job)
    runtime = mattermost.mm
    assert run_tick(mattermost.service, OutboxSender(mattermost.service, [runtime.sender()])) == 3
    posts = {p.message: p for p in mattermost.api.posts.values()}
    assert set(posts) == {"Rappel : rencontre demain à 10 h", "La rencontre commence"}
    assert posts["La rencontre commence"].channel_id == CLUB_CHANNEL
    [direct] = mattermost.api.calls_to("POST /channels/direct")
    assert MARIE in direct.body and posts["Rappel : rencontre demain à 10 h"].channel_id != CLUB_CHANNEL


def test_buttons_point_at_the_public_url_whatever_host_the_request_names(database_url: str, clock) -> None:
    """The Host header is the sender's to choose: callbacks go where MATTERMOST_PUBLIC_URL says, always."""
    public = "https://club-bot.example.gouv.fr"
    with running_mattermost_bot(database_url, clock=clock, mattermost_public_url=public) as bot:
        add_verb(bot.service.registry, "bouton-test",
                 lambda ctx, args: [Reply("Choisissez", buttons=[Button("Oui", "x")])])
        body = urlencode({"command": "/club", "text": "bouton-test", "user_id": ALAN, "channel_id": CLUB_CHANNEL,
                          "token": COMMAND_TOKEN})
        answer = bot.http.post("/mattermost/command", content=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Host": "attacker.example"}).json()
    action = answer["attachments"][0]["actions"][0]
    assert action["integration"]["url"] == f"{public}/mattermost/action"
    assert action["id"].isalnum() and action["name"] == "Oui"


def test_the_slash_command_can_be_registered_at_start(mattermost: MattermostBot) -> None:
    token = register_command(mattermost.mm, "club")
    [command] = mattermost.api.commands
    assert command["trigger"] == "club" and command["url"] == f"{mattermost.url}/mattermost/command"
    assert command["auto_complete"] is True
    assert register_command(mattermost.mm, "club") == token  # found again, not created twice
    assert len(mattermost.api.calls_to("POST /commands")) == 1
    assert mattermost.command("aide", token=token).status_code == 200


def test_rest_calls_carry_the_bot_token(mattermost: MattermostBot, temporary: Registry) -> None:
    add_verb(temporary, "annonce-test", lambda ctx, args: [Reply("A", visibility=Visibility.CLUB)])
    mattermost.command("annonce-test")
    [call] = mattermost.api.wait_for("POST /posts")
    assert call.headers["authorization"] == "Bearer mm-bot-token"
    assert call.body["channel_id"] == CLUB_CHANNEL and call.body["message"] == "A"
