"""The centre's fixtures: a real PostgreSQL on a free loopback port (Debian's server, as
mosquitto is started for every test), central configs, and the collector as a process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from callboard.demo.broker import PrivateBroker
from callboard.demo.postgres import PrivatePostgres
from central.store import CentralStore, DatabaseAway
from lobby.contract import DeviceStatus, FinishedTicket
from tests.conftest import Peer, wait_until

NOW = datetime.now().astimezone().replace(microsecond=0)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PrivatePostgres]:
    with PrivatePostgres() as running:
        yield running


@pytest.fixture
def root() -> str:
    """A topic root of this test's own: the collector reads every site under it."""
    return f"c{uuid.uuid4().hex[:10]}"


def central_text(root: str, port: int, database: str, client_id: str) -> str:
    return (
        "[mqtt]\n"
        'host = "127.0.0.1"\n'
        f"port = {port}\n"
        f'topic_root = "{root}"\n'
        "[central]\n"
        f'database = "{database}"\n'
        f'client_id = "{client_id}"\n'
    )


class CollectorProcess:
    """``callboard collect`` as systemd would run it."""

    def __init__(self, config: Path, log: Path) -> None:
        self.log_path = log
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "callboard", "collect", "--config", str(config)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """kill -9: no goodbye, nothing flushed."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return int(self.process.returncode)


class Centre:
    """A central config, its database and the collector processes started for it."""

    def __init__(self, tmp: Path, root: str, broker: PrivateBroker, database: str) -> None:
        self.root = root
        self.database = database
        self.config = tmp / "central.toml"
        client_id = f"collector-{uuid.uuid4().hex[:8]}"
        self.config.write_text(central_text(root, broker.port, database, client_id))
        self.log = tmp / "collect.log"
        self.started: list[CollectorProcess] = []
        self.store = CentralStore(database)

    def start(self) -> CollectorProcess:
        collector = CollectorProcess(self.config, self.log)
        self.started.append(collector)
        return collector

    def ready(self, peer: Peer) -> None:
        """Wait until the collector has subscribed: a retained status of its own reaches it."""
        probe = status("probe", "console", at=datetime.now().astimezone())
        peer.publish(f"{self.root}/zz-probe/status/probe", probe, retain=True)
        assert wait_until(lambda: self.devices_of("zz-probe"), 20), self.log.read_text()

    def devices_of(self, site: str) -> list[str]:
        try:
            return [d.device for d in self.store.devices() if d.site == site]
        except Exception:  # the collector has not made the tables yet
            return []

    def ids(self) -> list[tuple[str, str, int]]:
        """Every stored record's key and rev (the test's own connection, opened again after
        a database restart)."""
        for _ in range(2):
            try:
                with self.store._transaction() as cursor:
                    cursor.execute("SELECT site, id, rev FROM records ORDER BY site, id")
                    return [tuple(row) for row in cursor.fetchall()]
            except DatabaseAway:
                continue
        return []

    def close(self) -> None:
        for collector in self.started:
            collector.stop()
        self.store.close()


@pytest.fixture
def centre_of(
    tmp_path: Path, root: str, broker: PrivateBroker
) -> Iterator[Callable[[str], Centre]]:
    made: list[Centre] = []

    def make(database: str) -> Centre:
        centre = Centre(tmp_path, root, broker, database)
        made.append(centre)
        return centre

    yield make
    for centre in made:
        centre.close()


def record(number: int, rev: int = 1, score: int | None = None) -> bytes:
    """A site's record of ticket A<number>, finished 10 minutes after its issue."""
    issued = NOW - timedelta(minutes=30)
    return FinishedTicket(
        id=f"r-e1-{NOW.date()}-A{number:03d}",
        rev=rev,
        ticket=f"A{number:03d}",
        day=NOW.date(),
        service="general",
        first_service="general",
        outcome="served" if number % 5 else "no_show",
        counter=str(1 + number % 3),
        issued_at=issued,
        called_at=issued + timedelta(minutes=8),
        done_at=issued + timedelta(minutes=10),
        waited_s=480,
        ts=NOW,
        score=score,
        scale=3 if score else None,
    ).payload()


def status(
    device: str,
    role: str,
    state: str = "online",
    faults: tuple[str, ...] = (),
    at: datetime | None = None,
) -> bytes:
    return DeviceStatus(
        device=device,
        state=state,
        version="0.1.0",
        ts=at or datetime.now().astimezone(),
        uptime_s=60,
        rejected=0,
        role=role,
        faults=faults,
    ).payload()
