"""Polls as people use them in the console: reacting, clicking, closing, reading results."""

from __future__ import annotations

import dataclasses
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.platforms.console import Console, SimulatedClock
from handlers import Command, Service
from handlers.events import PollChanged
from handlers.polls.votes import non_voters
from storage.models import Member
from storage.polls import Poll, PollOption, Vote


def table_rows(text: str) -> dict[str, list[str]]:
    """The results table as {option: [rank, …columns]}."""
    block = text.split("```")[1]
    rows = {}
    for line in block.strip().split("\n")[1:]:
        cells = re.split(r"\s{2,}", line.strip())
        rows[cells[1]] = [cells[0], *cells[2:]]
    return rows


def react(console: Console, user: str, *moves: str) -> None:
    console.run_line(f":as {user}")
    for move in moves:
        assert console.run_line(move) == "", move  # a vote by reaction makes no noise


def test_three_users_vote_with_react_and_unreact_and_results_match(service: Service) -> None:
    console = Console(service, user="camille")
    out = console.run_line('/club sondage "Quel thème en priorité ?" "Eau" "Mobilités" "Santé"')
    assert "[m2] #club | 📊 Sondage #1 — Quel thème en priorité ? (par camille)" in out
    assert "[m3] #club | 1. Eau" in out and "(club-bot réagit :+1: sur m5)" in out

    react(console, "lea", ":react m3 +1", ":react m4 +1")
    react(console, "bob", ":react m3 +1", ":react m5 +1", ":unreact m5 +1", ":react m5 thumbsup")
    react(console, "kevin", ":react m4 +1", ":unreact m4 +1", ":react m3 +1", ":react m3 tada")

    provisional = console.run_line("/club resultats 1")
    assert "résultats provisoires" in provisional
    assert table_rows(provisional) == {"Eau": ["1", "3", "100 %"], "Mobilités": ["2", "1", "33 %"],
                                       "Santé": ["2", "1", "33 %"]}
    assert "3 votant·e(s)." in provisional

    console.run_line(":as camille")
    closing = console.run_line("/club cloturer 1")
    assert "Clôturé." in closing  # the poll's header is edited in place
    final = closing.split("Résultats du sondage #1")[1]
    assert "résultats définitifs" in final and "Recomptage" not in final  # no event was lost
    assert table_rows(final)["Eau"] == ["1", "3", "100 %"]
    assert "Le sondage #1 est clôturé" in console.run_line(":react m4 +1")


def test_majority_judgment_ranks_by_majority_grade(service: Service) -> None:
    console = Console(service, user="camille")
    console.run_line('/club sondage "Thèmes 2027" "Eau" "Santé" "Numérique" --jm')
    # m3 Eau, m4 Santé, m5 Numérique. Eau: TB, B, B -> Bien; Santé: TB, TB, R -> Très bien;
    # Numérique: AB by two, nothing from kevin (counts "À rejeter") -> Assez bien.
    react(console, "lea", ":react m3 heart_eyes", ":react m4 heart_eyes", ":react m5 slightly_smiling_face")
    react(console, "bob", ":react m3 smile", ":react m4 heart_eyes", ":react m5 slightly_smiling_face")
    react(console, "kevin", ":react m3 smile", ":react m4 no_entry")
    text = console.run_line("/club resultats 1")
    rows = table_rows(text)
    assert rows["Santé"][:2] == ["1", "Très bien-"]  # more grades below it than above
    assert rows["Eau"][:2] == ["2", "Bien+"]
    assert rows["Numérique"][:2] == ["3", "Assez bien-"]
    assert rows["Numérique"][-1] == "33 %"  # kevin's missing grade counts "À rejeter"

    console.run_line(":as kevin")
    told = console.run_line(":react m4 heart_eyes")  # a second grade on Santé: the latest counts
    assert "(pour kevin)" in told and "la dernière : « Très bien » pour « Santé »" in told
    assert table_rows(console.run_line("/club resultats 1"))["Santé"][2] == "100 %"
    console.run_line(":unreact m4 heart_eyes")  # back to the grade still shown: À rejeter
    assert table_rows(console.run_line("/club resultats 1"))["Santé"][2] == "67 %"


def test_single_choice_counts_the_latest_and_tells_the_voter_privately(service: Service) -> None:
    console = Console(service, user="camille")
    console.run_line('/club sondage "Présidence ?" "Léa" "Kevin" --unique')
    react(console, "bob", ":react m3 +1")  # not the option's number emoji: ignored
    assert console.run_line(":react m3 one") == ""
    told = console.run_line(":react m4 two")
    assert told.startswith("[m") and "(pour bob)" in told and "le dernier : « Kevin »" in told
    react(console, "lea", ":react m3 one")
    assert table_rows(console.run_line("/club resultats 1")) == {"Léa": ["1", "1", "50 %"],
                                                                 "Kevin": ["1", "1", "50 %"]}
    console.run_line(":as bob")
    console.run_line(":unreact m4 two")  # his earlier choice, still shown, counts again
    assert table_rows(console.run_line("/club resultats 1"))["Léa"] == ["1", "2", "100 %"]


