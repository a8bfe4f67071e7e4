"""The ticket machine as a customer uses it: touches (real pygame events), keys, GPIO
buttons (gpiozero's MockFactory), against a real mosquitto and a real queue engine."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pygame
import pytest

from config import load_config
from config.settings import Config
from engine.service import QueueEngine
from kiosk.flow import Asking, Showing, Sorry, Welcome
from kiosk.service import Kiosk
from lobby.contract import BoardSnapshot, CounterState, TicketIssued
from lobby.topics import Topics
from tests.conftest import Peer, config_text, readings


def kiosk_config(
    tmp_path: Path, site: str, port: int, kiosk: str = "", top: str = "", device: str = "kiosk-1"
) -> Config:
    tmp_path.mkdir(parents=True, exist_ok=True)
    text = config_text(site, port, device)
    text = text.replace("embedded = false", f'embedded = false\ndb = "{tmp_path / "q.sqlite3"}"')
    text = text.replace("show_seconds = 8", "show_seconds = 3\nanswer_s = 0.5\ntries = 3\n" + kiosk)
    text = text + "\n" + top
    path = tmp_path / f"{device}.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


class Running:
    """The real engine of the site, on a thread."""

    def __init__(self, config: Config) -> None:
        self.engine = QueueEngine(config)
        self.thread = threading.Thread(target=self.engine.run, daemon=True)
        self.thread.start()
        assert self.engine.ready.wait(30)

    def stop(self) -> None:
        self.engine.stop()
        self.thread.join(15)


class RecordingPrinter:
    """A printer that keeps what it was given, and can be told it is out of paper."""

    def __init__(self) -> None:
        self.given: list[TicketIssued] = []
        self.fault: str | None = None

    def give(self, issued: TicketIssued) -> None:
        self.given.append(issued)

    def listen(self, deliver: Callable[[object], None]) -> None:
        pass

    def close(self) -> None:
        pass


class Machine:
    """The kiosk under test, stepped by the test; clicks are pygame events."""

    def __init__(self, config: Config, printer: RecordingPrinter) -> None:
        from gpiozero.pins.mock import MockFactory

        self.pins = MockFactory()
        self.kiosk = Kiosk(config, printer=printer, pins=self.pins)
        self.kiosk.open()
        assert self.until(lambda: self.kiosk.link.connected, 10)

    def until(self, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.kiosk.step(wait=0.02)
            if condition():
                return True
        return condition()

    def click(self, kind: str, value: str) -> None:
        rect = next(r for r, target in self.kiosk.view.targets if target == (kind, value))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=rect.center, button=1))

    def drawn(self) -> list[str]:
        return [text for text, _ in self.kiosk.view.canvas.drawn.get("body", [])]

    def close(self) -> None:
        self.kiosk.close()


@pytest.fixture
def topics(site: str) -> Topics:
    return Topics("callboard", site)


@pytest.fixture
def printer() -> RecordingPrinter:
    return RecordingPrinter()


@pytest.fixture
def make(tmp_path, site, broker, printer) -> Iterator[Callable[..., Machine]]:
    made: list[Machine] = []

    def build(kiosk: str = "", top: str = "") -> Machine:
        machine = Machine(kiosk_config(tmp_path, site, broker.port, kiosk, top), printer)
        made.append(machine)
        return machine

    yield build
    for machine in made:
        machine.close()


@pytest.fixture
def engine(tmp_path, site, broker) -> Iterator[Running]:
    running = Running(kiosk_config(tmp_path, site, broker.port, device="engine-pi"))
    yield running
    running.stop()


def test_a_touch_takes_a_ticket_in_the_language_the_customer_chose(
    make, engine, peer: Peer, topics: Topics, printer: RecordingPrinter
) -> None:
    peer.subscribe(topics.ticket_issued)
    machine = make()
    machine.click("lang", "en")
    machine.kiosk.step(wait=0)
    machine.click("service", "general")
    assert machine.until(lambda: isinstance(machine.kiosk.flow.state, Showing))
    (answer,) = peer.wait_for(topics.ticket_issued)
    assert answer.json()["lang"] == "en" and answer.json()["ticket"] == "A001"
    assert [t.ticket for t in printer.given] == ["A001"]
    drawn = machine.drawn()
    assert "A001" in drawn and drawn[0].startswith("Your number")  # English first
    rect = next(r for text, r in machine.kiosk.view.canvas.drawn["body"] if text == "A001")
    assert "A001" in readings(machine.kiosk.screen.surface, rect, "A001")  # as a person reads it
    assert machine.until(lambda: isinstance(machine.kiosk.flow.state, Welcome), 5)
    assert machine.kiosk.lang == "zh"  # the next customer chooses again


def test_two_quick_presses_take_one_ticket(
    make, engine, peer: Peer, topics: Topics, printer: RecordingPrinter
) -> None:
    peer.subscribe(topics.ticket_request)
    machine = make()
    machine.click("service", "general")
    machine.click("service", "general")  # a second tap before the answer
    assert machine.until(lambda: isinstance(machine.kiosk.flow.state, Showing))
    time.sleep(0.3)
    assert len(peer.on(topics.ticket_request)) == 1 and len(printer.given) == 1


def test_with_no_engine_it_asks_again_then_says_so_politely_and_prints_nothing(
    make, peer: Peer, topics: Topics, printer: RecordingPrinter
) -> None:
    peer.subscribe(topics.ticket_request)
    machine = make()
    machine.click("service", "consult")
    assert machine.until(lambda: isinstance(machine.kiosk.flow.state, Sorry), 10)
    asked = [m.json()["id"] for m in peer.on(topics.ticket_request)]
    assert len(asked) == 3 and len(set(asked)) == 1  # three tries, one request id
    assert "暂时无法取号" in machine.drawn() and printer.given == []
    assert machine.until(lambda: isinstance(machine.kiosk.flow.state, Welcome), 6)


def test_an_engine_restarting_while_the_kiosk_asks_gives_one_ticket(
    tmp_path, site, broker, peer: Peer, topics: Topics, printer: RecordingPrinter
) -> None:
    """The request waits at the broker for the site's engine; the kiosk asks again with the
    same id meanwhile; the engine answers once (and a retry with the same ticket)."""
    peer.subscribe(topics.ticket_issued)
    engine_config = kiosk_config(tmp_path / "e", site, broker.port, device="engine-pi")
    Running(engine_config).stop()  # the site's engine has served before, and is restarting
    machine = Machine(
        kiosk_config(tmp_path, site, broker.port, "", "").__class__(
            **{
                **kiosk_config(tmp_path, site, broker.port).__dict__,
                "kiosk": replace(kiosk_config(tmp_path, site, broker.port).kiosk, answer_s=3.0),
            }
        ),
        printer,
    )
    try:
        machine.click("service", "general")
        assert machine.until(lambda: isinstance(machine.kiosk.flow.state, Asking), 2)
        back = Running(engine_config)
        try:
            assert machine.until(lambda: isinstance(machine.kiosk.flow.state, Showing), 10)
            machine.until(lambda: False, 1.0)
            answers = [m.json() for m in peer.on(topics.ticket_issued)]
            assert {a["ticket"] for a in answers} == {"A001"} and len(printer.given) == 1
        finally:
            back.stop()
    finally:
        machine.close()


def test_a_gpio_button_and_a_number_key_take_tickets(
    make, engine, peer: Peer, topics: Topics, printer: RecordingPrinter
) -> None:
    machine = make("buttons = { vip = 5 }")
    pin = machine.pins.pin(5)
    pin.drive_low()
    pin.drive_high()
    assert machine.until(lambda: len(printer.given) == 1)
    assert printer.given[0].ticket == "V001"
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_1, mod=0))  # general
    assert machine.until(lambda: len(printer.given) == 2)  # a key on the ticket screen
    assert printer.given[1].ticket.startswith("A")


def test_waiting_counts_come_from_the_board_and_a_paused_service_takes_no_ticket(
    make, engine, peer: Peer, topics: Topics
) -> None:
    machine = make()
    board = BoardSnapshot(999, datetime.now().astimezone(), (), {"general": 7}, epoch="zzzz")
    peer.publish(topics.board, board.payload(), retain=True)
    assert machine.until(lambda: "7 人等候 · 7 waiting" in machine.drawn())
    for counter in ("1",):  # the green channel is the only counter that serves VIPs
        state = CounterState(counter, None, 0, datetime.now().astimezone(), open=False)
        peer.publish(topics.counter_state(counter), state.payload(), retain=True)
    assert machine.until(lambda: "暂停办理 / Not available now" in machine.drawn())
    assert ("service", "vip") not in [t for _, t in machine.kiosk.view.targets]
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_3, mod=0))  # vip's key
    machine.until(lambda: False, 0.5)
    assert isinstance(machine.kiosk.flow.state, Welcome)


def test_outside_opening_hours_every_button_says_when_the_lobby_is_open(make) -> None:
    today = datetime.now().astimezone()
    closed = (today + timedelta(hours=2)).strftime("%H:%M")
    if closed < today.strftime("%H:%M"):  # just before midnight: the test's hours would wrap
        pytest.skip("the test needs two hours before midnight")
    spans = f'"{closed}-23:59"'
    days = "\n".join(
        f"{day} = {spans}" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    )
    machine = make("", f"[hours]\n{days}\n")
    machine.kiosk.step(wait=0)
    assert f"营业时间 {closed}-23:59 / Open {closed}-23:59" in machine.drawn()
    assert not [t for _, t in machine.kiosk.view.targets if t[0] == "service"]


def test_a_printer_out_of_paper_asks_the_customer_to_remember_the_number_and_says_so(
    make, engine, printer: RecordingPrinter, peer: Peer, topics: Topics
) -> None:
    printer.fault = "paper out"
    machine = make()
    machine.click("service", "general")
    assert machine.until(lambda: isinstance(machine.kiosk.flow.state, Showing))
    assert "打印机暂时无法出票，请记住您的号码" in machine.drawn()
    assert machine.kiosk.status()["faults"] == ["printer: paper out"]
