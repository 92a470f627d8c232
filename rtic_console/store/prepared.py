"""Server-side prepared statements for PostgreSQL's hot read queries.

Planning a plate search over a year or two of weekly `detections` partitions costs more
than running it (4–8 ms against 1–2 ms at 10M reads), and the plan cannot prune: the plate
says nothing of the week. psycopg2 never prepares on its own. A statement executed with
the PREPARED option is PREPAREd once per DBAPI connection, named by a hash of its SQL (so
a name never stands for two texts), and EXECUTEd with a generic plan from then on: not
after PostgreSQL's five custom plans of each shape (an OCR search has one per number of
variants), and only for the statement (SET LOCAL inside a savepoint rolled back after).

A statement that is gone or stale on the server (DISCARD ALL, a pooler handing another
server connection, a migration changing a selected column's type) does not fail the
query: on one of those errors it is rolled back to the savepoint and run as plain SQL,
and the name is prepared afresh on the next use.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from types import MappingProxyType
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Execution option that asks for the prepared path (ignored on SQLite).
PREPARED = MappingProxyType({"rtic_prepared": True})
# Names prepared on a DBAPI connection, in the connection's `info` (which lives exactly as
# long as the server session does: a reconnect starts with none).
INFO_KEY = "rtic_prepared"
# Each holds a plan over every partition (1.1 MB of the server's memory over ~110 weeks);
# the least recently used beyond this are dropped.
MAX_PER_CONNECTION = 16
_SAVEPOINT = "rtic_prepared"
_PLACEHOLDER = re.compile(r"%%|%\(([^)]+)\)s")
# What a statement gone or stale on the server raises: invalid_sql_statement_name, and, for
# a name that exists there, duplicate_prepared_statement and feature_not_supported ("cached
# plan must not change result type": by code, since the server may word it in its own
# language); and what PREPARE raises for a parameter whose type it cannot infer from its
# place (indeterminate_datatype, datatype_mismatch). On any of them the plain statement is
# run instead, which raises the real error if there is one.
_NAME_EXISTS = {"42P05", "0A000"}
_FALL_BACK = {"26000", "42P18", "42804"} | _NAME_EXISTS


def _positional(statement: str) -> tuple[str, list[str]]:
    """The pyformat SQL with $1, $2… for PREPARE (a literal %, written %%, kept so), and the
    parameter names in that order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "%%"
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _PLACEHOLDER.sub(number, statement), names


def _stale(exc: Exception) -> bool:
    return getattr(exc, "pgcode", None) in _FALL_BACK


def _run_prepared(cursor: Any, statement: str, parameters: dict[str, Any],
                  prepared: OrderedDict[str, None]) -> None:
    digest = hashlib.blake2b(statement.encode(), digest_size=8).hexdigest()
    name = f"rtic_{digest}"
    sql, names = _positional(statement)
    call = f"EXECUTE {name}" + (f" ({', '.join(f'%({n})s' for n in names)})" if names else "")
    setup = [f"SAVEPOINT {_SAVEPOINT}", "SET LOCAL plan_cache_mode = force_generic_plan"]
    fresh = name not in prepared
    if fresh:
        if len(prepared) >= MAX_PER_CONNECTION:
            setup.append(f"DEALLOCATE {prepared.popitem(last=False)[0]}")
        setup.append(f"PREPARE {name} AS {sql}")
    try:
        cursor.execute("; ".join((*setup, call)), parameters)
    except Exception as exc:
        if not _stale(exc):
            raise
        prepared.pop(name, None)
        with cursor.connection.cursor() as side:
            side.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}; RELEASE SAVEPOINT {_SAVEPOINT}")
            if exc.pgcode in _NAME_EXISTS:  # type: ignore[attr-defined]
                side.execute(f"DEALLOCATE {name}")  # stale, or prepared behind our back
        cursor.execute(statement, parameters)
        return
    prepared[name] = None
    prepared.move_to_end(name)
    # The rows are already on the client. Rolling back to the savepoint (on another cursor)
    # undoes the SET LOCAL and nothing else: a SELECT wrote nothing, a PREPARE stays.
    with cursor.connection.cursor() as side:
        side.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}; RELEASE SAVEPOINT {_SAVEPOINT}")


def use_prepared_statements(engine: Engine) -> None:
    """Run statements executed with PREPARED as prepared statements on this PostgreSQL
    engine."""

    @event.listens_for(engine, "do_execute")
    def _do_execute(cursor, statement, parameters, context) -> bool | None:  # type: ignore[no-untyped-def]
        if not context.execution_options.get("rtic_prepared") or not isinstance(
                parameters, dict):
            return None
        info = context.root_connection.connection.info
        _run_prepared(cursor, statement, parameters, info.setdefault(INFO_KEY, OrderedDict()))
        return True
