"""The registry is built from the capabilities it is given: a Club with one capability answers that one
only; events reach their listeners in order, and their replies come back to the one who emits."""

from __future__ import annotations

from dataclasses import dataclass

from handlers import Command, Reply, Service
from handlers.i18n import N_
from handlers.registry import Registry, Verb
from handlers.service import default_registry
from storage import Database
from storage.models import Role


@dataclass(frozen=True)
class Happened:
    n: int


def answers_of(service: Service):
    """What lea reads in answer to a command."""
    def run(text: str) -> str:
        return service.handle_command(Command(platform="console", user_id="lea", user_name="lea", channel_id="club",
                                              text=text, received_at=service.clock()))[0].text

    return run


def test_emit_gathers_replies_of_every_listener_in_order() -> None:
    registry = Registry()
    registry.listen(Happened, lambda ctx, event: [Reply(f"a{event.n}")])
    registry.listen(Happened, lambda ctx, event: None)
    registry.listen(Happened, lambda ctx, event: [Reply(f"b{event.n}")])
    assert [r.text for r in registry.emit(None, Happened(1))] == ["a1", "b1"]
    assert registry.emit(None, object()) == []


def test_a_club_built_with_one_capability_knows_only_its_verbs(database_url: str, club_settings) -> None:
    registry = Registry.build(["handlers.help", "handlers.members"])
    assert {v.name for v in registry.order} == {"aide", "moi", "fuseau", "institution", "langue", "role"}
    db = Database(database_url)
    try:
        service = Service(db, club_settings, registry=registry)

        run = answers_of(service)

        assert "Fuseau horaire enregistré : La Réunion" in run("fuseau La Réunion")
        assert "Commande inconnue : « sondage »" in run('sondage "Q ?" "A" "B"')
        assert "sondage" not in run("aide")
    finally:
        db.dispose()


def test_every_registry_is_its_own() -> None:
    """Building twice gives two registries: what a test adds to one never shows in another."""
    first, second = default_registry(), default_registry()
    first.reactions["test-only"] = lambda ctx, event, object_id: []
    assert "test-only" not in second.reactions
    assert first.verbs["rex"] is not second.verbs["rex"]
    assert [v.name for v in first.order] == [v.name for v in second.order]


def test_subcommands_are_verbs_of_their_own(database_url: str, club_settings) -> None:
    """`/club essai ajouter …` runs the subcommand with the words after its name, checks its own role,
    answers to its English alias, is found after the object's number, and shows in help."""
    registry = Registry.build(["handlers.help", "handlers.members"])
    registry.add_verb(Verb("essai", (), lambda ctx, args: [Reply(f"liste {args}")], "", "", (), Role.PARTICIPANT,
                           "test"))
    registry.add_subverb(Verb("ajouter", ("add",), lambda ctx, args: [Reply(f"ajout {args}")], N_("Ajouter."),
                              N_("`/club essai ajouter <texte>`"), (), Role.PARTICIPANT, "", parent="essai"))
    registry.add_subverb(Verb("purger", (), lambda ctx, args: [Reply("purgé")], N_("Purger."), "", (),
                              Role.ADMIN, "", parent="essai"))
    db = Database(database_url)
    try:
        service = Service(db, club_settings, registry=registry)

        run = answers_of(service)

        assert run("essai Ajouter du café") == "ajout du café"
        assert run("essai add du thé") == "ajout du thé"
        assert run("essai 3 ajouter un point") == "ajout 3 un point"
        assert run("essai 3") == "liste 3"
        assert "réservée aux personnes ayant le rôle « admin »" in run("essai purger")
        shown = run("aide essai")
        assert "**/club essai ajouter** (add)" in shown and "**/club essai purger**" in shown
        assert "Réservé au rôle « admin »" in shown
    finally:
        db.dispose()
