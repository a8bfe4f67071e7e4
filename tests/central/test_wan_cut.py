"""A lobby cut off from the centre, end to end: the real screen with its embedded engine on
the site's own mosquitto, bridged by ``callboard bridge-config``'s section through a WAN that
the test cuts (tests.brokers.WanLink: the line goes dead, the central broker and the
collector beside it stay up), and ``callboard collect`` writing to PostgreSQL. During the cut
the lobby takes, calls, serves and skips tickets and gets a rating; after it every record of
that time is in the central database once, even with the collector killed mid-catch-up."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from callboard.demo.broker import PrivateBroker, free_port
from callboard.demo.postgres import PrivatePostgres
from lobby.contract import FinishedTicket
from mqtt_client import Topics
from tests import payloads
from tests.brokers import WanLink, bridged_site
from tests.central.conftest import Centre
from tests.central.test_collector import database
from tests.conftest import Peer, config_text, wait_until

CUT_S = float(os.environ.get("CALLBOARD_WAN_CUT_S", "8"))  # the long form: 300 (5 minutes)
BACKLOG = int(os.environ.get("CALLBOARD_WAN_BACKLOG", "1500"))  # other records of the cut
# The centre queues for the collector what a site sends when its link is back (README).
CENTRAL = "max_queued_messages 200000\n"


class Lobby:
    """The counters and the customers of the test's site, and what its screen acknowledged."""

    def __init__(self, peer: Peer, topics: Topics) -> None:
        self.peer, self.t = peer, topics
        self.rounds = 0

    def visit(self, finish: str, rated: bool) -> None:
        """A customer takes a ticket, counter 2 calls it (the screen shows it), then
        ``finish``es it (done or skip); a served customer may rate the service."""
        self.rounds += 1
        n = self.rounds
        request = {"v": 1, "id": f"k-{n}", "service": "general", "ts": payloads.now_ts()}
        self.peer.publish(self.t.ticket_request, {**request, "lang": "en"})
        (issued,) = self.peer.wait_for(
            self.t.ticket_issued, lambda m: m.json()["request_id"] == f"k-{n}", 30
        )
        ticket = issued.json()["ticket"]
        self.press("next", f"b-{n}-call")
        (call,) = self.peer.wait_for(self.t.call, lambda m: m.json()["ticket"] == ticket, 15)
        call_id = call.json()["id"]
        self.peer.wait_for(  # on the TV, WAN or not
            self.t.ack("screen-1"),
            lambda m: m.json()["call_id"] == call_id and m.json()["event"] == "shown",
            15,
        )
        self.press(finish, f"b-{n}-{finish}")
        self.peer.wait_for(self.t.record, lambda m: m.json()["ticket"] == ticket, 15)
        if rated:
            rating = {"v": 1, "id": f"r-{n}", "ticket": ticket, "score": 3, "scale": 3}
            self.peer.publish(self.t.counter_rating("2"), {**rating, "ts": payloads.now_ts()})
            self.peer.wait_for(
                self.t.record, lambda m: m.json()["ticket"] == ticket and m.json()["rev"] == 2, 15
            )

    def press(self, action: str, request_id: str) -> None:
        body = {"v": 1, "id": request_id, "action": action, "ts": payloads.now_ts()}
        self.peer.publish(self.t.counter_request("2"), body)

    def records(self) -> dict[str, int]:
        """Every record the site's engine (and the backlog) sent: id -> its highest rev."""
        found: dict[str, int] = {}
        for message in self.peer.on(self.t.record):
            body = message.json()
            found[body["id"]] = max(found.get(body["id"], 0), body["rev"])
        return found


def backlog_record(site: str, n: int) -> bytes:
    """A record of the site's busy hours (a second engine's): the catch-up has to carry
    enough that the collector can be killed in the middle of it."""
    now = datetime.now().astimezone()
    issued = now - timedelta(minutes=20)
    return FinishedTicket(
        id=f"r-backlog-{now.date()}-B{n:04d}",
        rev=1,
        ticket=f"B{n % 1000:03d}",
        day=now.date(),
        service="general",
        first_service="general",
        outcome="served",
        counter="5",
        issued_at=issued,
        called_at=issued + timedelta(minutes=15),
        done_at=now,
        waited_s=900,
        ts=now,
        served_at=issued + timedelta(minutes=15),
        served_s=300,
    ).payload()


