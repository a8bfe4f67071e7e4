"""The queue engine's memory: SQLite in WAL mode, one transaction per request. Every line of
SQL in callboard is in this module.

A request, the id that marks it applied, every row it changed and every message it must
send go into the database together; the messages are sent only after the commit, and are
marked sent once the broker has them. A process killed at any moment therefore loses no
ticket, issues none twice, applies no request twice, and on restart sends what it had not.
``synchronous=FULL``: a power cut loses nothing that was acknowledged either.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from config.settings import Config
from lobby.contract import (
    BoardCall,
    BoardSnapshot,
    CallEvent,
    CounterRequest,
    CounterState,
    FinishedTicket,
    Rating,
    TicketIssued,
    TicketRefused,
    TicketRequest,
    format_ts,
)
from lobby.queue import (
    SERVED,
    SKIPPED,
    Effects,
    QueueModel,
    Rated,
    Ticket,
    request_kind,
    waited_s,
)
from lobby.topics import Topics

_LOG = logging.getLogger(__name__)
BOARD_CALLS = 20

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (
    day TEXT NOT NULL, number TEXT NOT NULL, service TEXT NOT NULL, first_service TEXT NOT NULL,
    ord INTEGER NOT NULL, issued_at TEXT NOT NULL, status TEXT NOT NULL, counter TEXT,
    called_at TEXT, first_called_at TEXT, done_at TEXT, transfers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, number));
CREATE TABLE IF NOT EXISTS counters (counter TEXT PRIMARY KEY, serving TEXT);
CREATE TABLE IF NOT EXISTS applied (
    request_id TEXT PRIMARY KEY, kind TEXT NOT NULL, day TEXT NOT NULL, result TEXT,
    at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calls (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL, day TEXT NOT NULL, ticket TEXT NOT NULL,
    counter TEXT NOT NULL, service TEXT NOT NULL, kind TEXT NOT NULL, ts TEXT NOT NULL,
    request_id TEXT);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, payload BLOB NOT NULL,
    retain INTEGER NOT NULL, sent INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (sent) WHERE sent = 0;
CREATE TABLE IF NOT EXISTS ratings (
    day TEXT NOT NULL, ticket TEXT NOT NULL, counter TEXT NOT NULL, service TEXT NOT NULL,
    score INTEGER NOT NULL, scale INTEGER NOT NULL, at TEXT NOT NULL, request_id TEXT NOT NULL,
    PRIMARY KEY (day, ticket));
"""


@dataclass(frozen=True)
class Outgoing:
    """A message to send once its transaction has committed."""

    seq: int
    topic: str
    payload: bytes
    retain: bool


@dataclass(frozen=True)
class TicketRecord:
    """One ticket of a day as the figures read it."""

    first_service: str
    counter: str | None
    status: str
    issued_at: datetime
    first_called_at: datetime | None
    transfers: int
    called_at: datetime | None = None
    done_at: datetime | None = None
    service: str = ""


@dataclass(frozen=True)
class RatingRecord:
    """One customer's rating, as the figures read it."""

    counter: str
    service: str
    score: int
    scale: int


TICKET_COLUMNS = (
    "first_service, counter, status, issued_at, first_called_at, transfers, called_at, done_at,"
    " service"
)


def _ticket(row: tuple) -> TicketRecord:  # type: ignore[type-arg]
    return TicketRecord(
        row[0],
        row[1],
        row[2],
        datetime.fromisoformat(row[3]),
        _dt(row[4]),
        int(row[5]),
        _dt(row[6]),
        _dt(row[7]),
        row[8],
    )


def read_days(
    connection: sqlite3.Connection, first: str, last: str
) -> dict[str, tuple[list[TicketRecord], list[RatingRecord]]]:
    """Every day from ``first`` to ``last`` (ISO dates) that has tickets: its tickets and
    ratings."""
    days: dict[str, tuple[list[TicketRecord], list[RatingRecord]]] = {}
    for row in connection.execute(
        f"SELECT day, {TICKET_COLUMNS} FROM tickets WHERE day BETWEEN ? AND ? ORDER BY day",
        (first, last),
    ):
        days.setdefault(row[0], ([], []))[0].append(_ticket(row[1:]))
    for day, counter, service, score, scale in connection.execute(
        "SELECT day, counter, service, score, scale FROM ratings WHERE day BETWEEN ? AND ?",
        (first, last),
    ):
        if day in days:
            days[day][1].append(RatingRecord(counter, service, score, scale))
    return days


