"""The console's parts, shared by its routes: ``console_of(request)`` finds them."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from config.settings import Config
from console.guard import Guard, LoginThrottle
from console.lobby_view import LobbyView
from console.preview import BoardPreview
from mqtt_client.console_link import ConsoleLink


@dataclass
class Console:
    """The application's parts, reached from a route as ``request.app.state.console``."""

    config: Config
    guard: Guard
    templates: Jinja2Templates
    preview: BoardPreview
    version: str
    view: LobbyView = field(default_factory=LobbyView)
    link: ConsoleLink | None = None
    throttle: LoginThrottle = field(default_factory=LoginThrottle)

    def page(
        self, request: Request, template: str, status: int = 200, **context: object
    ) -> Response:
        staff = self.guard.staff(request)
        context.update(
            staff=staff,
            csrf=self.guard.csrf_token(request),
            site=self.config.site,
            site_name=self.config.site_name.get("en") or self.config.site,
            version=self.version,
            network=self.config.console.central is not None,
        )
        return self.templates.TemplateResponse(request, template, context, status_code=status)


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console
