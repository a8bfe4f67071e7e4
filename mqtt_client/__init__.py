"""The broker link: topics, connect and reconnect, status and last will, validated inbound."""

from mqtt_client.link import LinkState, MqttLink, Rejected
from mqtt_client.topics import Topics

__all__ = ["LinkState", "MqttLink", "Rejected", "Topics"]
