"""The rating pad at a counter: gpiozero's MockFactory pins, a real mosquitto and the real
queue engine. What the customer does (press a face), what the engine records, what the
counter screen is told (RatingInvited / RatingClosed), and pause at the counter."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory

from buttons.pad import PadPress
from callboard.demo.broker import PrivateBroker
from config import load_config
from config.settings import Config
from engine.service import QueueEngine
from lobby.contract import CounterRequest, TicketRequest
from mqtt_client import Topics
from mqtt_client.pad_link import PadLink
from screen.messages import RatingClosed, RatingInvited, RatingPressed
from screen.pad import RatingPad
from screen.pad_service import PadService
from tests.conftest import Peer, config_text, run_cli, wait_until

FACES = {3: 17, 2: 27, 1: 22}
LEDS = {3: 5, 2: 6, 1: 13}
PAUSE_SWITCH, PAUSE_LED = 23, 24


def now() -> datetime:
    return datetime.now().astimezone()


def pad_config(tmp_path: Path, site: str, port: int, **rating: object) -> Config:
    settings = {
        "counter": '"2"',
        "buttons": "{ " + ", ".join(f"{s} = {p}" for s, p in FACES.items()) + " }",
        "leds": "{ " + ", ".join(f"{s} = {p}" for s, p in LEDS.items()) + " }",
        "window_s": 2,
        "max_age_s": 3,
        "pause_pin": PAUSE_SWITCH,
        "pause_led": PAUSE_LED,
        **rating,
    }
    table = "\n".join(f"{key} = {value}" for key, value in settings.items())
    text = config_text(site, port, "counter-2").replace("bounce_ms = 30", "bounce_ms = 0")
    path = tmp_path / f"pad-{time.monotonic_ns()}.toml"
    path.write_text(f"{text}\n[rating]\n{table}\n", encoding="utf-8")
    return load_config(path)


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    pins = MockFactory()
    yield pins
    pins.reset()


def tap(factory: MockFactory, pin: int, seconds: float = 0.05) -> None:
    factory.pin(pin).drive_low()  # pulled up: pressed is low
    time.sleep(seconds)
    factory.pin(pin).drive_high()


class Pad:
    """The pad's path without a screen: pins and link -> inbox -> RatingPad, as the loop
    routes them; what the pad tells the counter screen is kept in ``told``."""

    def __init__(self, config: Config, factory: MockFactory) -> None:
        self.inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.link = PadLink(config, self.inbox.put, "9.9.9")
        self.pad = RatingPad(
            config,
            self.inbox.put,
            self.link.publish_rating,
            self.link.publish_request,
            now,
            pin_factory=factory,
            instance=self.link.instance,
        )
        self.pad.open()
        self.told: list[object] = []
        self.seen: list[object] = []
        self.link.start()

    def pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                item = self.inbox.get(timeout=0.02)
            except queue.Empty:
                item = None
            if item is not None:
                self.seen.append(item)
                self.told.extend(self.pad.handle(item, time.monotonic()))
            self.told.extend(self.pad.tick(time.monotonic()))

    def pump_until(self, predicate, timeout: float = 10.0) -> bool:
        return wait_until(lambda: self.pump(0.05) or predicate(), timeout)

    def close(self) -> None:
        self.pad.close()
        self.link.stop()


@pytest.fixture(scope="module")
def lobby(tmp_path_factory, broker) -> Iterator[tuple[str, Path]]:
    """One queue engine for this module's own site (each test serves its own tickets)."""
    site = f"pad{int(time.time() * 1000) % 10**9}"
    folder = tmp_path_factory.mktemp("engine")
    text = config_text(site, broker.port, "engine-pi").replace(
        "embedded = false", f'embedded = false\ndb = "{folder / "q.sqlite3"}"'
    )
    path = folder / "engine.toml"
    path.write_text(text, encoding="utf-8")
    engine = QueueEngine(load_config(path))
    thread = threading.Thread(target=engine.run, daemon=True)
    thread.start()
    assert engine.ready.wait(30)
    yield site, path
    engine.stop()
    thread.join(15)


@pytest.fixture
def pad(tmp_path, lobby, broker, factory) -> Iterator[Pad]:
    site, _ = lobby
    running = Pad(pad_config(tmp_path, site, broker.port), factory)
    assert running.pump_until(lambda: running.pad.is_open is not None)  # its retained state
    yield running
    running.close()


@pytest.fixture
def counter(lobby, broker) -> Iterator[Peer]:
    """A teller at counter 2 (through the contract) who also watches ratings and states."""
    site, _ = lobby
    teller = Peer(broker.host, broker.port)
    t = Topics("callboard", site)
    teller.subscribe(t.counter_rating("2"))
    teller.subscribe(t.counter_state("2"))
    teller.subscribe(t.ticket_issued)
    yield teller
    teller.publish(
        t.counter_request("2"), CounterRequest(f"x-{time.time_ns()}", "2", "done", now()).payload()
    )
    teller.close()


