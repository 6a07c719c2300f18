"""The console sessions written in `docs/*.md`, replayed through the console bot: a doc shows what the bot says.

Each transcript starts a fresh Club, as `club-bot console` does on an empty database, with what `make run`
sets: the admins `vous` and `camille`, the programme `config/club-des-territoires.toml` (or the block's
`CLUB_CONFIG=…`), the demo members with `--demo`. The simulated clock starts on Monday 11 January 2027 at
10:00 in Paris (the `clock` fixture) until the block's `:now` moves it. How a doc's lines are read and
matched, with its `…` elisions: `tests/support/transcripts.py`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.demo import seed_demo
from bot.platforms.console import Console, SimulatedClock
from handlers import ClubSettings, Service
from handlers.calendar.programme import load_programme
from storage import Database
from tests.support.transcripts import (
    Item,
    Transcript,
    fenced_blocks,
    is_transcript,
    matches,
    mismatch,
    output_items,
    parse,
    transcripts,
)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ADMINS = frozenset({"console:vous", "console:camille"})  # CLUB_ADMINS of `make run`

# How many console transcripts each doc holds. A doc whose sessions stop being recognised fails here
# instead of silently leaving the test; a new doc, or a new session, is added here.
EXPECTED = {
    "accueil.md": 1,
    "calendar.md": 1,
    "deployment.md": 0,
    "donnees-personnelles.md": 1,
    "formats.md": 3,
    "groups.md": 1,
    "mattermost.md": 0,  # a Mattermost conversation, not the console's
    "polls.md": 1,
    "proposals.md": 1,
    "reminders.md": 1,
    "rex.md": 1,
}

TRANSCRIPTS = [t for path in sorted(DOCS.glob("*.md")) for t in transcripts(path)]

# What the console prints when a typed line went wrong; never acceptable unless the doc shows it.
CONSOLE_REFUSALS = ("Pas de bouton", "Message inconnu", "Méta-commande inconnue", "Date non comprise",
                    "Seule la commande", "Les commandes commencent")


def test_every_doc_holds_the_transcripts_expected() -> None:
    found = {path.name: len(transcripts(path)) for path in sorted(DOCS.glob("*.md"))}
    assert found == EXPECTED


def _show(items: list[Item]) -> str:
    out = []
    for item in items:
        if item.kind == "msg":
            out.append(f"[{item.ref}] {item.lines[0]}")
            out.extend("      " + line for line in item.lines[1:])
        elif item.kind == "upd":
            out.append(f"[{item.ref} modifié]")
        else:
            out.append(item.text)
    return "\n".join(out) or "(rien)"


def _unshown_failure(shown: list[Item], printed: list[Item]) -> str | None:
    """What the bot printed that always fails a replay when the doc does not show it."""
    shown_refs = {item.ref for item in shown if item.kind == "msg"}
    for item in printed:
        if item.kind == "note" and item.text.startswith(CONSOLE_REFUSALS) \
                and not any(s.kind == "note" and matches(s.lines, item.lines) for s in shown):
            return f"la console a refusé la ligne : {item.text}"
        if item.kind == "msg" and item.ref not in shown_refs and item.lines[0].startswith("Commande inconnue"):
            return f"commande inconnue : {item.text}"
        if item.kind == "msg" and "Désolé, un problème inattendu" in item.text:
            return f"erreur du bot : {item.text}"
    return None


@pytest.fixture
def replay(database_url: str, clock, caplog: pytest.LogCaptureFixture):
    """Runs a transcript in a fresh console; fails at the first answer that differs from the doc."""
    databases: list[Database] = []

    def run(transcript: Transcript) -> None:
        setup = transcript.setup
        simulated = SimulatedClock()
        simulated.fixed = clock.now
        programme = load_programme(ROOT / setup.config) if setup.config else load_programme()
        db = Database(database_url)
        databases.append(db)
        service = Service(db, ClubSettings(programme=programme, admins=ADMINS), clock=simulated)
        if setup.demo:
            seed_demo(service)
        console = Console(service, user=setup.user, clock=simulated)
        for step in transcript.steps:
            printed = output_items(console.run_line(step.line))
            problem = mismatch(step.shown, printed) or _unshown_failure(step.shown, printed)
            if problem:
                pytest.fail(f"docs/{transcript.doc}, ligne {step.lineno} : `{step.line}` — {problem}\n"
                            f"--- la doc montre :\n{_show(step.shown)}\n--- le bot a écrit :\n{_show(printed)}",
                            pytrace=False)
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, f"docs/{transcript.doc} : le bot a journalisé des erreurs : {errors}"

    yield run
    for db in databases:
        db.dispose()


@pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=lambda t: t.id)
def test_the_doc_shows_what_the_bot_says(transcript: Transcript, replay) -> None:
    replay(transcript)


# -- the reading and the matching themselves -------------------------------------------------------

SAMPLE = """\
$ club-bot console --as lea
> /club propose Accueil des publics
[m4] (pour lea) Proposition #1 enregistrée et publiée dans le canal du Club. …
[m5] #club | #1 · Accueil des publics
      …
      Vous soutenez ce thème ? Réagissez 👍 à ce message.
