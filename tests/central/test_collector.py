"""``callboard collect`` against a real mosquitto and a real database (SQLite, and
PostgreSQL started on a free port): every record stored once, whatever is killed or
restarted in the middle of a stream."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from callboard.demo.postgres import PrivatePostgres
from tests.central.conftest import Centre, record, status
from tests.conftest import Peer, wait_until

STREAM = int(os.environ.get("CALLBOARD_COLLECT_STREAM", "300"))  # the long form: 3000


def database(kind: str, tmp_path, postgres: PrivatePostgres | None) -> str:
    if kind == "sqlite":
        return f"sqlite://{tmp_path / 'central.sqlite3'}"
    assert postgres is not None
    schema = f"s{os.urandom(4).hex()}"  # a database of this test's own
    import psycopg

    with psycopg.connect(postgres.url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {schema}")
    return postgres.url.rsplit("/", 1)[0] + f"/{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def centre(request, tmp_path, centre_of) -> Centre:
    postgres = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    return centre_of(database(request.param, tmp_path, postgres))


def test_records_and_statuses_of_two_sites_are_stored_once(centre: Centre, peer: Peer) -> None:
    centre.start()
    centre.ready(peer)
    root = centre.root
    for site in ("north", "south"):
        for n in range(1, 6):
            peer.publish(f"{root}/{site}/record", record(n))
        peer.publish(f"{root}/{site}/record", record(1))  # a redelivery
        peer.publish(f"{root}/{site}/record", record(2, rev=2, score=3))  # rated after
        peer.publish(f"{root}/{site}/record", record(2, rev=1))  # an older version, late
        peer.publish(f"{root}/{site}/status/screen-1", status("screen-1", "display"))
    peer.publish(f"{root}/north/record", b'{"v":1,"id":"r-x","rev":"one"}')  # malformed
    peer.publish(f"{root}/north/record", record(6))  # after it: the queue goes on
    assert wait_until(lambda: len(centre.ids()) == 11, 20), centre.ids()
    ids = centre.ids()
    assert len(set(ids)) == 11 and {site for site, _, _ in ids} == {"north", "south"}
    assert {(s, rev) for s, i, rev in ids if i.endswith("A002")} == {("north", 2), ("south", 2)}
    assert wait_until(lambda: centre.devices_of("south") == ["screen-1"])
    assert centre.devices_of("north") == ["screen-1"]
    log = centre.log.read_text()
    assert log.count("dropped a message on") == 1
    assert f"dropped a message on {root}/north/record: field 'rev'" in log


def test_a_collector_killed_mid_stream_loses_and_doubles_nothing(
    centre: Centre, peer: Peer
) -> None:
    collector = centre.start()
    centre.ready(peer)
    topic = f"{centre.root}/east/record"
    for n in range(1, STREAM + 1):
        peer.publish(topic, record(n))
        if n == STREAM // 3:
            collector.kill()  # mid-stream; the broker keeps the rest for its session
        if n == 2 * STREAM // 3:
            centre.start()
    assert wait_until(lambda: len(centre.ids()) >= STREAM, 60), len(centre.ids())
    ids = [i for _, i, _ in centre.ids()]
    assert len(ids) == len(set(ids)) == STREAM


def test_postgresql_restarted_mid_stream_loses_and_doubles_nothing(
    tmp_path, centre_of, postgres: PrivatePostgres, peer: Peer
) -> None:
    """While the database is away the collector acknowledges nothing: a collector killed
    then (holding a batch it could not store) loses none of it either."""
    centre = centre_of(database("postgresql", tmp_path, postgres))
    collector = centre.start()
    centre.ready(peer)
    topic = f"{centre.root}/west/record"
    for n in range(1, STREAM + 1):
        peer.publish(topic, record(n))
        if n == STREAM // 3:
            postgres.stop()
        if n == STREAM // 2:
            assert wait_until(lambda: "the database is away" in centre.log.read_text(), 20)
            collector.kill()
            centre.start()
        if n == 2 * STREAM // 3:
            postgres.start()
    assert wait_until(lambda: len(centre.ids()) >= STREAM, 90), len(centre.ids())
    ids = [i for _, i, _ in centre.ids()]
    assert len(ids) == len(set(ids)) == STREAM
    log = centre.log.read_text()
    away = log.count("the database is away")
    assert 1 <= away <= 2, log  # once per collector that met it away, not once per retry
    # The killed one never saw it back; the second says so if it met it away too.
    assert log.count("the database is back after") == away - 1, log


def test_a_collector_started_before_its_broker_says_so_once_then_collects(
    tmp_path: Path, root: str, peer: Peer
) -> None:
    """A centre's server rebooted, the collector up before the broker: one line saying the
    broker does not answer (not one per retry), then it collects once the broker is there."""
    from callboard.demo.broker import PrivateBroker, free_port
    from tests.central.conftest import CollectorProcess, central_text

    port = free_port()
    config = tmp_path / "central.toml"
    config.write_text(central_text(root, port, f"sqlite://{tmp_path / 'c.sqlite3'}", "c-early"))
    collector = CollectorProcess(config, tmp_path / "collect.log")
    try:
        line = f"the central broker at 127.0.0.1:{port} does not answer"
        assert wait_until(lambda: line in collector.log(), 10), collector.log()
        time.sleep(3)  # paho retried meanwhile
        assert collector.log().count(line) == 1, collector.log()
        with PrivateBroker(port=port) as broker:
            assert broker.port == port
            assert wait_until(lambda: "collecting " in collector.log(), 40), collector.log()
    finally:
        collector.stop()
    assert "Traceback" not in collector.log()
