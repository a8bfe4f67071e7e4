"""A paho-mqtt 2 client set up from the config: credentials and TLS, in one place for every
callboard process that talks to the broker (display, engine, doctor, ticket machine)."""

from __future__ import annotations

import logging
import socket

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from config.settings import MqttSettings

_LOG = logging.getLogger(__name__)


def new_client(settings: MqttSettings, client_id: str, persistent: bool = False) -> mqtt.Client:
    """A client with this device's credentials and TLS; ``persistent``: the broker keeps its
    session (and the QoS 1 messages for it) while it reconnects."""
    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=not persistent,
        protocol=mqtt.MQTTv311,
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


def no_delay(client: mqtt.Client) -> None:
    """Send small packets at once: without this, an ack written right after the PUBACK of
    its call waits out the broker's delayed ACK (Nagle's algorithm), about 40 ms on Linux."""
    sock = client.socket()
    if isinstance(sock, socket.socket):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as exc:
            _LOG.debug("TCP_NODELAY not set: %s", exc)
