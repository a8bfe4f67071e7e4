"""A counter or service whose customers are less satisfied than the branch's bar ([queue]
low_satisfaction) is flagged in the day's figures: the retained stats/today and
``callboard stats``, through the real engine."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from pathlib import Path

import pytest

from config import load_config
from engine.service import QueueEngine
from lobby.contract import CounterRequest, DayFigures, Rating, TicketRequest
from lobby.errors import ContractError
from lobby.topics import Topics
from tests.conftest import Peer, config_text, run_cli
from tests.lobby.test_messages import schema


def now() -> datetime:
    return datetime.now().astimezone()


def test_the_flag_follows_the_schema_and_parses_back() -> None:
    figures = DayFigures(
        date(2026, 12, 1), now().replace(microsecond=0), (), {}, 0.8, (("counter", "3"),)
    )
    body = json.loads(figures.payload())
    assert body["low_satisfaction"] == 0.8 and body["low"] == [["counter", "3"]]
    schema("figures").validate(body)
    assert DayFigures.parse(figures.payload()) == figures
    assert "low" not in json.loads(DayFigures(date(2026, 12, 1), now(), ()).payload())
    for wrong in ({"low_satisfaction": 2}, {"low_satisfaction": 0.8, "low": [["desk", "3"]]}):
        with pytest.raises(ContractError):
            DayFigures.parse(json.dumps({**body, **wrong}).encode())


def test_a_counter_and_a_service_under_the_bar_are_flagged(
    tmp_path: Path, site: str, broker, peer: Peer
) -> None:
    text = config_text(site, broker.port, "engine-pi").replace(
        "embedded = false",
        f'embedded = false\ndb = "{tmp_path / "q.sqlite3"}"\nlow_satisfaction = 0.8',
    )
    path = tmp_path / "engine.toml"
    path.write_text(text, encoding="utf-8")
    engine = QueueEngine(load_config(path))
    thread = threading.Thread(target=engine.run, daemon=True)
    thread.start()
    try:
        assert engine.ready.wait(30)
        t = Topics("callboard", site)
        peer.subscribe(t.stats_today)
        for i, service in enumerate(["general", "general", "consult"]):
            peer.publish(t.ticket_request, TicketRequest(f"k-{i}", service, now()).payload())
        for n, counter in enumerate(["2", "3", "4"]):
            peer.publish(
                t.counter_request(counter),
                CounterRequest(f"b-{n}", counter, "next", now()).payload(),
            )
        for n, (counter, ticket, score) in enumerate(
            [("2", "A001", 3), ("3", "A002", 1), ("4", "C001", 3)]
        ):
            peer.publish(
                t.counter_rating(counter),
                Rating(f"r-{n}", counter, ticket, score, 3, now()).payload(),
            )

        def flagged(message) -> bool:
            return len(DayFigures.parse(message.payload).low) == 2

        today = DayFigures.parse(peer.wait_for(t.stats_today, flagged, timeout=20)[-1].payload)
        assert today.low_satisfaction == 0.8
        assert set(today.low) == {("counter", "3"), ("service", "general")}
    finally:
        engine.stop()
        thread.join(15)
    shown = run_cli("stats", "--config", str(path)).stdout.splitlines()
    line = {tuple(row.split()[:2]): row for row in shown[2:]}
    assert line["service", "general"].endswith("50 %  low (under 80 %)"), shown
    assert line["counter", "3"].endswith("0 %  low (under 80 %)"), shown
    assert line["counter", "2"].endswith("100 %") and line["service", "consult"].endswith("100 %")
