"""The centre's database: every site's finished tickets and the last status of each device.
Every line of SQL of the centre is in this module; it runs on SQLite (the embedded default)
and on PostgreSQL (psycopg 3) alike.

Writes are idempotent: a record is keyed by (site, id) and a later ``rev`` replaces an
earlier one, never the reverse; a device's row is replaced only by a status seen at the same
time or later. A message delivered twice (QoS 1, or again after the collector was killed
before it acknowledged) therefore changes nothing the second time.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lobby.contract import DeviceStatus, FinishedTicket, format_ts
from lobby.errors import CallboardError

_LOG = logging.getLogger(__name__)

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS records (
    site TEXT NOT NULL, id TEXT NOT NULL, rev INTEGER NOT NULL, ticket TEXT NOT NULL,
    day TEXT NOT NULL, hour INTEGER NOT NULL, service TEXT NOT NULL, first_service TEXT NOT NULL,
    outcome TEXT NOT NULL, counter TEXT NOT NULL, issued_at TEXT NOT NULL,
    called_at TEXT NOT NULL, served_at TEXT, done_at TEXT NOT NULL, waited_s INTEGER NOT NULL,
    served_s INTEGER, transfers INTEGER NOT NULL, lang TEXT, score INTEGER, scale INTEGER,
    received_at TEXT NOT NULL, PRIMARY KEY (site, id))""",
    "CREATE INDEX IF NOT EXISTS records_day ON records (day, site)",
    """CREATE TABLE IF NOT EXISTS devices (
    site TEXT NOT NULL, device TEXT NOT NULL, role TEXT, state TEXT NOT NULL,
    version TEXT NOT NULL, faults TEXT NOT NULL, instance TEXT, ts TEXT NOT NULL,
    last_seen TEXT NOT NULL, PRIMARY KEY (site, device))""",
)
RECORD_COLUMNS = (
    "site, id, rev, ticket, day, hour, service, first_service, outcome, counter, issued_at,"
    " called_at, served_at, done_at, waited_s, served_s, transfers, lang, score, scale,"
    " received_at"
)
UPSERT_RECORD = (
    f"INSERT INTO records ({RECORD_COLUMNS}) VALUES ({', '.join(['?'] * 21)}) "
    "ON CONFLICT (site, id) DO UPDATE SET "
    + ", ".join(
        f"{name} = excluded.{name}"
        for name in RECORD_COLUMNS.replace(" ", "").split(",")
        if name not in ("site", "id")
    )
    + " WHERE excluded.rev > records.rev"
)
DEVICE_COLUMNS = "site, device, role, state, version, faults, instance, ts, last_seen"
UPSERT_DEVICE = (
    f"INSERT INTO devices ({DEVICE_COLUMNS}) VALUES ({', '.join(['?'] * 9)}) "
    "ON CONFLICT (site, device) DO UPDATE SET "
    + ", ".join(
        f"{name} = excluded.{name}"
        for name in DEVICE_COLUMNS.replace(" ", "").split(",")
        if name not in ("site", "device")
    )
    + " WHERE excluded.last_seen >= devices.last_seen"
)


class DatabaseAway(CallboardError, ConnectionError):
    """The database cannot be reached or written just now (down, restarting, disk full)."""


@dataclass(frozen=True)
class RecordRow:
    site: str
    record: FinishedTicket
    received_at: datetime


@dataclass(frozen=True)
class StatusRow:
    site: str
    status: DeviceStatus
    last_seen: datetime
    """When the collector heard it (a retained status heard at subscribe time: its own ts)."""


@dataclass(frozen=True)
class Device:
    """A device's last status, as the centre knows it."""

    site: str
    device: str
    role: str
    state: str
    version: str
    faults: tuple[str, ...]
    last_seen: datetime


FIGURE_GROUPS = {"site": "site", "service": "first_service", "hour": "hour"}
"""What the network's figures can be grouped by, and the column of each: a ticket counts for
the service it was taken for (as the engine's own figures), in the lobby's hour it was taken."""


