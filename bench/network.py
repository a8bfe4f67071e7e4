"""The branch network's pace: sites bridged to one central mosquitto, the collector writing
their records to PostgreSQL.

A central mosquitto; N sites, each with its own mosquitto bridged to the centre by the section
``callboard bridge-config`` writes (``--bridges`` of them; sites past that publish straight to
the central broker under their own topics, and the output says how many); a real queue engine
(``callboard queue``) at ``--engines`` sites, driven by tickets and presses; generated traffic at
the rest: per ticket the record (lobby's FinishedTicket) and the eleven other messages a
finished ticket puts on the wire (request, answer, press, call, board, counter state, two
screens' shown and spoken acks, the figures), and six devices' statuses a minute. A busy
branch's pace: a ticket and a call every 10 s per site, five times that in the middle third of
each step (the peak). ``callboard collect`` (its own process) stores into a PostgreSQL started
on a free port.

Printed per step: records per second stored, end-to-end lag (the record's ``done_at`` at the
lobby to its row's ``received_at`` at the centre, stamped as its batch is written) p50/p99, CPU
(% of one core, from /proc/<pid>/stat over the step) and RSS of the central broker, the
collector and PostgreSQL (with its backends), the site brokers together and this generator.
``--push`` then multiplies the traffic at the last step's sites until the centre falls behind
(the lag's p99 over 5 s) or the generator cannot keep its pace (it says which).

    .venv/bin/python bench/network.py                   # 20 bridged sites, one 60 s step
    .venv/bin/python bench/network.py --grow            # 20, 50, 100, 200 sites (about 7 min)
    .venv/bin/python bench/network.py --grow --push     # then 10x, 30x, 100x the pace
    .venv/bin/python bench/network.py --flood 20000     # then a backlog at once: the collector
"""

from __future__ import annotations

# isort: off
import _path  # noqa: F401 - first: the repository on sys.path, this folder off it
# isort: on

import argparse
import heapq
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion

from bench.common import lobby_config, percentile
from callboard.demo.broker import PrivateBroker, free_port
from callboard.demo.postgres import PrivatePostgres
from config import load_config
from config.bridge import Central, mosquitto_bridge
from lobby.contract import FinishedTicket
from lobby.topics import Topics

ROOT = "callboard"
TICKET_EVERY_S = 10.0  # a busy branch: a ticket and a call every 10 s per site
PEAK = 5.0
STATUS_EVERY_S = 10.0  # six devices, each once a minute
BEHIND_S = 5.0  # a lag p99 over this: the centre no longer keeps up
CENTRAL_CONFIG = "max_queued_messages 1000000\nmax_queued_bytes 0\n"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def family(pid: int) -> list[int]:
    """A process and its children (PostgreSQL's backends)."""
    found = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


@dataclass
class Watched:
    """A process (or several) whose CPU and memory the step reports."""

    name: str
    pids: list[int]
    children: bool = False
    _start: int = 0

    def now_pids(self) -> list[int]:
        return [p for pid in self.pids for p in (family(pid) if self.children else [pid])]

    def begin(self) -> None:
        self._start = sum(cpu_ticks(p) for p in self.now_pids())

    def cpu(self, seconds: float) -> float:
        used = sum(cpu_ticks(p) for p in self.now_pids()) - self._start
        return 100.0 * used / TICK / seconds

    def rss(self) -> float:
        return sum(rss_mb(p) for p in self.now_pids())


def client_for(host: str, port: int, name: str) -> mqtt.Client:
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id=name)
    client.max_queued_messages_set(0)
    client.connect(host, port)
    client.loop_start()
    return client


