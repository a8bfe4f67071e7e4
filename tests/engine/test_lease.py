"""One queue engine per site, whatever the timing: many trials of engines started together
(the same second, the same device id or not), requests flowing all the while. A ticket
number given to two customers, or answers from two stores, fail the trial.

CI runs the short form (TRIALS, default 60); ``CALLBOARD_LEASE_TRIALS=500`` runs more.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from callboard.demo.broker import PrivateBroker
from config import load_config
from config.settings import Config
from engine.service import EXIT_OTHER_ENGINE, QueueEngine
from lobby.contract import TicketRequest
from lobby.topics import Topics
from tests.conftest import Peer, config_text, wait_until

TRIALS = int(os.environ.get("CALLBOARD_LEASE_TRIALS", "60"))
BATCH = 10  # trials at once, each on a site of its own


def engine_config(tmp: Path, site: str, port: int, device: str, standby: bool = False) -> Config:
    path = tmp / f"{device}.toml"
    queue = f'embedded = false\ndb = "{tmp / (device + ".sqlite3")}"'
    if standby:
        queue += "\nstandby = true"
    text = config_text(site, port, device).replace("embedded = false", queue)
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@dataclass
class Running:
    engine: QueueEngine
    code: int | None = None
    thread: threading.Thread | None = None

    def start(self) -> Running:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self) -> None:
        self.code = self.engine.run()

    def stop(self) -> None:
        self.engine.stop()
        if self.thread is not None:
            self.thread.join(15)


@dataclass
class Trial:
    site: str
    engines: list[Running] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def own_broker() -> Iterator[PrivateBroker]:
    with PrivateBroker() as running:
        yield running


def start_trial(tmp: Path, port: int, rng: random.Random) -> tuple[Trial, list[float]]:
    site = f"l{uuid.uuid4().hex[:9]}"
    trial = Trial(site)
    same_id = rng.random() < 0.3  # a cloned SD card: one device id on two machines
    offsets = [0.0, rng.choice([0.0, 0.0, rng.uniform(0, 0.3), rng.uniform(0, 3.0)])]
    for i in range(2):
        device = "pi-1" if same_id else f"pi-{i + 1}"
        folder = tmp / site / str(i)
        folder.mkdir(parents=True)
        trial.engines.append(Running(QueueEngine(engine_config(folder, site, port, device))))
    return trial, offsets


def run_batch(tmp: Path, broker: PrivateBroker, rng: random.Random, size: int) -> list[Trial]:
    peer = Peer(broker.host, broker.port)
    trials = [start_trial(tmp, broker.port, rng) for _ in range(size)]
    for trial, _ in trials:
        peer.subscribe(Topics("callboard", trial.site).ticket_issued)
    t0 = time.monotonic()
    pending = [
        (t0 + off, running)
        for trial, offs in trials
        for off, running in zip(offs, trial.engines, strict=True)
    ]
    pending.sort(key=lambda item: item[0])
    stop_asking = threading.Event()

    def ask() -> None:  # customers at the ticket machines all the while
        n = 0
        while not stop_asking.is_set():
            for trial, _ in trials:
                n += 1
                request = TicketRequest(f"k-{n}", "general", datetime.now().astimezone())
                trial.asked.append(request.id)
                peer.client.publish(
                    Topics("callboard", trial.site).ticket_request, request.payload(), qos=1
                )
            time.sleep(0.1)

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    for at, running in pending:
        time.sleep(max(0.0, at - time.monotonic()))
        running.start()
    try:
        for trial, _ in trials:
            assert wait_until(lambda t=trial: any(r.engine.ready.is_set() for r in t.engines), 40)
        time.sleep(1.0)  # the customers go on a moment with one engine serving
    finally:
        stop_asking.set()
        asker.join(5)
    for trial, _ in trials:
        check(trial, peer)
        for running in trial.engines:
            running.stop()
    peer.close()
    return [trial for trial, _ in trials]


def check(trial: Trial, peer: Peer) -> None:
    topics = Topics("callboard", trial.site)
    serving = [r for r in trial.engines if r.engine.ready.is_set()]
    assert len(serving) == 1, f"{trial.site}: {len(serving)} engines serving"
    refused = [r for r in trial.engines if r is not serving[0]]
    assert wait_until(lambda: all(r.code == EXIT_OTHER_ENGINE for r in refused), 20), [
        r.code for r in refused
    ]
    issued = [m.json() for m in peer.on(topics.ticket_issued)]
    epochs = {re.fullmatch(r"t-([0-9a-f]+)-\d+", body["id"]).group(1) for body in issued}  # type: ignore[union-attr]
    assert len(epochs) <= 1, f"{trial.site}: tickets from {len(epochs)} stores"
    tickets = [body["ticket"] for body in issued]
    assert len(tickets) == len(set(tickets)), f"{trial.site}: a ticket number given twice"
    answered = [body["request_id"] for body in issued]
    assert len(answered) == len(set(answered)), f"{trial.site}: a request answered twice"


def test_many_simultaneous_starts_leave_one_engine_and_no_ticket_given_twice(
    tmp_path: Path, own_broker: PrivateBroker
) -> None:
    rng = random.Random(int(os.environ.get("CALLBOARD_LEASE_SEED", "2026")))
    done = asked = 0
    while done < TRIALS:
        size = min(BATCH, TRIALS - done)
        trials = run_batch(tmp_path, own_broker, rng, size)
        done += size
        asked += sum(len(t.asked) for t in trials)
    print(f"{done} trials, {asked} ticket requests: one engine each time, no ticket twice")


def test_engine_processes_started_in_the_same_instant_leave_one_serving(
    tmp_path: Path, own_broker: PrivateBroker
) -> None:
    """``callboard queue`` twice per site, both launched at once (as systemd starts two
    units, or a clone boots beside its original): one serves, the other says why, exit 3."""
    import subprocess
    import sys

    sites = [f"p{uuid.uuid4().hex[:9]}" for _ in range(6)]
    peer = Peer(own_broker.host, own_broker.port)
    launched: list[tuple[str, subprocess.Popen[str]]] = []
    commands = []
    for site in sites:
        peer.subscribe(Topics("callboard", site).ticket_issued)
        for i in range(2):
            folder = tmp_path / site / str(i)
            folder.mkdir(parents=True)
            config = engine_config(folder, site, own_broker.port, f"pi-{i + 1}")
            commands.append(
                (
                    site,
                    [sys.executable, "-m", "callboard", "queue", "--config", str(config.source)],
                    folder,
                )
            )
    for site, command, folder in commands:  # as close together as processes can start
        launched.append(
            (site, subprocess.Popen(command, cwd=folder, stderr=subprocess.PIPE, text=True))
        )
    try:
        for site in sites:
            topics = Topics("callboard", site)
            mine = [process for s, process in launched if s == site]
            assert wait_until(lambda m=mine: sum(p.poll() is not None for p in m) == 1, 60), site
            (refused,) = [p for p in mine if p.poll() is not None]
            assert refused.returncode == EXIT_OTHER_ENGINE
            assert refused.stderr is not None
            said = refused.stderr.read()
            assert "another queue engine" in said and "Traceback" not in said, said
            request = TicketRequest("k-1", "general", datetime.now().astimezone())
            peer.publish(topics.ticket_request, request.payload())
            (answer,) = peer.wait_for(topics.ticket_issued, timeout=20)
            assert answer.json()["ticket"] == "A001"
    finally:
        for _, process in launched:
            if process.poll() is None:
                process.terminate()
                process.wait(15)
        peer.close()