@dataclass(frozen=True)
class Tally:
    """The sums of one group's records (a site, a service or an hour), and how many waited
    each number of seconds: the exact p90 from those counts, without a row per ticket."""

    group: str
    waits: dict[int, int]
    """A wait in seconds -> how many tickets waited that long."""
    tickets: int
    served: int
    no_shows: int
    transferred: int
    wait_s: int
    """The sum of the waits."""
    service_s: int
    """The sum of ``served_s`` of the served tickets."""
    timed: int
    """How many served tickets have a ``served_s``."""
    rated: int
    satisfied: int
    """How many ratings are at the top of their scale."""


@dataclass(frozen=True)
class Visit:
    """A finished ticket as the figures read it."""

    site: str
    day: str
    hour: int
    service: str
    outcome: str
    waited_s: int
    score: int | None
    scale: int | None


def default_database() -> str:
    """SQLite in systemd's ``StateDirectory=`` under a unit, else the user's XDG state
    folder (``~/.local/state/callboard/central.sqlite3``), as the engine's queue file."""
    state = os.environ.get("STATE_DIRECTORY")
    if state:
        return f"sqlite://{Path(state.split(':')[0]) / 'central.sqlite3'}"
    xdg = os.environ.get("XDG_STATE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "state"
    return f"sqlite://{base / 'callboard' / 'central.sqlite3'}"


def _utc(moment: datetime) -> str:
    return format_ts(moment.astimezone(UTC))


def _record_values(row: RecordRow) -> tuple[Any, ...]:
    r = row.record
    return (
        row.site,
        r.id,
        r.rev,
        r.ticket,
        r.day.isoformat(),
        r.issued_at.hour,  # the lobby's own hour: its ts carries its offset
        r.service,
        r.first_service,
        r.outcome,
        r.counter,
        format_ts(r.issued_at),
        format_ts(r.called_at),
        format_ts(r.served_at) if r.served_at else None,
        format_ts(r.done_at),
        r.waited_s,
        r.served_s,
        r.transfers,
        r.lang,
        r.score,
        r.scale,
        _utc(row.received_at),
    )


def _device_values(row: StatusRow) -> tuple[Any, ...]:
    s = row.status
    return (
        row.site,
        s.device,
        s.role,
        s.state,
        s.version,
        json.dumps(list(s.faults), ensure_ascii=False),
        s.instance,
        format_ts(s.ts),
        _utc(row.last_seen),
    )


class CentralStore:
    """One connection to the centre's database, opened again after it was lost."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith(("postgresql://", "postgres://"))
        self._connection: Any = None

    @property
    def where(self) -> str:
        """The database for a log line, without a password."""
        if not self.postgres:
            return self.url
        head, _, rest = self.url.partition("://")
        user, at, host = rest.rpartition("@")
        return f"{head}://{user.split(':')[0]}{at}{host}"

    def _errors(self) -> tuple[type[BaseException], ...]:
        if self.postgres:
            import psycopg

            return (psycopg.OperationalError, psycopg.InterfaceError)
        return (sqlite3.OperationalError,)

    def _sql(self, text: str) -> str:
        return text.replace("?", "%s") if self.postgres else text

    def _open(self) -> Any:
        if self.postgres:
            import psycopg

            return psycopg.connect(self.url, connect_timeout=5)
        path = Path(self.url.removeprefix("sqlite://"))
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(str(path), isolation_level=None, timeout=5)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        return connection

    @contextmanager
    def _transaction(self, read: bool = False) -> Iterator[Any]:
        """A cursor inside one transaction, committed on leaving; a lost database (now, or
        found lost at commit) is ``DatabaseAway`` and the connection is opened afresh.
        ``read``: SQLite takes no write lock, so a long report never holds up the collector."""
        try:
            if self._connection is None:
                self._connection = self._open()
                self._create()
            cursor = self._connection.cursor()
            if not self.postgres:
                cursor.execute("BEGIN" if read else "BEGIN IMMEDIATE")
            try:
                yield cursor
                self._connection.commit() if self.postgres else cursor.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        except self._errors() as exc:
            self.close()
            raise DatabaseAway(f"{self.where}: {str(exc).strip().splitlines()[0]}") from None

    def _rollback(self) -> None:
        try:
            if self.postgres:
                self._connection.rollback()
            elif self._connection.in_transaction:
                self._connection.execute("ROLLBACK")
        except self._errors():
            pass  # the connection is gone: nothing was committed

    def _create(self) -> None:
        cursor = self._connection.cursor()
        for statement in SCHEMA:
            cursor.execute(statement)
        if self.postgres:
            self._connection.commit()

    def write(self, records: Sequence[RecordRow], statuses: Sequence[StatusRow]) -> None:
        """Every row in one transaction: all stored, or none (``DatabaseAway``)."""
        with self._transaction() as cursor:
            if records:
                cursor.executemany(self._sql(UPSERT_RECORD), [_record_values(r) for r in records])
            if statuses:
                cursor.executemany(self._sql(UPSERT_DEVICE), [_device_values(s) for s in statuses])

    def devices(self) -> list[Device]:
        with self._transaction(read=True) as cursor:
            cursor.execute(
                "SELECT site, device, role, state, version, faults, last_seen FROM devices "
                "ORDER BY site, device"
            )
            rows = cursor.fetchall()
        return [
            Device(r[0], r[1], r[2] or "", r[3], r[4], tuple(json.loads(r[5])), _dt(r[6]))
            for r in rows
        ]

    def visits(self, first: str, last: str) -> list[Visit]:
        """The finished tickets of the days ``first`` to ``last`` (ISO dates), every site."""
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(
                    "SELECT site, day, hour, service, outcome, waited_s, score, scale "
                    "FROM records WHERE day BETWEEN ? AND ? ORDER BY site, day"
                ),
                (first, last),
            )
            rows = cursor.fetchall()
        return [Visit(*row) for row in rows]

    def tallies(self, first: str, last: str, by: str, site: str | None = None) -> list[Tally]:
        """The records of the days ``first`` to ``last`` (ISO dates, the lobbies' own days),
        of every site or of ``site``, summed per ``by`` (a key of ``FIGURE_GROUPS``): two
        queries that SQLite and PostgreSQL both run, on one snapshot of the table."""
        column = FIGURE_GROUPS[by]
        served = "outcome = 'served'"
        where = "day BETWEEN ? AND ?" + (" AND site = ?" if site is not None else "")
        sums = (
            f"SELECT {column}, count(*), "
            f"sum(CASE WHEN {served} THEN 1 ELSE 0 END), "
            "sum(CASE WHEN outcome = 'no_show' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN transfers > 0 THEN 1 ELSE 0 END), sum(waited_s), "
            f"sum(CASE WHEN {served} THEN served_s ELSE NULL END), "
            f"count(CASE WHEN {served} THEN served_s ELSE NULL END), "
            "count(score), sum(CASE WHEN score = scale THEN 1 ELSE 0 END) "
            f"FROM records WHERE {where} GROUP BY {column}"
        )
        waits = (
            f"SELECT {column}, waited_s, count(*) FROM records WHERE {where} "
            f"GROUP BY {column}, waited_s"
        )
        values = (first, last) if site is None else (first, last, site)
        with self._transaction(read=True) as cursor:
            if self.postgres:  # both queries see the same rows (SQLite's read does already)
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute(self._sql(sums), values)
            totals = cursor.fetchall()
            cursor.execute(self._sql(waits), values)
            counts = cursor.fetchall()
        histograms: dict[str, dict[int, int]] = {}
        for group, wait, n in counts:
            histograms.setdefault(str(group), {})[int(wait)] = int(n)
        return [
            Tally(
                str(r[0]),
                histograms.get(str(r[0]), {}),
                *(int(v or 0) for v in r[1:]),  # a sum is None over no rows, Decimal on PG
            )
            for r in totals
        ]

    def count(self) -> int:
        """How many records are stored (the tests and the bench)."""
        with self._transaction() as cursor:
            cursor.execute("SELECT count(*) FROM records")
            return int(cursor.fetchone()[0])

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except self._errors():
                pass
            self._connection = None


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)