def test_anonymous_votes_never_appear_in_any_message(service: Service, clock) -> None:
    console = Console(service, user="camille")
    console.run_line('/club sondage "Qui au comité ?" "Option Alpha" "Option Beta" --unique --anonyme')
    console.run_line(":as bob")
    assert "votez avec les boutons" in console.run_line(":react m3 one")  # public reactions don't count
    confirmation = console.run_line(":click m3 Choisir")
    assert "(pour bob) Vote enregistré pour le sondage #1 : Option Alpha" in confirmation
    console.run_line(":as kevin")
    console.run_line(":click m4 Choisir")
    console.run_line(":click m3 Choisir")  # changes his mind
    clock.now += timedelta(seconds=10)
    assert "Vote retiré" in console.run_line(":click m3 Choisir")  # and withdraws
    clock.now += timedelta(seconds=10)
    console.run_line(":click m4 Choisir")
    console.run_line(":as camille")
    closing = console.run_line("/club cloturer 1")
    assert table_rows(closing.split("Résultats du sondage")[1]) == {"Option Alpha": ["1", "1", "50 %"],
                                                         "Option Beta": ["1", "1", "50 %"]}
    # Everything shown to more than one person: no voter's name, no voter's choice.
    public = [line for line in console.lines if "(pour " not in line and not line.startswith("(vous")]
    assert public and not [line for line in public if "bob" in line or "kevin" in line]
    assert "[Choisir]" not in closing  # buttons removed at closing


@pytest.mark.parametrize("flags", ["--unique", "--jm", ""])
def test_a_double_click_counts_once_and_a_later_one_withdraws(service: Service, clock, flags: str) -> None:
    """Clicks of one person on one button within a few seconds are one intention, whichever it was."""
    console = Console(service, user="camille")
    console.run_line(f'/club sondage "Qui au comité ?" "Option Alpha" "Option Beta" {flags} --anonyme')
    button = console.platform.messages["m3"].buttons[0].label
    console.run_line(":as bob")
    assert "Vote enregistré" in console.run_line(f":click m3 {button}")
    assert "Vote enregistré" in console.run_line(f":click m3 {button}")  # 30 ms later: the same click
    assert "Option Alpha" in voters_of(service, "bob")
    clock.now += timedelta(seconds=10)
    assert "Vote retiré" in console.run_line(f":click m3 {button}")
    assert "Vote retiré" in console.run_line(f":click m3 {button}")  # a double click to withdraw: withdrawn
    assert voters_of(service, "bob") == []
    clock.now += timedelta(seconds=10)
    assert "Vote enregistré" in console.run_line(f":click m3 {button}")
    assert "Option Alpha" in voters_of(service, "bob")


def voters_of(service: Service, name: str) -> list[str]:
    """The options `name` has a live vote on."""
    with service.db.transaction() as session:
        return list(session.scalars(select(PollOption.label).join(Vote, Vote.target_id == PollOption.id)
                                    .join(Member, Member.id == Vote.voter_id)
                                    .where(Member.display_name == name)))


def test_by_institution_each_institution_weighs_one_vote(service: Service) -> None:
    console = Console(service, user="lea")
    console.run_line("/club institution DEETS Martinique")
    console.run_line(":as bob")
    console.run_line("/club institution DEETS Martinique")
    console.run_line(":as kevin")
    console.run_line("/club institution DEETS La Réunion")
    console.run_line('/club sondage "Priorité ?" "Eau" "Santé" --par-institution')  # m4..m7
    react(console, "lea", ":react m6 +1")
    react(console, "bob", ":react m7 +1")
    react(console, "kevin", ":react m6 +1")
    react(console, "yann", ":react m7 +1")  # no institution: counts as one
    text = console.run_line("/club resultats 1")
    assert table_rows(text) == {"Eau": ["1", "1,50", "50 %"], "Santé": ["1", "1,50", "50 %"]}
    assert "(total 3,00)" in text and "1 votant·e(s) sans institution" in text


