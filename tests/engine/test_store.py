"""The engine's store: each request once, in one transaction with its messages, through
SIGKILLs at random moments."""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from config import parse_config
from engine.store import QueueStore
from lobby.contract import CounterRequest, TicketRequest
from tests.engine.crash_child import LOBBY

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 10, 0).astimezone()


def store(tmp_path: Path) -> QueueStore:
    return QueueStore(tmp_path / "q.sqlite3", parse_config(LOBBY))


def test_a_retried_ticket_request_gets_the_same_ticket_back(tmp_path: Path) -> None:
    s = store(tmp_path)
    first, _ = s.apply(TicketRequest("k-1", "general", NOW), NOW)
    again, note = s.apply(TicketRequest("k-1", "general", NOW), NOW)
    assert note == "repeat" and [o.payload for o in again] == [first[0].payload]
    assert json.loads(first[0].payload)["ticket"] == "A001"
    second, _ = s.apply(TicketRequest("k-2", "general", NOW), NOW)
    assert json.loads(second[0].payload)["ticket"] == "A002"


def test_a_counter_request_applied_once_and_its_messages_kept_until_sent(tmp_path: Path) -> None:
    s = store(tmp_path)
    s.apply(TicketRequest("k-1", "general", NOW), NOW)
    sent, _ = s.apply(CounterRequest("b-1", "2", "next", NOW), NOW)
    topics = [o.topic for o in sent]
    assert topics == [
        "callboard/crash/call",
        "callboard/crash/counter/2/state",
        "callboard/crash/board",
    ]
    assert s.apply(CounterRequest("b-1", "2", "next", NOW), NOW) == ([], "repeat")
    assert {o.seq for o in s.unsent()} >= {o.seq for o in sent}
    s.mark_sent([o.seq for o in s.unsent()])
    assert s.unsent() == []
    s.close()
    reopened = store(tmp_path)  # after a restart: the same state, nothing owed
    assert reopened.model.serving["2"] == "A001" and reopened.unsent() == []


def test_board_seq_only_grows_across_restarts(tmp_path: Path) -> None:
    s = store(tmp_path)
    seqs = []
    for i in range(3):
        out, _ = s.apply(TicketRequest(f"k-{i}", "general", NOW), NOW)
        seqs.append(json.loads(out[-1].payload)["seq"])
    s.close()
    s = store(tmp_path)
    out, _ = s.apply(TicketRequest("k-9", "general", NOW), NOW)
    seqs.append(json.loads(out[-1].payload)["seq"])
    assert seqs == sorted(set(seqs)) and seqs[-1] == 4


def test_numbering_restarts_at_the_configured_time(tmp_path: Path) -> None:
    s = store(tmp_path)
    late = datetime(2026, 11, 25, 23, 0).astimezone()
    early = datetime(2026, 11, 26, 3, 59).astimezone()  # before 04:00: still the 25th
    morning = datetime(2026, 11, 26, 4, 1).astimezone()
    tickets = [
        json.loads(s.apply(TicketRequest(f"k-{i}", "general", t), t)[0][0].payload)["ticket"]
        for i, t in enumerate([late, early, morning])
    ]
    assert tickets == ["A001", "A002", "A001"]


