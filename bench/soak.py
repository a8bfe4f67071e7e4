"""Soak: many calls through the whole path (publisher -> mosquitto -> callboard run -> acks),
at a high rate, watching memory, the backlog and every ack.

The daemon runs as a process of its own (headless, voice on through SDL's dummy audio
driver). Its RSS is read from /proc after a warm-up and at the end; the backlog is the
shown-ack lag (ack time - publish time) over the first and the last thousand calls; every
call must be acknowledged as shown exactly once.

    .venv/bin/python bench/soak.py [--calls 50000] [--rate 250]
"""

from __future__ import annotations

# isort: off
import _path  # noqa: F401 - first: the repository on sys.path, this folder off it
# isort: on

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import call_payload, lobby_config, start_daemon  # noqa: E402
from callboard.demo.broker import PrivateBroker  # noqa: E402
from lobby.contract import parse_ts  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=50_000)
    parser.add_argument("--rate", type=float, default=250.0, help="calls per second")
    parser.add_argument("--warmup", type=int, default=10_000)
    args = parser.parse_args()
    with PrivateBroker() as broker, tempfile.TemporaryDirectory() as work:
        config = lobby_config(Path(work), broker.port)
        acks: dict[str, list[float]] = {}
        lock = threading.Lock()

        def on_message(_c: object, _u: object, message: mqtt.MQTTMessage) -> None:
            body = json.loads(message.payload)
            if body.get("event") == "shown":
                with lock:
                    acks.setdefault(body["call_id"], []).append(parse_ts(body["ts"]).timestamp())

        client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="soak")
        client.on_message = on_message
        client.on_connect = lambda c, *_: c.socket().setsockopt(
            socket.IPPROTO_TCP, socket.TCP_NODELAY, 1
        )
        client.max_inflight_messages_set(200)
        client.connect(broker.host, broker.port)
        client.subscribe("callboard/hz-main/status/lobby-pi-1/ack", qos=1)
        client.loop_start()
        daemon = start_daemon(config, Path(work))
        sent: dict[str, float] = {}
        try:
            time.sleep(5)
            start = time.monotonic()
            rss_warm = None
            for i in range(args.calls):
                call_id = f"s-{i:06d}"
                payload = call_payload(call_id, f"A{i % 1000:03d}", str(1 + i % 6))
                sent[call_id] = time.time()
                client.publish("callboard/hz-main/call", payload, qos=1)
                if i + 1 == args.warmup:
                    time.sleep(2)
                    rss_warm = rss_mb(daemon.pid)
                ahead = start + (i + 1) / args.rate - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
            deadline = time.monotonic() + 60
            while len(acks) < len(sent) and time.monotonic() < deadline:
                time.sleep(0.5)
            rss_end = rss_mb(daemon.pid)
            alive = daemon.poll() is None
        finally:
            daemon.terminate()
            daemon.wait(20)
            client.loop_stop()
    ids = list(sent)
    missing = [i for i in ids if i not in acks]
    doubled = [i for i, times in acks.items() if len(times) > 1]
    lag = [(acks[i][0] - sent[i]) * 1000 for i in ids if i in acks]
    print(f"soak: {len(ids)} calls at {args.rate:g}/s through mosquitto to callboard run")
    print(f"  daemon alive at the end: {alive}")
    print(f"  acks: {len(ids) - len(missing)} shown, {len(missing)} missing, {len(doubled)} twice")
    print(
        f"  RSS after {args.warmup} calls: {rss_warm:.1f} MB, at the end: {rss_end:.1f} MB "
        f"({(rss_end / rss_warm - 1) * 100:+.1f} %)"
        if rss_warm
        else ""
    )
    if lag:
        first, last = lag[:1000], lag[-1000:]
        print(
            f"  shown lag, first 1000: median {statistics.median(first):.1f} ms; "
            f"last 1000: median {statistics.median(last):.1f} ms (no growing backlog if close)"
        )
    return 0 if alive and not missing and not doubled else 1


if __name__ == "__main__":
    raise SystemExit(main())
