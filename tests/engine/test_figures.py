"""The engine's figures as the console reads them: ratings recorded against the ticket's
service, the day so far retained on {p}/stats/today, a range of days answered in pages."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from config import load_config
from config.settings import Config
from engine.service import QueueEngine
from engine.store import QueueStore
from lobby.contract import (
    FIGURE_COLUMNS,
    CounterRequest,
    DayFigures,
    Rating,
    StatsPage,
    StatsRequest,
    TicketRequest,
)
from lobby.topics import Topics
from tests.conftest import Peer, config_text, run_cli

COLUMN = {name: i for i, name in enumerate(FIGURE_COLUMNS)}


def engine_config(tmp_path: Path, site: str, port: int) -> Config:
    text = config_text(site, port, "engine-pi").replace(
        "embedded = false", f'embedded = false\ndb = "{tmp_path / "q.sqlite3"}"'
    )
    path = tmp_path / "engine.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.fixture
def engine(tmp_path: Path, site: str, broker) -> Iterator[QueueEngine]:
    running = QueueEngine(engine_config(tmp_path, site, broker.port))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    assert running.ready.wait(30)
    yield running
    running.stop()
    thread.join(15)


def now() -> datetime:
    return datetime.now().astimezone()


def row(figures: DayFigures | StatsPage, kind: str, name: str) -> dict[str, object]:
    """A service's or a counter's row ({} before it has one)."""
    found = [r for r in figures.rows if r[1] == kind and r[2] == name]
    return dict(zip(FIGURE_COLUMNS, found[0], strict=True)) if found else {}


def test_a_rating_counts_for_the_service_and_the_counter_once_per_ticket(
    engine: QueueEngine, peer: Peer, site: str
) -> None:
    t = Topics("callboard", site)
    peer.subscribe(t.stats_today)
    peer.publish(t.ticket_request, TicketRequest("k-1", "general", now()).payload())
    peer.publish(t.ticket_request, TicketRequest("k-2", "general", now()).payload())
    peer.publish(t.counter_request("2"), CounterRequest("b-1", "2", "next", now()).payload())
    peer.publish(t.counter_request("2"), CounterRequest("b-2", "2", "done", now()).payload())
    peer.publish(t.counter_rating("2"), Rating("r-1", "2", "A001", 3, 3, now()).payload())
    peer.publish(t.counter_rating("2"), Rating("r-2", "2", "A001", 1, 3, now()).payload())  # again
    peer.publish(
        t.counter_rating("2"), Rating("r-3", "2", "A002", 1, 3, now()).payload()
    )  # waiting

    def rated(message) -> bool:
        return row(DayFigures.parse(message.payload), "counter", "2").get("rated") == 1

    figures = DayFigures.parse(peer.wait_for(t.stats_today, rated, timeout=15)[-1].payload)
    service, counter = row(figures, "service", "general"), row(figures, "counter", "2")
    assert (service["tickets"], service["served"], service["waiting"]) == (2, 1, 1)
    assert (service["rated"], service["satisfied"]) == (1, 1.0)
    assert (counter["rated"], counter["satisfied"], counter["served"]) == (1, 1.0, 1)
    assert counter["avg_service_s"] is not None
    assert sum(figures.hours[h][0] for h in figures.hours) == 2  # two tickets taken today
    assert figures.day == date.today() or figures.day == date.today() - timedelta(days=1)


def test_a_range_of_days_comes_back_in_pages_under_the_cap(
    tmp_path: Path, site: str, broker, peer: Peer
) -> None:
    config = engine_config(tmp_path, site, broker.port)
    store = QueueStore(tmp_path / "q.sqlite3", config)
    start = datetime(2026, 10, 1, 10, 0).astimezone()
    for day in range(40):  # forty days of a lobby: tickets for every service, some called
        for i, service in enumerate(s.id for s in config.services):
            at = start + timedelta(days=day, minutes=i)
            store.apply(TicketRequest(f"k-{day}-{i}", service, at), at)
        at = start + timedelta(days=day, minutes=30)
        store.apply(CounterRequest(f"b-{day}", "2", "next", at), at)
    store.close()
    engine = QueueEngine(config)
    thread = threading.Thread(target=engine.run, daemon=True)
    thread.start()
    try:
        assert engine.ready.wait(30)
        t = Topics("callboard", site)
        peer.subscribe(t.stats_reply)
        ask = StatsRequest("csv-1", date(2026, 10, 1), date(2026, 10, 31), now())
        peer.publish(t.stats_request, ask.payload())
        first = StatsPage.parse(peer.wait_for(t.stats_reply, timeout=15)[0].payload)
        replies = peer.wait_for(t.stats_reply, count=first.parts, timeout=15)
        answer = [StatsPage.parse(m.payload) for m in replies]
        assert first.parts > 1 and all(len(m.payload) <= 4096 for m in replies)
        assert sorted(p.part for p in answer) == list(range(1, first.parts + 1))
        rows = [r for page in answer for r in page.rows]
        assert {r[0] for r in rows} == {f"2026-10-{d:02d}" for d in range(1, 32)}
        general = [r for r in rows if r[1] == "service" and r[2] == "general"]
        assert len(general) == 31 and all(r[COLUMN["tickets"]] == 1 for r in general)
    finally:
        engine.stop()
        thread.join(15)


def test_the_days_figures_from_the_command_line_say_satisfied(
    tmp_path: Path, site: str, broker
) -> None:
    config = engine_config(tmp_path, site, broker.port)
    store = QueueStore(tmp_path / "q.sqlite3", config)
    at = datetime(2026, 11, 25, 10, 0).astimezone()
    store.apply(TicketRequest("k-1", "general", at), at)
    store.apply(CounterRequest("b-1", "2", "next", at), at)
    store.apply(Rating("r-1", "2", "A001", 2, 3, at), at)
    store.close()
    table = run_cli("stats", "--config", str(config.source), "--date", "2026-11-25")
    assert table.returncode == 0, table.stderr
    assert "satisfied" in table.stdout and "0 %" in table.stdout
    csv_out = run_cli("stats", "--config", str(config.source), "--date", "2026-11-25", "--csv")
    header = csv_out.stdout.splitlines()[0].split(",")
    assert header == list(FIGURE_COLUMNS[1:])
