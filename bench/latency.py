"""Publish-to-shown latency: N calls through a real broker to a real daemon process.

Starts a private mosquitto and ``callboard run`` (headless, SDL's dummy driver, at the
chosen size), publishes calls at a steady pace and reads the ``shown`` acks. The ack's
``ts`` is taken right after the frame that shows the call went out, so ``shown - publish``
is the time a lobby waits between the engine's call and the number on the TV.
The first call after start is reported on its own: it is the one that used to wait for
the hero's glyphs to be rasterised.

    .venv/bin/python bench/latency.py [--calls 30] [--interval 0.2] [--size 1920x1080]
"""

from __future__ import annotations

# isort: off
import _path  # noqa: F401 - first: the repository on sys.path, this folder off it
# isort: on

import argparse
import json
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

from bench.common import call_payload, lobby_config, percentile, start_daemon  # noqa: E402
from callboard.demo.broker import PrivateBroker  # noqa: E402
from lobby.contract import parse_ts  # noqa: E402
from mqtt_client.topics import Topics  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between calls")
    parser.add_argument("--size", default="1920x1080")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    with PrivateBroker() as broker, tempfile.TemporaryDirectory() as work:
        site, device = "bench", "bench-screen"
        config = lobby_config(
            Path(work),
            broker.port,
            (width, height),
            {
                'site = "hz-main"': f'site = "{site}"',
                'device = "lobby-pi-1"': f'device = "{device}"',
            },
        )
        topics = Topics("callboard", site)

        acks: dict[str, tuple[float, float]] = {}
        online = threading.Event()
        done = threading.Event()

        def on_message(_c: object, _u: object, message: mqtt.MQTTMessage) -> None:
            body = json.loads(message.payload)
            if message.topic == topics.status(device) and body.get("state") == "online":
                online.set()
            elif message.topic == topics.ack(device) and body.get("event") == "shown":
                acks[body["call_id"]] = (parse_ts(body["ts"]).timestamp(), time.time())
                if len(acks) >= args.calls:
                    done.set()

        client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="bench")
        client.on_message = on_message
        client.connect(broker.host, broker.port)
        client.subscribe([(topics.status(device), 1), (topics.ack(device), 1)])
        client.loop_start()

        daemon = start_daemon(config, Path(work))
        try:
            if not online.wait(30):
                print("the daemon did not come online", file=sys.stderr)
                return 1
            time.sleep(1.0)  # let the first frames settle
            sent: dict[str, float] = {}
            for i in range(args.calls):
                call_id = f"bench-{i:05d}"
                payload = call_payload(call_id, f"A{i % 1000:03d}", str(1 + i % 6))
                sent[call_id] = time.time()
                client.publish(topics.call, payload, qos=1)
                time.sleep(args.interval)
            done.wait(10)
        finally:
            daemon.terminate()
            daemon.wait(10)
            client.disconnect()
            client.loop_stop()

    shown = [(acks[i][0] - sent[i]) * 1000 for i in sent if i in acks]
    round_trip = [(acks[i][1] - sent[i]) * 1000 for i in sent if i in acks]
    print(
        f"calls published: {len(sent)}, shown acks: {len(shown)} ({args.interval * 1000:.0f} ms "
        f"apart, {width}x{height}, headless)"
    )
    if not shown:
        return 1
    first_id = next(iter(sent))
    rest = [(acks[i][0] - sent[i]) * 1000 for i in sent if i in acks and i != first_id] or shown
    print(
        f"publish -> shown  ms: p50 {percentile(shown, 0.5):6.1f}"
        f"  p99 {percentile(shown, 0.99):6.1f}"
        f"  max {max(shown):6.1f}  mean {statistics.fmean(shown):6.1f}"
    )
    first = f"{(acks[first_id][0] - sent[first_id]) * 1000:6.1f}" if first_id in acks else "no ack"
    print(
        f"first call after start ms: {first}   the others: p50 {percentile(rest, 0.5):6.1f}"
        f"  max {max(rest):6.1f}"
    )
    print(
        f"publish -> ack at the publisher ms: p50 {percentile(round_trip, 0.5):6.1f}  "
        f"p99 {percentile(round_trip, 0.99):6.1f}"
    )
    return 0 if len(shown) == len(sent) else 1


if __name__ == "__main__":
    raise SystemExit(main())
