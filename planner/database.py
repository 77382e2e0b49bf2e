"""Declarative base with a constraint naming convention and a UTC datetime type."""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import weakref
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, cast

import psycopg
from psycopg.adapt import PyFormat, Transformer
from psycopg.pq import DiagnosticField, ExecStatus, Format
from sqlalchemy import DateTime, Engine, Enum, MetaData, Select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def insert_new(session: Any, model: Any, values: list[dict], keys: list[str]) -> int:
    """INSERT rows, leaving alone any whose unique `keys` already exist; returns how many
    were new. A concurrent writer of the same key waits for the other's commit (the
    database's lock), so a double submit makes one row and never an error."""
    if not values:
        return 0
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    result = session.execute(
        insert(model).values(values).on_conflict_do_nothing(index_elements=keys)
    )
    return int(result.rowcount or 0)


class BareSelect:
    """A SELECT compiled once per database kind and run straight on a DBAPI connection its
    thread keeps (on PostgreSQL, prepared on it once), each column converted by its own
    SQLAlchemy type, for the hottest path (a feed poll): there the pool and SQLAlchemy's
    Connection and Result layers cost more than the indexed query itself (measured with
    bench/feed.py). While anyone listens for the engine's statements (a test counting
    queries, a profiler), it runs through SQLAlchemy as any other query, so they see it."""

    WATCHED = ("before_execute", "after_execute", "before_cursor_execute", "after_cursor_execute")

    def __init__(self, statement: Select):
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, list]] = {}

    def first(self, engine: Engine, params: dict[str, Any]) -> tuple | None:
        if any(getattr(engine.dispatch, name) for name in self.WATCHED):
            with engine.connect() as conn:
                found = conn.execute(self.statement, params).first()
            return tuple(found) if found else None
        compiled = self._compiled.get(engine.dialect.name)
        if compiled is None:
            compiled = self._compiled[engine.dialect.name] = self._compile(engine)
        sql, order, processors = compiled
        args = params if order is None else tuple(params[k] for k in order)
        try:
            row = _held(engine).fetch_one(sql, args)
        except engine.dialect.loaded_dbapi.Error as exc:
            dropped = _forget(engine)
            # A connection the server dropped (a restart, an idle timeout) is found here
            # instead of by a ping before every query: the one retry takes a fresh one.
            if not engine.dialect.is_disconnect(exc, dropped, None):
                raise
            row = _held(engine).fetch_one(sql, args)
        if row is None:
            return None
        return tuple(
            value if p is None else p(value) for p, value in zip(processors, row, strict=True)
        )

    def _compile(self, engine: Engine) -> tuple[str, tuple[str, ...] | None, list]:
        dialect = engine.dialect
        # PostgreSQL's own placeholders ($1, $2, …): the held connection prepares it.
        shape = (
            cast(Any, type(dialect))(paramstyle="numeric_dollar") if _prepares(dialect) else dialect
        )
        compiled = self.statement.compile(dialect=shape)
        order = tuple(compiled.positiontup or ()) if compiled.positional else None
        processors = [
            c.type.dialect_impl(dialect).result_processor(dialect, None)
            for c in self.statement.selected_columns
        ]
        return str(compiled), order, processors


def _prepares(dialect: Any) -> bool:
    return dialect.name == "postgresql"


def _outdated(result: Any) -> bool:
    return result.error_field(DiagnosticField.SQLSTATE) == b"0A000"  # feature_not_supported


def _checked(result: Any, connection: Any) -> Any:
    """libpq's answer, else the error psycopg's cursor would have raised for it."""
    if result.status not in (ExecStatus.COMMAND_OK, ExecStatus.TUPLES_OK):
        raise psycopg.errors.error_from_result(result, encoding=connection.info.encoding)
    return result