def default_db(config: Config) -> Path:
    """The queue's file unless ``[queue] db`` names one: systemd's ``StateDirectory=``
    under a unit, else the user's XDG state folder (``~/.local/state/callboard/``). Never
    the current directory: the engine and ``callboard stats`` must find the same file
    from wherever they are started."""
    if config.queue.db is not None:
        return config.queue.db
    state = os.environ.get("STATE_DIRECTORY")
    if state:
        return Path(state.split(":")[0]) / "queue.sqlite3"
    xdg = os.environ.get("XDG_STATE_HOME", "")
    # The XDG spec: a relative path in the variable is invalid and is ignored.
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "state"
    return base / "callboard" / "queue.sqlite3"


def _ts(moment: datetime | None) -> str | None:
    return format_ts(moment) if moment is not None else None


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def day_records(db: Path, day: str) -> tuple[list[TicketRecord], list[RatingRecord]]:
    """A day's tickets and ratings, read-only (the figures; the engine may be running)."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        has_ratings = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ratings'"
        ).fetchone()
        if has_ratings is None:  # a store from before ratings, not yet opened by an engine
            rows = connection.execute(
                f"SELECT {TICKET_COLUMNS} FROM tickets WHERE day = ?", (day,)
            ).fetchall()
            return [_ticket(row) for row in rows], []
        return read_days(connection, day, day).get(day, ([], []))
    finally:
        connection.close()


class QueueStore:
    """The queue model, kept in SQLite; every change in one transaction with its messages."""

    def __init__(self, path: Path, config: Config) -> None:
        self._config = config
        self._topics = Topics(config.mqtt.topic_root, config.site)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self._migrate()
        hh, mm = (int(part) for part in config.queue.reset_at.split(":"))
        self._reset = timedelta(hours=hh, minutes=mm)
        self.epoch = self._meta("epoch", "") or self.new_epoch("a new store")
        self.model = self._load()

    def _migrate(self) -> None:
        """Columns added since a store was made (a Pi updated in place keeps its day)."""
        have = {row[1] for row in self._db.execute("PRAGMA table_info(tickets)")}
        if "lang" not in have:
            self._db.execute("ALTER TABLE tickets ADD COLUMN lang TEXT")
        have = {row[1] for row in self._db.execute("PRAGMA table_info(counters)")}
        if "paused" not in have:  # NULL: open; else why it is paused ("" when not said)
            self._db.execute("ALTER TABLE counters ADD COLUMN paused TEXT")

    # The store's lifetime

    def new_epoch(self, why: str) -> str:
        """A new lifetime for this store (new, or restored from a copy): its calls get ids
        no screen has seen, and screens take its board although its numbers start again."""
        epoch = secrets.token_hex(4)
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('epoch', ?)", (epoch,))
        self.epoch = epoch
        _LOG.info("store epoch %s (%s)", epoch, why)
        return epoch

    @property
    def board_seq(self) -> int:
        return int(self._meta("board_seq", "0"))

    def check_against(self, board: BoardSnapshot | None) -> None:
        """The site's retained board is ahead of this store in this store's own lifetime:
        the store went back in time (a restored backup, a cloned card). A new epoch keeps
        its calls from being taken for ones the screens have already seen."""
        if board is not None and board.epoch == self.epoch and board.seq > self.board_seq:
            self.new_epoch(
                f"the site's board is at seq {board.seq}, this store at {self.board_seq}"
            )

    # Loading

    def _meta(self, key: str, default: str) -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def _load(self) -> QueueModel:
        config = self._config
        model = QueueModel(
            services={s.id: s.prefix for s in config.services},
            counters={c.id: c.services for c in config.counters},
            width=config.queue.number_width,
            hours=config.hours,
        )
        model.new_day(self._meta("day", ""))
        model.issued.update(json.loads(self._meta("issued", "{}")))
        model.next_order = int(self._meta("next_order", "0"))
        model.head_order = int(self._meta("head_order", "0"))
        for row in self._db.execute(
            "SELECT number, service, ord, issued_at, status, counter, called_at, done_at, "
            "transfers, first_service, first_called_at, lang FROM tickets WHERE day = ?",
            (model.day,),
        ):
            model.tickets[row[0]] = Ticket(
                number=row[0],
                service=row[1],
                order=row[2],
                issued_at=_dt(row[3]),  # type: ignore[arg-type]
                status=row[4],
                counter=row[5],
                called_at=_dt(row[6]),
                done_at=_dt(row[7]),
                transfers=row[8],
                first_service=row[9],
                first_called_at=_dt(row[10]),
                lang=row[11],
            )
        model.rated = {
            row[0]
            for row in self._db.execute("SELECT ticket FROM ratings WHERE day = ?", (model.day,))
        }
        for counter, serving, paused in self._db.execute(
            "SELECT counter, serving, paused FROM counters"
        ):
            if counter in model.counters:
                model.serving[counter] = serving if serving in model.tickets else None
                if paused is not None and self._meta("paused_day", "") == model.day:
                    model.paused[counter] = paused
        return model

    def day_of(self, now: datetime) -> str:
        return (now.astimezone() - self._reset).date().isoformat()

    def next_day_at(self, now: datetime) -> datetime:
        """When the next day begins (``[queue] reset_at``), after ``now``."""
        local = now.astimezone()
        start = datetime.fromisoformat(self.day_of(local)).replace(tzinfo=local.tzinfo)
        return start + self._reset + timedelta(days=1)

    def begin_day(self, now: datetime) -> list[Outgoing]:
        """At the day's reset: every service's numbers start from 1 again, the board has
        no calls, every counter serves nobody and is open, and the screens and kiosks are
        told so at once (not at the first ticket of the morning). Tickets still waiting
        stay in the old day's record, counted as waiting (the customer went home)."""
        day = self.day_of(now)
        if day == self.model.day:
            return []
        left = sum(self.model.waiting_counts().values())
        if self.model.day:
            _LOG.info(
                "day %s ends (%d tickets still waiting stay in its record); day %s begins: "
                "every service's numbers start from 1",
                self.model.day,
                left,
                day,
            )
        self.model.new_day(day)
        effects = Effects(counters=set(self.model.counters))
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            messages = self._messages(effects, now, "")
            self._write(effects, day)
            outgoing = [self._queue(topic, payload, retain) for topic, payload, retain in messages]
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            self.model = self._load()
            raise
        return outgoing

    # Applying requests

    def applied(self, request_id: str) -> str | None:
        """The stored result of a request already applied, or None if it is new."""
        row = self._db.execute(
            "SELECT result FROM applied WHERE request_id = ?", (request_id,)
        ).fetchone()
        return None if row is None else str(row[0] or "")

    def apply(
        self, request: TicketRequest | CounterRequest | Rating, now: datetime
    ) -> tuple[list[Outgoing], str]:
        """A request, applied once; a retried TicketRequest gets its first answer again."""
        previous = self.applied(request.id)
        if previous is not None:
            retried = isinstance(request, TicketRequest)
            return (self._resend(previous) if retried else []), "repeat"
        day = self.day_of(now)
        if day != self.model.day:  # the engine was not running at the day's reset
            _LOG.info("day %s begins: every service's numbers start from 1", day)
            self.model.new_day(day)
        try:
            effects = self.model.apply(request, now)
        except Exception as exc:  # a bug in the rules must not become a crash loop
            self.model = self._load()
            _LOG.exception("request %s could not be applied; recorded as refused", request.id)
            self._record(request, f"error: {type(exc).__name__}: {exc}"[:200], day, now)
            return [], f"not applied: {type(exc).__name__}"
        return self._commit(request, request_kind(request), effects, day, now), effects.note

    def _record(
        self, request: TicketRequest | CounterRequest | Rating, result: str, day: str, now: datetime
    ) -> None:
        """Mark a request applied without changes (with why), so a redelivery is a repeat."""
        self._db.execute(
            "INSERT OR IGNORE INTO applied VALUES (?, ?, ?, ?, ?)",
            (request.id, request_kind(request), day, result, format_ts(now)),
        )

    def _resend(self, result: str) -> list[Outgoing]:
        row = (
            self._db.execute(
                "SELECT seq, topic, payload, retain FROM outbox WHERE seq = ?", (int(result),)
            ).fetchone()
            if result.isdigit()
            else None
        )
        return [Outgoing(row[0], row[1], bytes(row[2]), bool(row[3]))] if row else []

    def _commit(
        self,
        request: TicketRequest | CounterRequest | Rating,
        kind: str,
        effects: Effects,
        day: str,
        now: datetime,
    ) -> list[Outgoing]:
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            messages = self._messages(effects, now, request.id)
            self._write(effects, day)
            if effects.rated is not None:
                self._rated(effects.rated, day, now, request.id)
            outgoing = [self._queue(topic, payload, retain) for topic, payload, retain in messages]
            answered = effects.issued or effects.refused  # a retry gets the same answer
            result = str(outgoing[0].seq) if answered and outgoing else ""
            db.execute(
                "INSERT INTO applied VALUES (?, ?, ?, ?, ?)",
                (request.id, kind, day, result, format_ts(now)),
            )
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            self.model = self._load()  # forget the change that was not stored
            raise
        return outgoing

    def _write(self, effects: Effects, day: str) -> None:
        model, db = self.model, self._db
        for number in effects.tickets:
            t = model.tickets[number]
            db.execute(
                "INSERT OR REPLACE INTO tickets (day, number, service, first_service, ord, "
                "issued_at, status, counter, called_at, first_called_at, done_at, transfers, "
                "lang) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    day,
                    t.number,
                    t.service,
                    t.first_service,
                    t.order,
                    _ts(t.issued_at),
                    t.status,
                    t.counter,
                    _ts(t.called_at),
                    _ts(t.first_called_at),
                    _ts(t.done_at),
                    t.transfers,
                    t.lang,
                ),
            )
        for counter in effects.counters:
            db.execute(
                "INSERT OR REPLACE INTO counters (counter, serving, paused) VALUES (?, ?, ?)",
                (counter, model.serving.get(counter), model.paused.get(counter)),
            )
        db.execute("INSERT OR REPLACE INTO meta VALUES ('paused_day', ?)", (model.day,))
        for key, value in (
            ("day", model.day),
            ("issued", json.dumps(model.issued)),
            ("next_order", str(model.next_order)),
            ("head_order", str(model.head_order)),
        ):
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def _rated(self, rated: Rated, day: str, now: datetime, request_id: str) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO ratings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                day,
                rated.ticket,
                rated.counter,
                rated.service,
                rated.score,
                rated.scale,
                format_ts(now),
                request_id,
            ),
        )

    def days(
        self, first: str, last: str
    ) -> dict[str, tuple[list[TicketRecord], list[RatingRecord]]]:
        """The figures' records of a range of days (the engine's own connection)."""
        return read_days(self._db, first, last)

    def _queue(self, topic: str, payload: bytes, retain: bool) -> Outgoing:
        cursor = self._db.execute(
            "INSERT INTO outbox (topic, payload, retain) VALUES (?, ?, ?)",
            (topic, payload, int(retain)),
        )
        return Outgoing(int(cursor.lastrowid or 0), topic, payload, retain)

    def _next(self, key: str) -> int:
        value = int(self._meta(key, "0")) + 1
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, str(value)))
        return value

    def _messages(
        self, effects: Effects, now: datetime, request_id: str
    ) -> list[tuple[str, bytes, bool]]:
        """The TicketIssued, CallEvent, CounterStates and BoardSnapshot of one change."""
        t = self._topics
        out: list[tuple[str, bytes, bool]] = []
        if effects.issued is not None:
            issued = effects.issued
            answer = TicketIssued(
                id=f"t-{self.epoch}-{self._next('issued_seq'):06d}",
                request_id=request_id,
                ticket=issued.ticket,
                service=issued.service,
                waiting_before=issued.waiting_before,
                ts=now,
                lang=issued.lang,
                est_wait_s=issued.est_wait_s,
            )
            out.append((t.ticket_issued, answer.payload(), False))
        if effects.refused is not None:
            refused = effects.refused
            no = TicketRefused(
                id=f"tr-{self.epoch}-{self._next('refused_seq'):06d}",
                request_id=request_id,
                service=refused.service,
                reason=refused.reason,
                ts=now,
                opens=refused.opens,
                lang=refused.lang,
            )
            out.append((t.ticket_refused, no.payload(), False))
        if effects.called is not None:
            called = effects.called
            seq = self._next("call_seq")
            call = CallEvent(
                id=f"c-{self.epoch}-{seq:06d}",
                ticket=called.ticket,
                counter=called.counter,
                service=called.service,
                kind=called.kind,
                ts=now,
                epoch=self.epoch,
                request_id=request_id,
                lang=called.lang,
                waited_s=called.waited_s,
            )
            self._db.execute(
                "INSERT INTO calls VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    seq,
                    call.id,
                    self.model.day,
                    call.ticket,
                    call.counter,
                    call.service,
                    call.kind,
                    format_ts(now),
                    request_id,
                ),
            )
            out.append((t.call, call.payload(), False))
        for counter in sorted(effects.counters):
            out.append((t.counter_state(counter), self.counter_state(counter, now).payload(), True))
        if effects.changed or effects.called is not None:
            out.append((t.board, self.board(now, self._next("board_seq")).payload(), True))
        out.extend((t.record, record.payload(), False) for record in self._records(effects, now))
        return out

    def _records(self, effects: Effects, now: datetime) -> list[FinishedTicket]:
        """A record of each ticket this change finished, and a second version of a finished
        ticket's record when its rating comes after it (the same id, ``rev`` 2)."""
        model = self.model
        records = []
        for number in sorted(effects.tickets):
            ticket = model.tickets[number]
            if ticket.status in (SERVED, SKIPPED):
                row = self._db.execute(
                    "SELECT score, scale FROM ratings WHERE day = ? AND ticket = ?",
                    (model.day, number),
                ).fetchone()
                records.append(self._record_of(ticket, 1, row, now))
        rated = effects.rated
        if rated is not None and model.tickets[rated.ticket].status in (SERVED, SKIPPED):
            ticket = model.tickets[rated.ticket]
            records.append(self._record_of(ticket, 2, (rated.score, rated.scale), now))
        return records

    def _record_of(
        self, ticket: Ticket, rev: int, rating: tuple[int, int] | None, now: datetime
    ) -> FinishedTicket:
        called = ticket.first_called_at or ticket.called_at or ticket.issued_at
        done = ticket.done_at or now
        served = ticket.status == SERVED
        return FinishedTicket(
            id=f"r-{self.epoch}-{self.model.day}-{ticket.number}",
            rev=rev,
            ticket=ticket.number,
            day=date.fromisoformat(self.model.day),
            service=ticket.service,
            first_service=ticket.first_service or ticket.service,
            outcome="served" if served else "no_show",
            counter=ticket.counter or "",
            issued_at=ticket.issued_at,
            called_at=called,
            done_at=done,
            waited_s=waited_s(ticket.issued_at, called),
            ts=now,
            served_at=ticket.called_at,
            served_s=waited_s(ticket.called_at, done) if served and ticket.called_at else None,
            transfers=ticket.transfers,
            lang=ticket.lang,
            score=rating[0] if rating else None,
            scale=rating[1] if rating else None,
            epoch=self.epoch,
        )

    def counter_state(self, counter: str, now: datetime) -> CounterState:
        return CounterState(
            counter=counter,
            ticket=self.model.serving.get(counter),
            waiting=self.model.waiting_for(counter),
            ts=now,
            open=self.model.is_open(counter),
            serving_since=self.model.serving_since(counter),
            reason=self.model.paused.get(counter) or None,
        )

    def board(self, now: datetime, seq: int | None = None) -> BoardSnapshot:
        """The BoardSnapshot: the day's last calls, newest first, and the waiting counts."""
        rows = self._db.execute(
            "SELECT id, ticket, counter, service, ts, kind FROM calls WHERE day = ? "
            "ORDER BY seq DESC LIMIT ?",
            (self.model.day, BOARD_CALLS),
        ).fetchall()
        calls = tuple(
            BoardCall(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4]), r[5]) for r in rows
        )
        seq = self.board_seq if seq is None else seq
        return BoardSnapshot(
            seq=seq, ts=now, calls=calls, waiting=self.model.waiting_counts(), epoch=self.epoch
        )

    # Sending

    def unsent(self) -> list[Outgoing]:
        rows = self._db.execute(
            "SELECT seq, topic, payload, retain FROM outbox WHERE sent = 0 ORDER BY seq"
        )
        return [Outgoing(r[0], r[1], bytes(r[2]), bool(r[3])) for r in rows]

    def mark_sent(self, seqs: list[int]) -> None:
        if seqs:
            self._db.executemany("UPDATE outbox SET sent = 1 WHERE seq = ?", [(s,) for s in seqs])

    def retained_now(self, now: datetime) -> list[tuple[str, bytes]]:
        """The retained state to republish at start: the board and every counter's state."""
        t = self._topics
        out = [
            (t.counter_state(c), self.counter_state(c, now).payload())
            for c in sorted(self.model.counters)
        ]
        out.append((t.board, self.board(now).payload()))
        return out

    def close(self) -> None:
        self._db.close()
