"""The example ACL and TLS set-up against a real mosquitto: roles cannot be overstepped."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from callboard.demo.broker import PrivateBroker
from config import EXAMPLE, load_config
from mqtt_client import LinkState, MqttLink
from tests import payloads
from tests.payloads import dumps

ROOT = Path(__file__).resolve().parents[2]
USERS = {
    "engine-hz-main": "e-secret",
    "lobby-pi-1": "d-secret",
    "counter-hz-main-3": "c-secret",
    "monitoring": "m-secret",
    "console-hz-main": "w-secret",
    "kiosk-hz-main-1": "k-secret",
    "central-collector": "x-secret",
}
STATUS = "callboard/hz-main/status/"
OWN_STATUS = {
    "engine-hz-main": STATUS + "lobby-pi-1-queue",
    "lobby-pi-1": STATUS + "lobby-pi-1",
    "counter-hz-main-3": STATUS + "counter-hz-main-3",
}


class Client:
    def __init__(self, port: int, user: str, **tls: Any) -> None:
        self.got: list[tuple[str, bytes]] = []
        self.c = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=f"{user}-{uuid.uuid4().hex[:6]}",
        )
        self.c.username_pw_set(user, USERS[user])
        self.c.on_message = lambda _c, _u, m: self.got.append((m.topic, bytes(m.payload)))
        self.c.connect("127.0.0.1", port)
        self.c.loop_start()
        time.sleep(0.2)

    def topics(self) -> set[str]:
        return {topic for topic, _ in list(self.got)}

    def wait_for(self, *topics: str, timeout: float = 5.0) -> set[str]:
        """Wait until every one of TOPICS has arrived; then what arrived."""
        deadline = time.monotonic() + timeout
        while not set(topics) <= self.topics() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert set(topics) <= self.topics(), (topics, self.topics())
        return self.topics()

    def put(self, topic: str, payload: bytes, retain: bool = False) -> None:
        self.c.publish(topic, payload, qos=1, retain=retain).wait_for_publish(5)

    def close(self) -> None:
        self.c.disconnect()
        self.c.loop_stop()


@pytest.fixture(scope="module")
def secured(tmp_path_factory) -> Iterator[PrivateBroker]:
    work = tmp_path_factory.mktemp("acl")
    passwd = work / "passwd"
    for user, password in USERS.items():
        flags = ["-c"] if not passwd.exists() else []
        subprocess.run(
            ["mosquitto_passwd", "-b", *flags, str(passwd), user, password],
            check=True,
            capture_output=True,
        )
    passwd.chmod(0o600)
    acl = work / "acl"
    acl.write_text((ROOT / "config" / "mosquitto.acl").read_text())
    acl.chmod(0o600)
    with PrivateBroker(extra_config=f"password_file {passwd}\nacl_file {acl}\n") as broker:
        yield broker


def test_a_display_cannot_publish_a_call_but_the_engine_can(secured: PrivateBroker) -> None:
    engine = Client(secured.port, "engine-hz-main")
    display = Client(secured.port, "lobby-pi-1")
    display.c.subscribe("callboard/hz-main/call", qos=1)
    time.sleep(0.2)
    display.c.publish("callboard/hz-main/call", dumps(payloads.call(call_id="forged")), qos=1)
    engine.c.publish("callboard/hz-main/call", dumps(payloads.call(call_id="real")), qos=1)
    time.sleep(0.5)
    ids = [m[1] for m in display.got]
    assert any(b'"real"' in m for m in ids) and not any(b'"forged"' in m for m in ids)
    engine.close()
    display.close()


def test_a_counter_cannot_press_another_counters_button(secured: PrivateBroker) -> None:
    engine = Client(secured.port, "engine-hz-main")
    engine.c.subscribe("callboard/hz-main/counter/+/request", qos=1)
    counter = Client(secured.port, "counter-hz-main-3")
    time.sleep(0.2)
    body = b'{"v":1,"id":"b-1","action":"next","ts":"2026-11-25T10:00:00+08:00"}'
    counter.c.publish("callboard/hz-main/counter/2/request", body, qos=1)  # not its own
    counter.c.publish("callboard/hz-main/counter/3/request", body, qos=1)  # its own
    time.sleep(0.5)
    assert [topic for topic, _ in engine.got] == ["callboard/hz-main/counter/3/request"]
    engine.close()
    counter.close()


def test_only_monitoring_reads_the_statuses_each_device_its_own(secured: PrivateBroker) -> None:
    devices = {user: Client(secured.port, user) for user in OWN_STATUS}
    for user, topic in OWN_STATUS.items():
        devices[user].put(topic, b'{"v":1,"state":"online"}', retain=True)
    monitor = Client(secured.port, "monitoring")
    monitor.c.subscribe("callboard/+/status/#", qos=1)
    monitor.wait_for(*OWN_STATUS.values())
    for user, client in devices.items():
        client.c.subscribe(STATUS + "+", qos=1)
        client.c.subscribe(STATUS + "lobby-pi-1", qos=1)  # asked for by name, too
        client.wait_for(OWN_STATUS[user])  # a screen watches its own (a twin with its id)
    time.sleep(0.3)  # what the ACL lets through has long arrived by now
    for user, client in devices.items():
        assert client.topics() == {OWN_STATUS[user]}, user
        client.close()
    monitor.close()


def test_only_an_engine_takes_the_sites_lease(secured: PrivateBroker) -> None:
    lease = "callboard/hz-main/engine/lease"
    engine = Client(secured.port, "engine-hz-main")
    display = Client(secured.port, "lobby-pi-1")
    engine.c.subscribe(lease, qos=1)
    display.c.subscribe(lease, qos=1)
    time.sleep(0.2)
    display.put(lease, b'{"v":1,"holder":"forged"}')
    engine.put(lease, b'{"v":1,"holder":"lobby-pi-1-queue"}')
    engine.wait_for(lease)
    time.sleep(0.3)
    assert [payload for _, payload in engine.got] == [b'{"v":1,"holder":"lobby-pi-1-queue"}']
    assert display.got == []  # the election is the engines' business
    engine.close()
    display.close()


def test_a_display_with_its_credentials_comes_online(secured: PrivateBroker, tmp_path) -> None:
    password = tmp_path / "pw"
    password.write_text(USERS["lobby-pi-1"] + "\n")
    text = EXAMPLE.read_text(encoding="utf-8").replace("port = 1883", f"port = {secured.port}")
    text = text.replace('# username = "lobby-pi-1"', 'username = "lobby-pi-1"')
    text = text.replace(
        '# password_file = "/etc/callboard/mqtt-password"', f'password_file = "{password}"'
    )
    (tmp_path / "c.toml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path / "c.toml")
    states: list[object] = []
    link = MqttLink(config, states.append, "9.9.9")
    link.start()
    try:
        assert link.wait_connected(10)
        assert any(isinstance(s, LinkState) and s.connected for s in states)
    finally:
        link.stop()


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def test_tls_with_the_branch_ca_connects_and_a_stranger_ca_does_not(tmp_path: Path) -> None:
    for name in ("ca", "other"):
        _openssl(
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={name}",
            "-keyout",
            str(tmp_path / f"{name}.key"),
            "-out",
            str(tmp_path / f"{name}.crt"),
        )
    _openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        str(tmp_path / "broker.key"),
        "-out",
        str(tmp_path / "broker.csr"),
    )
    (tmp_path / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    _openssl(
        "x509",
        "-req",
        "-in",
        str(tmp_path / "broker.csr"),
        "-CA",
        str(tmp_path / "ca.crt"),
        "-CAkey",
        str(tmp_path / "ca.key"),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        str(tmp_path / "san.ext"),
        "-out",
        str(tmp_path / "broker.crt"),
    )
    (tmp_path / "broker.key").chmod(0o644)
    tls = (
        f"cafile {tmp_path / 'ca.crt'}\ncertfile {tmp_path / 'broker.crt'}\n"
        f"keyfile {tmp_path / 'broker.key'}\n"
    )
    with PrivateBroker(extra_config=tls) as broker:
        for ca, expected in (("ca.crt", True), ("other.crt", False)):
            text = EXAMPLE.read_text(encoding="utf-8").replace(
                "port = 1883", f"port = {broker.port}"
            )
            text = text.replace('host = "localhost"', 'host = "127.0.0.1"')
            text = text.replace(
                '# ca_file = "/etc/callboard/ca.crt"', f'ca_file = "{tmp_path / ca}"'
            )
            (tmp_path / "c.toml").write_text(text, encoding="utf-8")
            config = load_config(tmp_path / "c.toml")
            assert config.mqtt.tls
            link = MqttLink(config, lambda item: None, "9.9.9")
            link.start()
            try:
                assert link.wait_connected(5) is expected, ca
            finally:
                link.stop()


def test_ratings_reach_the_engine_only_from_their_counter(secured: PrivateBroker) -> None:
    engine = Client(secured.port, "engine-hz-main")
    engine.c.subscribe("callboard/hz-main/counter/+/rating", qos=1)
    counter = Client(secured.port, "counter-hz-main-3")
    display = Client(secured.port, "lobby-pi-1")
    time.sleep(0.2)
    body = b'{"v":1,"id":"r-%s","ticket":"A023","score":3,"scale":3}'
    counter.put("callboard/hz-main/counter/2/rating", body % b"other")  # not its counter
    display.put("callboard/hz-main/counter/3/rating", body % b"display")  # not a rating pad
    counter.put("callboard/hz-main/counter/3/rating", body % b"own")
    engine.wait_for("callboard/hz-main/counter/3/rating")
    time.sleep(0.3)
    assert engine.got == [("callboard/hz-main/counter/3/rating", body % b"own")]
    for client in (engine, counter, display):
        client.close()


def test_the_console_asks_for_figures_and_only_the_engine_answers(secured: PrivateBroker) -> None:
    stats = "callboard/hz-main/stats/"
    engine = Client(secured.port, "engine-hz-main")
    engine.c.subscribe(stats + "request", qos=1)
    console = Client(secured.port, "console-hz-main")
    console.c.subscribe(stats + "#", qos=1)
    display = Client(secured.port, "lobby-pi-1")
    time.sleep(0.2)
    console.put(stats + "request", b'{"v":1,"id":"q-1"}')
    engine.wait_for(stats + "request")
    display.put(stats + "reply", b'{"v":1,"id":"q-1","forged":true}')
    display.put(stats + "today", b'{"v":1,"forged":true}', retain=True)
    engine.put(stats + "reply", b'{"v":1,"id":"q-1"}')
    engine.put(stats + "today", b'{"v":1}', retain=True)
    console.wait_for(stats + "reply", stats + "today")
    time.sleep(0.3)
    assert sorted(p for t, p in console.got if t != stats + "request") == [
        b'{"v":1,"id":"q-1"}',
        b'{"v":1}',
    ]
    engine.put(stats + "today", b"", retain=True)
    for client in (engine, console, display):
        client.close()


def test_only_the_engine_refuses_a_ticket_and_the_kiosk_hears_why(secured: PrivateBroker) -> None:
    """Outside the opening hours the engine answers on ticket/refused: the kiosk reads it
    (with the board and the counters' states it shows), and nobody else may write there."""
    refused = "callboard/hz-main/ticket/refused"
    engine = Client(secured.port, "engine-hz-main")
    kiosk = Client(secured.port, "kiosk-hz-main-1")
    display = Client(secured.port, "lobby-pi-1")
    for topic in (refused, "callboard/hz-main/board", "callboard/hz-main/counter/+/state"):
        kiosk.c.subscribe(topic, qos=1)
    time.sleep(0.2)
    answer = {
        "v": 1,
        "request_id": "k-1",
        "service": "general",
        "reason": "closed",
        "ts": payloads.TS,
    }
    display.put(refused, dumps({**answer, "id": "forged"}))
    kiosk.put(refused, dumps({**answer, "id": "own"}))
    engine.put(refused, dumps({**answer, "id": "real"}))
    engine.put("callboard/hz-main/board", dumps(payloads.board()))
    engine.put(
        "callboard/hz-main/counter/3/state",
        b'{"v":1,"counter":"3","ticket":null,"ts":"2026-11-25T10:15:02+08:00"}',
    )
    kiosk.wait_for(refused, "callboard/hz-main/board", "callboard/hz-main/counter/3/state")
    time.sleep(0.3)
    said = [payload for topic, payload in kiosk.got if topic == refused]
    assert said == [dumps({**answer, "id": "real"})]
    for client in (engine, kiosk, display):
        client.close()


def test_only_the_engine_writes_records_and_the_collector_reads_every_sites(
    secured: PrivateBroker,
) -> None:
    collector = Client(secured.port, "central-collector")
    collector.c.subscribe("callboard/+/record", qos=1)
    collector.c.subscribe("callboard/+/status/+", qos=1)
    console = Client(secured.port, "console-hz-main")
    console.c.subscribe("callboard/hz-main/record", qos=1)
    engine = Client(secured.port, "engine-hz-main")
    display = Client(secured.port, "lobby-pi-1")
    time.sleep(0.2)
    display.put("callboard/hz-main/record", b'{"v":1,"id":"forged"}')
    collector.put("callboard/hz-main/record", b'{"v":1,"id":"collector"}')
    engine.put("callboard/hz-main/record", b'{"v":1,"id":"real"}')
    engine.put("callboard/hz-main/status/lobby-pi-1-queue", b'{"v":1,"state":"online"}', True)
    collector.wait_for("callboard/hz-main/record", "callboard/hz-main/status/lobby-pi-1-queue")
    time.sleep(0.3)
    assert [p for t, p in collector.got if t.endswith("/record")] == [b'{"v":1,"id":"real"}']
    assert console.got == []  # a site's console has no business with the records
    for client in (collector, console, engine, display):
        client.close()
