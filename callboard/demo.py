"""``callboard demo``: the board on a private broker, with a stand-in engine calling tickets.

Until the embedded queue engine lands, a small feeder publishes CallEvents and
BoardSnapshots through the same contract a real engine uses, so a new user sees the board
work at once and can publish calls of their own with mosquitto_pub.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import threading
from datetime import datetime

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from callboard.broker import PrivateBroker
from callboard.daemon import Daemon
from config.settings import Config
from lobby.contract import encode, format_ts
from mqtt_client.topics import Topics

_LOG = logging.getLogger(__name__)


class SampleCalls:
    """Calls the next ticket of each service in turn at the counters that serve it."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._numbers = {service.id: 0 for service in config.services}
        self._waiting = {service.id: 3 + 2 * i for i, service in enumerate(config.services)}
        self._calls: list[dict[str, str]] = []
        self._seq = 0
        pairs = [(c.id, s) for c in config.counters for s in c.services[:1]]
        self._cycle = itertools.cycle(pairs or [("1", "general")])

    def next(self) -> tuple[bytes, bytes]:
        """The next CallEvent and the BoardSnapshot that follows it."""
        counter, service_id = next(self._cycle)
        service = self._config.service(service_id)
        prefix = service.prefix if service else "A"
        self._numbers[service_id] = self._numbers.get(service_id, 0) % 999 + 1
        self._waiting[service_id] = max(
            0, self._waiting.get(service_id, 0) + (1 if self._seq % 3 else -1)
        )
        self._seq += 1
        now = format_ts(datetime.now().astimezone())
        call = {
            "id": f"demo-{self._seq:06d}",
            "ticket": f"{prefix}{self._numbers[service_id]:03d}",
            "counter": counter,
            "service": service_id,
            "ts": now,
        }
        self._calls = [call, *self._calls][:20]
        board = {"seq": self._seq, "ts": now, "calls": self._calls, "waiting": self._waiting}
        return encode({**call, "kind": "call"}), encode(board)


def _feed(
    broker: PrivateBroker,
    topics: Topics,
    calls: SampleCalls,
    interval_s: float,
    stopped: threading.Event,
) -> None:
    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2, client_id="callboard-demo-feeder"
    )
    client.connect(broker.host, broker.port)
    client.loop_start()
    try:
        while not stopped.wait(interval_s):
            call, board = calls.next()
            client.publish(topics.call, call, qos=1)
            client.publish(topics.board, board, qos=1, retain=True)
    finally:
        client.disconnect()
        client.loop_stop()


def run_demo(config: Config, interval_s: float = 5.0) -> int:
    """Start a private broker, the sample feeder and the display daemon; stop all on exit."""
    with PrivateBroker() as broker:
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
        config = dataclasses.replace(config, mqtt=mqtt_settings)
        topics = Topics(config.mqtt.topic_root, config.site)
        print(f"demo broker on {broker.host}:{broker.port}; a sample call every {interval_s:g} s.")
        print("publish a call of your own:")
        print(
            f"  mosquitto_pub -p {broker.port} -q 1 -t {topics.call} -m "
            '\'{"v":1,"id":"me-1","ticket":"A100","counter":"2",'
            '"service":"general","kind":"call","ts":"'
            + format_ts(datetime.now().astimezone(), millis=False)
            + "\"}'"
        )
        print("stop with Ctrl+C (or Esc in the window).", flush=True)
        stopped = threading.Event()
        feeder = threading.Thread(
            target=_feed,
            name="demo-feeder",
            daemon=True,
            args=(broker, topics, SampleCalls(config), interval_s, stopped),
        )
        feeder.start()
        try:
            return Daemon(config).run()
        finally:
            stopped.set()
            feeder.join(timeout=2)
