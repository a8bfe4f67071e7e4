"""Live pages: server-sent events that carry the page's changing parts as HTML.

Each part is drawn by the same template the page was first drawn with, so the page and
its updates cannot disagree, and the browser's side is a few lines (``console.js``): put
each part where it belongs. A stream wakes when the lobby view changes, draws its parts
and sends them only if they differ from what it sent last; a comment every 15 s keeps
proxies from closing a quiet stream. It ends when the person's login ends (their account
removed, or moved off the counter), telling the page to go to the login.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

from starlette.requests import Request
from starlette.responses import StreamingResponse

from config.settings import Counter
from console.state import Console
from console.teller_view import teller_view

KEEP_ALIVE_S = 15.0
COUNTER_PARTS = ("banner", "now", "waiting", "recent")
Parts = Callable[[], dict[str, object]]


def _event(name: str, data: dict[str, object]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def _stream(
    request: Request, console: Console, parts: Parts, allowed: Callable[[], bool]
) -> StreamingResponse:
    async def events() -> AsyncIterator[str]:
        yield "retry: 1000\n\n"
        sent: dict[str, object] | None = None
        revision = -1
        while True:
            revision = await console.view.changed(revision, KEEP_ALIVE_S)
            if not allowed():
                yield _event("logout", {})
                return
            now = parts()
            if now != sent:
                yield _event("parts", now)
                sent = now
            else:
                yield ": still here\n\n"

    headers = {"x-accel-buffering": "no"}  # nginx: pass each event on at once
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)


def counter_parts(console: Console, counter: Counter) -> dict[str, object]:
    view = teller_view(console.config, console.view, counter)
    parts: dict[str, object] = {
        name: console.templates.get_template(f"teller/_{name}.html").render(v=view)
        for name in COUNTER_PARTS
    }
    parts["open"] = view.is_open
    parts["ticket"] = view.ticket or ""
    return parts


def counter_stream(request: Request, console: Console, counter: Counter) -> StreamingResponse:
    def allowed() -> bool:
        staff = console.guard.staff(request)
        return staff is not None and staff.may_serve(counter.id)

    return _stream(request, console, lambda: counter_parts(console, counter), allowed)


def manager_stream(request: Request, console: Console, parts: Parts) -> StreamingResponse:
    def allowed() -> bool:
        staff = console.guard.staff(request)
        return staff is not None and staff.is_manager

    return _stream(request, console, parts, allowed)
