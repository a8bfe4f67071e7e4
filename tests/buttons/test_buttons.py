"""Counter buttons through gpiozero's MockFactory (the same code paths as a Pi's pins),
against a real mosquitto."""

from __future__ import annotations

import queue
import time
from datetime import datetime
from pathlib import Path

import pygame
import pytest
from gpiozero.pins.mock import MockFactory

from buttons.panel import ButtonPanel, CounterLights
from buttons.press import Press
from callboard.demo.broker import PrivateBroker
from config import load_config
from config.settings import Config
from lobby.contract import parse_ts
from mqtt_client import MqttLink, Topics
from screen.desk import CounterDesk, key_press
from tests.conftest import Peer, config_text, wait_until

PINS = {"2": "button = 17\nled = 22", "3": "button = 5\nrecall_button = 6\nled = 13"}


def lobby(tmp_path: Path, site: str, port: int, **buttons: object) -> Config:
    text = config_text(site, port)
    for counter, lines in PINS.items():
        marker = f'id = "{counter}"\n'
        text = text.replace(marker, marker + lines + "\n", 1)
    start, end = text.index("[buttons]\n"), text.index("[audio]\n")
    text = text[:start] + text[end:]  # this test's own [buttons] follows
    settings = {"hold_seconds": 0.4, "bounce_ms": 0, **buttons}
    table = "\n".join(f"{k} = {v!r}".replace("'", '"') for k, v in settings.items())
    text += f"\n[buttons]\n{table}\n"
    path = tmp_path / f"c-{time.monotonic_ns()}.toml"
    path.write_text(text.replace("True", "true").replace("False", "false"), encoding="utf-8")
    return load_config(path)


@pytest.fixture
def factory():
    pins = MockFactory()
    yield pins
    pins.reset()


def tap(factory: MockFactory, pin: int, seconds: float = 0.05) -> None:
    factory.pin(pin).drive_low()  # pulled up: pressed is low
    time.sleep(seconds)
    factory.pin(pin).drive_high()


def presses(panel_queue: queue.SimpleQueue, wait: float = 1.0) -> list[tuple[str, str]]:
    time.sleep(wait)
    out = []
    while True:
        try:
            press = panel_queue.get_nowait()
        except queue.Empty:
            return out
        out.append((press.counter, press.action))


@pytest.fixture
def panel(tmp_path, site, broker, factory):
    got: queue.SimpleQueue[Press] = queue.SimpleQueue()

    def make(**buttons: object) -> tuple[ButtonPanel, queue.SimpleQueue]:
        built = ButtonPanel(lobby(tmp_path, site, broker.port, **buttons), got.put, factory)
        assert built.open(), built.fault
        made.append(built)
        return built, got

    made: list[ButtonPanel] = []
    yield make
    for built in made:
        built.close()


def test_a_short_press_is_next_and_a_long_press_is_recall_once(panel, factory) -> None:
    _, got = panel()
    tap(factory, 17)
    assert presses(got, 0.3) == [("2", "next")]
    tap(factory, 17, seconds=0.7)  # held past hold_seconds
    assert presses(got, 0.3) == [("2", "recall")]


def test_the_recall_button_recalls(panel, factory) -> None:
    _, got = panel()
    tap(factory, 6)
    assert presses(got, 0.3) == [("3", "recall")]


def test_a_double_press_skips_when_configured(panel, factory) -> None:
    _, got = panel(skip="double", double_seconds=0.4)
    tap(factory, 17)
    time.sleep(0.1)
    tap(factory, 17)
    assert presses(got, 0.6) == [("2", "skip")]
    tap(factory, 17)
    assert presses(got, 0.8) == [("2", "next")]  # a single press after the window


def test_holding_the_recall_button_skips_when_configured(panel, factory) -> None:
    _, got = panel(skip="recall-hold")
    tap(factory, 6, seconds=0.7)
    assert presses(got, 0.3) == [("3", "skip")]
    tap(factory, 6)
    assert presses(got, 0.3) == [("3", "recall")]


def test_without_gpio_one_clear_line_names_the_gpio_group(tmp_path, site, broker) -> None:
    config = lobby(tmp_path, site, broker.port)
    panel = ButtonPanel(config, lambda press: None, pin_factory=None)
    assert not panel.open()
    assert panel.fault is not None and "gpio group" in panel.fault
    assert "Traceback" not in panel.fault


