"""The Alembic environment itself, on SQLite and PostgreSQL: autogenerate sees the whole schema (so
`alembic check` is clean and never proposes to drop a capability's tables), and batch migrations —
the only way to ALTER a table on SQLite — run up and down."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from storage import Database
from storage.migrate import MIGRATIONS, alembic_config

REPO = Path(__file__).resolve().parents[2]

# A later capability's migration as club-bot would write one: a new branch on the foundation,
# altering an existing table through batch mode.
BATCH_REVISION = '''
import sqlalchemy as sa
from alembic import op

revision = "probe_0001"
down_revision = "0001"
branch_labels = ("probe",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clubs") as batch:
        batch.add_column(sa.Column("probe_note", sa.String(40)))


def downgrade() -> None:
    with op.batch_alter_table("clubs") as batch:
        batch.drop_column("probe_note")
'''


def _fresh_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a new interpreter: this test process has imported handlers, and with them every
    model, which would hide a metadata that env.py alone leaves incomplete."""
    return subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=60)


def _columns(url: str) -> dict[str, set[str]]:
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            inspector = inspect(conn)
            return {table: {column["name"] for column in inspector.get_columns(table)}
                    for table in inspector.get_table_names()}
    finally:
        db.dispose()


def _db_check(url: str) -> subprocess.CompletedProcess[str]:
    """`club-bot db check`, in a new process: what `alembic check` does, through env.py (autogenerate,
    failing on any difference: a capability's tables missing from the metadata would be ones to drop)."""
    return subprocess.run([sys.executable, "-m", "bot", "db", "check"], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "DATABASE_URL": url})


def test_alembic_check_finds_no_difference_between_the_models_and_the_migrated_database(
        database_url: str) -> None:
    result = _db_check(database_url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "la base est à jour des modèles" in result.stdout


def test_a_database_that_differs_from_the_models_is_reported(database_url: str) -> None:
    db = Database(database_url)
    try:
        with db.engine.begin() as conn:
            conn.execute(text("DROP INDEX ix_vote_tally"))  # the vote tally's covering index
    finally:
        db.dispose()
    result = _db_check(database_url)
    assert result.returncode == 1
    assert "la base et les modèles diffèrent" in result.stderr and "ix_vote_tally" in result.stderr


def test_a_database_behind_its_migrations_is_told_to_upgrade(database_url: str) -> None:
    command.downgrade(alembic_config(database_url), "polls@-1")
    result = _db_check(database_url)
    assert result.returncode == 1
    assert "lancez `club-bot db upgrade`" in result.stderr


def test_the_schema_module_holds_the_tables_of_every_storage_module() -> None:
    """A storage module left out of storage.schema would be invisible to autogenerate."""
    result = _fresh_python(
        "import importlib, pkgutil, storage\n"
        "from storage.schema import metadata\n"
        "before = set(metadata.tables)\n"
        "for module in pkgutil.iter_modules(storage.__path__):\n"
        "    importlib.import_module(f'storage.{module.name}')\n"
        "print(sorted(set(metadata.tables) - before))\n")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "[]"


def test_a_batch_migration_runs_up_and_down(database_url: str, tmp_path: Path) -> None:
    """On SQLite batch mode reflects the table to copy it, which needs a dialect initialised on connect;
    the revision is run through a copy of club-bot's migrations folder, env.py included."""
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "probe_0001.py").write_text(BATCH_REVISION)
    config = alembic_config(database_url)
    config.set_main_option("script_location", str(scripts))
    before = _columns(database_url)

    command.upgrade(config, "heads")
    after = _columns(database_url)
    assert after["clubs"] == before["clubs"] | {"probe_note"}
    assert after.keys() == before.keys()

    command.downgrade(config, "probe@-1")  # that branch only: every other capability stays at its head
    assert _columns(database_url) == before
