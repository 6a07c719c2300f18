"""Alembic environment: the URL comes from the app's settings (through storage.migrate).

The target is `storage.schema.metadata`, every capability's tables, so that autogenerate and
`alembic check` compare the whole schema rather than the foundation's tables alone.
"""

from alembic import context
from sqlalchemy.pool import NullPool

from storage.db import make_engine
from storage.schema import metadata

config = context.config
target_metadata = metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        from bot.settings import load_settings

        url = load_settings().database_url
    # NullPool given to create_engine (not swapped in afterwards) keeps the pool's first-connect hook,
    # which initialises the dialect: SQLite's reflection, used by batch_alter_table, needs its version.
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            # render_as_batch lets ALTER TABLE work on SQLite in later migrations.
            context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
