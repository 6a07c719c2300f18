"""The collective dissemination decision: consent-style answers, outcomes, and what becomes public."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.platforms.console import Console
from handlers import FormSubmission, Service
from handlers.groups.dissemination import approved_deliverables
from storage.groups import Consultation
from tests.conftest import FakeClock
from tests.handlers.groups.support import run, say, two_groups

AFTER_DEADLINE = datetime(2027, 1, 26, 9, 0, tzinfo=UTC)  # the default deadline is 14 days after 11 January


def consult(console: Console) -> str:
    return run(console, "lea", "/club diffusion 1 Guide de l'accueil https://exemple.fr/guide")


def close_at_deadline(console: Console, clock: FakeClock) -> str:
    clock.now = AFTER_DEADLINE
    console.run_line(":now " + AFTER_DEADLINE.isoformat())
    return console.run_line(":tick")


def approved_titles(club: Service) -> list[str]:
    with club.db.transaction() as session:
        return [d.title for d in approved_deliverables(session, club.club_id)]


def test_a_reasoned_objection_blocks_and_an_unreasoned_one_is_refused(club: Service, clock: FakeClock) -> None:
    console = two_groups(club)
    assert "jusqu'au lundi 25 janvier 2027 à 10:00" in consult(console)
    run(console, "paul", "/club diffusion accord 1")
    refused = run(console, "nina", "/club diffusion objection 1")
    assert "Une objection doit être motivée : écrivez `/club diffusion objection 1 <raison>`" in refused
    assert "0 objection(s)" in run(console, "fanny", "/club diffusion accord 1")
    assert "1 objection(s)" in run(console, "nina", "/club diffusion objection 1 des données nominatives")
    closed = close_at_deadline(console, clock)
    assert "Résultat : diffusion bloquée par une objection ⛔" in closed
    assert "2 accord(s), 0 abstention(s), 1 objection(s)." in closed
    assert "• des données nominatives" in closed and "relancer une consultation" in closed
    assert "[Accord]" not in closed.split("[m")[1]  # the announcement lost its buttons
    assert approved_titles(club) == []
    assert "Aucun livrable approuvé" in console.run_line("/club diffusion")
    assert "La consultation n° 1 est close" in run(console, "paul", "/club diffusion abstention 1")


def test_agreement_without_objection_approves_and_publishes(club: Service, clock: FakeClock) -> None:
    console = two_groups(club)
    say(club, "lea", "groupe canal 1", channel="G1")
    consult(console)
    run(console, "nina", "/club diffusion objection 1 il manque une source")
    run(console, "nina", "/club diffusion accord 1")  # she withdrew her objection
    run(console, "paul", "/club diffusion abstention 1")
    closed = close_at_deadline(console, clock)
    assert "#club | Diffusion — consultation n° 1 close" in closed
    assert "#G1 | Diffusion — consultation n° 1 close" in closed  # the group hears it in its channel too
    assert "Résultat : diffusion approuvée ✅" in closed and "1 accord(s), 1 abstention(s), 0 objection(s)" in closed
    assert approved_titles(club) == ["Guide de l'accueil"]
    listing = run(console, "gilles", "/club diffusion")
    assert "#1 Accueil des publics — Guide de l'accueil : https://exemple.fr/guide" in listing
    assert console.run_line(":tick") == ""  # closed once, announced once


@pytest.mark.parametrize("answers", [[], ["abstention"]], ids=["silence", "abstentions"])
def test_without_any_agreement_nothing_is_disseminated(club: Service, clock: FakeClock, answers: list[str]) -> None:
    console = two_groups(club)
    consult(console)
    for answer in answers:
        run(console, "paul", f"/club diffusion {answer} 1")
    assert "Résultat : sans avis, le livrable n'est pas diffusé" in close_at_deadline(console, clock)
    assert approved_titles(club) == []


def test_facilitators_close_early_and_late_answers_are_refused(club: Service, clock: FakeClock) -> None:
    console = two_groups(club)
    consult(console)
    run(console, "paul", "/club diffusion accord 1")
    closed = run(console, "fanny", "/club diffusion cloturer 1")
    assert "Consultation n° 1 close." in closed and "diffusion approuvée" in closed
    assert "déjà close" in console.run_line("/club diffusion cloturer 1")
    assert "Consultation inconnue" in console.run_line("/club diffusion cloturer 7")
    assert close_at_deadline(console, clock) == ""
    assert "est close" in run(console, "nina", "/club diffusion accord 1")


def test_opening_mistakes_are_explained(club: Service) -> None:
    console = two_groups(club)
    assert "Indiquez le titre puis le lien" in run(console, "lea", "/club diffusion 1 Guide sans lien")
    assert "Indiquez le titre puis le lien" in console.run_line("/club diffusion 1 https://exemple.fr/x")
    assert "tombe dans le passé" in console.run_line(
        "/club diffusion 1 Guide https://exemple.fr/g jusqu'au 3 janvier 2027 à 10h")
    assert "à plus d'un an" in console.run_line("/club diffusion 1 Guide https://exemple.fr/g jusqu'au 3 mars 2029")
    assert "Seul·es les référent·es du groupe #1" in run(console, "paul", "/club diffusion 1 G https://e.fr/g")
    assert "Consultation inconnue" in run(console, "nina", "/club diffusion accord")


def test_the_objection_form_requires_a_reason(club: Service) -> None:
    console = two_groups(club)
    consult(console)

    def submit(user: str, reason: str, state: str = "1") -> tuple[list, str | None]:
        return club.handle_form(FormSubmission(
            platform="console", user_id=user, user_name=user, channel_id="club", form_id="objection",
            values={"raison": reason}, state=state, received_at=club.clock()))

    replies, error = submit("nina", "   ")
    assert replies == [] and "Une objection doit être motivée" in error
    replies, error = submit("gilles", "je ne suis pas d'accord")
    assert "votre avis n'est pas demandé" in error
    replies, error = submit("nina", "une commune y est nommée")
    assert error is None and "objection" in replies[0].text
    assert replies[1].update and "1 objection(s)" in replies[1].text


def test_answers_in_english_or_after_the_consultation_number(club: Service, clock: FakeClock) -> None:
    console = two_groups(club)
    consult(console)
    assert "Avis enregistré pour la consultation n° 1 : accord" in run(console, "paul", "/club diffusion 1 accord")
    assert ": abstention" in run(console, "sophie", "/club publish abstain 1")
    objected = run(console, "nina", "/club diffusion object 1 une source manque")
    assert ": objection" in objected and "1 accord(s), 1 abstention(s), 1 objection(s)" in objected
    closed = run(console, "fanny", "/club diffusion close 1")
    assert "Consultation n° 1 close." in closed and "bloquée par une objection" in closed


def test_mistyped_subcommands_and_forgotten_group_numbers_are_explained(club: Service) -> None:
    console = two_groups(club)
    assert "Vouliez-vous dire `/club diffusion accord`" in run(console, "paul", "/club diffusion acord 1")
    forgotten = run(console, "lea", "/club diffusion Guide https://exemple.fr/guide")
    assert "Indiquez le numéro du groupe" in forgotten and "#1 Accueil des publics" in forgotten


def test_a_title_beginning_like_a_subcommand_still_opens_a_consultation(club: Service) -> None:
    console = two_groups(club)
    opened = run(console, "lea", "/club diffusion 1 Accord de partenariat https://exemple.fr/accord")
    assert "Consultation n° 1 ouverte" in opened
    assert "• Accord de partenariat — https://exemple.fr/accord" in opened
    assert "Consultation n° 2 ouverte" in console.run_line(
        "/club diffusion 1 abstention et vote blanc https://exemple.fr/blanc")
    assert "Consultation inconnue" in run(console, "paul", "/club diffusion accord 1 et plus")


def test_consultations_opened_at_the_same_instant_get_distinct_numbers(club: Service) -> None:
    """On PostgreSQL, simultaneous openings read the same highest number: one wins it, the others take the next."""
    two_groups(club)
    openers = {"lea": 1, "karim": 1, "paul": 2, "sophie": 2}
    start = threading.Barrier(len(openers))
    answers: dict[str, str] = {}

    def open_(user: str) -> None:
        start.wait()
        answers[user] = say(club, user, f"diffusion {openers[user]} Livrable de {user} https://exemple.fr/{user}")

    threads = [threading.Thread(target=open_, args=(user,)) for user in openers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    numbers = sorted(int(re.search(r"Consultation n° (\d+) ouverte", answer).group(1)) for answer in answers.values())
    assert numbers == [1, 2, 3, 4], answers
    with club.db.transaction() as session:
        assert sorted(session.scalars(select(Consultation.number))) == [1, 2, 3, 4]
