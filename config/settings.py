"""The configuration as typed, frozen objects: checked once while loading, trusted after."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from config.names import Names
from config.theme import BUILT_IN, Theme


@dataclass(frozen=True)
class MqttSettings:
    """How to reach the broker."""

    host: str = "localhost"
    """Broker host name or address."""
    port: int = 1883
    """Broker port (8883 is usual with TLS)."""
    username: str = ""
    """User name; empty for an anonymous broker."""
    password: str = ""
    """Password; prefer ``password_file`` so the config can be world-readable."""
    keepalive: int = 30
    """Seconds between pings; the broker declares the device offline after 1.5 of these."""
    topic_root: str = "callboard"
    """First level of every topic."""
    tls: bool = False
    """Use TLS; implied when ``ca_file`` is set."""
    ca_file: Path | None = None
    """CA certificate(s) that signed the broker's certificate."""
    cert_file: Path | None = None
    """Client certificate, for brokers that require one."""
    key_file: Path | None = None
    """Private key of the client certificate."""


@dataclass(frozen=True)
class QueueSettings:
    """The embedded queue engine."""

    embedded: bool = False
    """Run the queue engine inside this daemon (a one-Pi office)."""


@dataclass(frozen=True)
class Service:
    """A service type with its own queue and ticket prefix (A = general business, …)."""

    id: str
    """Id on the wire, ``[A-Za-z0-9_-]{1,16}``."""
    prefix: str
    """Ticket prefix, zero to two capital letters."""
    name: Names = field(default_factory=Names)
    """Label per language."""


@dataclass(frozen=True)
class Counter:
    """A counter (柜面 window) and the services it serves, in priority order."""

    id: str
    """Id on the wire, ``[A-Za-z0-9_-]{1,16}``."""
    services: tuple[str, ...]
    """Service ids served, first served first (the green channel lists ``vip`` first)."""
    name: Names = field(default_factory=Names)
    """Label per language, shown on the board and spoken."""

    def label(self, language: str) -> str:
        """The counter's name in a language, or a polite default built from its id."""
        named = self.name.get(language)
        if named:
            return named
        return f"{self.id}号窗口" if language == "zh" else f"Counter {self.id}"


@dataclass(frozen=True)
class DisplaySettings:
    """The lobby screen."""

    width: int = 0
    """Pixels across; 0 takes the screen's own size (1280 when windowed)."""
    height: int = 0
    """Pixels down; 0 takes the screen's own size (720 when windowed)."""
    fullscreen: bool | None = None
    """True on a lobby TV; None (the default, "auto") goes full-screen without a desktop."""
    theme: Theme = BUILT_IN["default"]
    """The look: a built-in theme (default, dark, light) or a branch's theme file."""
    font: Path | None = None
    """A CJK font file to use instead of the one found on the system."""
    screenshot: Path = Path("callboard-screen.png")
    """Where ``kill -USR1`` saves the current frame (relative: to the working directory)."""
    flash_seconds: float = 10.0
    """How long the newest call flashes."""
    recent: int = 8
    """How many earlier calls the recent list shows at most."""


@dataclass(frozen=True)
class Config:
    """One lobby device's whole configuration."""

    site: str
    """Lobby id, ``[a-z0-9_-]{1,32}``; the second topic level."""
    device: str
    """This device's id, unique in the site; names its status topic."""
    site_name: Names = field(default_factory=Names)
    """The branch and lobby name shown in the header, per language."""
    languages: tuple[str, ...] = ("zh", "en")
    """Languages shown (and later spoken), in order."""
    mqtt: MqttSettings = field(default_factory=MqttSettings)
    queue: QueueSettings = field(default_factory=QueueSettings)
    services: tuple[Service, ...] = ()
    counters: tuple[Counter, ...] = ()
    display: DisplaySettings = field(default_factory=DisplaySettings)
    source: str = "<defaults>"
    """The file this came from, for messages."""

    def counter(self, counter_id: str) -> Counter:
        """The configured counter, or one made up from its id (a call is never dropped)."""
        for counter in self.counters:
            if counter.id == counter_id:
                return counter
        return Counter(id=counter_id, services=())

    def service(self, service_id: str) -> Service | None:
        for service in self.services:
            if service.id == service_id:
                return service
        return None
