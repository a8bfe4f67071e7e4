"""The broker link against a real mosquitto: what reaches the daemon, what does not,
and what monitoring sees of the device."""

from __future__ import annotations

import json
import queue
import time
from collections.abc import Iterator

import pytest

from callboard.demo.broker import PrivateBroker
from config import Config
from lobby.contract import BoardSnapshot, CallEvent, ScopedNotice, parse_ts
from mqtt_client import LinkState, MqttLink, Rejected, Topics
from tests import payloads
from tests.conftest import Peer, wait_until
from tests.payloads import dumps


class Inbox:
    """What the link handed over, in order (the daemon's queue, minus the daemon)."""

    def __init__(self) -> None:
        self.items: queue.SimpleQueue[object] = queue.SimpleQueue()

    def put(self, item: object) -> None:
        self.items.put(item)

    def take(self, kind: type, timeout: float = 5.0) -> object:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                item = self.items.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if isinstance(item, kind):
                return item
        raise AssertionError(f"no {kind.__name__} within {timeout} s")

    def drain(self) -> list[object]:
        out = []
        while True:
            try:
                out.append(self.items.get_nowait())
            except queue.Empty:
                return out


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def link(lobby_config: Config, inbox: Inbox) -> Iterator[MqttLink]:
    running = MqttLink(lobby_config, inbox.put, "9.9.9")
    running.set_status({"frame_ms": 1.5})
    running.start()
    assert running.wait_connected(10)
    inbox.take(LinkState)
    yield running
    running.stop()


@pytest.fixture
def topics(lobby_config: Config) -> Topics:
    return Topics("callboard", lobby_config.site)


def test_a_published_call_reaches_the_daemon_as_a_typed_event(
    link: MqttLink, peer: Peer, inbox: Inbox, topics: Topics
) -> None:
    peer.publish(topics.call, payloads.call("A023", "3", "c-1"))
    event = inbox.take(CallEvent)
    assert isinstance(event, CallEvent) and (event.ticket, event.counter) == ("A023", "3")


def test_boards_and_both_notices_arrive_with_their_scope(
    link: MqttLink, peer: Peer, inbox: Inbox, topics: Topics
) -> None:
    peer.publish(topics.board, payloads.board(seq=3))
    assert isinstance(inbox.take(BoardSnapshot), BoardSnapshot)
    peer.publish(topics.branch_notice, payloads.notice())
    peer.publish(topics.notice, b'{"v":1}')
    first, second = inbox.take(ScopedNotice), inbox.take(ScopedNotice)
    assert isinstance(first, ScopedNotice) and isinstance(second, ScopedNotice)
    assert {(first.scope, first.notice.is_empty), (second.scope, second.notice.is_empty)} == {
        ("branch", False),
        ("site", True),
    }


def test_malformed_payloads_are_refused_counted_and_the_link_lives(
    link: MqttLink, peer: Peer, inbox: Inbox, topics: Topics
) -> None:
    bad = payloads.every_bad_payload()
    topic_of = {"call": topics.call, "board": topics.board, "notice": topics.notice}
    for kind, _why, raw in bad:
        peer.publish(topic_of[kind], raw)
    peer.publish(topics.call, payloads.call("A100", "2", "after-the-junk"))
    handed: list[object] = []
    # Three topics: the broker keeps each topic's order, not always the order across them,
    # so a refusal may come just after the good call. Every one must come, all the same.
    while sum(isinstance(item, CallEvent) for item in handed) < 1 or len(handed) < len(bad) + 1:
        handed.append(inbox.take(object, timeout=10))
    calls = [item for item in handed if isinstance(item, CallEvent)]
    assert [call.id for call in calls] == ["after-the-junk"]
    refused = [item for item in handed if isinstance(item, Rejected)]
    assert len(refused) == len(handed) - 1 == len(bad) == link.rejected
    assert all(item.reason for item in refused)


