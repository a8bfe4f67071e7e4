"""``callboard demo``: a whole lobby on one machine, with no broker or config to set up.

A private mosquitto, the embedded queue engine, the board with its voice, and a small
stand-in for the lobby's people: a ticket machine issuing tickets and counters calling the
next customer, all through the same contract a real lobby uses. In the window, the number
keys press counters' buttons too (Shift: recall, Ctrl: skip).
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import tempfile
import threading
from datetime import datetime
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from callboard.broker import PrivateBroker
from callboard.daemon import Daemon
from config.settings import Config
from lobby.contract import encode, format_ts
from mqtt_client.topics import Topics


class LobbyPeople:
    """Customers taking tickets and staff pressing "next", at a gentle pace."""

    def __init__(self, config: Config, seed: int = 2002) -> None:
        self._config = config
        self._random = random.Random(seed)
        self._ids = itertools.count(1)
        self._counters = itertools.cycle([c.id for c in config.counters])
        weights = {"general": 6, "consult": 3, "vip": 1}
        self._services = [s.id for s in config.services]
        self._weights = [weights.get(s, 1) for s in self._services]

    def ticket(self) -> tuple[str, bytes]:
        service = self._random.choices(self._services, self._weights)[0]
        return "ticket", encode(
            {
                "id": f"demo-k-{next(self._ids)}",
                "service": service,
                "ts": format_ts(datetime.now().astimezone()),
            }
        )

    def press(self) -> tuple[str, bytes]:
        counter = next(self._counters)
        return counter, encode(
            {
                "id": f"demo-b-{next(self._ids)}",
                "action": "next",
                "ts": format_ts(datetime.now().astimezone()),
            }
        )


def _feed(
    broker: PrivateBroker,
    topics: Topics,
    people: LobbyPeople,
    interval_s: float,
    stopped: threading.Event,
) -> None:
    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2, client_id="callboard-demo-people"
    )
    client.connect(broker.host, broker.port)
    client.loop_start()
    try:
        for _ in range(8):  # a morning queue before the first call
            client.publish(topics.ticket_request, people.ticket()[1], qos=1)
        while not stopped.wait(interval_s):
            client.publish(topics.ticket_request, people.ticket()[1], qos=1)
            counter, press = people.press()
            client.publish(topics.counter_request(counter), press, qos=1)
    finally:
        client.disconnect()
        client.loop_stop()


def run_demo(config: Config, interval_s: float = 5.0) -> int:
    """Start a private broker, the engine, the people and the board; stop all on exit."""
    with PrivateBroker() as broker, tempfile.TemporaryDirectory(prefix="callboard-demo-") as work:
        mqtt_settings = dataclasses.replace(
            config.mqtt,
            host=broker.host,
            port=broker.port,
            username="",
            password="",
            tls=False,
            ca_file=None,
            cert_file=None,
            key_file=None,
        )
        queue = dataclasses.replace(config.queue, embedded=True, db=Path(work) / "queue.sqlite3")
        config = dataclasses.replace(config, mqtt=mqtt_settings, queue=queue)
        topics = Topics(config.mqtt.topic_root, config.site)
        print(
            f"demo: broker on {broker.host}:{broker.port}, the queue engine embedded; "
            f"a customer and a call every {interval_s:g} s."
        )
        print("keys 1-6 in the window press counters 1-6 (Shift: recall, Ctrl: skip).")
        print("take a ticket yourself:")
        print(
            f"  mosquitto_pub -p {broker.port} -q 1 -t {topics.ticket_request} -m "
            '\'{"v":1,"id":"me-1","service":"vip","ts":"'
            + format_ts(datetime.now().astimezone(), millis=False)
            + "\"}'"
        )
        print("stop with Ctrl+C (or Esc in the window).", flush=True)
        stopped = threading.Event()
        feeder = threading.Thread(
            target=_feed,
            name="demo-people",
            daemon=True,
            args=(broker, topics, LobbyPeople(config), interval_s, stopped),
        )
        daemon = Daemon(config)
        threading.Timer(3.0, feeder.start).start()  # once the engine is serving
        try:
            return daemon.run()
        finally:
            stopped.set()
