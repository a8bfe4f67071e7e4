"""What a lobby network throws at the daemon: systemd's watchdog, a broker that dies and
comes back, fuzz on every inbound topic."""

from __future__ import annotations

import json
import os
import random
import socket
import struct
import threading
import time
from datetime import datetime
from pathlib import Path

import pygame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callboard.demo.broker import PrivateBroker
from config import EXAMPLE, load_config
from display.board_view import BoardPainter, Frame
from display.fonts import find_fonts
from display.text import TextCache
from lobby.board import BoardState
from lobby.contract import (
    parse_board,
    parse_call,
    parse_counter_request,
    parse_counter_state,
    parse_notice,
    parse_ticket_request,
)
from lobby.errors import ContractError
from mqtt_client import Topics
from tests import payloads
from tests.conftest import Peer, wait_until
from tests.payloads import dumps


def test_the_daemon_tells_systemd_it_is_ready_alive_and_stopping(start_daemon, tmp_path) -> None:
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(0.2)
    heard: list[str] = []

    def listen(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                heard.extend(sock.recv(4096).decode().split("\n"))
            except TimeoutError:
                continue

    stop = threading.Event()
    listener = threading.Thread(target=listen, args=(stop,), daemon=True)
    listener.start()
    daemon = start_daemon(env={"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "1000000"})
    try:
        assert wait_until(lambda: heard.count("WATCHDOG=1") >= 4, 20), heard
        assert "READY=1" in heard and heard.index("READY=1") < heard.index("WATCHDOG=1")
        assert daemon.stop() == 0
        assert wait_until(lambda: "STOPPING=1" in heard, 5)
    finally:
        stop.set()
        listener.join(2)
        sock.close()


PARSERS = {
    "call": parse_call,
    "board": parse_board,
    "notice": parse_notice,
    "state": parse_counter_state,
    "ticket": parse_ticket_request,
    "counter": lambda raw: parse_counter_request(raw, "2"),
}
KEYS = [
    "v",
    "id",
    "ticket",
    "counter",
    "service",
    "kind",
    "ts",
    "seq",
    "calls",
    "waiting",
    "marquee",
    "pages",
    "title",
    "lines",
    "action",
    "to_service",
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=12,
)
objects = st.tuples(
    st.sampled_from([True, True, True, True, False]),  # mostly claiming v1, as a peer would
    st.dictionaries(st.sampled_from(KEYS), json_values, max_size=9),
).map(lambda pair: {"v": 1, **pair[1]} if pair[0] else pair[1])


# 3,000 examples in CI (about 25 s); CALLBOARD_FUZZ_EXAMPLES=100000 for a long night.
FUZZ_EXAMPLES = int(os.environ.get("CALLBOARD_FUZZ_EXAMPLES", "3000"))


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    kind=st.sampled_from(sorted(PARSERS)),
    body=objects | st.binary(max_size=64),
    cut=st.integers(min_value=0, max_value=200),
)
def test_fuzz_every_topic_refuses_cleanly_or_accepts_a_valid_message(kind, body, cut) -> None:
    raw = body if isinstance(body, bytes) else dumps(body)
    for candidate in (raw, raw[:cut]):  # whole, and truncated
        try:
            PARSERS[kind](candidate)
        except ContractError:
            continue  # refused with a reason: the only failure allowed


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_thousands_of_bad_payloads_show_nothing_and_memory_stays_flat(
    start_daemon, peer: Peer, site: str
) -> None:
    t = Topics("callboard", site)
    peer.subscribe(t.ack("screen-1"))
    peer.subscribe(t.status("screen-1"))
    daemon = start_daemon()
    peer.wait_for(t.status("screen-1"), lambda m: m.json()["state"] == "online", timeout=20)
    rng = random.Random(7)
    topics = [t.call, t.board, t.notice, t.counter_state("2"), t.branch_notice]
    good = dumps(payloads.call())

    def junk() -> bytes:
        choice = rng.random()
        if choice < 0.3:
            return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300)))
        if choice < 0.6:
            return good[: rng.randint(0, len(good) - 1)]  # truncated
        body = json.loads(good)
        body[rng.choice(list(body))] = rng.choice([None, -1, [], {}, "x" * 300, 1.5])  # all bad
        return dumps(body)

    def blast(count: int) -> None:
        for _ in range(count):
            peer.client.publish(rng.choice(topics), junk(), qos=0)
        time.sleep(1.0)

    blast(1000)  # warm up: caches, allocator
    before = rss_kb(daemon.process.pid)
    blast(4000)
    after = rss_kb(daemon.process.pid)
    assert daemon.alive
    assert after < before * 1.05 + 1024, (before, after)  # flat: within 5 % (+1 MB slack)
    assert peer.on(t.ack("screen-1")) == []  # nothing bogus ever reached the screen
    assert "Traceback" not in daemon.log()


