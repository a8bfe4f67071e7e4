"""The engine's records of finished tickets, through the real engine and mosquitto: one per
ticket with its times, a no-show, a transfer in the record of its end, a rating that comes
after as a second version, and a record sent after a restart when the broker never had it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest

from engine.store import QueueStore
from lobby.contract import CounterRequest, FinishedTicket, TicketRequest
from mqtt_client import Topics
from tests.conftest import Peer
from tests.engine.test_service import TS, Running, engine_config

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs/schema/record.schema.json").read_text()
)


@pytest.fixture
def engine(tmp_path, site, broker) -> Iterator[Running]:
    running = Running(engine_config(tmp_path, site, broker.port))
    assert running.engine.ready.wait(15)
    yield running
    running.stop()


def records(peer: Peer, topic: str, count: int) -> list[FinishedTicket]:
    got = peer.wait_for(topic, count=count)
    for message in got:
        jsonschema.validate(message.json(), SCHEMA)
    return [FinishedTicket.parse(m.payload) for m in got]


def test_each_finished_ticket_is_one_record_with_its_times(
    engine: Running, peer: Peer, site: str
) -> None:
    t = Topics("callboard", site)
    peer.subscribe(t.record)
    for i in range(3):
        body = {"v": 1, "id": f"k-{i}", "service": "general", "ts": TS, "lang": "en"}
        peer.publish(t.ticket_request, body)

    def press(counter: str, action: str, request_id: str, **more: str) -> None:
        body = {"v": 1, "id": request_id, "action": action, "ts": TS, **more}
        peer.publish(t.counter_request(counter), body)

    press("2", "next", "b-1")  # A001 called
    press("2", "recall", "b-2")  # called again: still one ticket
    press("2", "next", "b-3")  # A001 served, A002 called
    press("2", "skip", "b-4")  # A002 a no-show, A003 called
    press("2", "transfer", "b-5", to_service="cashier")  # A003 goes on: no record yet
    press("6", "next", "b-6")  # the cashier calls A003
    press("6", "done", "b-7")  # A003 served there
    press("6", "done", "b-7")  # a redelivery: no second record
    got = records(peer, t.record, 3)
    peer.publish(
        t.counter_rating("6"),
        {"v": 1, "id": "r-1", "ticket": "A003", "score": 3, "scale": 3, "ts": TS},
    )
    rated = records(peer, t.record, 4)[3]
    assert len(peer.on(t.record)) == 4
    a1, a2, a3 = got
    assert [(r.ticket, r.outcome, r.counter, r.rev) for r in got] == [
        ("A001", "served", "2", 1),
        ("A002", "no_show", "2", 1),
        ("A003", "served", "6", 1),
    ]
    assert a1.issued_at <= a1.called_at <= a1.done_at and a1.lang == "en"
    assert a1.served_s is not None and a2.served_s is None
    assert a1.waited_s == int((a1.called_at - a1.issued_at).total_seconds())
    assert (a3.first_service, a3.service, a3.transfers) == ("general", "cashier", 1)
    assert a3.served_at is not None and a3.served_at > a3.called_at  # its second call
    assert len({r.id for r in got}) == 3
    assert (rated.id, rated.rev, rated.score, rated.scale) == (a3.id, 2, 3, 3)
    assert rated.done_at == a3.done_at


def test_a_record_the_broker_never_had_is_sent_after_a_restart(
    tmp_path, site, broker, peer: Peer
) -> None:
    """The store keeps every record in its outbox until the broker has it: written while
    no broker was there (as a crash between commit and PUBACK leaves it), sent at start."""
    config = engine_config(tmp_path, site, broker.port)
    store = QueueStore(tmp_path / "queue.sqlite3", config)
    now = datetime.fromisoformat(TS)
    store.apply(TicketRequest("k-1", "general", now), now)
    store.apply(CounterRequest("b-1", "1", "next", now), now)
    store.apply(CounterRequest("b-2", "1", "skip", now), now)
    assert [o.topic.rsplit("/", 1)[-1] for o in store.unsent()].count("record") == 1
    store.close()
    t = Topics("callboard", site)
    peer.subscribe(t.record)
    running = Running(config)
    try:
        assert running.engine.ready.wait(15)
        (record,) = records(peer, t.record, 1)
        assert (record.ticket, record.outcome) == ("A001", "no_show")
    finally:
        running.stop()
    again = QueueStore(tmp_path / "queue.sqlite3", config)
    assert not [o for o in again.unsent() if o.topic == t.record]  # marked sent on PUBACK
    again.close()