> :as bob
"""

PRINTED = """\
[m4] (pour lea) Proposition #1 enregistrée et publiée dans le canal du Club. Vous pouvez la modifier.
[m5] #club | #1 · Accueil des publics
      Proposée par lea · portée à la rencontre de février par lea
      Vous soutenez ce thème ? Réagissez 👍 à ce message.
      (club-bot réagit :+1: sur m5)
"""


def test_a_transcript_is_read_line_by_line() -> None:
    setup, steps = parse(SAMPLE)
    assert (setup.user, setup.demo, setup.config) == ("lea", False, None)
    assert [s.line for s in steps] == ["/club propose Accueil des publics", ":as bob"]
    assert [(i.kind, i.ref) for i in steps[0].shown] == [("msg", "m4"), ("msg", "m5")]
    assert not steps[1].shown


def test_elisions_match_and_anything_else_must_be_the_same() -> None:
    shown = parse(SAMPLE)[1][0].shown
    printed = output_items(PRINTED)
    assert mismatch(shown, printed) is not None  # the doc forgets the bot's reaction at the end of m5
    shown[1].lines.append("(club-bot réagit :+1: sur m5)")
    assert mismatch(shown, printed) is None
    assert mismatch(shown, output_items(PRINTED.replace("Réagissez 👍", "Réagissez"))) is not None
    assert mismatch(shown, output_items(PRINTED.replace("[m5]", "[m6]"))) is not None
    assert mismatch(shown[1:], printed) is None  # a whole message may be left out
    assert mismatch(shown[::-1], printed) is not None  # but not shown out of order
    assert matches(["#2 a lieu … à 10:00."], ["#2 a lieu mercredi 17 février 2027 à 10:00."])
    assert not matches(["#2 a lieu … à 10:00."], ["#2 a lieu mercredi", "17 février 2027 à 10:00."])
    assert matches(["… 1/2 places prises", "[S'inscrire]"], ["Annonce", "Sujet : 1/2 places prises", "[S'inscrire]"])


def test_blocks_without_the_bot_s_messages_are_not_transcripts() -> None:
    examples = "```\n/club sondage \"Q\" \"A\" \"B\"\n/club resultats 3\n```\n"
    session = "```text\n/club moi\n[m1] (pour vous) Votre profil\n```\n"
    settings = "```toml\n[call]\nmonth = 2\n```\n"
    blocks = fenced_blocks(examples + session + settings)
    assert [(line, info) for line, info, _body in blocks] == [(2, ""), (6, "text"), (10, "toml")]
    assert [is_transcript(body) for _line, _info, body in blocks] == [False, True, False]
