"""The broker link: topics, connect and reconnect, status and last will, validated inbound."""

from mqtt_client.link import LinkState, MqttLink
from mqtt_client.topics import Topics

__all__ = ["LinkState", "MqttLink", "Topics"]
