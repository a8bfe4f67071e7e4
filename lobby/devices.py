"""What devices say about themselves on the wire: their status, their acks, the engines'
lease. Part of the contract (``lobby.contract`` gives them with every other message)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lobby.wire import (
    DEVICE_RE,
    EPOCH_RE,
    ID_RE,
    INSTANCE_RE,
    Fields,
    encode,
    format_ts,
    load_object,
    without_none,
)

MAX_FAULTS = 16
MAX_FAULT_CHARS = 200
ACK_EVENTS = ("shown", "spoken")
DEVICE_STATES = ("online", "offline")
ROLES = ("display", "engine", "kiosk", "console", "counter")
LEASE_STATES = ("held", "free", "probe")


def _ts(fields: Fields) -> datetime:
    return fields.req_timestamp("ts")


@dataclass(frozen=True)
class DeviceStatus:
    """A callboard process says how it is (retained); its last will says ``offline``."""

    device: str
    state: str
    version: str
    ts: datetime
    uptime_s: int
    rejected: int
    role: str | None = None
    instance: str | None = None
    faults: tuple[str, ...] = ()
    figures: Mapping[str, Any] = field(default_factory=dict)
    """Any further fields (frame time, queue depth, audio state): sent and read as they are."""

    KNOWN = (
        "device",
        "state",
        "version",
        "ts",
        "uptime_s",
        "rejected",
        "role",
        "instance",
        "faults",
    )

    @classmethod
    def parse(cls, raw: bytes) -> DeviceStatus:
        obj = load_object(raw)
        fields = Fields(obj)
        role = fields.text("role", max_len=16, required=False)
        return cls(
            device=fields.req_text("device", DEVICE_RE, 32),
            state=fields.req_choice("state", DEVICE_STATES),
            version=fields.req_text("version", max_len=40),
            ts=_ts(fields),
            uptime_s=fields.integer("uptime_s", 0, 2**53),
            rejected=fields.integer("rejected", 0, 2**53),
            role=role,
            instance=fields.text("instance", INSTANCE_RE, 32, required=False),
            faults=fields.texts("faults", MAX_FAULTS, MAX_FAULT_CHARS),
            figures={k: v for k, v in obj.items() if k not in cls.KNOWN and k != "v"},
        )

    def payload(self) -> bytes:
        body: dict[str, Any] = {
            "device": self.device,
            "state": self.state,
            "version": self.version,
            "ts": format_ts(self.ts),
            "uptime_s": self.uptime_s,
            "rejected": self.rejected,
        }
        if self.role is not None:
            body["role"] = self.role
        if self.instance is not None:
            body["instance"] = self.instance
        if self.state == "online" or self.faults:
            body["faults"] = list(self.faults[:MAX_FAULTS])
        body.update({k: v for k, v in self.figures.items() if k not in body})
        return encode(body)


@dataclass(frozen=True)
class Ack:
    """Proof that a call reached the screen (``shown``) or the speaker (``spoken``)."""

    call_id: str
    event: str
    ts: datetime
    instance: str | None = None

    @classmethod
    def parse(cls, raw: bytes) -> Ack:
        fields = Fields(load_object(raw))
        return cls(
            call_id=fields.req_text("call_id", ID_RE, 128),
            event=fields.req_choice("event", ACK_EVENTS),
            ts=_ts(fields),
            instance=fields.text("instance", INSTANCE_RE, 32, required=False),
        )

    def payload(self) -> bytes:
        return encode(
            without_none(
                {
                    "call_id": self.call_id,
                    "event": self.event,
                    "ts": format_ts(self.ts),
                    "instance": self.instance,
                }
            )
        )


@dataclass(frozen=True)
class EngineLease:
    """Which queue engine serves a site: ``{p}/engine/lease`` (retained; see engine/lease.py).

    ``held`` by the serving engine (and re-said whenever anyone asks), ``free`` when it
    stops (its last will), ``probe`` from an engine asking (never retained).
    """

    state: str
    instance: str
    device: str
    ts: datetime
    epoch: str | None = None
    nonce: str | None = None
    """A probe's own mark, so that its sender knows its echo."""

    @classmethod
    def parse(cls, raw: bytes) -> EngineLease:
        fields = Fields(load_object(raw))
        return cls(
            state=fields.req_choice("state", LEASE_STATES),
            instance=fields.req_text("instance", INSTANCE_RE, 32),
            device=fields.req_text("device", DEVICE_RE, 32),
            ts=_ts(fields),
            epoch=fields.text("epoch", EPOCH_RE, 16, required=False),
            nonce=fields.text("nonce", EPOCH_RE, 16, required=False),
        )

    def payload(self) -> bytes:
        return encode(
            without_none(
                {
                    "state": self.state,
                    "instance": self.instance,
                    "device": self.device,
                    "ts": format_ts(self.ts),
                    "epoch": self.epoch,
                    "nonce": self.nonce,
                }
            )
        )
