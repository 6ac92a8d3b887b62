"""SQLite's PRAGMA optimize runs after a connection wrote, not after every request."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event

from server.core.db import configure_sqlite


def test_a_reading_connection_does_not_analyse_again(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'optimize.db'}", pool_size=1)
    configure_sqlite(engine)
    ran = []

    @event.listens_for(engine, "connect")
    def _trace(dbapi_connection, _record):
        dbapi_connection.set_trace_callback(
            lambda sql: ran.append(sql) if sql.startswith("PRAGMA optimize") else None
        )

    def request(sql: str) -> int:
        ran.clear()
        with engine.begin() as conn:
            conn.exec_driver_sql(sql)
        return len(ran)

    assert request("CREATE TABLE t (x INTEGER)") == 1  # its first time back in the pool
    assert request("SELECT count(*) FROM t") == 0  # a read changes no statistics
    assert request("SELECT count(*) FROM t") == 0
    assert request("INSERT INTO t VALUES (1)") == 1
    assert request("SELECT count(*) FROM t") == 0
    engine.dispose()
