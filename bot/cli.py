"""`club-bot` (or `python -m bot`): console, serve, slack, mattermost, db."""

from __future__ import annotations

import argparse
import logging
import sys

from bot.logs import configured_secrets, setup_logging
from bot.settings import SettingsError, load_settings
from handlers.calendar.programme import ProgrammeError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="club-bot", description="Le bot du Club des territoires.")
    sub = parser.add_subparsers(dest="command", required=True)
    console = sub.add_parser("console", help="discuter avec le bot dans le terminal (SQLite embarqué)")
    console.add_argument("--as", dest="user", default="vous", help="nom de la personne (défaut : vous)")
    console.add_argument("--demo", action="store_true", help="peupler un Club de démonstration s'il est vide")
    serve = sub.add_parser("serve", help="serveur HTTP : Slack, Mattermost, santé, métriques, calendrier")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    sub.add_parser("slack", help="Slack en Socket Mode (aucune URL publique nécessaire)")
    mattermost = sub.add_parser("mattermost", help="Mattermost : websocket (réactions) et points d'entrée HTTP")
    mattermost.add_argument("--host")
    mattermost.add_argument("--port", type=int)
    db = sub.add_parser("db", help="migrations de la base de données")
    db.add_argument("action", choices=["upgrade", "downgrade", "current", "check"])
    db.add_argument("revision", nargs="?", default=None)
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
        setup_logging(settings.log_level, settings.json_logs, quiet=args.command == "console",
                      secrets=configured_secrets(settings))
        return run(args, settings)
    except (SettingsError, ProgrammeError) as exc:
        print(f"club-bot : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def run(args: argparse.Namespace, settings) -> int:
    if args.command == "db":
        from storage import migrate

        if args.action == "upgrade":
            migrate.upgrade(settings.database_url, args.revision or "heads")
        elif args.action == "downgrade":
            migrate.downgrade(settings.database_url, args.revision or "-1")
        elif args.action == "check":
            try:
                differences = migrate.check(settings.database_url)
            except migrate.NotUpToDate:
                print("club-bot : la base n'est pas à jour des migrations ; lancez `club-bot db upgrade`.",
                      file=sys.stderr)
                return 1
            if differences:
                print(f"club-bot : la base et les modèles diffèrent — {differences}", file=sys.stderr)
                return 1
            print("club-bot : la base est à jour des modèles.")
        else:
            migrate.current(settings.database_url)
        return 0

    if args.command == "console":
        from bot.platforms import console
        from bot.runtime import build_service

        clock = console.SimulatedClock()
        service = build_service(settings, clock=clock)
        session = console.Console(service, user=args.user, out=sys.stdout, clock=clock)
        if args.demo:
            from bot.demo import seed_demo

            seed_demo(service)
        console.run(session)
        return 0

    if args.command == "serve":
        from bot.web import serve

        serve(settings, host=args.host, port=args.port)
        return 0

    if args.command == "slack":
        from bot.platforms.slack.socket import run_socket_mode

        run_socket_mode(settings)
        return 0

    if args.command == "mattermost":
        from bot.platforms.mattermost.run import check_settings
        from bot.web import serve

        check_settings(settings)
        serve(settings, host=args.host, port=args.port, platforms=("mattermost",))
        return 0
    logging.getLogger(__name__).error("unknown command %s", args.command)
    return 2
