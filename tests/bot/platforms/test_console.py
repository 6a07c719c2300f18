"""The console as people use it: a conversation, meta-commands, and piped standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.platforms.console import Console, SimulatedClock
from handlers import Service


def test_help_timezone_and_profile_conversation(service: Service) -> None:
    console = Console(service, user="lea")

    help_text = console.run_line("/club aide")
    assert "Commandes" in help_text and "`fuseau`" in help_text and "`moi`" in help_text

    assert "America/Martinique" in console.run_line("/club fuseau Martinique")
    profile = console.run_line("/club moi")
    assert "Martinique (America/Martinique)" in profile
    assert profile.startswith("[m3] (pour lea) Votre profil — lea")


def test_every_message_has_a_reference_and_users_switch(service: Service) -> None:
    console = Console(service, user="lea")
    console.run_line("/club institution DEETS Martinique")
    assert console.run_line(":as bob") == "(vous êtes maintenant bob)"
    answer = console.run_line("/club institution deets martinique")
    assert answer.startswith("[m2] (pour bob)")
    assert "Votre binôme : lea" in answer


def test_meta_commands_explain_mistakes(service: Service) -> None:
    console = Console(service, clock=SimulatedClock())
    assert "Méta-commande inconnue" in console.run_line(":dance")
    assert "Pas de bouton" in console.run_line(":click m1 Valider")
    assert "Message inconnu" in console.run_line(":react m9 +1")
    assert "Date non comprise" in console.run_line(":now quand les poules auront des dents")
    assert "2027-03-02T09:00:00+00:00" in console.run_line(":now 2027-03-02T09:00")
    assert "Les commandes commencent par /club" in console.run_line("bonjour")


def test_simulated_clock_drives_local_times(service: Service) -> None:
    clock = SimulatedClock()
    console = Console(Service(service.db, service.settings, clock=clock), user="kevin")
    console.run_line(":now 2027-01-14T10:00+00:00")
    console.run_line("/club fuseau La Réunion")
    profile = console.run_line("/club moi")
    assert "il est 14:00 chez vous, 11:00 à Paris" in profile


def test_piped_console_prints_help_zone_and_profile(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'club.sqlite3'}"}
    script = "/club aide\n/club fuseau La Réunion\n/club moi\n"
    result = subprocess.run([sys.executable, "-m", "bot", "console"], input=script, capture_output=True,
                            text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "le bot du Club des territoires" in result.stdout
    assert "Fuseau horaire enregistré : La Réunion (Indian/Reunion)" in result.stdout
    assert "Votre profil" in result.stdout and "Indian/Reunion" in result.stdout.split("Votre profil")[1]
    assert result.stderr == ""