@dataclass
class Site:
    name: str
    client: mqtt.Client
    bridged: bool
    broker: PrivateBroker | None = None
    engine: subprocess.Popen[bytes] | None = None
    tickets: int = 0
    records: int = 0
    topics: Topics = field(init=False)

    def __post_init__(self) -> None:
        self.topics = Topics(ROOT, self.name)

    def ticket(self) -> None:
        """One ticket taken and called: at an engine's site, the request and the press (the
        engine writes the record of the ticket the press finishes); elsewhere the record and
        the rest of the ticket's traffic, generated."""
        self.tickets += 1
        n, t, publish = self.tickets, self.topics, self.client.publish
        ts = datetime.now().astimezone()
        stamp = ts.isoformat(timespec="milliseconds")
        if self.engine is not None:
            body = {"v": 1, "id": f"k-{n}", "service": "general", "ts": stamp}
            publish(t.ticket_request, json.dumps(body), qos=1)
            press = {"v": 1, "id": f"b-{n}", "action": "next", "ts": stamp}
            publish(t.counter_request("2"), json.dumps(press), qos=1)
            return
        publish(t.record, record(self.name, n, ts), qos=1)
        self.records += 1
        small = json.dumps({"v": 1, "id": f"x-{n}", "ts": stamp, "pad": "x" * 120})
        for topic in (t.ticket_request, t.ticket_issued, t.counter_request("2"), t.call,
                      t.stats_today):  # fmt: skip
            publish(topic, small, qos=1)
        publish(t.board, json.dumps({"v": 1, "seq": n, "pad": "x" * 2400}), qos=1, retain=True)
        publish(t.counter_state("2"), small, qos=1, retain=True)
        for screen in ("screen-1", "screen-2"):
            publish(t.ack(screen), small, qos=1)
            publish(t.ack(screen), small, qos=1)

    def status(self, n: int) -> None:
        device = f"dev-{n % 6}"
        body = {
            "v": 1,
            "device": device,
            "state": "online",
            "version": "0.1.0",
            "ts": datetime.now().astimezone().isoformat(timespec="milliseconds"),
            "uptime_s": 60,
            "rejected": 0,
            "role": "display",
        }
        self.client.publish(self.topics.status(device), json.dumps(body), qos=1, retain=True)


def record(site: str, n: int, done: datetime) -> bytes:
    issued = done - timedelta(minutes=12)
    return FinishedTicket(
        id=f"r-gen-{done.date()}-{n:06d}",
        rev=1,
        ticket=f"A{n % 1000:03d}",
        day=done.date(),
        service="general",
        first_service="general",
        outcome="served" if n % 7 else "no_show",
        counter=str(1 + n % 4),
        issued_at=issued,
        called_at=issued + timedelta(minutes=8),
        done_at=done,
        waited_s=480,
        ts=done,
        served_at=issued + timedelta(minutes=8) if n % 7 else None,
        served_s=240 if n % 7 else None,
        lang="zh",
        score=3 if n % 3 == 0 and n % 7 else None,
        scale=3 if n % 3 == 0 and n % 7 else None,
    ).payload()


