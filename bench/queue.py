"""The queue engine's pace: sustained requests per second, and request-to-CallEvent latency.

``callboard queue`` runs as a process of its own on a real mosquitto, with its SQLite
database in a temporary folder (WAL, synchronous=FULL: every request waits for its fsync).
1. Throughput: N TicketRequests published at once; the time until every TicketIssued is in.
2. Latency: CounterRequests ``next``, one at a time, each timed from its publish to its
   CallEvent arriving at a subscriber.

    .venv/bin/python bench/queue.py [--tickets 2000] [--calls 300]
"""

from __future__ import annotations

# isort: off
import _path  # noqa: F401 - first: the repository on sys.path, this folder off it
# isort: on

import argparse
import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import lobby_config, percentile
from callboard.demo.broker import PrivateBroker
from engine.lease import SETTLE_S

TS = "2026-11-25T10:00:00+08:00"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    with PrivateBroker() as broker, tempfile.TemporaryDirectory() as work:
        db = {"embedded = false": f'embedded = false\ndb = "{work}/q.sqlite3"'}
        config = lobby_config(Path(work), broker.port, changes=db)
        issued: queue.SimpleQueue[float] = queue.SimpleQueue()
        called: queue.SimpleQueue[tuple[str, float]] = queue.SimpleQueue()

        serving = threading.Event()

        def on_message(_c: object, _u: object, message: mqtt.MQTTMessage) -> None:
            now = time.perf_counter()
            if message.topic.endswith("/status/lobby-pi-1-queue"):
                if json.loads(message.payload).get("serving"):
                    serving.set()
            elif message.topic.endswith("/ticket/issued"):
                issued.put(now)
            elif message.topic.endswith("/call"):
                called.put((json.loads(message.payload)["request_id"], now))

        client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="bench")
        client.on_message = on_message
        client.on_connect = lambda c, *_: c.socket().setsockopt(
            socket.IPPROTO_TCP, socket.TCP_NODELAY, 1
        )  # as the counters' own link does
        client.connect(broker.host, broker.port)
        client.subscribe(
            [
                ("callboard/hz-main/ticket/issued", 1),
                ("callboard/hz-main/call", 1),
                ("callboard/hz-main/status/lobby-pi-1-queue", 1),
            ]
        )
        client.loop_start()
        engine = subprocess.Popen(
            [sys.executable, "-m", "callboard", "queue", "--config", str(config)],
            cwd=work,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=open(Path(work) / "engine.log", "w"),  # noqa: SIM115
        )
        try:
            launched = time.perf_counter()
            if not serving.wait(30):  # it holds the site's lease and has settled
                raise SystemExit("the engine did not start serving within 30 s")
            start_s = time.perf_counter() - launched
            started = time.perf_counter()
            for i in range(args.tickets):
                body = {"v": 1, "id": f"k-{i}", "service": "general", "ts": TS}
                client.publish("callboard/hz-main/ticket/request", json.dumps(body), qos=1)
            last = started
            for _ in range(args.tickets):
                last = issued.get(timeout=60)
            rate = args.tickets / (last - started)
            latencies = []
            for i in range(args.calls):
                body = {"v": 1, "id": f"b-{i}", "action": "next", "ts": TS}
                sent = time.perf_counter()
                client.publish(
                    f"callboard/hz-main/counter/{2 + i % 2}/request", json.dumps(body), qos=1
                )
                request_id, arrived = called.get(timeout=10)
                assert request_id == f"b-{i}"
                latencies.append((arrived - sent) * 1000)
        except BaseException:
            print((Path(work) / "engine.log").read_text()[-3000:])
            raise
        finally:
            engine.terminate()
            engine.wait(10)
            client.loop_stop()
    print("queue engine (SQLite WAL, synchronous=FULL) on a real mosquitto:")
    print(f"  from launch to serving (the lease, then {SETTLE_S:.0f} s settling): {start_s:.1f} s")
    print(f"  sustained: {rate:.0f} TicketRequests per second ({args.tickets} published at once)")
    print(
        f"  CounterRequest -> CallEvent at a subscriber: p50 {percentile(latencies, 0.5):.2f} ms   "
        f"p99 {percentile(latencies, 0.99):.2f} ms ({args.calls} calls, one at a time)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
