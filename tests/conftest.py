"""Fixtures with real parts: Debian's mosquitto on a free loopback port, pygame's dummy
video driver rendering real frames, tesseract reading what a person would read off them."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import paho.mqtt.client as mqtt
import pygame
import pytest
from hypothesis import Phase, settings
from paho.mqtt.enums import CallbackAPIVersion

from callboard.demo.broker import PrivateBroker
from config import EXAMPLE, Config, load_config

ROOT = Path(__file__).resolve().parents[1]

# scripts/mutation.sh runs tests/lobby once per mutant: fewer examples each time, derandomized
# so that a mutant is killed or not the same way every run.
settings.register_profile(
    "mutation",
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a kill needs no tidy example
)
settings.load_profile(os.environ.get("CALLBOARD_HYPOTHESIS", "default"))


@pytest.fixture(scope="session")
def broker() -> Iterator[PrivateBroker]:
    """One real mosquitto for the session; tests keep apart by using their own site ids."""
    with PrivateBroker() as running:
        yield running


@dataclasses.dataclass
class Received:
    topic: str
    payload: bytes
    retain: bool
    at: float

    def json(self) -> Any:
        return json.loads(self.payload)


class Peer:
    """A plain MQTT client standing in for the queue engine, a monitor or a tester."""

    def __init__(self, host: str, port: int) -> None:
        self.messages: list[Received] = []
        self._lock = threading.Condition()
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=f"test-peer-{uuid.uuid4().hex[:8]}",
        )
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self._subscribed: set[int] = set()
        self.client.connect(host, port)
        self.client.loop_start()

    def _on_subscribe(self, _c: Any, _u: Any, mid: int, _codes: Any, _p: Any) -> None:
        with self._lock:
            self._subscribed.add(mid)
            self._lock.notify_all()

    def _on_message(self, _c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        with self._lock:
            self.messages.append(
                Received(message.topic, message.payload, bool(message.retain), time.time())
            )
            self._lock.notify_all()

    def subscribe(self, topic: str, timeout: float = 5.0) -> None:
        """Subscribe and wait for the broker's SUBACK: what is published next reaches us."""
        result, mid = self.client.subscribe(topic, qos=1)
        assert result == mqtt.MQTT_ERR_SUCCESS
        with self._lock:
            assert self._lock.wait_for(lambda: mid in self._subscribed, timeout), topic

    def publish(
        self, topic: str, payload: bytes | str | dict[str, Any], retain: bool = False
    ) -> None:
        if isinstance(payload, dict):
            payload = json.dumps(payload)
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(5)

    def on(self, topic: str) -> list[Received]:
        with self._lock:
            return [m for m in self.messages if m.topic == topic]

    def wait_for(
        self,
        topic: str,
        predicate: Callable[[Received], bool] = lambda m: True,
        timeout: float = 10.0,
        count: int = 1,
    ) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [m for m in self.messages if m.topic == topic and predicate(m)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"waited {timeout} s for {count} message(s) on {topic}; got {len(found)}"
                    )
                self._lock.wait(left)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def peer(broker: PrivateBroker) -> Iterator[Peer]:
    client = Peer(broker.host, broker.port)
    yield client
    client.close()


@pytest.fixture
def site() -> str:
    """A site id of this test's own, so retained messages of other tests never reach it."""
    return f"t{uuid.uuid4().hex[:10]}"


