"""A paho-mqtt 2 client set up from the config, in one place for every callboard process that
talks to the broker (screen, engine, doctor, ticket machine): the MQTT version, credentials
and TLS.

MQTT 5 where the broker speaks it, because the contract leans on three of its features: a
session that outlives a short network cut but not a night (Session Expiry), calls that go
stale at the broker instead of being read out hours later (Message Expiry), and a will that
a takeover of the same client id does not fire (Will Delay; see engine/lease.py).

MQTT 3.1.1 where it does not (RabbitMQ's MQTT plugin, which a bank may already run): with
``[mqtt] protocol = "auto"`` (the default) the broker is asked once per process which it
speaks (``detect_protocol``), and every client of the process is made for that version. What
3.1.1 lacks is replaced, not pretended: no session outlives its connection (a screen's
session is clean; the board comes back from the retained snapshot), a display judges a
call's age by its ``ts`` (``[display] stale_after_s``), and the engine answers a late will on
its lease with ``held`` again (engine/lease.py). The helpers below take the client and give
MQTT 5's properties only to an MQTT 5 client.
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from config.settings import MqttSettings

_LOG = logging.getLogger(__name__)
SESSION_TAKEN_OVER = 142  # MQTT 5 reason code: another connection took this client id
UNSUPPORTED_PROTOCOL = 132  # MQTT 5 reason code: the broker does not speak this version
MQTT5 = "5"
MQTT311 = "3.1.1"
VERSIONS = {MQTT5: mqtt.MQTTv5, MQTT311: mqtt.MQTTv311}

_spoken: dict[tuple[str, int], str] = {}  # what each broker answered, for this process
_spoken_lock = threading.Lock()


def protocol_for(settings: MqttSettings) -> str:
    """The version to speak: the config's, else what the broker answered, else 5."""
    if settings.protocol != "auto":
        return settings.protocol
    with _spoken_lock:
        return _spoken.get((settings.host, settings.port), MQTT5)


def known_protocol(settings: MqttSettings) -> bool:
    """Whether ``protocol_for`` is sure (set in the config, or asked of the broker)."""
    with _spoken_lock:
        return settings.protocol != "auto" or (settings.host, settings.port) in _spoken


def detect_protocol(settings: MqttSettings, timeout_s: float = 5.0) -> str | None:
    """Ask the broker which version it speaks: MQTT 5 first, then 3.1.1 (RabbitMQ 3.x closes
    an MQTT 5 CONNECT unanswered; a broker that answers it with "unsupported protocol
    version" is asked in 3.1.1 too). None: the broker did not answer at all (away)."""
    if settings.protocol != "auto":
        return settings.protocol
    for version in (MQTT5, MQTT311):
        answer = _probe(settings, version, timeout_s)
        if answer is None:
            return None  # nobody there: ask again later
        if answer:
            with _spoken_lock:
                _spoken[(settings.host, settings.port)] = version
            if version != MQTT5:
                _LOG.info(
                    "the broker at %s:%d does not speak MQTT 5; speaking MQTT 3.1.1",
                    settings.host,
                    settings.port,
                )
            return version
    return None


def _probe(settings: MqttSettings, version: str, timeout_s: float) -> bool | None:
    """True: the broker answered CONNECT in ``version``; False: it refused that version or
    closed the connection unanswered; None: no connection at all."""
    answered = threading.Event()
    verdict: list[bool] = []

    def on_connect(_c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        verdict.append(getattr(reason, "value", reason) != UNSUPPORTED_PROTOCOL)
        answered.set()

    def on_disconnect(_c: Any, _u: Any, _f: Any, _reason: Any, _p: Any) -> None:
        answered.set()

    client = _bare_client(settings, f"callboard-probe-{secrets.token_hex(4)}", version)
    client.on_connect = on_connect
    client.on_disconnect = on_disconnect
    try:
        client.connect(settings.host, settings.port, settings.keepalive)
    except (OSError, ValueError) as exc:
        _LOG.debug("the broker at %s:%d is away: %s", settings.host, settings.port, exc)
        return None
    client.loop_start()
    try:
        answered.wait(timeout_s)
    finally:
        client.disconnect()
        client.loop_stop()
    return bool(verdict and verdict[0])


def new_client(
    settings: MqttSettings,
    client_id: str,
    reconnect: bool = True,
    manual_ack: bool = False,
    keep_session: bool = False,
) -> mqtt.Client:
    """A client with this device's credentials and TLS. ``reconnect``: paho reconnects by
    itself after a lost connection; ``manual_ack``: the owner acknowledges each QoS 1
    message itself, once it has acted on it; ``keep_session``: under MQTT 3.1.1, which has
    no session expiry, ask for a session that outlives the connection (only for a client id
    that comes back, such as the site's serving connection: another would leave its queue
    at the broker for ever)."""
    return _bare_client(
        settings, client_id, protocol_for(settings), reconnect, manual_ack, keep_session
    )


def _bare_client(
    settings: MqttSettings,
    client_id: str,
    version: str,
    reconnect: bool = True,
    manual_ack: bool = False,
    keep_session: bool = False,
) -> mqtt.Client:
    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=VERSIONS[version],
        clean_session=None if version == MQTT5 else not keep_session,
        reconnect_on_failure=reconnect,
        manual_ack=manual_ack,
    )
    if settings.username:
        client.username_pw_set(settings.username, settings.password or None)
    if settings.tls:
        client.tls_set(
            ca_certs=str(settings.ca_file) if settings.ca_file else None,
            certfile=str(settings.cert_file) if settings.cert_file else None,
            keyfile=str(settings.key_file) if settings.key_file else None,
        )
    return client


def speaks_5(client: mqtt.Client) -> bool:
    return bool(client.protocol == mqtt.MQTTv5)


def connect_options(client: mqtt.Client, expiry_s: int, clean_start: bool | None = None) -> Any:
    """``connect``'s keywords for this client's version: MQTT 5's session expiry and clean
    start; nothing under 3.1.1 (the session was chosen when the client was made)."""
    if not speaks_5(client):
        return {}
    options: dict[str, Any] = {"properties": session_properties(expiry_s)}
    if clean_start is not None:
        options["clean_start"] = clean_start
    return options


def session_properties(expiry_s: int) -> Properties:
    """CONNECT properties: the broker keeps this session (its subscriptions and the QoS 1
    messages for it) for ``expiry_s`` seconds after the connection is lost."""
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = expiry_s
    return properties


def expiring(client: mqtt.Client, seconds: int | None) -> Properties | None:
    """PUBLISH properties for a message the broker drops once it is ``seconds`` old (MQTT 5;
    under 3.1.1 the receiver judges the message's ``ts``)."""
    if seconds is None or not speaks_5(client):
        return None
    properties = Properties(PacketTypes.PUBLISH)
    properties.MessageExpiryInterval = seconds
    return properties


def will_properties(client: mqtt.Client, delay_s: int) -> Properties | None:
    """The will waits ``delay_s``: not sent at all if the same client id reconnects first
    (MQTT 5; under 3.1.1 the will is sent at once)."""
    if delay_s <= 0 or not speaks_5(client):
        return None
    properties = Properties(PacketTypes.WILLMESSAGE)
    properties.WillDelayInterval = delay_s
    return properties


def no_delay(client: mqtt.Client) -> None:
    """Send small packets at once: without this, an ack written right after the PUBACK of
    its call waits out the broker's delayed ACK (Nagle's algorithm), about 40 ms on Linux."""
    sock = client.socket()
    if isinstance(sock, socket.socket):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as exc:
            _LOG.debug("TCP_NODELAY not set: %s", exc)
