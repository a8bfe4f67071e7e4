"""The lobby's configuration: a TOML schema, its loader and the shipped example."""

from pathlib import Path

from config.loader import load_config, parse_config
from config.settings import Config, Counter, DisplaySettings, MqttSettings, Names, Service

EXAMPLE = Path(__file__).with_name("lobby.toml")
"""The commented example config, which is also the demo's config."""

__all__ = [
    "EXAMPLE",
    "Config",
    "Counter",
    "DisplaySettings",
    "MqttSettings",
    "Names",
    "Service",
    "load_config",
    "parse_config",
]
