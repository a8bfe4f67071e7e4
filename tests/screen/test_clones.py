"""What a branch does to its screens: a cloned SD card (two machines, one device id), and a
screen switched off for the night while calls went on."""

from __future__ import annotations

import time

from mqtt_client import Topics
from tests import payloads
from tests.conftest import Peer
from tests.payloads import dumps


def online(peer: Peer, topics: Topics, count: int = 1) -> None:
    peer.wait_for(
        topics.status("screen-1"), lambda m: m.json()["state"] == "online", count=count, timeout=30
    )


def test_two_screens_with_one_device_id_both_show_every_call_and_both_say_so(
    start_daemon, peer: Peer, site: str, broker
) -> None:
    topics = Topics("callboard", site)
    peer.subscribe(topics.status("screen-1"))
    peer.subscribe(topics.ack("screen-1"))
    first = start_daemon("screen-1")
    online(peer, topics)
    second = start_daemon("screen-1", workdir="clone")  # the same card, in a second Pi
    online(peer, topics, count=2)
    ids = [f"clone-{i}" for i in range(5)]
    for i, call_id in enumerate(ids):
        peer.publish(topics.call, payloads.call(f"A{i + 1:03d}", "3", call_id))
    acks = peer.wait_for(
        topics.ack("screen-1"), lambda m: m.json()["event"] == "shown", count=10, timeout=20
    )
    by_instance: dict[str, set[str]] = {}
    for ack in acks:
        body = ack.json()
        by_instance.setdefault(body["instance"], set()).add(body["call_id"])
    assert len(by_instance) == 2 and all(seen == set(ids) for seen in by_instance.values())

    def says_shared(message) -> bool:
        body = message.json()
        return body["state"] == "online" and any(
            "another process uses device id screen-1" in fault for fault in body["faults"]
        )

    flagged = peer.wait_for(topics.status("screen-1"), says_shared, count=2, timeout=20)
    assert len({m.json()["instance"] for m in flagged}) == 2  # each of them says it
    for daemon in (first, second):
        log = daemon.log()
        assert log.count("another process is using this device id") == 1, log
        assert "Traceback" not in log
    second.stop()
    retained = Peer(broker.host, broker.port)
    try:
        retained.subscribe(topics.status("screen-1"))
        (status,) = retained.wait_for(topics.status("screen-1"), timeout=10)
        assert status.retain and status.json()["state"] == "online"  # the one left says so
    finally:
        retained.close()


def test_a_screen_switched_off_overnight_reads_out_nothing_of_the_night(
    start_daemon, peer: Peer, site: str
) -> None:
    topics = Topics("callboard", site)
    peer.subscribe(topics.status("screen-1"))
    peer.subscribe(topics.ack("screen-1"))
    screen = start_daemon("screen-1")
    online(peer, topics)
    assert screen.stop() == 0
    for i in range(3):  # the evening goes on without it
        peer.client.publish(
            topics.call, dumps(payloads.call(f"A{i:03d}", "2", f"night-{i}")), qos=1
        )
    time.sleep(0.5)
    morning = start_daemon("screen-1")
    online(peer, topics, count=2)
    peer.publish(topics.call, payloads.call("A100", "3", "morning-1"))
    acks = peer.wait_for(topics.ack("screen-1"), lambda m: m.json()["call_id"] == "morning-1")
    assert acks
    time.sleep(1.0)
    heard = {m.json()["call_id"] for m in peer.on(topics.ack("screen-1"))}
    assert not any(call_id.startswith("night-") for call_id in heard), heard
    assert "Traceback" not in morning.log()