class _HeldConnection:
    """A thread's own connection for BareSelect, taken from the engine (so its connect-time
    settings apply) and detached from the pool: no checkout, reset or pre-ping per query.
    On PostgreSQL it runs without a transaction, so each SELECT is one round trip and sees
    every commit; SQLite opens none for a SELECT. Closed when its thread ends."""

    def __init__(self, engine: Engine):
        self.pid = os.getpid()
        pooled = engine.raw_connection()
        pooled.detach()
        self.dbapi = cast(Any, pooled.dbapi_connection)  # psycopg's or sqlite3's
        self.prepares = _prepares(engine.dialect)
        if self.prepares:
            self.dbapi.autocommit = True
            self.statements: dict[str, bytes] = {}  # SQL -> its prepared statement's name
            self.named = itertools.count()
            self.values = Transformer(self.dbapi)
        else:
            # One cursor for the connection's life: sqlite3 makes one per query otherwise.
            self.cursor = self.dbapi.cursor()

    def fetch_one(self, sql: str, args: Any) -> tuple | None:
        if not self.prepares:
            self.cursor.execute(sql, args)
            return self.cursor.fetchone()
        # Straight through libpq, the statement prepared once per connection and its row
        # read in binary: psycopg's cursor layer (its lock, its non-blocking waits) cost
        # the web process about as much CPU again as the round trip itself (bench/feed.py).
        pgconn = self.dbapi.pgconn
        params = self.values.dump_sequence(args, [PyFormat.TEXT] * len(args))
        result = pgconn.exec_prepared(self._prepared(sql), params, None, Format.BINARY)
        if _outdated(result):
            # A migration changed a column's type under the running app ("cached plan
            # must not change result type"): prepare it again once, as a new process would.
            # Closed by the protocol's own message, which a pooler such as PgBouncer follows.
            pgconn.close_prepared(self.statements.pop(sql))
            result = pgconn.exec_prepared(self._prepared(sql), params, None, Format.BINARY)
        _checked(result, self.dbapi)
        if result.ntuples == 0:
            return None
        self.values.set_pgresult(result)
        row = self.values.load_row(0, tuple)
        self.values.set_pgresult(None)  # the result's memory, bytes and all, goes now
        return row

    def _prepared(self, sql: str) -> bytes:
        name = self.statements.get(sql)
        if name is None:
            name = f"planner_bare_{next(self.named)}".encode()
            # Its name in its text too: a pooler that shares statements by their text must
            # not hand back one prepared before a migration.
            text = f"{sql} /* {name.decode()} */".encode()
            # No parameter types: SQLAlchemy casts each one in the text ($1::VARCHAR), and
            # types taken from a first value would not fit every later one (int2 for 5).
            _checked(self.dbapi.pgconn.prepare(name, text, None), self.dbapi)
            self.statements[sql] = name
        return name

    def __del__(self) -> None:
        if self.pid == os.getpid():  # a forked child must not close its parent's socket
            # Nothing to roll back: it never opens a transaction. It may already be gone
            # with its server, or with the interpreter.
            with contextlib.suppress(Exception):
                self.dbapi.close()


_threads = threading.local()
_inherited: list[_HeldConnection] = []  # a parent's, kept unclosed after a fork


def _connections() -> weakref.WeakKeyDictionary[Engine, _HeldConnection]:
    held = getattr(_threads, "connections", None)
    if held is None:
        held = _threads.connections = weakref.WeakKeyDictionary()
    return held


def _held(engine: Engine) -> _HeldConnection:
    held = _connections()
    connection = held.get(engine)
    if connection is None or connection.pid != os.getpid():
        if connection is not None:
            _inherited.append(connection)
        connection = held[engine] = _HeldConnection(engine)
    return connection


def _forget(engine: Engine) -> Any:
    """Drop (and close) this thread's connection to `engine`; its DBAPI connection."""
    connection = _connections().pop(engine, None)
    return connection.dbapi if connection is not None else None


def claim(session: Any, row: Any) -> None:
    """Take a versioned row (a household, a week plan) for this transaction's write: the
    row stays locked until the commit, so two members saving at the same moment wait for
    each other here, and the second then reads what the first saved instead of overwriting
    or duplicating it. (An UPDATE, even one that sets a value to itself, locks the row on
    PostgreSQL and takes SQLite's write lock.)"""
    model = type(row)
    session.execute(
        update(model)
        .where(model.id == row.id)
        .values(version=model.version)  # changes nothing; the change tracking counts writes
        .execution_options(synchronize_session=False)
    )


def vocabulary(words: type[StrEnum], name: str, length: int) -> Enum:
    """A column holding one of a product vocabulary's values (planner.domain.vocabulary):
    stored as the value's text, checked by the database, read back as the enum member."""
    return Enum(
        words,
        name=name,
        length=length,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda enum: [member.value for member in enum],
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


def render_migration_item(type_, obj, autogen_context):
    """Write UTCDateTime into migrations as a plain timezone-aware DateTime."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
