"""The day's figures from what the store recorded, when the clock misbehaves."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from config import load_config
from engine.stats import by_hour, day_stats
from engine.store import QueueStore, day_records
from lobby.contract import CounterRequest, TicketRequest
from tests.conftest import config_text


def test_a_clock_set_back_mid_morning_never_makes_a_negative_wait(tmp_path: Path) -> None:
    path = tmp_path / "lobby.toml"
    path.write_text(config_text("hz-main", 1883, "engine-pi"), encoding="utf-8")
    db = tmp_path / "q.sqlite3"
    store = QueueStore(db, load_config(path))
    early = datetime(2026, 11, 25, 10, 0).astimezone()
    store.apply(TicketRequest("k-1", "general", early), early)  # the Pi's own, fast clock
    store.apply(TicketRequest("k-2", "general", early), early)
    set_back = early - timedelta(minutes=7)  # then NTP sets it right: 7 minutes back
    store.apply(CounterRequest("b-1", "2", "next", set_back), set_back)
    done = set_back - timedelta(seconds=30)
    store.apply(CounterRequest("b-2", "2", "done", done), done)
    later = early + timedelta(minutes=3)
    store.apply(CounterRequest("b-3", "2", "next", later), later)
    store.close()
    rows = {(row.kind, row.name): row for row in day_stats(db, "2026-11-25")}
    assert rows[("service", "general")].avg_wait_s == 90.0  # (0 + 180) / 2, not (-420 + 180) / 2
    assert rows[("counter", "2")].avg_service_s == 0.0  # done "before" its call: 0, not -30
    assert by_hour(day_records(db, "2026-11-25")[0]) == {10: (2, 90.0)}
