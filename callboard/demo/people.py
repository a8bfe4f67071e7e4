"""``callboard demo``: a whole lobby on one machine, with no broker or config to set up.

A private mosquitto, the embedded queue engine, the board with its voice, and a small
stand-in for the lobby's people: a ticket machine issuing tickets and counters calling the
next customer, all through the same contract a real lobby uses. In the window, the number
keys press counters' buttons too (Shift: recall, Ctrl: skip). It prints what a person
needs to reach it: its pid and where ``kill -USR1`` saves a frame, and, once the engine
serves, a shell line that takes a ticket of one's own.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import random
import tempfile
import threading
from datetime import datetime
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from callboard.demo.broker import PrivateBroker
from callboard.run import Lobby
from config.settings import Config
from lobby.contract import CounterRequest, TicketRequest
from lobby.topics import Topics

ENGINE_READY_S = 60.0


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

    def ticket(self) -> TicketRequest:
        service = self._random.choices(self._services, self._weights)[0]
        return TicketRequest(f"demo-k-{next(self._ids)}", service, datetime.now().astimezone())

    def press(self) -> CounterRequest:
        counter = next(self._counters)
        return CounterRequest(
            f"demo-b-{next(self._ids)}", counter, "next", datetime.now().astimezone()
        )


def ticket_command(broker: PrivateBroker, topics: Topics, service: str = "general") -> str:
    """A bash line that takes a new ticket each time it is run and prints its TicketIssued.

    The answer comes on the topic every ticket machine shares, where the demo's people get
    theirs too: the line listens before it asks (the half second), under a request id of
    its own (the time in nanoseconds), and prints the first answer carrying that id.
    """
    at = f"-h {broker.host} -p {broker.port} -q 1"
    body = (
        '{\\"v\\":1,\\"id\\":\\"$id\\",\\"service\\":\\"'
        + service
        + '\\",\\"ts\\":\\"$(date -Iseconds)\\"}'
    )
    return (
        f'id=me-$(date +%s%N); grep -m1 -F "\\"$id\\"" '
        f"<(mosquitto_sub {at} -t {topics.ticket_issued} -W 10 & sleep 0.5; "
        f'mosquitto_pub {at} -t {topics.ticket_request} -m "{body}") '
        "|| echo 'no answer within 10 s'"
    )


def _feed(
    broker: PrivateBroker,
    topics: Topics,
    people: LobbyPeople,
    interval_s: float,
    ready: threading.Event,
    stopped: threading.Event,
) -> None:
    if not ready.wait(ENGINE_READY_S) or stopped.is_set():
        return  # the engine never came up (it says why in the log): nobody to serve people
    print(
        "the queue engine serves. Take a ticket yourself (bash; a new one each time):\n"
        f"  {ticket_command(broker, topics)}",
        flush=True,
    )
    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2, client_id="callboard-demo-people"
    )
    client.connect(broker.host, broker.port)
    client.loop_start()
    try:
        for _ in range(8):  # a morning queue before the first call
            client.publish(topics.ticket_request, people.ticket().payload(), qos=1)
        while not stopped.wait(interval_s):
            client.publish(topics.ticket_request, people.ticket().payload(), qos=1)
            press = people.press()
            client.publish(topics.counter_request(press.counter), press.payload(), qos=1)
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
        # Absolute, so the path printed is the one written whatever the process does later.
        display = dataclasses.replace(
            config.display, screenshot=Path.cwd() / config.display.screenshot
        )
        config = dataclasses.replace(config, mqtt=mqtt_settings, queue=queue, display=display)
        topics = Topics(config.mqtt.topic_root, config.site)
        pid = os.getpid()
        print(
            f"demo: pid {pid}; broker on {broker.host}:{broker.port}, the queue engine "
            f"embedded; a customer and a call every {interval_s:g} s.\n"
            f"kill -USR1 {pid} saves the current frame to {display.screenshot}\n"
            "keys 1-6 in the window press counters 1-6 (Shift: recall, Ctrl: skip).\n"
            "stop with Ctrl+C (or Esc in the window).",
            flush=True,
        )
        stopped = threading.Event()
        lobby = Lobby(config)
        assert lobby.engine is not None  # the demo embeds it
        feeder = threading.Thread(
            target=_feed,
            name="demo-people",
            daemon=True,
            args=(broker, topics, LobbyPeople(config), interval_s, lobby.engine.ready, stopped),
        )
        feeder.start()  # it waits until the engine serves
        try:
            return lobby.run()
        finally:
            stopped.set()
