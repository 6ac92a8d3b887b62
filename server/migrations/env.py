"""Alembic environment: runs on the app's own engine, so SQLite gets its pragmas (WAL)
and PostgreSQL its psycopg 3 driver, exactly as the app uses them."""

from __future__ import annotations

from alembic import context

import server.models  # noqa: F401  (registers every table on the metadata)
from server.core.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run them online")
run_migrations_online()
