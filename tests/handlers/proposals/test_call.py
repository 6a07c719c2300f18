"""The call for contributions: its window follows the programme and the clock, facilitators open, extend
and close it with `appel ouvrir` and `appel fermer`, and everyone reads its state with `appel`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.platforms.console import Console, SimulatedClock
from handlers import ClubSettings, Service
from handlers.calendar.programme import Programme
from storage.proposals import Proposal, ProposalCall
from tests.conftest import FakeClock
from tests.handlers.proposals.support import count, setup_club


def test_call_window_follows_the_clock(service: Service, clock: FakeClock) -> None:
    console = setup_club(service)
    console.run_line(":as lea")
    refused = console.run_line("/club propose Un thème")
    assert "L'appel à contribution n'est pas ouvert. Il est prévu du vendredi 1 janvier 2027 au dimanche 31 " \
           "janvier 2027" in refused
    console.run_line(":as sophie")
    assert "ouvert jusqu'au mercredi 20 janvier 2027 à 23:59" in console.run_line(
        "/club appel ouvrir jusqu'au 20 janvier")
    console.run_line(":as lea")
    assert "Proposition #1" in console.run_line("/club propose Un thème")
    clock.now = datetime(2027, 1, 20, 22, 58, tzinfo=UTC)  # 23:58 in Paris
    assert "Proposition #2" in console.run_line("/club propose Un autre sujet")
    clock.now += timedelta(minutes=2)
    late = console.run_line("/club propose Trop tard")
    assert "L'appel à contribution 2027 est clos depuis le mercredi 20 janvier 2027 à 23:59. Le prochain est " \
           "prévu du samedi 1 janvier 2028 au lundi 31 janvier 2028." in late
    assert "ne peut plus être modifiée" in console.run_line("/club modifier 1 Nouveau titre")
    assert count(service, Proposal) == 2
    # a facilitator can extend the call; the Club is told
    console.run_line(":as sophie")
    extended = console.run_line("/club appel ouvrir jusqu'au 25 janvier 2029")
    assert "25 janvier 2029 à 23:59. Un appel à contribution dure au plus un an" in extended  # nothing is opened
    extended = console.run_line("/club appel ouvrir jusqu'au 25 janvier à 18h")
    assert "Date de clôture de l'appel 2027" not in extended  # the deadline had passed: reopened
    assert "ouvert jusqu'au lundi 25 janvier 2027 à 18:00" in extended
    extended = console.run_line("/club appel ouvrir jusqu'au 27 janvier")
    assert "Date de clôture de l'appel 2027 changée : mercredi 27 janvier 2027 à 23:59" in extended
    assert "#club | 📣 Appel à contribution 2027 : la date de clôture est maintenant le mercredi 27 janvier" \
        in extended
    assert "déjà ouvert" in console.run_line("/club appel ouvrir")
    closed = console.run_line("/club appel fermer")
    assert "#club | 🔒 L'appel à contribution 2027 est clos : 2 proposition(s)" in closed
    assert "Aucun appel à contribution n'est ouvert" in console.run_line("/club appel fermer")
    console.run_line(":as lea")
    assert "Le prochain est prévu du samedi 1 janvier 2028" in console.run_line("/club appel")


def programme_data() -> dict:
    """The charter's programme as written in its file, to vary one table of it."""
    import tomllib

    from handlers.calendar.programme import DEFAULT_PROGRAMME

    return tomllib.loads(DEFAULT_PROGRAMME.read_text(encoding="utf-8"))


def test_the_programme_can_move_the_call(database_url: str) -> None:
    from storage import Database

    programme = Programme.model_validate({**programme_data(), "call": {"opens": "12-15", "closes": "01-15"}})
    clock = SimulatedClock()
    service = Service(Database(database_url), ClubSettings(programme=programme,
                                                           admins=frozenset({"console:camille"})), clock=clock)
    try:
        console = Console(service, user="camille")
        console.run_line(":now 2026-11-02T10:00+01:00")
        assert "prévu du mardi 15 décembre 2026 au vendredi 15 janvier 2027" in console.run_line(
            "/club propose Un thème")
        assert "Appel à contribution 2027 ouvert jusqu'au vendredi 15 janvier 2027 à 23:59" in console.run_line(
            "/club appel ouvrir")
    finally:
        service.db.dispose()


def test_an_unreadable_programme_setting_falls_back_to_january(database_url: str, clock: FakeClock) -> None:
    from storage import Database

    programme = Programme.model_validate({**programme_data(), "call": {"opens": "demain"}})
    service = Service(Database(database_url), ClubSettings(programme=programme), clock=clock)
    try:
        assert "du vendredi 1 janvier 2027 au dimanche 31 janvier 2027" in Console(service).run_line("/club appel")
    finally:
        service.db.dispose()


def test_the_call_is_run_with_subcommands_that_help_lists(service: Service) -> None:
    console = setup_club(service)
    helped = console.run_line("/club aide appel")
    assert "/club appel ouvrir (open, ouvre, prolonger) : Ouvrir l'appel à contribution" in helped
    assert "/club appel fermer (close, clore, cloturer) : Clore l'appel à contribution" in helped
    assert helped.count("Réservé au rôle « facilitateur » et au-delà.") == 2  # each subcommand, not `appel`
    assert "`/club appel ouvrir jusqu'au 31 janvier`" in console.run_line("/club aide appel ouvrir")
    # the English aliases, and the French synonyms people already type
    assert "Appel à contribution 2027 ouvert jusqu'au dimanche 31" in console.run_line("/club call open")
    assert "déjà ouvert" in console.run_line("/club appel prolonger")
    assert "Appel à contribution 2027 clos (0 proposition(s))" in console.run_line("/club call clôturer")
    console.run_line(":as lea")
    assert "L'appel à contribution n'est pas ouvert" in console.run_line("/club call")
    refused = console.run_line("/club call open jusqu'au 20 janvier")
    assert "réservée aux personnes ayant le rôle « facilitateur »" in refused
    assert count(service, ProposalCall) == 1 and "#club |" not in refused
