"""``callboard run`` as a lobby runs it: a real process, a real broker, real frames."""

from __future__ import annotations

import os
import signal
import time
from datetime import datetime

import pygame

from callboard.demo.broker import free_port
from config import EXAMPLE, load_config
from config.theme import BUILT_IN as THEMES
from display.board_view import BoardPainter, Frame
from display.fonts import find_fonts
from display.layout import board_layout
from display.text import TextCache
from lobby.board import BoardState
from lobby.contract import parse_call, parse_ts
from mqtt_client import Topics
from tests import payloads
from tests.conftest import (
    TICKET_ALPHABET,
    DaemonProcess,
    Peer,
    Received,
    config_text,
    ocr_line,
    run_cli,
    wait_until,
)
from tests.payloads import dumps

SIZE = (1280, 720)  # the dummy driver opens a window of the default size


def expected_rects(ticket: str, counter: str) -> BoardPainter:
    """Where the board puts a lone call: the same layout code, painted off-screen."""
    state = BoardState()
    state.apply_call(parse_call(dumps(payloads.call(ticket, counter, "x"))), now=0.0)
    painter = BoardPainter(load_config(EXAMPLE), TextCache(find_fonts()), SIZE)
    painter.paint(pygame.Surface(SIZE), Frame(state, 100.0, datetime.now().astimezone()))
    return painter


def screenshot(daemon: DaemonProcess, workdir) -> pygame.Surface:
    path = workdir / "callboard-screen.png"
    path.unlink(missing_ok=True)
    daemon.signal(signal.SIGUSR1)
    assert wait_until(path.exists, 10), daemon.log()
    return pygame.image.load(str(path))


def is_shown(message: Received) -> bool:
    return bool(message.json()["event"] == "shown")


def started(start_daemon, peer: Peer, site: str, device: str = "screen-1") -> DaemonProcess:
    topics = Topics("callboard", site)
    peer.subscribe(topics.status(device))
    peer.subscribe(topics.ack(device))
    daemon = start_daemon(device)
    peer.wait_for(topics.status(device), lambda m: m.json()["state"] == "online", timeout=20)
    return daemon


def test_a_published_call_is_shown_on_the_board_and_acknowledged(
    start_daemon, peer: Peer, site: str, tmp_path
) -> None:
    topics = Topics("callboard", site)
    daemon = started(start_daemon, peer, site)
    sent = time.time()
    peer.publish(topics.call, payloads.call("A023", "3", "c-000123"))
    (ack,) = peer.wait_for(topics.ack("screen-1"), is_shown, timeout=10)
    body = ack.json()
    assert body["call_id"] == "c-000123" and body["event"] == "shown" and body["v"] == 1
    assert len(body["ts"].split(".")[1]) == len("161+08:00")  # milliseconds and an offset
    assert sent - 0.5 <= parse_ts(body["ts"]).timestamp() <= ack.at + 0.5

    image = screenshot(daemon, tmp_path / "screen-1")
    where = expected_rects("A023", "3")
    hero_ticket = next(r for t, r in where.drawn["hero"] if t == "A023")
    assert ocr_line(image, hero_ticket, TICKET_ALPHABET) == "A023"
    assert "Traceback" not in daemon.log()


def test_junk_on_every_topic_never_shows_and_a_thrice_delivered_call_shows_once(
    start_daemon, peer: Peer, site: str, tmp_path
) -> None:
    topics = Topics("callboard", site)
    daemon = started(start_daemon, peer, site)
    topic_of = {"call": topics.call, "board": topics.board, "notice": topics.notice}
    bad = payloads.every_bad_payload() * 3
    for kind, _why, raw in bad:
        peer.publish(topic_of[kind], raw)
    for _ in range(3):
        peer.publish(topics.call, payloads.call("C105", "4", "c-only-once"))
    peer.wait_for(topics.ack("screen-1"), is_shown, timeout=10)
    time.sleep(1.0)  # room for a wrong second ack to arrive
    shown = [m.json()["call_id"] for m in peer.on(topics.ack("screen-1")) if is_shown(m)]
    assert shown == ["c-only-once"]
    assert daemon.alive

    status = peer.wait_for(
        topics.status("screen-1"), lambda m: m.json().get("rejected") == len(bad), timeout=15
    )
    assert status[-1].json()["state"] == "online"

    image = screenshot(daemon, tmp_path / "screen-1")
    where = expected_rects("C105", "4")
    hero_ticket = next(r for t, r in where.drawn["hero"] if t == "C105")
    assert ocr_line(image, hero_ticket, TICKET_ALPHABET) == "C105"
    # The recent list is empty: nothing bogus, and the call not listed twice.
    panel = where.layout.recent.inflate(-40, -40)
    rows = pygame.Rect(
        panel.left, panel.top + panel.height // 6, panel.width, panel.height * 5 // 6
    )
    colours = {
        image.get_at((x, y))[:3]
        for x in range(rows.left, rows.right, 8)
        for y in range(rows.top, rows.bottom, 8)
    }
    assert colours == {THEMES["default"].colours.panel_bg}
    log = daemon.log()
    assert "Traceback" not in log and "refused a message on" in log


