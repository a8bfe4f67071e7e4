"""The mosquitto bridge that carries a lobby's traffic to the branch's central broker.

Each lobby keeps its own broker (the lobby never depends on the WAN); mosquitto's own bridge
forwards the site's topics to the centre, QoS 1, and brings the notices back. The bridge is
at-least-once: a message whose PUBACK was lost in a cut is sent again, so the centre acts on
ids (the contract's rule). Nothing loops: what goes out and what comes in never overlap.

While the WAN is down the site's broker queues what goes out, up to ``max_queued_messages``
(mosquitto's default, 1,000, is a few minutes of a busy branch; past it, messages are
dropped). ``queue_for`` sizes it for an outage of ``hours`` at a busy branch's peak rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from config.settings import Config
from lobby.topics import BRANCH, Topics

# What goes out: every topic of the site but the notice, which comes in (overlap would loop).
# ("record/#" is {p}/record and anything under it: MQTT's # takes the level above it too.)
OUT = ("call", "board", "counter/#", "ticket/#", "status/#", "stats/#", "engine/#", "record/#",
       "bridge/#")  # fmt: skip
BRIDGE_STATE = "bridge/state"  # "1" while the bridge is up, "0" (the bridge's will) when down

# A busy branch: a ticket and a call every 10 s, five times that at a peak. Each finished
# ticket puts on the wire: the ticket's request and answer, the counter's request, the call,
# the board, the counter's state, an ack shown and spoken from each of two screens, the
# record and the day's figures: 12 messages; add one status a minute from each of 6 devices.
MESSAGES_PER_TICKET = 12
PEAK_TICKETS_PER_S = 5 / 10
STATUS_PER_S = 6 / 60
AVERAGE_BYTES = 1000  # the board (up to 20 calls) is the big one: ~2.5 KB; acks ~150 B


@dataclass(frozen=True)
class QueueSize:
    """What the site's broker must hold for an outage of ``hours`` at the peak rate."""

    hours: float
    messages: int
    bytes: int

    @property
    def rate(self) -> float:
        return self.messages / (self.hours * 3600)


def queue_for(hours: float) -> QueueSize:
    per_s = PEAK_TICKETS_PER_S * MESSAGES_PER_TICKET + STATUS_PER_S
    messages = math.ceil(per_s * hours * 3600)
    return QueueSize(hours, messages, messages * AVERAGE_BYTES)


@dataclass(frozen=True)
class Central:
    """The central broker and how this lobby's bridge logs in to it."""

    host: str
    port: int = 8883
    username: str = ""
    password: str = ""
    cafile: Path | None = None
    tls: bool = True
    protocol: str = "5"


def mosquitto_bridge(config: Config, central: Central, outage_hours: float = 8.0) -> str:
    """The lines to add to the lobby broker's mosquitto.conf (or a file in conf.d/)."""
    t = Topics(config.mqtt.topic_root, config.site)
    size = queue_for(outage_hours)
    lines = [
        f"# callboard: lobby {config.site} bridged to the central broker {central.host}.",
        f"# The site's broker holds what goes out while the WAN is down: {outage_hours:g} h at",
        f"# a busy branch's peak (~{size.rate:.1f} messages/s) is {size.messages:,} messages,",
        f"# about {size.bytes / 1e6:.0f} MB. (These two apply to every client of this broker.)",
        f"max_queued_messages {size.messages}",
        f"max_queued_bytes {size.bytes}",
        "# Set persistence true (Debian's default) so the queue survives a restart.",
        "",
        f"connection callboard-{config.site}",
        f"address {central.host}:{central.port}",
        f"bridge_protocol_version {'mqttv50' if central.protocol == '5' else 'mqttv311'}",
        f"remote_clientid callboard-bridge-{config.site}",
        f"local_clientid callboard-bridge-{config.site}-local",
        "# The centre keeps what comes in for us while the link is down, and we for it.",
        "cleansession false",
        "start_type automatic",
        "restart_timeout 2 30",
        "keepalive_interval 30",
        "bridge_attempt_unsubscribe false",
        "try_private true",
        "notifications true",
        f"notification_topic {t.prefix}/{BRIDGE_STATE}",
    ]
    if central.tls:
        if central.cafile is not None:
            lines.append(f"bridge_cafile {central.cafile}")
        else:
            lines.append("bridge_capath /etc/ssl/certs")
        lines += ["bridge_insecure false", "bridge_tls_version tlsv1.2"]
    if central.username:
        lines.append(f"remote_username {central.username}")
    if central.password:
        lines.append(f"remote_password {central.password}")
    lines.append("# Out: the site's statuses, acks, calls, boards, figures and records.")
    lines += [f"topic {t.prefix}/{level} out 1" for level in OUT]
    lines.append("# In: the notices the branch writes, for this site and for every site.")
    lines += [f"topic {t.notice} in 1", f"topic {config.mqtt.topic_root}/{BRANCH}/notice in 1"]
    return "\n".join(lines) + "\n"
