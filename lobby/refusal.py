"""Why the engine gives no ticket: ``{p}/ticket/refused`` (callboard's own topic).

A TicketRequest the engine will not honour is answered, at once, with a reason code the
ticket machine turns into polite words ("the lobby opens tomorrow at 08:30"), never left
to time out. The reason is a code, not a sentence: each ticket machine words it in the
customer's language. Codes this version knows are in ``REFUSAL_REASONS``; a newer engine
may send others, and a machine that does not know one says tickets are not available now.
Part of the contract (``lobby.contract`` gives it with every other message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lobby.wire import (
    ID_RE,
    LANG_RE,
    SERVICE_RE,
    Fields,
    encode,
    format_ts,
    load_object,
    without_none,
)

REASON_RE = re.compile(r"[a-z][a-z_]{0,31}")
REFUSAL_REASONS = ("closed", "unknown_service", "unavailable")
"""``closed``: outside the opening hours (``opens`` says when it opens next);
``unknown_service``: no such service in this lobby; ``unavailable``: the service cannot
take a ticket now (its numbers are all in use today)."""


@dataclass(frozen=True)
class TicketRefused:
    """The engine's answer to a TicketRequest it does not honour."""

    id: str
    request_id: str
    service: str
    reason: str
    ts: datetime
    opens: datetime | None = None
    """With ``closed``: when the lobby next opens (absent when it is not known)."""
    lang: str | None = None
    """The language the customer chose, as the request gave it."""

    @classmethod
    def parse(cls, raw: bytes) -> TicketRefused:
        fields = Fields(load_object(raw))
        return cls(
            id=fields.req_text("id", ID_RE, 128),
            request_id=fields.req_text("request_id", ID_RE, 128),
            service=fields.req_text("service", SERVICE_RE, 16),
            reason=fields.req_text("reason", REASON_RE, 32),
            ts=fields.req_timestamp("ts"),
            opens=fields.timestamp("opens", required=False),
            lang=fields.text("lang", LANG_RE, 12, required=False),
        )

    def payload(self) -> bytes:
        return encode(
            without_none(
                {
                    "id": self.id,
                    "request_id": self.request_id,
                    "service": self.service,
                    "reason": self.reason,
                    "opens": format_ts(self.opens, millis=False) if self.opens else None,
                    "ts": format_ts(self.ts),
                    "lang": self.lang,
                }
            )
        )
