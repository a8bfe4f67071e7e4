"""The engine and the lobby's hours, on a real mosquitto, with the engine's clock in the
test's hands: no ticket outside the hours (the kiosk is told why and when the lobby opens),
the tellers still call the customers left at closing, and at the day's reset every number
starts from 1 again and the screens are told at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import engine.service
from config import load_config
from engine.service import QueueEngine
from mqtt_client import Topics
from tests.conftest import Peer, config_text

HOURS = "\n[hours]\n" + "".join(
    f'{d} = "08:30-17:00"\n' for d in ("mon", "tue", "wed", "thu", "fri")
)
WEDNESDAY = datetime(2026, 11, 25)


class Wall:
    """The engine's wall clock, local time, moved by the test."""

    def __init__(self) -> None:
        self.now = (WEDNESDAY + timedelta(hours=16, minutes=50)).astimezone()

    def at(self, day: datetime, hhmm: str) -> None:
        hh, mm = (int(x) for x in hhmm.split(":"))
        self.now = (day + timedelta(hours=hh, minutes=mm)).astimezone()


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> Wall:
    clock = Wall()
    monkeypatch.setattr(engine.service, "_now", lambda: clock.now)
    return clock


@pytest.fixture
def hours_engine(tmp_path: Path, site: str, broker, wall: Wall) -> Iterator[QueueEngine]:
    path = tmp_path / "engine.toml"
    text = config_text(site, broker.port, "pi-1").replace(
        "embedded = false", f'embedded = false\ndb = "{tmp_path / "queue.sqlite3"}"'
    )
    path.write_text(text + HOURS, encoding="utf-8")
    running = QueueEngine(load_config(path))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    assert running.ready.wait(15)
    yield running
    running.stop()
    thread.join(10)


def ask(peer: Peer, t: Topics, request_id: str, service: str = "general") -> None:
    body = {"v": 1, "id": request_id, "service": service, "ts": "2026-11-25T10:00:00+08:00"}
    peer.publish(t.ticket_request, body)


def test_outside_the_hours_a_ticket_is_refused_with_when_the_lobby_opens(
    hours_engine: QueueEngine, peer: Peer, site: str, wall: Wall
) -> None:
    t = Topics("callboard", site)
    for topic in (t.ticket_issued, t.ticket_refused, t.call, t.board, t.counter_state("2")):
        peer.subscribe(topic)
    for i in range(3):  # three customers before closing
        ask(peer, t, f"k-{i}")
    issued = peer.wait_for(t.ticket_issued, count=3)
    assert [m.json()["ticket"] for m in issued] == ["A001", "A002", "A003"]

    wall.at(WEDNESDAY, "17:05")
    ask(peer, t, "k-late", "general")
    ask(peer, t, "k-late", "general")  # the kiosk asks again: the same answer
    refused = [m.json() for m in peer.wait_for(t.ticket_refused, count=2)]
    assert refused[0] == refused[1]
    answer = refused[0]
    assert (answer["request_id"], answer["reason"], answer["service"]) == (
        "k-late",
        "closed",
        "general",
    )
    opens = datetime.fromisoformat(answer["opens"])
    assert opens == (WEDNESDAY + timedelta(days=1, hours=8, minutes=30)).astimezone()
    assert len(peer.on(t.ticket_issued)) == 3  # no fourth ticket

    # After closing time the tellers still call the customers who are waiting.
    peer.publish(
        t.counter_request("2"),
        {"v": 1, "id": "b-1", "action": "next", "ts": "2026-11-25T17:10:00+08:00"},
    )
    (call,) = peer.wait_for(t.call)
    assert (call.json()["ticket"], call.json()["counter"]) == ("A001", "2")


def test_at_the_days_reset_the_board_empties_and_numbers_start_from_1_at_opening(
    hours_engine: QueueEngine, peer: Peer, site: str, wall: Wall
) -> None:
    t = Topics("callboard", site)
    for topic in (t.ticket_issued, t.board, t.counter_state("2")):
        peer.subscribe(topic)
    for i in range(2):
        ask(peer, t, f"k-{i}")
    peer.wait_for(t.ticket_issued, count=2)
    peer.wait_for(t.board, lambda m: m.json()["waiting"]["general"] == 2)

    thursday = WEDNESDAY + timedelta(days=1)
    wall.at(thursday, "04:00")
    hours_engine.inbox.put(object())  # the loop's wake at the reset, without waiting for it
    fresh = peer.wait_for(t.board, lambda m: m.json()["waiting"]["general"] == 0)[-1].json()
    assert fresh["calls"] == []
    state = peer.wait_for(t.counter_state("2"), lambda m: m.json()["ts"].startswith("2026-11-26"))
    assert state[-1].json()["ticket"] is None and state[-1].json()["open"] is True

    wall.at(thursday, "08:30")  # the first customer of the day
    ask(peer, t, "k-morning")
    first = peer.wait_for(t.ticket_issued, lambda m: m.json()["request_id"] == "k-morning")
    assert (first[0].json()["ticket"], first[0].json()["waiting_before"]) == ("A001", 0)


def test_an_unknown_service_is_refused_at_once_not_left_to_time_out(
    hours_engine: QueueEngine, peer: Peer, site: str
) -> None:
    t = Topics("callboard", site)
    peer.subscribe(t.ticket_refused)
    ask(peer, t, "k-x", "nosuch")
    (refused,) = peer.wait_for(t.ticket_refused)
    assert refused.json()["reason"] == "unknown_service" and "opens" not in refused.json()
