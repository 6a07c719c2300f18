"""Decision notes: who posts them, where they go, and confidential ones never leaving the group."""

from __future__ import annotations

import re

from bot.platforms.console import Console
from handlers import FormSubmission, Service
from tests.handlers.groups.support import run, say, two_groups

SECRET = "SECRET-fusion-des-guichets"
PUBLIC = "PUBLIC-fiches-reflexes"
INSIDERS = {"nina", "lea", "karim", "fanny", "camille"}  # group 1's member, referents, facilitator, admin
OUTSIDERS = {"paul", "gilles", "bob"}  # referent of group 2, guest of group 1 (participant), a member


def club_channel_lines(console: Console) -> list[str]:
    """What everyone in the Club's channel saw, messages and their later edits included."""
    shown, current = [], False
    for line in console.lines:
        if re.match(r"\[m\d+\] ", line):
            current = "#club |" in line
        if current:
            shown.append(line)
    return shown


def test_confidential_notes_stay_within_the_group_on_every_output(club: Service) -> None:
    console = two_groups(club)
    run(console, "bob", "/club groupe rejoindre 2")
    assert "désormais celui du groupe #1" in say(club, "lea", "groupe canal 1", channel="G1")

    posted = run(console, "lea", f"/club decision 1 consensus: {SECRET} dissensus: le calendrier --confidentiel")
    assert "#G1 | Relevé de décisions — groupe #1 Accueil des publics" in posted
    assert "Relevé enregistré et publié dans le salon du groupe #1" in posted
    assert "🔒 confidentiel : à garder au sein du groupe" in posted
    assert [line for line in posted.splitlines() if SECRET in line][0].startswith("      • Consensus")
    posted = run(console, "fanny", f"/club decision 1 consensus: {PUBLIC} suite: atelier séance: 4")
    assert "#G1 | Relevé de décisions" in posted and "• Séance n° 4" in posted
    # Group 2 has no channel: the note is shown to its author only.
    alone = run(console, "paul", "/club decision 2 dissensus: SECRET-2 --confidentiel")
    assert "(pour paul) Relevé de décisions — groupe #2" in alone and "`/club groupe canal 2`" in alone

    for user in INSIDERS | OUTSIDERS:
        notes = run(console, user, "/club decisions 1")
        assert PUBLIC in notes, user
        assert (SECRET in notes) == (user in INSIDERS), (user, notes)
        for line in ("/club groupes", "/club moi", "/club diffusion", "/club decisions 2", "/club aide"):
            assert SECRET not in run(console, user, line), (user, line)
        group2 = run(console, user, "/club decisions 2")
        assert ("SECRET-2" in group2) == (user in {"paul", "bob", "fanny", "camille"}), (user, group2)

    overview = run(console, "fanny", "/club groupes bilan")
    assert "• Relevés : 1 public(s), 1 confidentiel(s)" in overview and SECRET not in overview
    shareable = run(console, "lea", "/club decisions 1 export")
    assert PUBLIC in shareable and SECRET not in shareable and "version diffusable" in shareable
    internal = run(console, "fanny", "/club decisions 1 export --complet")
    assert SECRET in internal and "document interne au groupe" in internal
    assert "Réservé aux référent·es" in run(console, "nina", "/club decisions 1 export --complet")
    unnumbered = re.compile(r"\[m\d+\] ")  # the console's message references differ from one answer to the next
    assert unnumbered.sub("", run(console, "lea", "/club decisions export 1")) == unnumbered.sub("", shareable)
    assert SECRET in run(console, "fanny", "/club decisions 1 exporter --complet")

    run(console, "lea", "/club diffusion 1 Fiches https://exemple.fr/fiches")
    assert not [line for line in club_channel_lines(console) if "SECRET" in line]
    assert any("Consultation n° 1" in line for line in club_channel_lines(console))


def test_the_decision_form_checks_rights_and_content(club: Service) -> None:
    console = two_groups(club)
    fallback = run(console, "lea", "/club decision 1")
    assert "Écrivez `/club decision 1 consensus: … dissensus: … suite: … [--confidentiel]`" in fallback

    def submit(user: str, values: dict[str, str], state: str = "1") -> tuple[list, str | None]:
        return club.handle_form(FormSubmission(
            platform="console", user_id=user, user_name=user, channel_id="club", form_id="decision",
            values=values, state=state, received_at=club.clock()))

    replies, error = submit("nina", {"consensus": "x", "confidentiel": "non"})
    assert replies == [] and "Réservé aux référent·es du groupe #1" in error
    replies, error = submit("lea", {"consensus": "", "dissensus": "", "suite": "plus tard"})
    assert "au moins le consensus ou le dissensus" in error
    replies, error = submit("lea", {"consensus": "ok", "seance": "mai"})
    assert "Séance : indiquez son numéro" in error
    replies, error = submit("lea", {"consensus": "ok"}, state="999")
    assert "Ce groupe n'existe plus" in error
    replies, error = submit("lea", {"consensus": SECRET, "confidentiel": "oui", "seance": "#3"})
    assert error is None and "🔒" in replies[0].text and "• Séance n° 3" in replies[0].text
    assert SECRET in run(console, "nina", "/club decisions 1")
    assert SECRET not in run(console, "paul", "/club decisions 1")


def test_text_form_mistakes_are_explained(club: Service) -> None:
    console = two_groups(club)
    assert "Je n'ai pas compris « on a parlé »" in run(console, "lea", "/club decision 1 on a parlé")
    assert "au moins le consensus ou le dissensus" in console.run_line("/club decision 1 suite: relire")
    assert "Séance : indiquez son numéro" in console.run_line("/club decision 1 consensus: oui séance: mai")
    assert "Pas encore de relevé" in console.run_line("/club decisions 2")
    assert "Écrivez `/club decisions 1` ou `/club decisions 1 export`" in console.run_line("/club decisions 1 tout")
    assert "Aucun relevé." in console.run_line("/club decisions 1 export")
    long_text = "x" * 3001
    assert "3000 caractères au plus" in console.run_line(f"/club decision 1 consensus: {long_text}")


def test_english_readers_get_the_record_in_english(club: Service) -> None:
    console = two_groups(club)
    run(console, "lea", "/club decision 1 consensus: oui --confidentiel")
    console.run_line(":as nina")
    console.run_line("/club langue en")
    notes = console.run_line("/club decisions 1")
    assert "Decision record — group #1 Accueil des publics" in notes and "🔒 confidential" in notes
