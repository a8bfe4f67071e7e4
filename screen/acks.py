"""The ack ledger: each new call is acknowledged ``shown`` once, by the first frame that
really shows it on the screen."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from lobby.contract import BoardCall
from screen.messages import Called
from screen.parts import NOTHING, Part

MAX_PENDING_ACKS = 1000

PublishAck = Callable[[str, str, datetime], None]


class AckLedger(Part):
    """Calls taken but not yet drawn; acknowledged as soon as a presented frame shows them."""

    handles = (Called,)

    def __init__(self, publish: PublishAck) -> None:
        self._publish = publish
        self._pending: dict[str, None] = {}
        self.sent = 0

    def handle(self, message: object, now: float) -> Sequence[object]:
        if isinstance(message, Called):
            self._pending[message.call.id] = None
        return NOTHING

    def shown(
        self, visible: Iterable[BoardCall], on_board: Iterable[BoardCall], moment: datetime
    ) -> None:
        """A frame went out at ``moment`` showing ``visible``: acknowledge what was pending."""
        if not self._pending:
            return
        for call in visible:
            if call.id in self._pending:
                del self._pending[call.id]
                self._publish(call.id, "shown", moment)
                self.sent += 1
        if len(self._pending) > MAX_PENDING_ACKS:  # calls replaced before they were drawn
            listed = {call.id for call in on_board}
            self._pending = {i: None for i in self._pending if i in listed}

    def status(self) -> Mapping[str, Any]:
        return {"acks_pending": len(self._pending)}
