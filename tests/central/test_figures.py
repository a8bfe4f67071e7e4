"""``callboard network-stats``: the network's figures from the collector's database, on a
known day whose figures were worked out by hand (tests/central/figures_data.py), on SQLite
and once on PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest

from callboard.demo.postgres import PrivatePostgres
from central.figures import _p90
from central.store import CentralStore
from engine.stats import _p90 as engine_p90
from tests.central.conftest import central_text
from tests.central.figures_data import fill
from tests.central.test_collector import database
from tests.conftest import run_cli

NORTH = {
    "name": "north", "tickets": 4, "served": 3, "no_shows": 1, "transferred": 1,
    "avg_wait_s": 202.5, "p90_wait_s": 600.0, "avg_service_s": 366.7, "rated": 2,
    "satisfied": 0.5,
}  # fmt: skip
SOUTH = {
    "name": "south", "tickets": 7, "served": 6, "no_shows": 1, "transferred": 0,
    "avg_wait_s": 177.1, "p90_wait_s": 900.0, "avg_service_s": 123.3, "rated": 2,
    "satisfied": 0.5,
}  # fmt: skip
NETWORK = {
    "name": "network", "tickets": 11, "served": 9, "no_shows": 2, "transferred": 1,
    "avg_wait_s": 186.4, "p90_wait_s": 600.0, "avg_service_s": 204.4, "rated": 4,
    "satisfied": 0.5,
}  # fmt: skip
CONSULT = {
    "name": "consult", "tickets": 2, "served": 2, "no_shows": 0, "transferred": 1,
    "avg_wait_s": 15.0, "p90_wait_s": 30.0, "avg_service_s": 500.0, "rated": 1,
    "satisfied": 0.0,
}  # fmt: skip
GENERAL = {
    "name": "general", "tickets": 9, "served": 7, "no_shows": 2, "transferred": 0,
    "avg_wait_s": 224.4, "p90_wait_s": 900.0, "avg_service_s": 120.0, "rated": 3,
    "satisfied": 0.667,
}  # fmt: skip


def filled(database_url: str, tmp_path: Path) -> Path:
    store = CentralStore(database_url)
    fill(store)
    store.close()
    config = tmp_path / "central.toml"
    config.write_text(central_text("callboard", 1883, database_url, "collector"))
    return config


def stats(config: Path, *args: str) -> dict:
    done = run_cli("network-stats", "--config", str(config), *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_networks_figures_of_a_day_by_site_service_and_hour(tmp_path) -> None:
    config = filled(f"sqlite://{tmp_path / 'central.sqlite3'}", tmp_path)
    by_site = stats(config, "--day", "2026-03-02")
    assert by_site["lines"] == [NORTH, SOUTH]
    assert by_site["total"] == NETWORK
    by_service = stats(config, "--day", "2026-03-02", "--by", "service")
    assert by_service["lines"] == [CONSULT, GENERAL]
    assert by_service["total"] == NETWORK
    by_hour = stats(config, "--day", "2026-03-02", "--by", "hour")
    assert [(h["name"], h["tickets"]) for h in by_hour["lines"]] == [
        ("09:00", 3),
        ("10:00", 2),
        ("11:00", 6),
    ]
    assert by_hour["lines"][-1]["avg_wait_s"] == 166.7  # (0 + 900 + 10 + 20 + 30 + 40) / 6

    # One site, by service; and a range that takes in the day before (one more ticket).
    north = stats(config, "--day", "2026-03-02", "--site", "north", "--by", "service")
    assert [(s["name"], s["tickets"]) for s in north["lines"]] == [("consult", 1), ("general", 3)]
    assert north["total"] == NORTH
    both = stats(config, "--from", "2026-03-01", "--to", "2026-03-02")
    assert both["total"]["tickets"] == 12
    assert both["lines"][0]["p90_wait_s"] == 3000.0
    assert stats(config, "--day", "2026-03-03")["total"]["tickets"] == 0

    table = run_cli("network-stats", "--config", str(config), "--day", "2026-03-02")
    assert table.returncode == 0
    rows = table.stdout.splitlines()
    assert rows[1].split()[:3] == ["SITE", "TICKETS", "SERVED"]
    assert rows[2].split() == ["north", "4", "3", "1", "1", "3:22", "10:00", "6:07", "2", "50", "%"]
    assert rows[-1].split()[:3] == ["network", "11", "9"]

    done = run_cli("network-stats", "--config", str(config), "--day", "2026-03-02", "--csv")
    lines = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["by"], r["name"], r["tickets"]) for r in lines] == [
        ("site", "north", "4"),
        ("site", "south", "7"),
        ("total", "network", "11"),
    ]
    assert lines[0]["first_day"] == lines[0]["last_day"] == "2026-03-02"
    assert lines[2]["satisfied"] == "0.5"


def test_the_networks_figures_on_postgresql(tmp_path, postgres: PrivatePostgres) -> None:
    config = filled(database("postgresql", tmp_path, postgres), tmp_path)
    found = stats(config, "--day", "2026-03-02")
    assert found["lines"] == [NORTH, SOUTH]
    assert found["total"] == NETWORK
    assert stats(config, "--day", "2026-03-02", "--by", "service")["lines"] == [CONSULT, GENERAL]


def test_wrong_days_and_an_unreachable_database_are_one_line(tmp_path) -> None:
    config = filled(f"sqlite://{tmp_path / 'central.sqlite3'}", tmp_path)
    for args, said in (
        (("--from", "2026-03-02", "--to", "2026-03-01"), "--to 2026-03-01 is before --from"),
        (("--to", "2026-03-01"), "--to needs --from"),
        (("--day", "2026-03-02", "--from", "2026-03-01"), "not both"),
    ):
        done = run_cli("network-stats", "--config", str(config), *args)
        assert done.returncode == 2 and said in done.stderr, done.stderr
    done = run_cli("network-stats", "--config", str(config), "--day", "2 March")
    assert done.returncode == 2 and "'2 March' is not a day as YYYY-MM-DD" in done.stderr
    config.write_text(central_text("callboard", 1883, "postgresql://x@127.0.0.1:1/none", "c"))
    done = run_cli("network-stats", "--config", str(config))
    assert done.returncode == 1
    assert done.stderr.startswith("cannot read the centre's database: postgresql://x@127.0.0.1")
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("seed", range(20))
def test_the_p90_from_counts_is_the_engines(seed: int) -> None:
    rng = random.Random(seed)
    waits = [rng.choice((0, 30, 45, 60, 61, 300, 1200)) for _ in range(rng.randrange(1, 60))]
    counts: dict[int, int] = {}
    for wait in waits:
        counts[wait] = counts.get(wait, 0) + 1
    assert _p90(counts) == engine_p90([float(w) for w in waits])
    assert _p90({}) is None


def test_random_days_agree_with_the_engines_way_of_counting(tmp_path) -> None:
    """Many tickets with repeated waits, two days and three sites: every line as the
    engine's functions compute it from the tickets one by one."""
    from datetime import datetime

    from central.figures import report
    from central.store import RecordRow
    from engine.stats import _mean
    from tests.central.figures_data import DAY, EVE, visit

    rng = random.Random(5)
    rows = [
        RecordRow(
            rng.choice(("a", "b", "c")),
            visit(
                n,
                rng.randint(8, 17),
                rng.choice(("general", "consult")),
                rng.choice((0, 60, 60, 120, 300, 301, 900)),
                rng.choice((None, 200, 400)),
                rng.choice((None, (5, 5), (4, 5), (3, 3))),
                day=rng.choice((DAY, EVE)),
            ),
            datetime.now().astimezone(),
        )
        for n in range(400)
    ]
    store = CentralStore(f"sqlite://{tmp_path / 'c.sqlite3'}")
    store.write(rows, [])
    for by, key in (
        ("site", lambda r: r.site),
        ("service", lambda r: r.record.first_service),
        ("hour", lambda r: f"{r.record.issued_at.hour:02d}:00"),
    ):
        found = report(store.tallies(str(DAY), str(DAY), by), DAY, DAY, by)
        mine = [r for r in rows if r.record.day == DAY]
        for line in (*found.lines, found.total):
            group = [r.record for r in mine if line.name == "network" or key(r) == line.name]
            served = [r for r in group if r.outcome == "served"]
            rated = [r for r in group if r.score is not None]
            assert line.tickets == len(group) and line.served == len(served)
            assert line.avg_wait_s == _mean([float(r.waited_s) for r in group])
            assert line.p90_wait_s == engine_p90([float(r.waited_s) for r in group])
            assert line.avg_service_s == _mean([float(r.served_s or 0) for r in served])
            assert line.satisfied == round(sum(r.score == r.scale for r in rated) / len(rated), 3)
    store.close()
