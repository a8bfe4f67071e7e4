"""The rating pad: a face pressed (gpiozero's MockFactory pins, the same code paths as a
Pi's) to the rating recorded in the queue engine's store, on a real mosquitto.

Each round, a customer takes a ticket, counter 2 calls it and says it is done (through the
contract, as a teller's caller would); once the pad invites a rating, its "satisfied"
button is pressed and the clock runs until the engine's SQLite store holds the rating. The
pad runs as ``callboard pad`` runs it (its own loop, no screen); the engine in this process.

    .venv/bin/python bench/counter.py [--presses 100]
"""

from __future__ import annotations

# isort: off
import _path  # noqa: F401 - first: the repository on sys.path, this folder off it
# isort: on

import argparse
import sqlite3
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import paho.mqtt.client as mqtt
from gpiozero.pins.mock import MockFactory
from paho.mqtt.enums import CallbackAPIVersion

from bench.common import lobby_config, percentile
from callboard.demo.broker import PrivateBroker
from config import load_config
from engine.service import QueueEngine
from lobby.contract import CounterRequest, TicketRequest
from lobby.topics import Topics
from screen.pad_service import PadService

PAD = '\n[rating]\ncounter = "2"\nbuttons = { 3 = 17, 2 = 27, 1 = 22 }\nwindow_s = 20\n'


def now() -> datetime:
    return datetime.now().astimezone()


def recorded(db: Path) -> int:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM ratings").fetchone()[0])
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presses", type=int, default=100)
    args = parser.parse_args()
    with PrivateBroker() as broker, tempfile.TemporaryDirectory() as work:
        db = Path(work) / "queue.sqlite3"
        changes = {
            "embedded = false": f'embedded = false\ndb = "{db}"',
            "bounce_ms = 30": "bounce_ms = 0",
        }
        engine_path = lobby_config(Path(work), broker.port, changes=changes)
        engine = QueueEngine(load_config(engine_path))
        threading.Thread(target=engine.run, daemon=True).start()
        assert engine.ready.wait(30), "the engine did not start"
        pad_path = Path(work) / "pad.toml"
        text = engine_path.read_text(encoding="utf-8")
        pad_path.write_text(
            text.replace('device = "lobby-pi-1"', 'device = "counter-2"') + PAD, "utf-8"
        )
        pins = MockFactory()
        pad = PadService(load_config(pad_path), pin_factory=pins)
        threading.Thread(target=pad.run, kwargs={"signals": False}, daemon=True).start()

        teller = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="teller")
        teller.connect(broker.host, broker.port)
        teller.loop_start()
        t = Topics("callboard", "hz-main")
        latencies: list[float] = []
        button = pins.pin(17)
        for n in range(args.presses):
            for payload, topic in (
                (TicketRequest(f"k-{n}", "general", now()).payload(), t.ticket_request),
                (CounterRequest(f"n-{n}", "2", "next", now()).payload(), t.counter_request("2")),
                (CounterRequest(f"d-{n}", "2", "done", now()).payload(), t.counter_request("2")),
            ):
                teller.publish(topic, payload, qos=1).wait_for_publish(5)
            deadline = time.monotonic() + 10
            while pad.pad.window is None and time.monotonic() < deadline:
                time.sleep(0.002)
            assert pad.pad.window is not None, f"round {n}: no rating was invited"
            pressed = time.perf_counter()
            button.drive_low()
            while recorded(db) < n + 1:
                time.sleep(0.0005)
                if time.perf_counter() - pressed > 10:
                    raise SystemExit(f"round {n}: the rating never reached the engine's store")
            latencies.append((time.perf_counter() - pressed) * 1000)
            button.drive_high()
        pad.stop()
        pad.stopped.wait(5)
        engine.stop()
        teller.loop_stop()
    print(f"{args.presses} ratings, mock pins, real mosquitto and queue engine:")
    print(
        f"  press -> rating recorded in the engine's store: p50 {percentile(latencies, 0.5):.1f} ms"
        f"   p99 {percentile(latencies, 0.99):.1f} ms   max {max(latencies):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
