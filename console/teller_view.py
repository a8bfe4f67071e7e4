"""What a teller's page shows, read from the lobby view: one plain object per counter,
drawn by the same template for the first page and for every live update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from config.settings import Config, Counter
from console.lobby_view import LobbyView
from lobby.contract import BoardCall, CounterState
from lobby.wire import format_ts

RECENT_CALLS = 6
PAUSE_REASONS = ("Lunch", "Break", "Meeting", "Back office")
"""The reasons offered when a teller pauses (the contract allows any 40 characters)."""


@dataclass(frozen=True)
class WaitingLine:
    service: str
    name: str
    count: int | None
    """None until the board has been seen."""


@dataclass(frozen=True)
class TellerView:
    counter: Counter
    state: CounterState | None
    waiting: tuple[WaitingLine, ...]
    recent: tuple[BoardCall, ...]
    connected: bool
    engine_online: bool

    @property
    def ticket(self) -> str | None:
        return self.state.ticket if self.state else None

    @property
    def is_open(self) -> bool:
        return self.state is None or self.state.is_open

    @property
    def since(self) -> str:
        """When the current customer was called, as RFC 3339 for the page's clock."""
        moment = self.state.serving_since if self.state else None
        return format_ts(moment) if moment is not None else ""


def service_name(config: Config, service_id: str, language: str = "en") -> str:
    service = config.service(service_id)
    if service is None:
        return service_id
    return service.name.get(language) or service.name.get("zh") or service_id


def service_of_ticket(config: Config, ticket: str | None) -> str | None:
    """The service a ticket number belongs to, by its prefix (A023: general)."""
    if not ticket:
        return None
    prefix = ticket.rstrip("0123456789")
    return next((s.id for s in config.services if s.prefix == prefix), None)


def teller_view(config: Config, view: LobbyView, counter: Counter) -> TellerView:
    waiting = tuple(
        WaitingLine(s, service_name(config, s), view.waiting(s)) for s in counter.services
    )
    calls = view.board.calls if view.board is not None else ()
    recent = tuple(call for call in calls if call.counter == counter.id)[:RECENT_CALLS]
    return TellerView(
        counter,
        view.counters.get(counter.id),
        waiting,
        recent,
        view.connected,
        view.engine_online,
    )


def clock(moment: datetime) -> str:
    """A call's time as the teller reads it: local hours and minutes."""
    return moment.astimezone().strftime("%H:%M")
