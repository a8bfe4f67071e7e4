"""A paho-mqtt 2 client set up from the config, in one place for every callboard process that
talks to the broker (screen, engine, doctor, ticket machine): MQTT 5, credentials and TLS.

MQTT 5 because the contract leans on three of its features: a session that outlives a
short network cut but not a night (Session Expiry), calls that go stale at the broker
instead of being read out hours later (Message Expiry), and a will that a takeover of the
same client id does not fire (Will Delay; see engine/lease.py).
"""

from __future__ import annotations

import logging
import socket

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from config.settings import MqttSettings

_LOG = logging.getLogger(__name__)
SESSION_TAKEN_OVER = 142  # MQTT 5 reason code: another connection took this client id


def new_client(
    settings: MqttSettings, client_id: str, reconnect: bool = True, manual_ack: bool = False
) -> mqtt.Client:
    """A client with this device's credentials and TLS. ``reconnect``: paho reconnects by
    itself after a lost connection; ``manual_ack``: the owner acknowledges each QoS 1
    message itself, once it has acted on it."""
    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5,
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


def session_properties(expiry_s: int) -> Properties:
    """CONNECT properties: the broker keeps this session (its subscriptions and the QoS 1
    messages for it) for ``expiry_s`` seconds after the connection is lost."""
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = expiry_s
    return properties


def expiring(seconds: int | None) -> Properties | None:
    """PUBLISH properties for a message the broker drops once it is ``seconds`` old."""
    if seconds is None:
        return None
    properties = Properties(PacketTypes.PUBLISH)
    properties.MessageExpiryInterval = seconds
    return properties


def will_properties(delay_s: int) -> Properties | None:
    """The will waits ``delay_s``: not sent at all if the same client id reconnects first."""
    if delay_s <= 0:
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