@pytest.mark.slow
def test_records_of_a_wan_cut_reach_the_central_database_once_the_collector_killed_meanwhile(
    tmp_path: Path, site: str, postgres: PrivatePostgres, start_daemon
) -> None:
    central = PrivateBroker(extra_config=CENTRAL).start()
    wan = WanLink(central.host, central.port)
    port = free_port()
    site_config = tmp_path / "callboard.toml"
    site_config.write_text(config_text(site, port), encoding="utf-8")
    lobby_broker = bridged_site(site_config, port, wan)
    (tmp_path / "centre").mkdir()
    centre = Centre(
        tmp_path / "centre", "callboard", central, database("postgresql", tmp_path, postgres)
    )
    at_centre = Peer(central.host, central.port)
    at_site = Peer(lobby_broker.host, lobby_broker.port)
    t = Topics("callboard", site)
    queue_db = tmp_path / "queue.sqlite3"
    try:
        collector = centre.start()
        centre.ready(at_centre)
        daemon = start_daemon(
            port=lobby_broker.port,
            edit=lambda text: text.replace(
                "embedded = false", f'embedded = true\ndb = "{queue_db}"'
            ),
        )
        for topic in (t.ticket_issued, t.call, t.ack("screen-1"), t.record, t.status("screen-1")):
            at_site.subscribe(topic)
        at_site.wait_for(t.status("screen-1"), lambda m: m.json()["state"] == "online", 30)
        lobby = Lobby(at_site, t)
        lobby.visit("done", rated=False)  # before the cut: the path works end to end
        assert wait_until(lambda: len(centre.ids()) == 1, 30), centre.log.read_text()

        wan.cut()
        cut_at = time.monotonic()
        sent = [
            at_site.client.publish(t.record, backlog_record(site, n), qos=1) for n in range(BACKLOG)
        ]
        for message in sent:
            message.wait_for_publish(10)
        while lobby.rounds < 7 or time.monotonic() - cut_at < CUT_S:
            skip = lobby.rounds % 4 == 3
            lobby.visit("skip" if skip else "done", rated=not skip and lobby.rounds % 2 == 1)
        cut_s = time.monotonic() - cut_at
        assert len(centre.ids()) == 1  # nothing crossed the dead line

        wan.restore()
        expected = lobby.records()
        assert wait_until(lambda: len(centre.ids()) > 1, 60, step=0.01), centre.log.read_text()
        collector.kill()  # kill -9 in the middle of the catch-up
        stored_at_kill = len(centre.ids())
        time.sleep(1.0)
        centre.start()
        assert wait_until(lambda: len(centre.ids()) >= len(expected), 90), (
            len(centre.ids()),
            len(expected),
        )
        time.sleep(1.0)  # room for a doubled or a late row to show
        rows = centre.ids()
        stored = {record_id: rev for _site, record_id, rev in rows}
        print(
            f"cut {cut_s:.0f} s: {lobby.rounds - 1} visits and {BACKLOG} other records; "
            f"{stored_at_kill} of {len(expected)} rows stored when the collector was killed"
        )
        assert len(rows) == len(stored) == len(expected)  # once each
        assert {site_id for site_id, _, _ in rows} == {site}
        assert {i: stored[i] for i in expected} == expected  # each at its highest rev
        assert sum(1 for rev in expected.values() if rev == 2) >= 2  # the ratings came too
        assert stored_at_kill < len(expected)  # the kill was in the middle of the catch-up
        assert daemon.alive and "Traceback" not in daemon.log()
    finally:
        at_site.close()
        at_centre.close()
        centre.close()
        wan.close()
        lobby_broker.cleanup()
        central.cleanup()