def act(teller: Peer, site: str, action: str) -> None:
    t = Topics("callboard", site)
    request = CounterRequest(f"x-{time.time_ns()}", "2", action, now())
    teller.publish(t.counter_request("2"), request.payload())


def serve(teller: Peer, site: str, pad: Pad) -> str:
    """A customer takes a ticket and counter 2 calls it: the ticket now served there."""
    t = Topics("callboard", site)
    request_id = f"k-{time.time_ns()}"
    teller.publish(t.ticket_request, TicketRequest(request_id, "general", now()).payload())
    (issued,) = teller.wait_for(t.ticket_issued, lambda m: m.json()["request_id"] == request_id)
    ticket = issued.json()["ticket"]
    act(teller, site, "next")
    assert pad.pump_until(lambda: pad.pad._serving == ticket), ticket
    return ticket


def ratings(teller: Peer, site: str) -> list[tuple[str, int]]:
    return [
        (m.json()["ticket"], m.json()["score"])
        for m in teller.on(Topics("callboard", site).counter_rating("2"))
    ]


def faces_lit(factory: MockFactory) -> list[bool]:
    return [bool(factory.pin(pin).state) for pin in LEDS.values()]


def test_after_done_the_first_press_is_the_ticket_s_rating_and_stats_show_it(
    pad: Pad, counter: Peer, lobby, factory
) -> None:
    site, engine_config = lobby
    ticket = serve(counter, site, pad)
    assert faces_lit(factory) == [False, False, False]
    act(counter, site, "done")
    assert pad.pump_until(lambda: pad.pad.window is not None)
    (invited,) = [m for m in pad.told if isinstance(m, RatingInvited)]
    assert (invited.ticket, invited.scale) == (ticket, 3)
    assert faces_lit(factory) == [True, True, True]  # the faces light up: please rate
    tap(factory, FACES[3])  # 满意
    assert pad.pump_until(lambda: RatingClosed(ticket, 3) in pad.told, 3)
    assert faces_lit(factory) == [False, False, False]
    tap(factory, FACES[1])  # a second press: ignored
    pad.pump(0.5)
    counter.wait_for(Topics("callboard", site).counter_rating("2"))
    time.sleep(0.3)
    assert ratings(counter, site) == [(ticket, 3)]
    body = counter.on(Topics("callboard", site).counter_rating("2"))[0].json()
    assert body["id"].startswith("r-counter-2-") and body["scale"] == 3

    def recorded(who: str) -> str:
        shown = run_cli("stats", "--config", str(engine_config)).stdout
        return next((line for line in shown.splitlines() if line.startswith(who)), "")

    # satisfaction per counter and per service: rated 1, 100 % satisfied
    assert wait_until(lambda: recorded("counter  2 ").split()[-3:] == ["1", "100", "%"], 10)
    assert recorded("service  general ").split()[-3:] == ["1", "100", "%"]


def test_presses_before_any_service_or_after_the_window_are_ignored(
    pad: Pad, counter: Peer, lobby, factory
) -> None:
    site, _ = lobby
    tap(factory, FACES[2])  # nobody has been served at this counter yet
    pad.pump(0.3)
    ticket = serve(counter, site, pad)
    tap(factory, FACES[2])  # while being served: not yet
    pad.pump(0.3)
    act(counter, site, "done")
    assert pad.pump_until(lambda: pad.pad.window is not None)
    assert pad.pump_until(lambda: RatingClosed(ticket, None) in pad.told, 4)  # time ran out
    assert faces_lit(factory) == [False, False, False]
    tap(factory, FACES[2])
    pad.pump(0.5)
    assert ratings(counter, site) == []


def test_the_next_call_ends_the_invitation_and_next_without_done_invites(
    pad: Pad, counter: Peer, lobby, factory
) -> None:
    site, _ = lobby
    first = serve(counter, site, pad)
    act(counter, site, "done")
    assert pad.pump_until(lambda: pad.pad.window is not None)
    second = serve(counter, site, pad)  # the next customer is called before anyone rated
    assert RatingClosed(first, None) in pad.told
    assert pad.pad.window is None
    third = serve(counter, site, pad)  # "next" straight away: the second is invited to rate
    assert pad.pad.window is not None and pad.pad.window[0] == second
    pad.pad.handle(RatingPressed(1), time.monotonic())  # a touch on the counter screen
    pad.pump(0.5)
    counter.wait_for(Topics("callboard", site).counter_rating("2"))
    assert ratings(counter, site) == [(second, 1)]
    assert third != second