def test_a_call_delivered_three_times_is_handed_over_once(
    link: MqttLink, peer: Peer, inbox: Inbox, topics: Topics
) -> None:
    for _ in range(3):
        peer.publish(topics.call, payloads.call("A023", "3", "c-dup"))
    peer.publish(topics.call, payloads.call("A024", "3", "c-next"))
    first = inbox.take(CallEvent)
    second = inbox.take(CallEvent)
    assert [first.id, second.id] == ["c-dup", "c-next"]  # type: ignore[attr-defined]


def test_status_is_online_and_retained_with_the_devices_figures(
    link: MqttLink, peer: Peer, topics: Topics, lobby_config: Config
) -> None:
    peer.subscribe(topics.status(lobby_config.device))
    (status,) = peer.wait_for(topics.status(lobby_config.device))
    body = status.json()
    assert status.retain
    assert body["v"] == 1 and body["state"] == "online" and body["device"] == "screen-1"
    assert body["version"] == "9.9.9" and body["rejected"] == 0 and body["frame_ms"] == 1.5
    parse_ts(body["ts"])


def test_a_clean_stop_says_offline_before_leaving(
    lobby_config: Config, inbox: Inbox, peer: Peer, topics: Topics
) -> None:
    link = MqttLink(lobby_config, inbox.put, "9.9.9")
    link.start()
    assert link.wait_connected(10)
    link.stop()
    peer.subscribe(topics.status(lobby_config.device))
    (status,) = peer.wait_for(topics.status(lobby_config.device))
    assert status.retain and status.json()["state"] == "offline"


def test_acks_carry_the_call_id_and_millisecond_time(
    link: MqttLink, peer: Peer, topics: Topics, lobby_config: Config
) -> None:
    peer.subscribe(topics.ack(lobby_config.device))
    link.publish_ack("c-000123", "shown", parse_ts("2026-11-24T10:15:02.161+08:00"))
    (ack,) = peer.wait_for(topics.ack(lobby_config.device))
    assert json.loads(ack.payload) == {
        "v": 1,
        "call_id": "c-000123",
        "event": "shown",
        "ts": "2026-11-24T10:15:02.161+08:00",
        "instance": link.instance,  # which process: two machines may share a device id
    }


def test_the_link_comes_back_after_the_broker_restarts_and_resubscribes(
    site: str, inbox: Inbox, tmp_path
) -> None:
    from config import load_config
    from tests.conftest import config_text

    with PrivateBroker() as own:
        path = tmp_path / "c.toml"
        path.write_text(config_text(site, own.port), encoding="utf-8")
        config = load_config(path)
        link = MqttLink(config, inbox.put, "9.9.9")
        link.start()
        try:
            assert link.wait_connected(10)
            own.stop()
            assert wait_until(lambda: not link.connected, 10)
            lost = inbox.take(LinkState)
            assert isinstance(lost, LinkState)
            own.start()
            assert wait_until(lambda: link.connected, 40), "no reconnect within 40 s"
            peer = Peer(own.host, own.port)
            try:
                topics = Topics("callboard", site)
                peer.publish(topics.call, payloads.call("A777", "1", "after-restart"))
                event = inbox.take(CallEvent, timeout=10)
                assert isinstance(event, CallEvent) and event.ticket == "A777"
            finally:
                peer.close()
        finally:
            link.stop()


def test_a_malformed_retained_message_cannot_stop_the_next_start(
    lobby_config: Config, peer: Peer, inbox: Inbox, topics: Topics
) -> None:
    peer.publish(topics.board, b"\x00garbage", retain=True)
    link = MqttLink(lobby_config, inbox.put, "9.9.9")
    link.start()
    try:
        assert link.wait_connected(10)
        assert wait_until(lambda: link.rejected == 1, 5)
        peer.publish(topics.board, dumps(payloads.board(seq=9)), retain=True)
        snap = inbox.take(BoardSnapshot)
        assert isinstance(snap, BoardSnapshot) and snap.seq == 9
    finally:
        link.stop()