class Child:
    """The store in a process we can SIGKILL at any moment."""

    def __init__(self, db: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.engine.crash_child", str(db)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        assert self.process.stdout is not None and self.process.stdin is not None
        assert self.process.stdout.readline().strip() == "ready"

    def send(self, requests: list[dict[str, str]]) -> None:
        assert self.process.stdin is not None
        try:
            for request in requests:
                self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass

    def kill_and_collect(self) -> set[str]:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(5)
        assert self.process.stdout is not None
        done = {line.split()[1] for line in self.process.stdout if line.startswith("done ")}
        return done

    def finish(self, expected: int) -> set[str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        done: set[str] = set()
        deadline = time.monotonic() + 20
        while len(done) < expected and time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 1)
            if ready:
                line = self.process.stdout.readline()
                if line.startswith("done "):
                    done.add(line.split()[1])
        self.process.stdin.close()
        self.process.wait(10)
        return done


def test_sigkill_at_random_moments_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    db = tmp_path / "crash.sqlite3"
    rng = random.Random(int(os.environ.get("CRASH_SEED", "20021")))
    pending: dict[str, dict[str, str]] = {}  # sent, not yet confirmed: sent again next time
    sent_ids: set[str] = set()
    counter = 0
    interrupted = 0  # iterations killed with requests unconfirmed: the crashes really happened
    iterations = int(os.environ.get("CRASH_ITERATIONS", "120"))  # the long form: 2000
    for _ in range(iterations):
        fresh = []
        for _ in range(rng.randint(1, 6)):
            counter += 1
            if rng.random() < 0.55:
                fresh.append(
                    {
                        "kind": "ticket",
                        "id": f"k-{counter}",
                        "service": rng.choice(["general", "general", "vip", "cashier"]),
                    }
                )
            else:
                action = rng.choice(["next", "next", "next", "recall", "skip", "transfer"])
                request = {
                    "kind": "counter",
                    "id": f"b-{counter}",
                    "counter": rng.choice(["1", "2", "6"]),
                    "action": action,
                }
                if action == "transfer":
                    request["to"] = "cashier"
                fresh.append(request)
        child = Child(db)
        batch = list(pending.values()) + fresh  # retries first, as a client would resend
        for request in fresh:
            pending[request["id"]] = request
            sent_ids.add(request["id"])
        child.send(batch)
        time.sleep(rng.random() * 0.02)
        for request_id in child.kill_and_collect():
            pending.pop(request_id, None)
        interrupted += bool(pending)
    child = Child(db)  # a last, clean run confirms everything still pending
    child.send(list(pending.values()))
    confirmed = child.finish(len(pending))
    assert confirmed == set(pending)
    assert interrupted > iterations // 10, interrupted

    connection = sqlite3.connect(db)
    applied = {row[0] for row in connection.execute("SELECT request_id FROM applied")}
    assert applied == sent_ids  # every request applied, once (request_id is the primary key)
    issued = connection.execute(
        "SELECT payload FROM outbox WHERE topic = 'callboard/crash/ticket/issued'"
    ).fetchall()
    by_request: dict[str, list[str]] = {}
    for (payload,) in issued:
        body = json.loads(payload)
        by_request.setdefault(body["request_id"], []).append(body["ticket"])
    ticket_requests = {i for i in sent_ids if i.startswith("k-")}
    assert set(by_request) == ticket_requests
    assert all(len(t) == 1 for t in by_request.values())  # one ticket per request, ever
    for prefix in ("A", "V", "P"):
        numbers = sorted(
            int(n[1:])
            for (n,) in connection.execute(
                "SELECT number FROM tickets WHERE number LIKE ?", (f"{prefix}%",)
            )
        )
        assert numbers == list(range(1, len(numbers) + 1)), prefix  # no gaps, no repeats
    assert len({t for ts in by_request.values() for t in ts}) == len(ticket_requests)
    calls = connection.execute(
        "SELECT request_id, count(*) FROM calls GROUP BY request_id HAVING count(*) > 1"
    )
    assert calls.fetchall() == []  # no request called twice
    serving = [
        r[0] for r in connection.execute("SELECT serving FROM counters WHERE serving IS NOT NULL")
    ]
    assert len(serving) == len(set(serving))
    connection.close()


def test_a_request_the_rules_cannot_apply_is_refused_on_its_own_and_the_engine_goes_on(
    tmp_path: Path, monkeypatch, caplog
) -> None:
    """A bug in one rule must not become a crash loop (QoS 1 would redeliver the request
    after every restart): the request is recorded as refused, the next ones are applied."""
    from lobby import queue

    s = store(tmp_path)
    s.apply(TicketRequest("k-1", "general", NOW), NOW)

    def broken(model, request, now):
        raise ZeroDivisionError("a bug")

    monkeypatch.setitem(queue.COUNTER_RULES, "recall", broken)
    with caplog.at_level("ERROR"):
        sent, note = s.apply(CounterRequest("b-bad", "2", "recall", NOW), NOW)
    assert sent == [] and note == "not applied: ZeroDivisionError"
    assert "b-bad could not be applied" in caplog.text
    assert s.apply(CounterRequest("b-bad", "2", "recall", NOW), NOW) == ([], "repeat")
    called, _ = s.apply(CounterRequest("b-next", "2", "next", NOW), NOW)
    assert json.loads(called[0].payload)["ticket"] == "A001"  # the engine goes on


def test_the_customers_language_and_the_estimate_reach_the_wire(tmp_path: Path) -> None:
    s = store(tmp_path)
    sent, _ = s.apply(TicketRequest("k-en", "general", NOW, lang="en"), NOW)
    issued = json.loads(sent[0].payload)
    assert issued["lang"] == "en" and "est_wait_s" not in issued  # no pace yet: unknown
    called, _ = s.apply(CounterRequest("b-1", "2", "next", NOW), NOW)
    assert json.loads(called[0].payload)["lang"] == "en"
    s.close()
    assert store(tmp_path).model.tickets["A001"].lang == "en"  # kept across a restart


def test_a_call_tells_the_wait_from_the_stored_issue_time_a_recall_does_not(tmp_path) -> None:
    s = store(tmp_path)
    s.apply(TicketRequest("k-1", "general", NOW), NOW)
    s.close()
    s = store(tmp_path)  # a restart between the issue and the call: the issue time is kept
    later = NOW + timedelta(minutes=16, seconds=40.7)
    called, _ = s.apply(CounterRequest("b-1", "2", "next", later), later)
    assert json.loads(called[0].payload)["waited_s"] == 1000
    again, _ = s.apply(CounterRequest("b-2", "2", "recall", later), later)
    recall = json.loads(again[0].payload)
    assert recall["kind"] == "recall" and "waited_s" not in recall


def test_a_store_made_before_languages_existed_is_brought_up_to_date(tmp_path: Path) -> None:
    db = tmp_path / "q.sqlite3"
    old = sqlite3.connect(db)
    old.executescript(
        "CREATE TABLE tickets (day TEXT NOT NULL, number TEXT NOT NULL, service TEXT NOT NULL,"
        " first_service TEXT NOT NULL, ord INTEGER NOT NULL, issued_at TEXT NOT NULL,"
        " status TEXT NOT NULL, counter TEXT, called_at TEXT, first_called_at TEXT,"
        " done_at TEXT, transfers INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, number));"
    )
    old.close()
    s = QueueStore(db, parse_config(LOBBY))
    sent, _ = s.apply(TicketRequest("k-1", "general", NOW, lang="zh"), NOW)
    assert json.loads(sent[0].payload)["ticket"] == "A001"
