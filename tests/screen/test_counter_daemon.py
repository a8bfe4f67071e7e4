"""A counter's screen as a branch runs it: ``callboard run`` with ``layout = "counter"``
against a real mosquitto and the real queue engine, read off its frames by tesseract."""

from __future__ import annotations

import re
import signal
import time
from datetime import datetime
from pathlib import Path

import pygame

from config import load_config
from display.counter_view import CounterPainter
from display.fonts import find_fonts
from display.regions import Frame
from display.text import TextCache
from lobby.board import BoardState
from lobby.counter_page import CLOSED, SERVING, CounterLook
from mqtt_client import Topics
from tests import payloads
from tests.conftest import DaemonProcess, Peer, ocr_line, readings, wait_until
from tests.engine.test_service import TS, Running, engine_config

SIZE = (800, 480)


def counter_screen(text: str) -> str:
    """The example, as the screen above counter 3 (the Pi's touch display), silent."""
    screen = 'width = 800\nheight = 480\nlayout = "counter"\ncounter = "3"'
    text = text.replace("width = 0\nheight = 0", screen)
    return re.sub(r"^enabled = true", "enabled = false", text, count=1, flags=re.M)


def frame(daemon: DaemonProcess, workdir: Path) -> pygame.Surface:
    path = workdir / "callboard-screen.png"
    path.unlink(missing_ok=True)
    daemon.signal(signal.SIGUSR1)
    assert wait_until(path.exists, 10), daemon.log()
    return pygame.image.load(str(path))


def where(config_path: Path, look: CounterLook, line: str) -> pygame.Rect:
    """Where the page puts ``line`` for ``look``: the same code, painted off-screen."""
    config = load_config(config_path)
    painter = CounterPainter(config, TextCache(find_fonts()), SIZE)
    wall = datetime.now().astimezone()
    painter.paint(pygame.Surface(SIZE), Frame(BoardState(), 0.0, wall, counter=look))
    return next(rect for text, rect in painter.drawn["counter_body"] if text == line)


def test_counter_3s_screen_shows_its_call_and_its_pause_and_not_counter_2s(
    start_daemon, peer: Peer, site: str, broker, tmp_path: Path
) -> None:
    topics = Topics("callboard", site)
    engine = Running(engine_config(tmp_path, site, broker.port, device="queue-1"))
    try:
        assert engine.engine.ready.wait(15)
        peer.subscribe(topics.status("counter-3"))
        peer.subscribe(topics.ack("counter-3"))
        peer.subscribe(topics.call)
        daemon = start_daemon("counter-3", edit=counter_screen)
        peer.wait_for(topics.status("counter-3"), lambda m: m.json()["state"] == "online", 20)
        workdir = tmp_path / "counter-3"
        for i in range(2):
            body = {"v": 1, "id": f"k-{i}", "service": "general", "ts": TS}
            peer.publish(topics.ticket_request, body)

        def press(counter: str, action: str, request_id: str, **more: str) -> None:
            body = {"v": 1, "id": request_id, "action": action, "ts": TS, **more}
            peer.publish(topics.counter_request(counter), body)

        press("3", "next", "p-1")
        (ack,) = peer.wait_for(topics.ack("counter-3"), timeout=10)
        assert ack.json()["event"] == "shown"
        image = frame(daemon, workdir)
        config_path = workdir / "callboard.toml"
        ticket = where(config_path, CounterLook(SERVING, "A001", "general"), "A001")
        assert "A001" in readings(image, ticket, "A001")  # flashing: dark on amber

        press("2", "next", "p-2")  # A002 goes to counter 2: not this screen's business
        peer.wait_for(topics.call, lambda m: m.json()["ticket"] == "A002", timeout=10)
        time.sleep(0.5)  # room for a wrong repaint
        image = frame(daemon, workdir)
        assert "A001" in readings(image, ticket, "A001")

        press("3", "pause", "p-3", reason="Lunch break")
        assert wait_until(lambda: "paused (Lunch break)" in daemon.log(), 10), daemon.log()
        image = frame(daemon, workdir)
        look = CounterLook(CLOSED, reason="Lunch break")
        assert ocr_line(image, where(config_path, look, "Lunch break")) == "Lunch break"
        assert ocr_line(image, where(config_path, look, "Closed")) == "Closed"
        acks = [m.json()["call_id"] for m in peer.on(topics.ack("counter-3"))]
        assert len(acks) == 1  # counter 2's call was neither shown nor acknowledged here
        assert "Traceback" not in daemon.log() and "spoken" not in daemon.log()
    finally:
        engine.stop()


def test_a_counter_screen_with_the_quiet_chime_rings_for_its_own_calls_only(
    start_daemon, peer: Peer, site: str, tmp_path: Path
) -> None:
    """README's quiet chime at the counter: `[audio] enabled`, no languages, a low volume.
    Counter 3's call rings once (the chime alone, heard on SDL's disk output) and is
    acknowledged spoken; counter 2's call neither rings nor is acknowledged here."""
    from audio.pcm import RATE

    topics = Topics("callboard", site)
    peer.subscribe(topics.ack("counter-3"))
    peer.subscribe(topics.status("counter-3"))
    sound = tmp_path / "counter-3" / "speaker.raw"

    def chime_only(text: str) -> str:
        text = counter_screen(text).replace("enabled = false", "enabled = true", 1)
        text = text.replace('languages = ["zh", "en"]    # spoken', "languages = []  # spoken", 1)
        return text.replace("volume = 0.8 ", "volume = 0.3 ", 1)

    daemon = start_daemon(
        "counter-3",
        env={"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(sound)},
        edit=chime_only,
    )
    peer.wait_for(topics.status("counter-3"), lambda m: m.json()["state"] == "online", 20)
    peer.publish(topics.call, payloads.call("A002", "2", "c-two"))
    peer.publish(topics.call, payloads.call("A001", "3", "c-three"))
    spoken = peer.wait_for(topics.ack("counter-3"), lambda m: m.json()["event"] == "spoken", 15)
    assert [m.json()["call_id"] for m in spoken if m.json()["event"] == "spoken"] == ["c-three"]
    time.sleep(5.0)  # words after a chime would be playing by now (the ack comes at its start)
    acked = {m.json()["call_id"] for m in peer.on(topics.ack("counter-3"))}
    assert acked == {"c-three"}, acked  # counter 2's call is not this screen's
    raw = sound.read_bytes()
    loud = [
        i
        for i in range(0, len(raw) - 441 * 2, 441 * 2)  # 20 ms windows, 16-bit mono at 22050 Hz
        if max(abs(v) for v in memoryview(raw[i : i + 441 * 2]).cast("h")) > 300
    ]
    heard_s = len(loud) * 441 / RATE
    assert 0.2 < heard_s < 1.2, heard_s  # the chime once (about 0.55 s), no words after it
    assert daemon.alive and "Traceback" not in daemon.log()
