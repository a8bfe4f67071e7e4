"""A lobby on the broker a bank may already run: RabbitMQ 3.10's MQTT plugin (Debian 12),
which speaks MQTT 3.1.1 only and gives a retained message only to a subscription to its
very topic. Every service finds that out by itself (``[mqtt] protocol = "auto"``)."""

from __future__ import annotations

import queue
import signal
import time
from datetime import datetime, timedelta
from pathlib import Path

import pygame
import pytest

from callboard import __version__
from config import load_config
from lobby.contract import BoardSnapshot, CounterState, ScopedNotice
from mqtt_client import Topics
from mqtt_client.link import MqttLink
from tests import payloads
from tests.brokers import PrivateRabbit
from tests.conftest import Peer, config_text, readings, run_cli, wait_until
from tests.screen.test_daemon import expected_rects

pytestmark = pytest.mark.slow  # one RabbitMQ node for the session: about 10 s to start


@pytest.fixture
def rabbit_peer(rabbit: PrivateRabbit):
    peer = Peer(rabbit.host, rabbit.port)  # paho's default: MQTT 3.1.1
    yield peer
    peer.close()


def test_a_screen_started_on_rabbitmq_gets_the_retained_board_notices_and_counter_states(
    rabbit: PrivateRabbit, rabbit_peer: Peer, site: str, tmp_path: Path
) -> None:
    path = tmp_path / "callboard.toml"
    path.write_text(config_text(site, rabbit.port), encoding="utf-8")
    config = load_config(path)
    topics = Topics("callboard", site)
    rabbit_peer.publish(topics.board, payloads.board(seq=7), retain=True)
    rabbit_peer.publish(topics.notice, payloads.notice(marquee=["本网点通知"]), retain=True)
    rabbit_peer.publish(topics.branch_notice, payloads.notice(marquee=["分公司通知"]), retain=True)
    counters = [counter.id for counter in config.counters]
    for counter in counters:
        state = {"v": 1, "counter": counter, "ticket": f"A{counter}00", "waiting": 3}
        rabbit_peer.publish(topics.counter_state(counter), {**state, "ts": payloads.TS}, True)

    inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
    link = MqttLink(config, inbox.put, __version__)  # a screen (re)started after all that
    link.start()
    got: list[object] = []
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and len(got) < 3 + len(counters):
            try:
                item = inbox.get(timeout=0.2)
            except queue.Empty:
                continue
            if isinstance(item, BoardSnapshot | ScopedNotice | CounterState):
                got.append(item)
        time.sleep(0.5)  # room for anything that would come twice
        while not inbox.empty():
            item = inbox.get()
            if isinstance(item, BoardSnapshot | ScopedNotice | CounterState):
                got.append(item)
    finally:
        link.stop()
    boards = [g for g in got if isinstance(g, BoardSnapshot)]
    notices = {g.scope: g.notice.marquee for g in got if isinstance(g, ScopedNotice)}
    states = sorted(g.counter for g in got if isinstance(g, CounterState))
    assert [b.seq for b in boards] == [7]
    assert notices == {"site": ("本网点通知",), "branch": ("分公司通知",)}
    assert states == sorted(counters)  # each once
    assert link.client.protocol != 5  # it found out the broker speaks 3.1.1


def test_a_lobby_on_rabbitmq_takes_tickets_calls_them_and_judges_a_late_call_by_its_ts(
    start_daemon, rabbit: PrivateRabbit, rabbit_peer: Peer, site: str, tmp_path: Path
) -> None:
    topics = Topics("callboard", site)
    for topic in (topics.status("screen-1"), topics.ack("screen-1"), topics.call):
        rabbit_peer.subscribe(topic)
    db = tmp_path / "queue.sqlite3"
    daemon = start_daemon(
        port=rabbit.port,
        edit=lambda text: text.replace("embedded = false", f'embedded = true\ndb = "{db}"'),
    )
    rabbit_peer.wait_for(topics.status("screen-1"), lambda m: m.json()["state"] == "online", 30)

    # The ticket machine's stand-in gets a ticket from the embedded engine…
    config_path = tmp_path / "screen-1" / "callboard.toml"
    issued = run_cli("ticket", "--config", str(config_path), "general", "--timeout", "30")
    assert issued.returncode == 0, issued.stderr + daemon.log()[-3000:]
    ticket = issued.stdout.split()[0]
    assert ticket == "A001"

    # …a counter calls it, and the board shows it.
    press = {"v": 1, "id": f"b-{site}-1", "action": "next", "ts": payloads.now_ts()}
    rabbit_peer.publish(topics.counter_request("2"), press)
    (call,) = rabbit_peer.wait_for(topics.call, timeout=15)
    assert call.json()["ticket"] == ticket
    rabbit_peer.wait_for(
        topics.ack("screen-1"),
        lambda m: m.json()["call_id"] == call.json()["id"] and m.json()["event"] == "shown",
        timeout=15,
    )
    shot = tmp_path / "screen-1" / "callboard-screen.png"
    daemon.signal(signal.SIGUSR1)
    assert wait_until(shot.exists, 10)
    hero = next(r for t, r in expected_rects(ticket, "2").drawn["hero"] if t == ticket)
    assert readings(pygame.image.load(str(shot)), hero, ticket)[-1] == ticket

    # No message expiry under MQTT 3.1.1: a call made 20 minutes ago is judged by its ts.
    old = (datetime.now().astimezone() - timedelta(minutes=20)).isoformat(timespec="seconds")
    rabbit_peer.publish(topics.call, payloads.call("C105", "4", f"c-{site}-late", ts=old))
    assert wait_until(lambda: f"c-{site}-late arrived" in daemon.log(), 10), daemon.log()
    log = daemon.log()
    assert "speaking MQTT 3.1.1" in log and "Traceback" not in log