def test_closing_at_the_end_date_recounts_from_the_platform(service: Service) -> None:
    seen: list[dict] = []
    service.registry.listen(PollChanged, lambda ctx, changed: seen.append(dataclasses.asdict(changed)))
    clock = SimulatedClock()
    console = Console(Service(service.db, service.settings, clock=clock, registry=service.registry),
                      user="camille", clock=clock)
    console.run_line(":now 2027-01-11T09:00+00:00")
    out = console.run_line('/club sondage "Atelier ?" "Matin" "Après-midi" --fin le 12 janvier 2027 à 18h')
    assert "Clôture : mardi 12 janvier 2027 à 18:00 (heure de Paris)." in out
    react(console, "lea", ":react m3 +1", ":react m4 +1")
    # Events the bot never heard of: yann reacted while it was down, lea's removal was lost.
    console.platform.messages["m3"].reactions["+1"].add("yann")
    console.platform.messages["m4"].reactions["+1"].discard("lea")
    console.run_line(":now 2027-01-12T16:59+00:00")
    assert console.run_line(":tick") == ""
    console.run_line(":now 2027-01-12T17:00+00:00")
    closing = console.run_line(":tick")
    assert table_rows(closing) == {"Matin": ["1", "2", "100 %"], "Après-midi": ["2", "0", "0 %"]}
    assert "1 vote(s) ajouté(s), 1 retiré(s)" in closing
    assert console.run_line(":tick") == ""  # closed once
    closes = datetime(2027, 1, 12, 17, 0, tzinfo=UTC)
    assert seen == [{"poll_id": 1, "closes_at": closes, "closed": False},
                    {"poll_id": 1, "closes_at": closes, "closed": True}]


def test_rescheduling_and_hidden_results(service: Service) -> None:
    clock = SimulatedClock()
    console = Console(Service(service.db, service.settings, clock=clock), user="lea", clock=clock)
    console.run_line(":now 2027-01-11T09:00+00:00")
    console.run_line('/club sondage "Q ?" "A" "B" --masquer')
    assert "seront visibles à sa clôture" in console.run_line("/club resultats 1")
    moved = console.run_line("/club cloturer 1 --fin le 15 janvier 2027 à 12h")
    assert "sera clôturé le vendredi 15 janvier 2027 à 12:00" in moved and "[m2 modifié]" in moved
    console.run_line(":as bob")
    refused = console.run_line("/club cloturer 1")  # whose poll it is decides, not bob's role alone
    assert "lancé par lea : seule son auteur·e ou un·e facilitateur·trice peut le clôturer" in refused
    assert "réservée aux personnes ayant le rôle" not in refused and "[m2 modifié]" not in refused
    console.run_line(":as camille")
    console.run_line("/club role @sophie facilitateur")
    console.run_line(":as sophie")
    assert "je recompte les réactions" in console.run_line("/club cloturer 1")


@pytest.mark.parametrize(("line", "expected"), [
    ("/club sondage Quel thème ? Eau Santé", "entre guillemets"),
    ('/club sondage "Quel thème ?" "Eau"', "au moins deux options"),
    ('/club sondage "Q" "A" "B" --vite', "Option inconnue : « --vite »"),
    ('/club sondage "Q" "A" "B" --jm --unique', "un seul type"),
    ('/club sondage "Q" "A" "a"', "identiques"),
    ('/club sondage "Q" "A" "B" --fin', "Après --fin, indiquez une date"),
    ("/club resultats", "`/club resultats 3`"),
    ("/club resultats 42", "Aucun sondage #42"),
    ("/club cloturer", "`/club cloturer 3`"),
])
def test_mistakes_are_explained(service: Service, line: str, expected: str) -> None:
    assert expected in Console(service, user="lea").run_line(line)


def test_date_polls_show_each_covered_zone(service: Service) -> None:
    console = Console(service, user="lea")
    out = console.run_line('/club sondage "Réunion ?" "le 2 mars 2027 à 14h" "le 4 mars 2027 à 10h" --dates')
    assert "mar. 2 mars 14:00 (Paris)" in out
    react(console, "bob", ":react m3 +1")
    assert "Heures données dans votre fuseau (Europe/Paris)." in console.run_line("/club resultats 1")


def test_non_voters_are_the_members_who_did_not_vote(service: Service) -> None:
    console = Console(service, user="lea")
    console.run_line('/club sondage "Q ?" "A" "B"')
    console.run_line(":as bob")
    console.run_line("/club moi")
    react(console, "kevin", ":react m3 +1")
    with service.db.transaction() as session:
        poll_id = session.scalar(select(Poll.id))
        assert [m.display_name for m in non_voters(session, poll_id)] == ["bob", "lea"]


def test_polls_launched_at_the_same_instant_get_distinct_numbers(service: Service) -> None:
    """On PostgreSQL, simultaneous polls read the same highest number: one wins it, the others take the next."""
    people = ["lea", "bob", "kevin", "yann"]
    for user in people:  # everyone already met the bot: the race is on the numbers alone
        Console(service, user=user).run_line("/club moi")
    start = threading.Barrier(len(people))
    answers: dict[str, str] = {}

    def launch(user: str) -> None:
        start.wait()
        command = Command(platform="console", user_id=user, user_name=user, channel_id="club",
                          text=f'sondage "Question de {user} ?" "A" "B"', received_at=service.clock())
        answers[user] = service.handle_command(command)[0].text

    threads = [threading.Thread(target=launch, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    numbers = sorted(int(re.search(r"Sondage #(\d+) lancé", answer).group(1)) for answer in answers.values())
    assert numbers == [1, 2, 3, 4], answers
    with service.db.transaction() as session:
        assert sorted(session.scalars(select(Poll.number))) == [1, 2, 3, 4]