def config_text(site: str, port: int, device: str = "screen-1", extra_display: str = "") -> str:
    """The shipped example with this test's site, device and broker port."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('site = "hz-main"', f'site = "{site}"')
    text = text.replace('device = "lobby-pi-1"', f'device = "{device}"')
    text = text.replace("port = 1883", f"port = {port}")
    text = text.replace('host = "localhost"', 'host = "127.0.0.1"')
    return text.replace("[display]\n", f"[display]\n{extra_display}\n")


@pytest.fixture
def lobby_config(tmp_path: Path, site: str, broker: PrivateBroker) -> Config:
    path = tmp_path / "callboard.toml"
    path.write_text(config_text(site, broker.port), encoding="utf-8")
    return load_config(path)


class DaemonProcess:
    """``callboard run`` in a process of its own, headless, as systemd would run it."""

    def __init__(self, config_path: Path, workdir: Path, env: dict[str, str] | None = None) -> None:
        env = {
            **os.environ,
            "SDL_VIDEODRIVER": "dummy",
            "SDL_AUDIODRIVER": "dummy",
            "PYTHONUNBUFFERED": "1",
            "XDG_CACHE_HOME": str(workdir / "cache"),  # the voice's clip cache
            **(env or {}),
        }
        self.log_path = workdir / "daemon.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "callboard", "run", "--config", str(config_path)],
            cwd=workdir,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def stop(self, timeout: float = 10.0) -> int:
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return int(self.process.returncode)


@pytest.fixture
def start_daemon(
    tmp_path: Path, site: str, broker: PrivateBroker
) -> Iterator[Callable[..., DaemonProcess]]:
    started: list[DaemonProcess] = []

    def start(
        device: str = "screen-1",
        extra_display: str = "",
        port: int | None = None,
        env: dict[str, str] | None = None,
        edit: Callable[[str], str] = lambda text: text,
        workdir: str = "",
    ) -> DaemonProcess:
        """``workdir``: a folder of its own (a second machine with the same device id)."""
        folder = tmp_path / (workdir or device)
        folder.mkdir(exist_ok=True)
        workdir_path = folder
        path = workdir_path / "callboard.toml"
        text = edit(config_text(site, port or broker.port, device, extra_display))
        path.write_text(text, encoding="utf-8")
        daemon = DaemonProcess(path, workdir_path, env)
        started.append(daemon)
        return daemon

    yield start
    for daemon in started:
        daemon.stop()


def ocr_line(image: pygame.Surface, box: pygame.Rect, alphabet: str = "") -> str:
    """Read one line of text in a box of a frame, as a person would: with tesseract.

    The box gets a narrow margin and is scaled so that its text is about 80 px tall,
    the size tesseract reads best.
    """
    if shutil.which("tesseract") is None:
        pytest.fail(
            "tesseract is not installed (apt install tesseract-ocr); scripts/dev.sh installs it"
        )
    scale = 80 / max(1, box.height)  # text about 80 px tall reads best
    pad = max(6, box.height // 10)  # a quiet margin, not so wide it takes in the neighbours
    box = box.inflate(2 * pad, pad)
    crop = image.subsurface(box.clip(image.get_rect())).copy()
    crop = pygame.transform.smoothscale(
        crop, (max(1, int(crop.get_width() * scale)), max(1, int(crop.get_height() * scale)))
    )
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"ocr-{uuid.uuid4().hex}.png"
    pygame.image.save(crop, str(path))
    try:
        args = ["tesseract", str(path), "stdout", "--psm", "7"]
        if alphabet:
            args += ["-c", f"tessedit_char_whitelist={alphabet}"]
        result = subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)
    finally:
        path.unlink(missing_ok=True)
    return result.stdout.strip()


TICKET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``callboard ARGS`` in a process of its own, as a technician would type it."""
    return subprocess.run(
        [sys.executable, "-m", "callboard", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def readings(surface: pygame.Surface, rect: pygame.Rect, expected: str) -> list[str]:
    """What tesseract reads in a drawn rect, made black on white and scaled so the text is
    50, 60, 40 or 30 px tall, stopping at the first reading that matches ``expected``.

    Black on white because tesseract reads a bold "Z" on a coloured card as "2"; several
    heights because at any one of them it still misreads some "Z" or "W" of this bold face
    (as a person across the hall would not). A glyph drawn wrong reads wrong at all four.
    """
    pad = max(6, rect.height // 2)
    crop_at = rect.inflate(2 * pad, 2 * pad).clip(surface.get_rect())
    crop = surface.subsurface(crop_at).copy()
    backdrop = pygame.mask.from_threshold(crop, crop.get_at((0, 0)), (60, 60, 60, 255))
    paper = backdrop.to_surface(setcolor=(255, 255, 255), unsetcolor=(0, 0, 0))
    found: list[str] = []
    for height in (50, 60, 40, 30):
        k = height / rect.height
        scaled = pygame.transform.smoothscale(
            paper, (max(1, int(paper.get_width() * k)), max(1, int(paper.get_height() * k)))
        )
        box = pygame.Rect(0, 0, int(rect.width * k), 80)  # 80 px: ocr_line keeps this scale
        box.center = (int((rect.centerx - crop_at.x) * k), int((rect.centery - crop_at.y) * k))
        found.append(ocr_line(scaled, box, TICKET_ALPHABET))
        if found[-1] == expected:
            break
    return found