def test_sigterm_says_offline_and_exits_cleanly(start_daemon, peer: Peer, site: str) -> None:
    topics = Topics("callboard", site)
    daemon = started(start_daemon, peer, site)
    assert daemon.stop() == 0
    peer.wait_for(topics.status("screen-1"), lambda m: m.json()["state"] == "offline", timeout=5)


def test_the_last_will_says_offline_when_the_daemon_dies(
    start_daemon, peer: Peer, site: str
) -> None:
    topics = Topics("callboard", site)
    daemon = started(start_daemon, peer, site)
    daemon.signal(signal.SIGKILL)
    daemon.process.wait(5)
    # mosquitto sends the will after 1.5 keepalives at most (45 s); a closed socket is faster.
    peer.wait_for(topics.status("screen-1"), lambda m: m.json()["state"] == "offline", timeout=60)


def test_without_a_broker_the_board_still_comes_up_with_a_polite_badge(
    start_daemon, tmp_path
) -> None:
    daemon = start_daemon("lonely", port=free_port())  # nothing listens there
    assert wait_until(lambda: "screen open" in daemon.log(), 20), daemon.log()
    footer_right = pygame.Rect(SIZE[0] * 0.8, SIZE[1] * 0.9, SIZE[0] * 0.18, SIZE[1] * 0.08)

    def badge_shown() -> bool:  # after a grace of 3 s (tests/screen/test_loop.py times it)
        image = screenshot(daemon, tmp_path / "lonely")
        colours = {
            image.get_at((x, y))[:3]
            for x in range(footer_right.left, footer_right.right, 6)
            for y in range(footer_right.top, footer_right.bottom, 6)
        }
        return THEMES["default"].colours.badge_bg in colours

    assert wait_until(badge_shown, 15, step=0.5)
    assert daemon.alive
    assert "Traceback" not in daemon.log()
    assert daemon.stop() == 0


def test_a_screen_that_cannot_open_is_one_clear_line(tmp_path, site, broker) -> None:
    path = tmp_path / "c.toml"
    path.write_text(config_text(site, broker.port))
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["SDL_VIDEODRIVER"] = "kmsdrm"  # no DRM device on a test machine: a Pi with no HDMI
    result = run_cli("run", "--config", str(path), env=env)
    assert result.returncode == 1
    assert "the screen could not be opened" in result.stderr
    assert "video and render groups" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_burst_of_calls_is_all_drawn_and_each_acknowledged_once(
    start_daemon, peer: Peer, site: str
) -> None:
    topics = Topics("callboard", site)
    started(start_daemon, peer, site)
    ids = [f"burst-{i:03d}" for i in range(60)]
    for i, call_id in enumerate(ids):
        peer.client.publish(
            topics.call, dumps(payloads.call(f"A{i:03d}", str(1 + i % 6), call_id)), qos=1
        )
    acks = peer.wait_for(topics.ack("screen-1"), is_shown, count=len(ids), timeout=30)
    time.sleep(0.5)
    acked = [m.json()["call_id"] for m in peer.on(topics.ack("screen-1")) if is_shown(m)]
    assert sorted(acked) == ids  # every call, once
    assert len(acks) == len(ids)


def test_200_calls_in_10_seconds_are_all_drawn_with_no_growing_backlog(
    start_daemon, peer: Peer, site: str
) -> None:
    topics = Topics("callboard", site)
    started(start_daemon, peer, site)
    sent: dict[str, float] = {}
    for i in range(200):
        call_id = f"pace-{i:03d}"
        sent[call_id] = time.time()
        peer.client.publish(
            topics.call, dumps(payloads.call(f"A{i:03d}", str(1 + i % 6), call_id)), qos=1
        )
        time.sleep(0.05)
    acks = peer.wait_for(topics.ack("screen-1"), is_shown, count=200, timeout=30)
    delay = {a.json()["call_id"]: parse_ts(a.json()["ts"]).timestamp() for a in acks}
    assert sorted(delay) == sorted(sent)
    lag = [delay[i] - sent[i] for i in sorted(sent)]
    first, last = sorted(lag[:50])[25], sorted(lag[-50:])[25]
    assert last < max(0.25, 3 * first), f"backlog grew: median lag {first:.3f} s -> {last:.3f} s"


def test_a_retained_branch_notice_scrolls_until_it_is_cleared(
    start_daemon, peer: Peer, site: str, tmp_path
) -> None:
    topics = Topics("callboard", site)
    colours = THEMES["default"].colours
    band = board_layout(*SIZE, THEMES["default"].proportions, marquee=True).marquee
    assert band is not None
    spot = (band.centerx, band.top + 2)  # above the scrolling glyphs

    def band_shows(expected: bool) -> bool:
        image = screenshot(daemon, tmp_path / "screen-1")
        return (image.get_at(spot)[:3] == colours.marquee_bg) == expected

    peer.publish(topics.branch_notice, dumps(payloads.notice()), retain=True)
    try:
        daemon = started(start_daemon, peer, site)
        assert wait_until(lambda: band_shows(True), 10)
        peer.publish(topics.notice, b'{"v":1}')  # the site has nothing: the branch's stays
        time.sleep(0.3)
        assert band_shows(True)
        peer.publish(topics.branch_notice, b'{"v":1}', retain=True)
        assert wait_until(lambda: band_shows(False), 10)
    finally:
        peer.publish(topics.branch_notice, b"", retain=True)
