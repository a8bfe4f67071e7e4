"""The console as an ASGI application (Starlette): its parts, its middleware, its routes.

``make_app`` takes everything from outside (the config, the version, a link factory) so
that tests run the same application in-process against a real broker, and
``callboard console`` serves it with uvicorn. The broker link starts with the application
(its lifespan) because its deliveries go to the application's own event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config.settings import Config
from console import manager, network, teller
from console.accounts import Accounts
from console.figures import minutes, share
from console.guard import Guard, Refusal, wants_json
from console.preview import BoardPreview
from console.state import Console, console_of
from mqtt_client.console_link import ConsoleLink
from mqtt_client.session import Deliver

_LOG = logging.getLogger(__name__)
HERE = Path(__file__).parent
COOKIE = "callboard_console"
HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' blob: data:; style-src 'self'; "
        b"script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
        b"base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]

LinkFactory = Callable[[Config, Deliver, str], ConsoleLink]

STATUS_EVERY_S = 60.0  # the retained DeviceStatus again, as every callboard process


class SecurityHeaders:
    """Every answer says: only this origin's scripts and styles, never in a frame, never
    cached (pages show a person's counter and the branch's figures)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in HEADERS if n not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


async def refused(request: Request, exc: Exception) -> Response:
    """A Refusal as a sentence: JSON for the page's script, a page or the login otherwise."""
    assert isinstance(exc, Refusal)
    if wants_json(request) or request.method != "GET":
        if not wants_json(request) and exc.login:
            return RedirectResponse("/login", status_code=303)
        return JSONResponse({"error": exc.message}, status_code=exc.status)
    if exc.login:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    console = console_of(request)
    return console.page(request, "error.html", status=exc.status, message=exc.message)


def make_app(
    config: Config, secret_key: str, version: str, new_link: LinkFactory = ConsoleLink
) -> Starlette:
    """The console for this config; ``secret_key`` signs the session cookies."""
    settings = config.console
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters.update(minutes=minutes, share=share)
    console = Console(
        config,
        Guard(config, Accounts(settings.users)),
        templates,
        BoardPreview(config.source),
        version,
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()

        def deliver(message: object) -> None:  # paho's thread: hand over to the loop
            loop.call_soon_threadsafe(console.view.apply, message)

        link = new_link(config, deliver, version)
        console.link = link
        link.start()

        async def heartbeat() -> None:  # the centre judges a silent device offline
            while True:
                await asyncio.sleep(STATUS_EVERY_S)
                link.publish_status()

        beating = asyncio.create_task(heartbeat())
        try:
            yield
        finally:
            beating.cancel()
            link.stop()

    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=secret_key,
            session_cookie=COOKIE,
            max_age=int(settings.session_hours * 3600),
            same_site="strict",
            https_only=settings.https,
        ),
    ]
    routes = [
        *teller.routes(),
        *manager.routes(),
        *network.routes(),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={Refusal: refused},
    )
    app.state.console = console
    return app
