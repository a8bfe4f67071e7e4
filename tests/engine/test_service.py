"""The queue engine against a real mosquitto: every flow, one engine per site, restarts,
and the command-line ticket machine and figures."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from config import load_config
from config.settings import Config
from engine.service import EXIT_OTHER_ENGINE, QueueEngine
from mqtt_client import Topics
from tests.conftest import Peer, Received, config_text, run_cli
from tests.payloads import dumps

TS = "2026-11-25T10:00:00+08:00"
RESTARTS = int(os.environ.get("CALLBOARD_CRASH_RESTARTS", "4"))  # the long form: 30


def engine_config(tmp_path: Path, site: str, port: int, device: str = "pi-1") -> Config:
    path = tmp_path / f"{device}.toml"
    text = config_text(site, port, device).replace(
        "embedded = false", f'embedded = false\ndb = "{tmp_path / "queue.sqlite3"}"'
    )
    path.write_text(text, encoding="utf-8")
    return load_config(path)


class Running:
    def __init__(self, config: Config) -> None:
        self.engine = QueueEngine(config)
        self.code: int | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.code = self.engine.run()

    def stop(self) -> None:
        self.engine.stop()
        self.thread.join(10)


@pytest.fixture
def engine(tmp_path, site, broker) -> Iterator[Running]:
    running = Running(engine_config(tmp_path, site, broker.port))
    assert running.engine.ready.wait(15)
    yield running
    running.stop()


def json_of(messages: list[Received]) -> list[dict]:
    return [m.json() for m in messages]


def test_tickets_calls_recalls_skips_and_transfers_flow_through_the_broker(
    engine: Running, peer: Peer, site: str
) -> None:
    t = Topics("callboard", site)
    for topic in (t.ticket_issued, t.call, t.board, t.counter_state("2"), t.counter_state("6")):
        peer.subscribe(topic)
    for i, service in enumerate(["general", "general", "cashier"]):
        peer.publish(t.ticket_request, {"v": 1, "id": f"k-{i}", "service": service, "ts": TS})
    peer.publish(t.ticket_request, {"v": 1, "id": "k-0", "service": "general", "ts": TS})
    issued = json_of(peer.wait_for(t.ticket_issued, count=4))
    assert [(x["request_id"], x["ticket"], x["waiting_before"]) for x in issued] == [
        ("k-0", "A001", 0),
        ("k-1", "A002", 1),
        ("k-2", "P001", 0),
        ("k-0", "A001", 0),
    ]

    def press(counter: str, action: str, request_id: str, **more: str) -> None:
        body = {"v": 1, "id": request_id, "action": action, "ts": TS, **more}
        peer.publish(t.counter_request(counter), body)

    press("2", "next", "b-1")
    press("2", "next", "b-1")  # a QoS 1 redelivery: applied once
    press("2", "recall", "b-2")
    press("2", "skip", "b-3")  # A001 did not come: A002 is called
    press("2", "transfer", "b-4", to_service="cashier")  # A002 to the cashier, ahead of P001
    press("6", "next", "b-5")
    calls = json_of(peer.wait_for(t.call, count=4))
    time.sleep(0.5)  # room for a wrong fifth
    assert [
        (c["ticket"], c["counter"], c["kind"], c["request_id"]) for c in json_of(peer.on(t.call))
    ] == [
        ("A001", "2", "call", "b-1"),
        ("A001", "2", "recall", "b-2"),
        ("A002", "2", "call", "b-3"),
        ("A002", "6", "call", "b-5"),  # the transferred ticket, ahead of P001
    ]
    assert len({c["id"] for c in calls}) == 4
    waits = [c.get("waited_s") for c in json_of(peer.on(t.call))]  # issued moments ago
    assert [w is not None and 0 <= w < 60 for w in waits] == [True, False, True, True], waits
    boards = peer.on(t.board)
    last = boards[-1].json()
    assert [c["ticket"] for c in last["calls"]][:2] == ["A002", "A002"]
    assert last["waiting"]["cashier"] == 1 and last["waiting"]["general"] == 0
    seqs = [b.json()["seq"] for b in boards]
    assert seqs == sorted(seqs)
    states = json_of(peer.on(t.counter_state("6")))
    assert states[-1]["ticket"] == "A002" and states[-1]["waiting"] == 1


def test_a_second_engine_for_the_site_refuses_to_run(
    engine: Running, tmp_path, site, broker, caplog
) -> None:
    (tmp_path / "other").mkdir()
    other = QueueEngine(engine_config(tmp_path / "other", site, broker.port, device="pi-2"))
    with caplog.at_level("ERROR"):
        assert other.run() == EXIT_OTHER_ENGINE
    assert "another queue engine (pi-1-queue) is already running for site" in caplog.text


def test_a_restarted_engine_republishes_the_retained_state_and_goes_on(
    tmp_path, site, broker, peer: Peer
) -> None:
    t = Topics("callboard", site)
    config = engine_config(tmp_path, site, broker.port)
    first = Running(config)
    assert first.engine.ready.wait(15)
    peer.subscribe(t.ticket_issued)
    peer.publish(t.ticket_request, {"v": 1, "id": "k-a", "service": "vip", "ts": TS})
    peer.wait_for(t.ticket_issued)
    peer.publish(t.counter_request("1"), {"v": 1, "id": "b-a", "action": "next", "ts": TS})
    time.sleep(0.5)
    first.stop()
    second = Running(config)
    try:
        assert second.engine.ready.wait(15)
        late = Peer(broker.host, broker.port)
        late.subscribe(t.counter_state("1"))
        late.subscribe(t.board)
        state = late.wait_for(t.counter_state("1"))[0]
        assert state.retain and state.json()["ticket"] == "V001"
        assert late.wait_for(t.board)[0].json()["calls"][0]["ticket"] == "V001"
        peer.publish(t.ticket_request, {"v": 1, "id": "k-b", "service": "vip", "ts": TS})
        issued = peer.wait_for(t.ticket_issued, count=2)[1].json()
        assert issued["ticket"] == "V002"  # numbering goes on across the restart
        late.close()
    finally:
        second.stop()


def test_the_command_line_ticket_machine_and_the_days_figures(
    engine: Running, tmp_path, site, broker
) -> None:
    config_path = tmp_path / "pi-1.toml"
    result = run_cli("ticket", "--config", str(config_path), "general")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("A001  (general; 0 waiting before you)")
    again = run_cli("ticket", "--config", str(config_path), "general")
    assert again.stdout.startswith("A002  (general; 1 waiting before you)")
    nope = run_cli("ticket", "--config", str(config_path), "pastry")
    assert nope.returncode == 2 and "no service 'pastry'" in nope.stderr
    table = run_cli("stats", "--config", str(config_path))
    assert table.returncode == 0, table.stderr
    assert "service  general" in table.stdout and "2" in table.stdout
    csv_out = run_cli("stats", "--config", str(config_path), "--csv")
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("kind,name,tickets,served,skipped")
    assert lines[1].startswith("service,general,2,0,0,0,2")


def test_the_daemon_hosts_the_engine_when_embedded(
    start_daemon, peer: Peer, site: str, tmp_path
) -> None:
    t = Topics("callboard", site)
    peer.subscribe(t.ack("screen-1"))
    peer.subscribe(t.status("screen-1-queue"))
    db = tmp_path / "embedded.sqlite3"
    daemon = start_daemon(
        edit=lambda text: text.replace("embedded = false", f'embedded = true\ndb = "{db}"')
    )
    status = peer.wait_for(
        t.status("screen-1-queue"), lambda m: m.json()["state"] == "online", timeout=20
    )
    assert status[0].json()["role"] == "engine"  # the contract's role names (2026-11-28)
    peer.subscribe(t.ticket_issued)
    peer.publish(t.ticket_request, {"v": 1, "id": "k-e", "service": "general", "ts": TS})
    peer.wait_for(t.ticket_issued)
    peer.publish(t.counter_request("2"), {"v": 1, "id": "b-e", "action": "next", "ts": TS})
    ack = peer.wait_for(t.ack("screen-1"), lambda m: m.json()["event"] == "shown", timeout=10)
    assert re.fullmatch(r"c-[0-9a-f]{8}-000001", ack[0].json()["call_id"])  # c-<epoch>-<seq>
    assert db.is_file() and daemon.alive
    assert daemon.stop() == 0
    peer.wait_for(t.status("screen-1-queue"), lambda m: m.json()["state"] == "offline", timeout=10)


def test_sigkilled_engine_processes_answer_every_ticket_request_once(
    tmp_path, site, broker, peer: Peer
) -> None:
    """``callboard queue`` itself, killed at random moments during a stream of requests."""
    import random
    import signal
    import subprocess
    import sys

    from tests.conftest import wait_until

    t = Topics("callboard", site)
    config = engine_config(tmp_path, site, broker.port)
    peer.subscribe(t.ticket_issued)
    peer.subscribe(t.status("pi-1-queue"))
    rng = random.Random(11)
    asked: list[str] = []
    answers: dict[str, set[str]] = {}
    cut_short = 0

    def collect() -> None:
        for message in peer.on(t.ticket_issued):
            body = message.json()
            answers.setdefault(body["request_id"], set()).add(body["ticket"])

    def start() -> subprocess.Popen[bytes]:
        online_before = len(peer.on(t.status("pi-1-queue")))
        process = subprocess.Popen(
            [sys.executable, "-m", "callboard", "queue", "--config", str(config.source)],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_until(
            lambda: any(
                m.json()["state"] == "online"
                for m in peer.on(t.status("pi-1-queue"))[online_before:]
            ),
            20,
        )
        return process

    for _ in range(RESTARTS):
        engine = start()
        collect()
        for request_id in [r for r in asked if r not in answers]:  # a kiosk asks again
            peer.client.publish(
                t.ticket_request,
                dumps({"v": 1, "id": request_id, "service": "general", "ts": TS}),
                qos=1,
            )
        for _ in range(rng.randint(10, 40)):
            request_id = f"k-{len(asked)}"
            asked.append(request_id)
            peer.client.publish(
                t.ticket_request,
                dumps({"v": 1, "id": request_id, "service": "general", "ts": TS}),
                qos=1,
            )
        time.sleep(rng.random() * 0.04)  # the engine takes ~1.5 ms a request: mid-stream
        engine.send_signal(signal.SIGKILL)
        engine.wait(5)
        time.sleep(0.2)
        collect()
        cut_short += any(r not in answers for r in asked)
    assert cut_short >= RESTARTS // 4, cut_short  # the kills really fell mid-stream
    engine = start()
    try:
        for request_id in [r for r in asked if r not in answers]:
            peer.publish(
                t.ticket_request, {"v": 1, "id": request_id, "service": "general", "ts": TS}
            )
        assert wait_until(lambda: (collect(), len(answers) == len(asked))[1], 20)
    finally:
        engine.send_signal(signal.SIGTERM)
        engine.wait(10)
    assert all(len(tickets) == 1 for tickets in answers.values())  # one ticket per request
    numbers = sorted(int(next(iter(tickets))[1:]) for tickets in answers.values())
    assert numbers == list(range(1, len(asked) + 1))  # no gaps, no repeats
