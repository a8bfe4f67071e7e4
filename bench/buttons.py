"""Press-to-request latency: a counter's button (gpiozero's MockFactory pins, the same code
paths as a Pi's) to its CounterRequest arriving at a subscriber on a real broker.

The press goes the daemon's way: gpiozero's thread -> the inbox -> the outbox on the main
loop -> paho -> mosquitto -> the subscriber. Timed from the button's release (a short
press is "next" once released) to the request's arrival.

    .venv/bin/python bench/buttons.py [--presses 200]
"""

from __future__ import annotations

# isort: off
import _path  # noqa: F401 - first: the repository on sys.path, this folder off it
# isort: on

import argparse
import queue
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import paho.mqtt.client as mqtt
from gpiozero.pins.mock import MockFactory
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import lobby_config, percentile  # noqa: E402
from callboard.demo.broker import PrivateBroker  # noqa: E402
from config import load_config  # noqa: E402
from mqtt_client import LinkState, MqttLink  # noqa: E402
from screen.desk import CounterDesk  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    with PrivateBroker() as broker, tempfile.TemporaryDirectory() as work:
        changes = {'id = "2"\n': 'id = "2"\nbutton = 17\n', "bounce_ms = 30": "bounce_ms = 0"}
        config = load_config(lobby_config(Path(work), broker.port, changes=changes))

        arrived: queue.SimpleQueue[float] = queue.SimpleQueue()
        sub = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="bench-sub")
        sub.on_message = lambda _c, _u, _m: arrived.put(time.perf_counter())
        sub.connect(broker.host, broker.port)
        sub.subscribe("callboard/hz-main/counter/2/request", qos=1)
        sub.loop_start()

        pins = MockFactory()
        inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        link = MqttLink(config, inbox.put, "bench")
        desk = CounterDesk(
            config,
            inbox.put,
            link.publish_request,
            lambda: datetime.now().astimezone(),
            pin_factory=pins,
        )
        desk.open()
        link.start()
        connected = threading.Event()
        stop = threading.Event()

        def main_loop() -> None:  # the screen's loop, minus the screen
            while not stop.is_set():
                try:
                    item = inbox.get(timeout=0.05)
                except queue.Empty:
                    continue
                if isinstance(item, LinkState) and item.connected:
                    connected.set()
                desk.handle(item, time.monotonic())

        loop = threading.Thread(target=main_loop, daemon=True)
        loop.start()
        connected.wait(10)
        time.sleep(0.5)
        latencies: list[float] = []
        pin = pins.pin(17)
        for _ in range(args.presses):
            pin.drive_low()
            time.sleep(0.02)
            released = time.perf_counter()
            pin.drive_high()
            latencies.append((arrived.get(timeout=5) - released) * 1000)
            time.sleep(0.01)
        stop.set()
        loop.join(2)
        desk.close()
        link.stop()
        sub.loop_stop()
    print(f"{args.presses} presses, mock pins, real mosquitto:")
    print(
        f"  release -> CounterRequest at a subscriber: p50 {percentile(latencies, 0.5):.2f} ms   "
        f"p99 {percentile(latencies, 0.99):.2f} ms   max {max(latencies):.2f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
