"""A lost, replaced or restored store: the running screens follow the new engine's calls
and board within moments, with no restart; and a call the broker held too long is not
read out."""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from config import load_config
from config.settings import Config
from engine.service import QueueEngine
from lobby.contract import CounterRequest, TicketRequest
from lobby.topics import Topics
from mqtt_client.client import session_properties
from tests.conftest import Peer, config_text


def engine_config(folder: Path, site: str, port: int, db: Path, extra: str = "") -> Config:
    folder.mkdir(parents=True, exist_ok=True)
    text = config_text(site, port, "engine-pi").replace(
        "embedded = false", f'embedded = false\ndb = "{db}"{extra}'
    )
    path = folder / "engine.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@dataclass
class Engine:
    engine: QueueEngine
    thread: threading.Thread

    @classmethod
    def start(cls, config: Config) -> Engine:
        engine = QueueEngine(config)
        thread = threading.Thread(target=engine.run, daemon=True)
        thread.start()
        assert engine.ready.wait(30)
        return cls(engine, thread)

    def stop(self) -> None:
        self.engine.stop()
        self.thread.join(15)


def now() -> datetime:
    return datetime.now().astimezone()


def call_someone(peer: Peer, topics: Topics, n: int, counter: str = "2") -> dict:
    """A customer takes a ticket and counter 2 calls the next one; the CallEvent."""
    before = len(peer.on(topics.call))
    peer.publish(
        topics.ticket_request, TicketRequest(f"k-{n}-{time.time_ns()}", "general", now()).payload()
    )
    peer.publish(
        topics.counter_request(counter),
        CounterRequest(f"b-{n}-{time.time_ns()}", counter, "next", now()).payload(),
    )
    return peer.wait_for(topics.call, count=before + 1, timeout=15)[before].json()


@pytest.fixture
def screen(start_daemon, peer: Peer, site: str) -> Iterator[Topics]:
    topics = Topics("callboard", site)
    for topic in (topics.ack("screen-1"), topics.status("screen-1"), topics.call, topics.board):
        peer.subscribe(topic)
    daemon = start_daemon()
    peer.wait_for(topics.status("screen-1"), lambda m: m.json()["state"] == "online", timeout=20)
    yield topics
    assert "Traceback" not in daemon.log()


def shown(peer: Peer, topics: Topics, call_id: str, timeout: float = 10.0) -> float:
    """When the screen acknowledged the call as shown (the broker's arrival time)."""
    acks = peer.wait_for(
        topics.ack("screen-1"),
        lambda m: m.json()["call_id"] == call_id and m.json()["event"] == "shown",
        timeout=timeout,
    )
    return acks[0].at


def test_a_new_engine_with_an_empty_store_is_followed_at_once(
    screen: Topics, peer: Peer, site: str, broker, tmp_path: Path
) -> None:
    first = Engine.start(engine_config(tmp_path / "a", site, broker.port, tmp_path / "a.sqlite3"))
    old = call_someone(peer, screen, 1)
    shown(peer, screen, old["id"])
    first.stop()
    # The store is lost (a new SD card): a new engine numbers from A001 again.
    second = Engine.start(engine_config(tmp_path / "b", site, broker.port, tmp_path / "b.sqlite3"))
    try:
        ready = time.time()
        new = call_someone(peer, screen, 2)
        assert new["ticket"] == "A001" and new["epoch"] != old["epoch"]
        assert new["id"] != old["id"] and re.fullmatch(r"c-[0-9a-f]{8}-000001", new["id"])
        followed = shown(peer, screen, new["id"]) - ready
        boards = [m.json() for m in peer.on(screen.board)]
        assert boards[-1]["epoch"] == new["epoch"] and boards[-1]["seq"] < boards[0]["seq"] + 5
        print(f"screen followed the new engine {followed * 1000:.0f} ms after it served")
        assert followed < 5.0
    finally:
        second.stop()


def test_a_restored_store_gets_a_new_epoch_and_its_calls_are_shown(
    screen: Topics, peer: Peer, site: str, broker, tmp_path: Path
) -> None:
    db = tmp_path / "q.sqlite3"
    config = engine_config(tmp_path / "a", site, broker.port, db)
    engine = Engine.start(config)
    first = call_someone(peer, screen, 1)
    engine.stop()
    shutil.copy(db, tmp_path / "backup.sqlite3")  # last night's backup
    engine = Engine.start(config)
    later = call_someone(peer, screen, 2)
    assert later["epoch"] == first["epoch"]  # a restart of the same store keeps its epoch
    engine.stop()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(tmp_path / "backup.sqlite3", db)  # the card died; the backup goes back
    engine = Engine.start(config)
    try:
        again = call_someone(peer, screen, 3)
        assert again["epoch"] not in (first["epoch"], later["epoch"])
        assert again["id"] != later["id"]  # the same number in the store, a new id on the wire
        shown(peer, screen, again["id"])
    finally:
        engine.stop()


def test_calls_the_broker_held_past_their_expiry_are_never_delivered(
    peer: Peer, site: str, broker, tmp_path: Path
) -> None:
    """A screen whose network was away: what the engine called while it was away and is
    older than ``[queue] call_expiry_s`` does not reach it (to be read out late)."""
    topics = Topics("callboard", site)
    away = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=f"screen-away-{site}",
        protocol=mqtt.MQTTv5,
    )
    got: list[str] = []
    away.on_message = lambda _c, _u, m: got.append(m.topic)
    away.connect(broker.host, broker.port, clean_start=True, properties=session_properties(600))
    away.loop_start()
    away.subscribe(topics.call, qos=1)
    time.sleep(0.3)
    away.disconnect()
    away.loop_stop()
    config = engine_config(
        tmp_path / "e", site, broker.port, tmp_path / "q.sqlite3", "\ncall_expiry_s = 5"
    )
    engine = Engine.start(config)
    try:
        peer.subscribe(topics.call)
        call_someone(peer, topics, 1)
        time.sleep(6)  # longer than the call's expiry, while the screen is away
        away.connect(
            broker.host, broker.port, clean_start=False, properties=session_properties(600)
        )
        away.loop_start()
        time.sleep(1.5)
        assert got == []  # the broker dropped it: the screen never reads it out
        call_someone(peer, topics, 2)
        deadline = time.monotonic() + 5
        while not got and time.monotonic() < deadline:
            time.sleep(0.05)
        assert got == [topics.call]  # a fresh call still comes through
    finally:
        away.disconnect()
        away.loop_stop()
        engine.stop()
