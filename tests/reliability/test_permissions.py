"""Every verb × every role: refused below the verb's role with nothing written, never a confidential note
shown outside its group, whatever the verb and its argument."""

from __future__ import annotations

import pytest

from handlers import Service, registry
from storage.models import Role
from tests.handlers.groups.support import run, two_groups
from tests.reliability.support import snapshot

SECRET = "SECRET-matrice-des-droits"
# Who plays each role in two_groups(): group 1 has a confidential note; paul is group 2's referent.
PLAYERS = {"participant": "gilles", "membre": "bob", "facilitateur": "fanny", "admin": "camille",
           "referent": "paul"}
CLUB_ROLE = {"participant": Role.PARTICIPANT, "membre": Role.MEMBRE, "facilitateur": Role.FACILITATEUR,
             "admin": Role.ADMIN, "referent": Role.MEMBRE}
OUTSIDERS = {"participant", "membre", "referent"}  # not in group 1: must never read its confidential note
REFUSED = "Cette commande est réservée aux personnes ayant le rôle « {role} »"



def verbs() -> list[registry.Verb]:
    return sorted({id(v): v for v in registry.VERBS.values() if v.name != "retenir-test"}.values(),
                  key=lambda v: v.name)


@pytest.mark.slow
def test_every_verb_for_every_role(club: Service) -> None:
    console = two_groups(club)
    run(console, "bob", "/club groupe rejoindre 2")
    assert "Relevé enregistré" in run(console, "lea", f"/club decision 1 consensus: {SECRET} --confidentiel")
    assert SECRET in run(console, "fanny", "/club decisions 1")  # the note is there, for insiders
    checked = 0
    for verb in verbs():
        for role, user in PLAYERS.items():
            for args in ("", " 1", " 1 export --complet"):
                before = snapshot(club, skip=("processed_events",))
                answer = run(console, user, f"/club {verb.name}{args}")
                refused = REFUSED.format(role=verb.role.value) in answer
                assert refused == (not CLUB_ROLE[role].at_least(verb.role)), (verb.name, role, answer)
                if refused:
                    assert snapshot(club, skip=("processed_events",)) == before, (verb.name, role)
                if role in OUTSIDERS:
                    assert SECRET not in answer, (verb.name, role, args)
                assert "Désolé, un problème inattendu" not in answer, (verb.name, role, args, answer)
                checked += 1
    assert checked >= 20 * len(PLAYERS) * 3
