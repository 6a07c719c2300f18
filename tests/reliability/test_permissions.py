"""Every verb × every role: refused below the verb's role with nothing written, never a confidential note
shown outside its group, whatever the verb and its argument."""

from __future__ import annotations

import pytest

from handlers import Service
from handlers.registry import Registry
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
REFUSED_ANY = REFUSED.split("«")[0]



def commands(registry: Registry) -> list[tuple[str, Role]]:
    """Every verb and every subcommand (`rex inscrire`), with the least role that may run it."""
    needed = []
    for entry in registry.all_verbs():
        if entry.name == "retenir-test":
            continue
        role = entry.role
        if entry.parent is not None:
            role = max(role, registry.verbs[entry.parent].role, key=lambda r: r.rank)
        needed.append((entry.full_name, role))
    return needed


@pytest.mark.slow
@pytest.mark.timeout(900)  # every verb and subcommand, 5 roles, 3 arguments: over a thousand commands
def test_every_verb_for_every_role(club: Service) -> None:
    console = two_groups(club)
    run(console, "bob", "/club groupe rejoindre 2")
    assert "Relevé enregistré" in run(console, "lea", f"/club decision 1 consensus: {SECRET} --confidentiel")
    assert SECRET in run(console, "fanny", "/club decisions 1")  # the note is there, for insiders
    checked = 0
    for name, needed in commands(club.registry):
        for role, user in PLAYERS.items():
            expected = not CLUB_ROLE[role].at_least(needed)
            for args in ("", " 1", " 1 export --complet"):
                before = snapshot(club, skip=("processed_events",)) if expected else None
                answer = run(console, user, f"/club {name}{args}")
                # Any role refusal, so that a check hidden in a function body, not declared, fails here.
                refused = REFUSED_ANY in answer
                assert refused == expected, (name, role, answer)
                if refused:
                    assert REFUSED.format(role=needed.value) in answer, (name, role, answer)
                    assert snapshot(club, skip=("processed_events",)) == before, (name, role)
                if role in OUTSIDERS:
                    assert SECRET not in answer, (name, role, args)
                assert "Désolé, un problème inattendu" not in answer, (name, role, args, answer)
                checked += 1
    assert checked >= 70 * len(PLAYERS) * 3  # 35 verbs and 40-odd subcommands today
