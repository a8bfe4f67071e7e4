"""The engine says no ticket (outside its opening hours): the kiosk shows why at once, in
the customer's language, and when the lobby opens; it never waits for a time-out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pygame
import pytest

from kiosk.flow import Declined, Welcome
from lobby.topics import Topics
from tests.conftest import Peer, ocr_line
from tests.kiosk.test_kiosk import Machine, RecordingPrinter, Running, kiosk_config

WEEK = "".join(
    f'{d} = "00:00-03:00, 05:00-24:00"\n' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)


@pytest.fixture
def closed_engine(tmp_path: Path, site: str, broker) -> Iterator[Running]:
    """The site's engine, whose hours close today (a holiday the kiosk was not told of)."""
    now = datetime.now().astimezone()
    if now + timedelta(minutes=2) >= datetime.combine(
        now.date() + timedelta(days=1), datetime.min.time(), now.tzinfo
    ):
        pytest.skip("the test's holiday is today: not in the last two minutes of it")
    top = f'[hours]\n{WEEK}closed = ["{date.today().isoformat()}"]\n'
    running = Running(kiosk_config(tmp_path / "engine", site, broker.port, top=top, device="e"))
    yield running
    running.stop()


def test_the_engines_refusal_is_shown_at_once_with_when_the_lobby_opens(
    closed_engine: Running, tmp_path: Path, site: str, broker, peer: Peer
) -> None:
    topics = Topics("callboard", site)
    peer.subscribe(topics.ticket_refused)
    printer = RecordingPrinter()
    machine = Machine(kiosk_config(tmp_path / "kiosk", site, broker.port), printer)
    try:
        machine.kiosk.lang = "en"  # the customer chose English: the answer comes in it first
        machine.click("service", "general")
        assert machine.until(lambda: isinstance(machine.kiosk.flow.state, Declined), 5)
        (answer,) = peer.wait_for(topics.ticket_refused)
        assert answer.json()["reason"] == "closed"
        machine.kiosk.step(wait=0)
        drawn = dict(machine.kiosk.view.canvas.drawn["body"])
        assert list(drawn)[:4] == [
            "We are closed now",
            "暂停营业",
            "We open tomorrow at 00:00",
            "明天 00:00 开始营业",
        ]
        surface = machine.kiosk.screen.surface
        pygame.image.save(surface, str(tmp_path / "kiosk-refused.png"))
        for line in ("We are closed now", "We open tomorrow at 00:00"):
            assert ocr_line(surface, drawn[line]) == line
        thanks = drawn["Thank you for visiting. We look forward to seeing you."]
        assert drawn["We are closed now"].height > 1.5 * thanks.height  # "closed" reads first
        assert printer.given == []  # nothing printed, nothing asked again
        assert len(peer.on(topics.ticket_refused)) == 1
        assert machine.until(lambda: isinstance(machine.kiosk.flow.state, Welcome), 5)
    finally:
        machine.close()
