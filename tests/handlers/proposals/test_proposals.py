"""Proposing, editing, withdrawing and listing themes, as people do it in the console, on SQLite and
PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from handlers import FormSubmission, Service
from handlers.text import ZWSP
from storage.proposals import Difficulty, Proposal, ProposalCall, ProposalDraft
from tests.handlers.proposals.support import club_posts, count, setup_club, statuses

TOO_LONG_TITLE = "T" * 151


def test_call_proposals_edit_withdraw_list_and_retain(service: Service, retained: list) -> None:
    console = setup_club(service)
    opened = console.run_line("/club appel ouvrir")
    assert "Appel à contribution 2027 ouvert jusqu'au dimanche 31 janvier 2027 à 23:59" in opened
    assert "#club | 📣 Appel à contribution 2027 : proposez les thèmes de l'année !" in opened
    assert "/club propose <titre> — <description>" in opened and "réagissez 👍" in opened

    console.run_line(":as lea")
    first = console.run_line("/club propose Accueil des publics en situation de handicap — partager nos "
                             "pratiques d'accueil")
    assert "Proposition #1 enregistrée et publiée dans le canal du Club" in first
    assert "#club | #1 · Accueil des publics en situation de handicap" in first
    assert "Proposée par lea (DREETS Martinique) · portée à la rencontre de février par lea" in first
    assert "(club-bot réagit :+1: sur" in first

    console.run_line(":as bob")
    second = console.run_line("/club propose Santé mentale des jeunes — prévention --porteur @paul")
    assert "#2 · Santé mentale des jeunes" in second and "portée à la rencontre de février par paul" in second

    warned = console.run_line("/club propose Handicap : accueil des publics")
    assert "Une proposition proche existe déjà : #1 « Accueil des publics en situation de handicap » " \
           "(lea (DREETS Martinique))" in warned
    assert "[Proposer quand même]" in warned and "#club" not in warned
    assert count(service, Proposal) == 2
    ref = warned.split("]")[0].lstrip("[")
    confirmed = console.run_line(f":click {ref} Proposer quand même")
    assert "Proposition #3 enregistrée" in confirmed and "#club | #3 · Handicap : accueil des publics" in confirmed
    assert count(service, ProposalDraft) == 0

    console.run_line(":as lea")
    edited = console.run_line("/club modifier 1 — partager nos pratiques d'accueil, avec les CCAS")
    assert "Proposition #1 modifiée" in edited and "votes sont conservés" in edited
    assert "[m" in edited and "modifié]" in edited and "avec les CCAS" in edited
    assert "Accueil des publics en situation de handicap" in edited  # title kept

    console.run_line(":as bob")
    withdrawn = console.run_line("/club retirer 3")
    assert "Proposition #3 retirée" in withdrawn
    assert "#3 · Handicap : accueil des publics — _retirée le lundi 11 janvier 2027_" in withdrawn
    assert "ne sera pas présentée à la rencontre" in withdrawn

    posted_first = re.search(r"\[(m\d+)\] #club \| #1 · ", first).group(1)
    for supporter in ("bob", "sophie"):
        console.run_line(f":as {supporter}")
        console.run_line(f":react {posted_first} +1")
    listing = console.run_line("/club propositions")
    assert "Appel à contribution 2027 — ouvert jusqu'au dimanche 31 janvier 2027 à 23:59 · 2 proposition(s)" \
        in listing
    assert "• #1 Accueil des publics en situation de handicap — lea (DREETS Martinique), portée par lea · 👍 2" \
        in listing
    assert "• #2 Santé mentale des jeunes — bob (ARS Guyane), portée par paul · 👍 0" in listing
    assert "• #3 Handicap : accueil des publics — bob (ARS Guyane), portée par bob — _retirée_" in listing

    console.run_line(":as sophie")
    decided = console.run_line("/club retenir 1 2")
    assert "2 thème(s) retenu(s) et 0 non retenu(s)" in decided
    assert "Thèmes retenus pour 2027" in decided
    assert "• #2 Santé mentale des jeunes — porté par paul, proposé par bob (ARS Guyane)" in decided
    assert "#1 · Accueil des publics en situation de handicap — ✅ retenue le lundi 11 janvier 2027" in decided
    assert statuses(service) == {1: "retained", 2: "retained", 3: "withdrawn"}
    assert [[(title, description) for _id, title, description in themes] for themes in retained] == [[
        ("Accueil des publics en situation de handicap", "partager nos pratiques d'accueil, avec les CCAS"),
        ("Santé mentale des jeunes", "prévention"),
    ]]
    # one message per proposal in the Club channel, edited in place, never deleted
    posts = [m for m in console.platform.messages.values() if m.text.startswith("**#")]
    assert len(posts) == 3


def test_facilitators_alone_run_the_call_and_the_choice(service: Service) -> None:
    console = setup_club(service)
    console.run_line(":as lea")
    assert "réservée aux personnes ayant le rôle « facilitateur »" in console.run_line("/club appel ouvrir")
    assert count(service, ProposalCall) == 0
    console.run_line(":as sophie")
    console.run_line("/club appel ouvrir")
    console.run_line(":as lea")
    console.run_line("/club propose Mobilité en zone rurale")
    assert "réservée aux personnes ayant le rôle « facilitateur »" in console.run_line("/club retenir 1")
    assert "réservée" in console.run_line("/club appel fermer")
    console.run_line(":as camille")
    console.run_line("/club role @invitee participant")
    console.run_line(":as invitee")
    assert "réservée aux personnes ayant le rôle « membre »" in console.run_line("/club propose Un thème")
    # someone else's proposal: withdrawn by its author or a facilitator only
    console.run_line(":as bob")
    assert "seule son auteur·e ou un·e facilitateur·trice peut la retirer" in console.run_line("/club retirer 1")
    assert "seule son auteur·e peut la modifier" in console.run_line("/club modifier 1 Autre titre")
    console.run_line(":as sophie")
    assert "Proposition #1 retirée" in console.run_line("/club retirer 1")
    assert statuses(service) == {1: "withdrawn"}
    assert "facilitateur" in console.run_line("/club aide retenir")


@pytest.mark.parametrize(("line", "expected"), [
    ("/club propose — une description sans titre", "Le titre est vide"),
    ("/club propose    ", None),  # the form: in the console, its text explains the text form
    (f"/club propose {TOO_LONG_TITLE}", "Titre trop long (151 caractères, 150 au plus)"),
    ("/club propose Titre — " + "d" * 3001, "Description trop longue (3001 caractères, 3000 au plus)"),
    ("/club propose Titre --porteur", "Après `--porteur`, indiquez qui portera le thème"),
    ("/club modifier 9 Autre", "Aucune proposition #9"),
    ("/club modifier Autre", "Indiquez le numéro de la proposition, par exemple `/club modifier 12"),
    ("/club modifier 1", None),
    (f"/club modifier 1 {TOO_LONG_TITLE}", "Titre trop long"),
    ("/club retirer #42", "Aucune proposition #42"),
    ("/club difficulte 1", "Décrivez la difficulté après le numéro"),
    ("/club difficulte 7 Trop tôt", "Aucune proposition #7"),
    ("/club retenir", "Indiquez les numéros des thèmes retenus"),
    ("/club retenir 1 deux", "Indiquez les numéros des thèmes retenus"),
    ("/club retenir 1 8", "Aucune proposition #8"),
    ("/club appel ouvrir jusqu'au 3 janvier 2027", "tombe dans le passé"),
    ("/club appel ouvrir jusqu'au quand les poules auront des dents", "Date non comprise"),
    ("/club appel ouvrir jusqu'au 1er mars 2029", "au plus un an"),
    ("/club appel demain", "Sous-commande inconnue : « demain ». Tapez `/club aide appel`."),
    ("/club appel ouvir", "Vouliez-vous dire `/club appel ouvrir` ?"),
])
def test_mistakes_are_explained_and_write_nothing(service: Service, line: str, expected: str | None) -> None:
    console = setup_club(service)
    console.run_line("/club appel ouvrir")
    console.run_line(":as lea")
    console.run_line("/club propose Mobilité en zone rurale — les transports à la demande")
    console.run_line(":as sophie" if "retenir" in line or "appel" in line else ":as lea")
    before = (len(club_posts(console)), statuses(service), count(service, Difficulty), count(service, ProposalCall))
    answer = console.run_line(line)
    if expected is None:  # a form was offered: its text says how to write the command
        assert "écrivez : `/club" in answer
    else:
        assert expected in answer, answer
    assert "#club |" not in answer
    assert (len(club_posts(console)), statuses(service), count(service, Difficulty),
            count(service, ProposalCall)) == before
    with service.db.transaction() as session:
        proposal = session.scalar(select(Proposal))
        assert (proposal.title, proposal.description) == ("Mobilité en zone rurale", "les transports à la demande")


def test_user_text_cannot_ping_anybody(service: Service) -> None:
    console = setup_club(service)
    console.run_line("/club appel ouvrir")
    console.run_line(":as lea")
    console.run_line("/club propose Alerte @channel <!channel> — @here écoutez <!subteam^S123> --porteur @everyone")
    posted = next(m.text for m in console.platform.messages.values() if m.text.startswith("**#1"))
    assert "@channel" not in posted and "@here" not in posted and "@everyone" not in posted
    assert f"@{ZWSP}channel" in posted and f"@{ZWSP}here" in posted
    assert "<!channel>" in posted  # kept as typed: the Slack renderer escapes '<' (tested over HTTP)
    console.run_line("/club difficulte 1 @here attention")
    difficulty = next(m.text for m in console.platform.messages.values() if "Difficulté avec" in m.text)
    assert "@here" not in difficulty


def test_form_submission_records_the_proposal(service: Service) -> None:
    console = setup_club(service)
    console.run_line("/club appel ouvrir")
    form = FormSubmission(platform="console", user_id="lea", user_name="lea", channel_id="club",
                          form_id="proposal", values={"titre": "  Mobilité   en zone rurale ",
                                                      "description": "Transports\r\nà la demande",
                                                      "porteur": "Paul Martin"},
                          state="", received_at=datetime.now(UTC))
    replies, error = service.handle_form(form)
    assert error is None
    assert "Proposition #1 enregistrée" in replies[0].text
    assert replies[1].reactions == ["+1"] and replies[1].anchor.kind == "proposal"
    assert "Transports\nà la demande" in replies[1].text and "par Paul Martin" in replies[1].text
    replies, error = service.handle_form(FormSubmission(**{**form.__dict__, "values": {"titre": " "}}))
    assert replies == [] and "Le titre est vide" in error
    # the edit form, as the author fills it in
    replies, error = service.handle_form(FormSubmission(**{**form.__dict__, "form_id": "proposal-edit",
                                                           "state": "1", "values": {"titre": "Mobilités",
                                                                                    "description": "",
                                                                                    "porteur": ""}}))
    assert error is None and replies[1].update
    with service.db.transaction() as session:
        proposal = session.scalar(select(Proposal))
        assert (proposal.title, proposal.description, proposal.carrier_name) == ("Mobilités", "", None)
    _, error = service.handle_form(FormSubmission(**{**form.__dict__, "user_id": "bob", "form_id": "proposal-edit",
                                                     "state": "1", "values": {"titre": "Pirate"}}))
    assert "seule son auteur·e peut la modifier" in error


def test_confirmation_button_belongs_to_its_author(service: Service) -> None:
    console = setup_club(service)
    console.run_line("/club appel ouvrir")
    console.run_line(":as lea")
    console.run_line("/club propose Mobilité en zone rurale")
    warned = console.run_line("/club propose Mobilités en zones rurales")
    assert "Une proposition proche existe déjà : #1" in warned
    ref = warned.split("]")[0].lstrip("[")
    console.run_line(":as bob")
    assert "Seule la personne qui a fait cette proposition peut la confirmer" in console.run_line(
        f":click {ref} Proposer quand même")
    console.run_line(":as lea")
    assert "Proposition #2 enregistrée" in console.run_line(f":click {ref} Proposer quand même")
    assert "déjà été publiée" in console.run_line(f":click {ref} Proposer quand même")
    assert count(service, Proposal) == 2


def test_an_english_reader_gets_english_but_the_club_stays_french(service: Service) -> None:
    console = setup_club(service)
    console.run_line("/club appel ouvrir")
    console.run_line(":as lea")
    console.run_line("/club langue en")
    answer = console.run_line("/club propose Mobilité en zone rurale")
    assert "Proposal #1 saved and posted in the Club channel" in answer
    assert "Proposée par lea" in answer
    assert "The title is empty" in console.run_line("/club propose — rien")
