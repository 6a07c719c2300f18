"""What the Club decides about themes: the rencontre's choice (`retenir`) and a difficulty (`difficulte`)
that the Club settles with a poll."""

from __future__ import annotations

import re

from handlers import Anchor, Service
from storage.proposals import Difficulty
from tests.handlers.proposals.support import count, setup_club, statuses


def test_retain_is_all_or_nothing_and_can_add_a_theme_later(service: Service, retained: list) -> None:
    console = setup_club(service)
    console.run_line("/club appel ouvrir")
    console.run_line(":as lea")
    for title in ("Mobilité en zone rurale", "Numérique et inclusion", "Habitat indigne"):
        console.run_line(f"/club propose {title}")
    console.run_line("/club retirer 3")
    console.run_line(":as sophie")
    refused = console.run_line("/club retenir 1 3")
    assert "La proposition #3 est retirée : elle ne peut pas être retenue. Rien n'a été enregistré." in refused
    assert statuses(service) == {1: "proposed", 2: "proposed", 3: "withdrawn"}
    assert retained == []
    outcome = console.run_line("/club retenir #1, 1")
    assert "1 thème(s) retenu(s) et 1 non retenu(s)" in outcome
    assert "Non retenus : #2 Numérique et inclusion." in outcome
    assert "#2 · Numérique et inclusion — non retenue (lundi 11 janvier 2027)" in outcome
    assert "déjà été choisis" in console.run_line("/club appel ouvrir jusqu'au 31 janvier")
    assert "est retenue : elle ne peut pas être retenue" in console.run_line("/club retenir 1")
    added = console.run_line("/club retenir 2")
    assert "Thème(s) ajouté(s) aux thèmes 2027" in added
    assert statuses(service) == {1: "retained", 2: "retained", 3: "withdrawn"}
    assert [[title for _id, title, _d in themes] for themes in retained] == [
        ["Mobilité en zone rurale"], ["Numérique et inclusion"]]
    console.run_line(":as lea")
    assert "ne peut plus être retirée (elle est retenue)" in console.run_line("/club retirer 2")
    assert "thèmes choisis · 2 proposition(s)" in console.run_line("/club propositions")


def test_a_difficulty_asks_the_club_to_decide(service: Service) -> None:
    console = setup_club(service)
    console.run_line("/club appel ouvrir")
    console.run_line(":as lea")
    console.run_line("/club propose Mobilité en zone rurale")
    console.run_line(":as bob")
    raised = console.run_line("/club difficulté 1 Notre direction ne pourra pas s'engager avant septembre")
    assert "Difficulté publiée dans le canal du Club" in raised
    assert "#club | ⚠️ Difficulté avec le thème #1 · Mobilité en zone rurale, signalée par bob (ARS Guyane)" in raised
    assert "« Notre direction ne pourra pas s'engager avant septembre »" in raised
    ref = raised.split("#club |")[0].split("[")[-1].rstrip("] ")
    assert service.posted_for("console", Anchor("difficulty", 1)) == [("club", ref)]
    # the Club decides with a members' single-choice poll, open a week
    assert "Thème #1 · Mobilité en zone rurale : que décide le Club ?" in raised
    for choice in ("Garder le thème tel quel", "Chercher un compromis", "Abandonner le thème"):
        assert choice in raised
    option = re.search(r"\[(m\d+)\] #club \| :two: 2. Chercher un compromis", raised)
    assert option, raised
    for voter in ("lea", "bob", "sophie"):
        console.run_line(f":as {voter}")
        console.run_line(f":react {option.group(1)} two")
    results = console.run_line("/club resultats 1")
    assert re.search(r"1 +Chercher un compromis +3 +100 %", results), results
    assert "3 votant·e(s)." in results
    console.run_line(":as lea")
    console.run_line("/club retirer 1")
    assert "a été retirée : il n'y a plus rien à décider" in console.run_line("/club difficulte 1 Et alors ?")
    assert count(service, Difficulty) == 1
