"""A lobby's own mosquitto bridged to a central one by ``callboard bridge-config``: the
site's traffic reaches the centre under the same topics, the branch's notices come in, and
a WAN cut stops nothing in the lobby and loses nothing on its way to the centre."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from callboard.demo.broker import PrivateBroker, free_port
from mqtt_client import Topics
from tests import payloads
from tests.brokers import bridged_site
from tests.conftest import Peer, config_text, run_cli

# A site back from a cut sends its whole queue at once: the centre must queue as much for
# its subscriber (the collector) as the site did for the bridge (README: the central broker).
CENTRAL = "max_queued_messages 200000\n"
CUT_S = float(os.environ.get("CALLBOARD_WAN_CUT_S", "8"))  # minutes: CALLBOARD_WAN_CUT_S=300


@pytest.fixture
def network(tmp_path: Path, site: str) -> Iterator[tuple[PrivateBroker, PrivateBroker, Path]]:
    """A central broker and this site's broker bridged to it; the site's config file."""
    central = PrivateBroker(extra_config=CENTRAL).start()
    port = free_port()
    path = tmp_path / "callboard.toml"
    path.write_text(config_text(site, port), encoding="utf-8")
    lobby = bridged_site(path, port, central)
    yield central, lobby, path
    lobby.cleanup()
    central.cleanup()


def test_the_site_reaches_the_centre_and_the_branch_notices_reach_the_site(
    network: tuple[PrivateBroker, PrivateBroker, Path], site: str
) -> None:
    central, lobby, _path = network
    topics = Topics("callboard", site)
    at_centre, at_site = Peer(central.host, central.port), Peer(lobby.host, lobby.port)
    try:
        at_centre.subscribe(f"callboard/{site}/#")
        at_centre.wait_for(f"callboard/{site}/bridge/state", lambda m: m.payload == b"1", 15)
        at_site.subscribe(topics.notice)
        at_site.subscribe(topics.branch_notice)

        at_site.publish(topics.call, payloads.call("A023", "3", "c-out-1"))
        status = {"v": 1, "device": "screen-1", "state": "online", "version": "1", "ts": "x"}
        at_site.publish(topics.status("screen-1"), status, retain=True)
        (call,) = at_centre.wait_for(topics.call, timeout=10)
        assert call.json()["id"] == "c-out-1"
        at_centre.wait_for(topics.status("screen-1"), timeout=10)

        at_centre.publish(topics.notice, payloads.notice(marquee=["本网点"]), retain=True)
        at_centre.publish(topics.branch_notice, payloads.notice(marquee=["分公司"]), retain=True)
        (notice,) = at_site.wait_for(topics.notice, timeout=10)
        assert notice.json()["marquee"] == ["本网点"]
        assert at_site.wait_for(topics.branch_notice, timeout=10)[0].json()["marquee"] == ["分公司"]
        time.sleep(1.0)  # room for a loop to show
        assert len(at_centre.on(topics.notice)) == 1  # it never came back out
        assert len(at_site.on(topics.notice)) == 1
        assert len(at_centre.on(topics.call)) == 1
    finally:
        at_centre.close()
        at_site.close()


@pytest.mark.slow
def test_a_wan_cut_stops_nothing_in_the_lobby_and_the_centre_gets_everything_once_back(
    network: tuple[PrivateBroker, PrivateBroker, Path], site: str, start_daemon, tmp_path: Path
) -> None:
    central, lobby, _path = network
    topics = Topics("callboard", site)
    at_site = Peer(lobby.host, lobby.port)
    db = tmp_path / "queue.sqlite3"
    daemon = start_daemon(
        port=lobby.port,
        edit=lambda text: text.replace("embedded = false", f'embedded = true\ndb = "{db}"'),
    )
    try:
        at_site.subscribe(topics.status("screen-1"))
        at_site.subscribe(topics.ack("screen-1"))
        at_site.wait_for(topics.status("screen-1"), lambda m: m.json()["state"] == "online", 30)
        central.stop()  # the WAN is cut

        # The lobby goes on: tickets taken and called, shown on the screen.
        config_path = tmp_path / "screen-1" / "callboard.toml"
        ticket = run_cli("ticket", "--config", str(config_path), "general", "--timeout", "20")
        assert ticket.returncode == 0, ticket.stderr
        assert ticket.stdout.startswith("A001")
        press = {"v": 1, "id": f"b-{site}-1", "action": "next", "ts": payloads.now_ts()}
        at_site.publish(topics.counter_request("2"), press)
        at_site.wait_for(topics.ack("screen-1"), lambda m: m.json()["event"] == "shown", 15)

        # …and the site's messages of that time, numbered, queue at the site's broker.
        sent = []
        deadline = time.monotonic() + CUT_S
        while time.monotonic() < deadline or len(sent) < 1500:  # past mosquitto's 1,000
            message_id = f"m-{len(sent):05d}"
            at_site.publish(f"callboard/{site}/record/test", {"v": 1, "id": message_id})
            sent.append(message_id)
            time.sleep(0.003)

        back = PrivateBroker(port=central.port, extra_config=CENTRAL).start()  # the WAN is back
        at_centre = Peer(back.host, back.port)
        try:
            at_centre.subscribe(f"callboard/{site}/#")
            topic = f"callboard/{site}/record/test"
            try:
                at_centre.wait_for(topic, lambda m: m.json()["id"] == sent[-1], timeout=90)
            except AssertionError:
                print(lobby.log()[-1500:], "CENTRAL", back.log()[-1500:])  # why, if it fails
                raise
            time.sleep(1.0)
            got = Counter(m.json()["id"] for m in at_centre.on(topic))
            twice = sorted(i for i, n in got.items() if n > 1)
            print(f"{len(sent)} sent during a cut of {CUT_S:g} s; duplicates: {len(twice)}")
            assert set(got) == set(sent)  # none lost; the collector drops any duplicate by id
            assert at_centre.on(topics.call) and at_centre.on(topics.ack("screen-1"))
        finally:
            at_centre.close()
            back.cleanup()
        assert daemon.alive and "Traceback" not in daemon.log()
    finally:
        at_site.close()