class Network:
    def __init__(self, work: Path, bridges: int, engines: int) -> None:
        self.work = work
        self.bridges, self.engines = bridges, engines
        self.central = PrivateBroker(extra_config=CENTRAL_CONFIG).start()
        self.postgres = PrivatePostgres().start()
        with psycopg.connect(self.postgres.url, autocommit=True) as connection:
            connection.execute("CREATE DATABASE centre")
        self.database = self.postgres.url.rsplit("/", 1)[0] + "/centre"
        config = work / "central.toml"
        config.write_text(
            f'[mqtt]\nhost = "127.0.0.1"\nport = {self.central.port}\ntopic_root = "{ROOT}"\n'
            f'[central]\ndatabase = "{self.database}"\nclient_id = "bench-collector"\n'
        )
        self.collector = subprocess.Popen(
            [sys.executable, "-m", "callboard", "collect", "--config", str(config)],
            stdout=(work / "collect.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.sites: list[Site] = []
        self.linked: set[str] = set()
        self._lock = threading.Lock()
        self.watch = self.central_client()

    def central_client(self) -> mqtt.Client:
        def on_message(_c: object, _u: object, message: mqtt.MQTTMessage) -> None:
            if message.payload == b"1":
                with self._lock:
                    self.linked.add(message.topic.split("/")[1])

        client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="bench")
        client.on_message = on_message
        client.connect(self.central.host, self.central.port)
        client.subscribe(f"{ROOT}/+/bridge/state", qos=1)
        client.loop_start()
        return client

    def grow(self, count: int) -> None:
        """Start sites until there are ``count``: bridged ones first, engines at the first."""
        for i in range(len(self.sites), count):
            name = f"s{i:03d}"
            bridged = i < self.bridges
            folder = self.work / name
            folder.mkdir()
            if not bridged:
                client = client_for(self.central.host, self.central.port, f"gen-{name}")
                self.sites.append(Site(name, client, False))
                continue
            port = free_port()
            db = f'embedded = false\ndb = "{folder / "queue.sqlite3"}"'
            changes = {'site = "hz-main"': f'site = "{name}"', "embedded = false": db}
            path = lobby_config(folder, port, changes=changes)
            section = mosquitto_bridge(
                load_config(path), Central(self.central.host, self.central.port, tls=False)
            )
            broker = PrivateBroker(port=port, extra_config=section).start()
            engine = None
            if i < self.engines:
                engine = subprocess.Popen(
                    [sys.executable, "-m", "callboard", "queue", "--config", str(path)],
                    cwd=folder,
                    stdout=(folder / "engine.log").open("wb"),
                    stderr=subprocess.STDOUT,
                )
            client = client_for(broker.host, broker.port, f"gen-{name}")
            self.sites.append(Site(name, client, True, broker, engine))
        deadline = time.monotonic() + 60
        wanted = {s.name for s in self.sites if s.bridged}
        while time.monotonic() < deadline and not wanted <= self.linked:
            time.sleep(0.2)
        if not wanted <= self.linked:
            raise SystemExit(f"bridges not up within 60 s: {sorted(wanted - self.linked)[:5]}")
        if self.engines:
            time.sleep(6)  # the engines' lease and settling (bench/queue.py: about 4.2 s)

    def stored(self) -> int:
        with psycopg.connect(self.database) as connection:
            row = connection.execute("SELECT count(*) FROM records").fetchone()
        return int(row[0]) if row else 0

    def lags(self, since: str) -> tuple[list[float], int]:
        """The lag of each record stored since ``since``, and how many came from engines."""
        engines = {s.name for s in self.sites if s.engine is not None}
        with psycopg.connect(self.database) as connection:
            rows = connection.execute(
                "SELECT site, done_at, received_at FROM records WHERE received_at >= %s",
                (since,),
            ).fetchall()
        lags = [
            (datetime.fromisoformat(got) - datetime.fromisoformat(done)).total_seconds()
            for _site, done, got in rows
        ]
        return lags, sum(1 for site, _, _ in rows if site in engines)

    def close(self) -> None:
        self.watch.loop_stop()
        for site in self.sites:
            site.client.loop_stop()
            if site.engine is not None:
                site.engine.terminate()
                site.engine.wait(10)
            if site.broker is not None:
                site.broker.cleanup()
        self.collector.terminate()
        self.collector.wait(15)
        self.postgres.cleanup()
        self.central.cleanup()


@dataclass
class Step:
    sites: int
    bridged: int
    pace: float
    offered: float
    stored_per_s: float
    p50: float
    p99: float
    late_s: float
    from_engines: int
    cpu: dict[str, float]
    rss: dict[str, float]

    @property
    def behind(self) -> str:
        if self.late_s > 1.0:
            return "generator"  # this process could not publish at the pace it was asked
        return "centre" if self.p99 > BEHIND_S else ""


def run_step(net: Network, seconds: float, pace: float, peaks: bool) -> Step:
    """Traffic for ``seconds`` at ``pace`` times a busy branch (5x more in the middle third
    when ``peaks``); then wait until the centre has stored all it will."""
    watched = [
        Watched("central broker", [net.central.pid]),
        Watched("collector", [net.collector.pid]),
        Watched("postgresql", [net.postgres.pid], children=True),
        Watched("site brokers", [s.broker.pid for s in net.sites if s.broker]),
        Watched("generator", [os.getpid()]),
    ]
    since = datetime.now(UTC).isoformat(timespec="milliseconds")  # as received_at is written
    before = net.stored()
    tickets_before = sum(s.tickets for s in net.sites)
    for w in watched:
        w.begin()
    started = time.monotonic()
    end = started + seconds
    due: list[tuple[float, int, int]] = []  # (when, site, 0 ticket / 1 status)
    for i in range(len(net.sites)):
        heapq.heappush(due, (started + random.uniform(0, TICKET_EVERY_S / pace), i, 0))
        heapq.heappush(due, (started + random.uniform(0, STATUS_EVERY_S), i, 1))
    late = 0.0
    statuses = 0
    while due:
        when, i, kind = heapq.heappop(due)
        if when >= end:
            break
        wait = when - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        else:
            late = max(late, -wait)
        site = net.sites[i]
        if kind == 0:
            site.ticket()
            into = (when - started) / seconds
            factor = PEAK if peaks and 1 / 3 <= into < 2 / 3 else 1.0
            heapq.heappush(due, (when + TICKET_EVERY_S / (pace * factor), i, 0))
        else:
            statuses += 1
            site.status(statuses)
            heapq.heappush(due, (when + STATUS_EVERY_S, i, 1))
    sent_s = time.monotonic() - started
    tickets = sum(s.tickets for s in net.sites) - tickets_before  # each finishes one record
    # Drain: until the count has stood still for 3 s (the engines' records included).
    last, still = net.stored(), time.monotonic()
    while time.monotonic() - still < 3.0 and time.monotonic() - started < seconds + 120:
        time.sleep(0.5)
        now_count = net.stored()
        if now_count != last:
            last, still = now_count, time.monotonic()
    elapsed = time.monotonic() - started
    stored = last - before
    lags, from_engines = net.lags(since)
    lags = lags or [0.0]
    return Step(
        sites=len(net.sites),
        bridged=sum(1 for s in net.sites if s.bridged),
        pace=pace,
        offered=tickets / sent_s,
        stored_per_s=stored / sent_s,
        p50=percentile(lags, 0.5),
        p99=percentile(lags, 0.99),
        late_s=late,
        from_engines=from_engines,
        cpu={w.name: w.cpu(elapsed) for w in watched},
        rss={w.name: w.rss() for w in watched},
    )


def report(step: Step) -> None:
    cpu = ", ".join(f"{k} {v:.1f} %" for k, v in step.cpu.items())
    rss = ", ".join(f"{k} {v:.0f} MB" for k, v in step.rss.items())
    messages = step.offered * 12 + step.sites / STATUS_EVERY_S
    print(
        f"{step.sites} sites ({step.bridged} bridged), pace x{step.pace:g}: offered "
        f"{step.offered:.1f} records/s (~{messages:.0f} messages/s at the centre), stored "
        f"{step.stored_per_s:.1f} records/s ({step.from_engines} from real engines); "
        f"lag p50 {step.p50 * 1000:.0f} ms, p99 "
        f"{step.p99 * 1000:.0f} ms{'; BEHIND: ' + step.behind if step.behind else ''}\n"
        f"    CPU (% of one core): {cpu}\n    RSS: {rss}",
        flush=True,
    )


def flood(net: Network, count: int) -> None:
    """``count`` records at once on the central broker (one site's backlog after a long cut):
    how fast the collector stores when it is the only thing working."""
    client = client_for(net.central.host, net.central.port, "bench-flood")
    watched = [
        Watched("central broker", [net.central.pid]),
        Watched("collector", [net.collector.pid]),
    ]
    watched.append(Watched("postgresql", [net.postgres.pid], children=True))
    before = net.stored()
    for w in watched:
        w.begin()
    started = time.monotonic()
    done = datetime.now().astimezone()
    sent = [
        client.publish(f"{ROOT}/flood/record", record("flood", n, done), qos=1)
        for n in range(count)
    ]
    for message in sent:
        message.wait_for_publish(60)
    published = time.monotonic() - started
    while net.stored() - before < count and time.monotonic() - started < 300:
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    client.loop_stop()
    cpu = ", ".join(f"{w.name} {w.cpu(elapsed):.0f} %" for w in watched)
    print(
        f"a backlog of {count} records at once: published in {published:.1f} s, all stored "
        f"after {elapsed:.1f} s: {count / elapsed:.0f} records/s\n    CPU (% of one core): {cpu}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--bridges", type=int, default=200, help="real bridged site brokers")
    parser.add_argument("--engines", type=int, default=3, help="sites with a real queue engine")
    parser.add_argument("--step-s", type=float, default=60.0)
    parser.add_argument("--grow", action="store_true", help="20, 50, 100, 200 sites")
    parser.add_argument("--push", action="store_true", help="then 10x, 30x, 100x the pace")
    parser.add_argument("--flood", type=int, default=0, help="then N records at once")
    args = parser.parse_args()
    counts = [20, 50, 100, 200] if args.grow else [args.sites]
    with tempfile.TemporaryDirectory() as folder:
        net = Network(Path(folder), args.bridges, args.engines)
        try:
            for count in counts:
                net.grow(count)
                report(run_step(net, args.step_s, 1.0, peaks=True))
            if args.push:
                for pace in (10.0, 30.0, 100.0):
                    step = run_step(net, args.step_s / 2, pace, peaks=False)
                    report(step)
                    if step.behind:
                        break
            if args.flood:
                flood(net, args.flood)
        finally:
            net.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