def test_calls_survive_a_broker_that_dies_and_comes_back(start_daemon, site: str) -> None:
    t = Topics("callboard", site)
    with PrivateBroker() as own:
        daemon = start_daemon("resilient", port=own.port)
        peer = Peer(own.host, own.port)
        peer.subscribe(t.ack("resilient"))
        peer.subscribe(t.status("resilient"))
        sent: list[str] = []
        try:
            for restart in range(3):
                peer.wait_for(
                    t.status("resilient"),
                    lambda m: m.json()["state"] == "online",
                    timeout=40,
                )
                for i in range(20):
                    call_id = f"r{restart}-{i}"
                    peer.publish(t.call, payloads.call(f"A{restart}{i:02d}", "2", call_id))
                    sent.append(call_id)
                    time.sleep(0.02)
                peer.wait_for(
                    t.ack("resilient"),
                    lambda m, r=restart: (
                        m.json()["event"] == "shown" and m.json()["call_id"].startswith(f"r{r}-")
                    ),
                    count=20,  # this round's calls, each shown
                    timeout=10,
                )
                own.stop()
                time.sleep(0.5)
                own.start()
                peer.close()
                peer = Peer(own.host, own.port)
                peer.subscribe(t.ack("resilient"))
                peer.subscribe(t.status("resilient"))
                # As a real engine does after its broker restarts: the retained board again.
                board = payloads.board(
                    100 + restart,
                    [
                        {
                            "id": sent[-1],
                            "ticket": f"A{restart}19",
                            "counter": "2",
                            "service": "general",
                            "ts": payloads.TS,
                        }
                    ],
                )
                peer.publish(t.board, board, retain=True)
            assert daemon.alive and "Traceback" not in daemon.log()
            assert wait_until(lambda: daemon.log().count("board resynced") >= 3, 20)
            log = daemon.log()
            for call_id in sent:
                assert log.count(f"call {call_id}:") == 1, call_id  # shown exactly once
            resyncs = [
                float(line.split(") ")[1].split(" s ")[0])
                for line in log.splitlines()
                if "board resynced" in line
            ]
            assert len(resyncs) >= 3 and max(resyncs) < 2.0, resyncs
        finally:
            peer.close()
            daemon.stop()


def test_a_killed_daemon_comes_back_with_its_board_and_its_engine_lost_nothing(
    start_daemon, peer: Peer, site: str, tmp_path
) -> None:
    import signal as signals

    from tests.conftest import DaemonProcess
    from tests.screen.test_daemon import expected_rects, screenshot

    t = Topics("callboard", site)
    peer.subscribe(t.ticket_issued)
    peer.subscribe(t.status("screen-1-queue"))
    db = tmp_path / "kill.sqlite3"

    def embedded(text: str) -> str:
        return text.replace("embedded = false", f'embedded = true\ndb = "{db}"')

    daemon = start_daemon(edit=embedded)
    peer.wait_for(t.status("screen-1-queue"), lambda m: m.json()["state"] == "online", timeout=20)
    ts = "2026-11-25T10:00:00+08:00"
    for i in range(3):
        peer.publish(t.ticket_request, {"v": 1, "id": f"k-{i}", "service": "general", "ts": ts})
    peer.wait_for(t.ticket_issued, count=3)
    peer.subscribe(t.call)
    peer.publish(t.counter_request("3"), {"v": 1, "id": "b-1", "action": "next", "ts": ts})
    peer.wait_for(t.call)  # committed and sent: the engine's part is done
    daemon.signal(signals.SIGKILL)
    daemon.process.wait(5)
    again = DaemonProcess(tmp_path / "screen-1" / "callboard.toml", tmp_path / "screen-1")
    try:
        peer.wait_for(
            t.status("screen-1-queue"), lambda m: m.json()["state"] == "online", count=2, timeout=30
        )
        # The board is back from the retained state: its hero is, pixel for pixel, the hero
        # of a board showing A001 at counter 3 (tesseract reads this font's 0 as O).
        hero = expected_rects("A001", "3").layout.hero
        painter = BoardPainter(load_config(EXAMPLE), TextCache(find_fonts()), (1280, 720))
        expected = pygame.Surface((1280, 720))
        state = BoardState()
        listed = [{"id": "x", "ticket": "A001", "counter": "3", "service": "general", "ts": ts}]
        state.apply_snapshot(parse_board(dumps(payloads.board(1, listed))))
        painter.paint(expected, Frame(state, 0.0, datetime.now().astimezone()))
        spots = [
            (x, y) for x in range(hero.left, hero.right, 4) for y in range(hero.top, hero.bottom, 4)
        ]

        def hero_matches() -> bool:
            image = screenshot(again, tmp_path / "screen-1")
            same = sum(image.get_at(spot) == expected.get_at(spot) for spot in spots)
            return same / len(spots) > 0.99

        assert wait_until(hero_matches, 15, step=0.5)
        peer.publish(t.ticket_request, {"v": 1, "id": "k-9", "service": "general", "ts": ts})
        issued = peer.wait_for(t.ticket_issued, count=4)[3].json()
        assert issued["ticket"] == "A004" and issued["waiting_before"] == 2  # nothing lost
    finally:
        again.stop()


def test_a_broken_font_leaves_a_board_of_numbers_and_a_reported_fault(
    start_daemon, peer: Peer, site: str, tmp_path
) -> None:
    broken = tmp_path / "broken.ttf"
    # A font's header and table directory, so the config takes it; FreeType cannot load it.
    header = struct.pack(">4sHHHH4sIII", b"\0\1\0\0", 1, 16, 0, 0, b"glyf", 0, 28, 16)
    broken.write_bytes(header + bytes(16))
    t = Topics("callboard", site)
    peer.subscribe(t.status("screen-1"))
    peer.subscribe(t.ack("screen-1"))
    daemon = start_daemon(extra_display=f'font = "{broken}"')
    status = peer.wait_for(
        t.status("screen-1"), lambda m: m.json()["state"] == "online", timeout=20
    )
    assert status[0].json()["fonts"] == "fault"
    peer.publish(t.call, payloads.call("A023", "3", "c-latin"))
    ack = peer.wait_for(t.ack("screen-1"), lambda m: m.json()["event"] == "shown", timeout=10)
    assert ack[0].json()["call_id"] == "c-latin"
    log = daemon.log()
    assert "showing the board with pygame's own Latin font" in log and "Traceback" not in log