@pytest.mark.slow
def test_a_rating_kept_while_the_broker_is_away_arrives_once_and_a_stale_one_never(
    tmp_path, factory, caplog
) -> None:
    with PrivateBroker() as own:
        site = f"away{time.time_ns() % 10**9}"
        t = Topics("callboard", site)
        peer = Peer(own.host, own.port)
        state = {"v": 1, "counter": "2", "waiting": 0, "ts": now().isoformat()}
        peer.publish(t.counter_state("2"), {**state, "ticket": "A007"}, retain=True)
        running = Pad(pad_config(tmp_path, site, own.port, window_s=30), factory)
        try:
            assert running.pump_until(lambda: running.pad.is_open is not None)
            peer.publish(t.counter_state("2"), {**state, "ticket": None}, retain=True)
            assert running.pump_until(lambda: running.pad.window is not None)
            peer.close()
            own.stop()
            running.pump(1.0)
            tap(factory, FACES[3])  # rated while the broker is away
            running.pump(0.3)
            assert running.pad.outbox.waiting == 1
            own.start()
            peer = Peer(own.host, own.port)
            peer.subscribe(t.counter_rating("2"))
            assert running.pump_until(lambda: running.pad.outbox.sent == 1, 40)
            running.pump(0.5)
            assert [m.json()["ticket"] for m in peer.on(t.counter_rating("2"))] == ["A007"]
            # Again, but the broker stays away longer than max_age_s (3 s).
            peer.publish(t.counter_state("2"), {**state, "ticket": "A008"}, retain=True)
            peer.publish(t.counter_state("2"), {**state, "ticket": None}, retain=True)
            assert running.pump_until(lambda: running.pad.window is not None)
            peer.close()
            own.stop()
            running.pump(0.5)
            tap(factory, FACES[1])
            running.pump(3.5)
            own.start()
            peer = Peer(own.host, own.port)
            peer.subscribe(t.counter_rating("2"))
            with caplog.at_level(logging.WARNING, logger="buttons.pad"):
                assert running.pump_until(lambda: running.pad.outbox.dropped == 1, 40)
            running.pump(0.5)
            assert peer.on(t.counter_rating("2")) == []
            assert "dropped" in caplog.text and "A008" in caplog.text
            peer.close()
        finally:
            running.close()


def test_the_pause_switch_pauses_the_counter_and_its_led_shows_it(
    tmp_path, lobby, broker, counter: Peer, factory
) -> None:
    """``callboard pad``'s service (no screen): the switch on -> paused; off -> resumed."""
    site, _ = lobby
    service = PadService(pad_config(tmp_path, site, broker.port), pin_factory=factory)
    thread = threading.Thread(target=service.run, kwargs={"signals": False}, daemon=True)
    thread.start()
    t = Topics("callboard", site)
    peer = Peer(broker.host, broker.port)
    peer.subscribe(t.counter_request("2"))
    try:
        assert wait_until(lambda: service.pad.is_open is True, 10)
        assert not factory.pin(PAUSE_LED).state
        factory.pin(PAUSE_SWITCH).drive_low()  # switched on
        assert wait_until(lambda: service.pad.is_open is False, 10)
        (pause,) = peer.wait_for(t.counter_request("2"))
        assert pause.json()["action"] == "pause" and pause.json()["reason"] == "counter"
        states = counter.wait_for(t.counter_state("2"), lambda m: m.json().get("open") is False)
        assert states[-1].json()["open"] is False
        assert wait_until(lambda: factory.pin(PAUSE_LED).state, 5)
        factory.pin(PAUSE_SWITCH).drive_high()  # switched off
        assert wait_until(lambda: service.pad.is_open is True, 10)
        assert wait_until(lambda: not factory.pin(PAUSE_LED).state, 5)
        assert [m.json()["action"] for m in peer.on(t.counter_request("2"))] == ["pause", "resume"]
    finally:
        service.stop()
        thread.join(10)
        peer.close()


def test_a_long_press_on_the_configured_button_pauses_and_resumes(
    tmp_path, lobby, broker, factory
) -> None:
    site, _ = lobby
    config = pad_config(tmp_path, site, broker.port, pause_hold=1, hold_seconds=1)
    running = Pad(config, factory)
    try:
        assert running.pump_until(lambda: running.pad.is_open is True)
        tap(factory, FACES[1], seconds=1.3)  # held: pause, not a rating
        assert running.pump_until(lambda: running.pad.is_open is False)
        assert factory.pin(PAUSE_LED).state
        tap(factory, FACES[1], seconds=1.3)
        assert running.pump_until(lambda: running.pad.is_open is True)
        assert not factory.pin(PAUSE_LED).state
        assert not [m for m in running.seen if isinstance(m, PadPress)]  # no rating either
    finally:
        running.close()