def test_number_keys_stand_in_for_the_counters_buttons(tmp_path, site, broker) -> None:
    config = lobby(tmp_path, site, broker.port)
    at = datetime.now().astimezone()
    assert key_press(config, pygame.K_2, 0, at) == Press("2", "next", at, "keyboard")
    assert key_press(config, pygame.K_3, pygame.KMOD_LSHIFT, at).action == "recall"
    assert key_press(config, pygame.K_KP1, pygame.KMOD_LCTRL, at).action == "skip"
    assert key_press(config, pygame.K_9, 0, at) is None  # only six counters
    assert key_press(config, pygame.K_a, 0, at) is None


def local_now() -> datetime:
    return datetime.now().astimezone()


class Desk:
    """The daemon's counter path without the screen: panel -> inbox -> desk -> link."""

    def __init__(self, config: Config, factory: MockFactory) -> None:
        self.inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.link = MqttLink(config, self.inbox.put, "9.9.9")
        self.desk = CounterDesk(
            config, self.inbox.put, self.link.publish_request, local_now, pin_factory=factory
        )
        self.desk.open()

    @property
    def connected(self) -> bool:
        return self.link.connected

    def pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                item = self.inbox.get(timeout=0.02)
            except queue.Empty:
                continue
            self.desk.handle(item, time.monotonic())  # as the screen's router does

    def close(self) -> None:
        self.desk.close()
        self.link.stop()


@pytest.fixture
def desk(tmp_path, site, broker, factory):
    made: list[Desk] = []

    def make(port: int | None = None, **buttons: object) -> Desk:
        built = Desk(lobby(tmp_path, site, port or broker.port, **buttons), factory)
        built.link.start()
        made.append(built)
        built.pump(1.0)
        assert built.connected
        return built

    yield make
    for built in made:
        built.close()


def test_a_press_becomes_a_counter_request_on_the_broker(desk, factory, peer: Peer, site) -> None:
    topics = Topics("callboard", site)
    peer.subscribe(topics.counter_request("2"))
    running = desk()
    pressed_at = time.time()
    tap(factory, 17)
    running.pump(0.5)
    (request,) = peer.wait_for(topics.counter_request("2"))
    body = request.json()
    assert body["v"] == 1 and body["action"] == "next"
    assert body["id"].startswith("b-screen-1-")
    assert abs(parse_ts(body["ts"]).timestamp() - pressed_at) < 0.5
    tap(factory, 17)
    running.pump(0.5)
    second = peer.wait_for(topics.counter_request("2"), count=2)[1].json()
    assert second["id"] != body["id"]  # every press its own id


def test_the_led_follows_the_engine_and_blinks_while_a_press_is_in_flight(
    desk, factory, peer: Peer, site
) -> None:
    topics = Topics("callboard", site)
    running = desk()
    lights: CounterLights = running.desk.lights
    assert lights.state_of("2") == "off"
    tap(factory, 17)
    running.pump(0.3)
    assert lights.state_of("2") == "blinking"
    state = {
        "v": 1,
        "counter": "2",
        "ticket": "A024",
        "waiting": 3,
        "ts": "2026-11-25T10:00:00+08:00",
    }
    peer.publish(topics.counter_state("2"), state, retain=True)
    running.pump(0.5)
    assert lights.state_of("2") == "on" and factory.pin(22).state
    peer.publish(topics.counter_state("2"), {**state, "ticket": None}, retain=True)
    running.pump(0.5)
    assert lights.state_of("2") == "off" and not factory.pin(22).state


def test_presses_while_the_broker_is_away_are_sent_once_on_reconnect_if_fresh(
    tmp_path, site, factory
) -> None:
    topics = Topics("callboard", site)
    with PrivateBroker() as own:
        running = Desk(lobby(tmp_path, site, own.port, max_age_s=3), factory)
        running.link.start()
        try:
            running.pump(1.0)
            own.stop()
            running.pump(1.0)
            assert not running.connected
            tap(factory, 17)  # fresh when the broker returns
            running.pump(0.3)
            assert running.desk.outbox.waiting == 1
            own.start()
            peer = Peer(own.host, own.port)
            peer.subscribe(topics.counter_request("2"))
            assert wait_until(lambda: running.pump(0.1) or running.connected, 40)
            running.pump(1.0)
            requests = peer.wait_for(topics.counter_request("2"))
            assert [r.json()["action"] for r in requests] == ["next"]
            assert running.desk.outbox.sent == 1 and running.desk.outbox.waiting == 0
            own.stop()
            running.pump(1.0)
            tap(factory, 17)  # this one goes stale before the broker is back
            running.pump(3.5)
            own.start()
            assert wait_until(lambda: running.pump(0.1) or running.connected, 40)
            running.pump(1.0)
            assert running.desk.outbox.dropped == 1 and running.desk.outbox.waiting == 0
            time.sleep(0.5)
            assert len(peer.on(topics.counter_request("2"))) == 1  # the stale one never went
            peer.close()
        finally:
            running.close()
