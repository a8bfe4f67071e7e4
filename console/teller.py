"""The login, the way in, and the teller's page: a counter's current ticket, its queue,
its last calls, and the eight actions, each one click and one key.

An action becomes a CounterRequest for that counter on the broker, and nothing else: the
page then shows what the engine answers (the retained CounterState and the board), live.
Every check (login, counter, CSRF token, the action's fields, the broker being there)
comes before the request is published.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from config.settings import Config, Counter
from console import live
from console.guard import Refusal, wants_json
from console.state import console_of
from console.teller_view import PAUSE_REASONS, service_name, service_of_ticket, teller_view
from lobby.contract import MAX_REASON_CHARS
from lobby.wire import TICKET_RE


async def home(request: Request) -> Response:
    console = console_of(request)
    staff = console.guard.need_staff(request)
    if len(staff.counters) == 1 and not staff.is_manager:
        return RedirectResponse(f"/counter/{staff.counters[0]}", status_code=303)
    if staff.is_manager and not staff.counters:
        return RedirectResponse("/manager/today", status_code=303)
    counters = [c for c in console.config.counters if staff.may_serve(c.id)]
    return console.page(request, "choose.html", counters=counters)


async def login_page(request: Request) -> Response:
    return console_of(request).page(request, "login.html", next=request.query_params.get("next"))


async def login(request: Request) -> Response:
    console = console_of(request)
    form = await request.form()
    console.guard.check_csrf(request, form)
    name = str(form.get("name", "")).strip().lower()[:32]
    throttle = console.throttle
    if throttle.too_many(name):
        raise Refusal(429, "Too many tries for this name. Please wait five minutes.")
    staff = console.guard.accounts.check(name, str(form.get("password", "")))
    if staff is None:
        throttle.failed(name)
        message = "That name and password do not match an account. Please try again."
        return console.page(request, "login.html", status=401, message=message, name=name)
    throttle.forget(name)
    console.guard.login(request, staff)
    target = str(form.get("next", ""))
    safe = target.startswith("/") and not target.startswith("//")
    return RedirectResponse(target if safe else "/", status_code=303)


async def logout(request: Request) -> Response:
    console = console_of(request)
    console.guard.check_csrf(request, await request.form())
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


async def counter_page(request: Request) -> Response:
    console = console_of(request)
    staff, counter = console.guard.need_counter(request, request.path_params["counter"])
    view = teller_view(console.config, console.view, counter)
    services = console.config.services
    current = service_of_ticket(console.config, view.ticket)
    return console.page(
        request,
        "teller.html",
        v=view,
        services=[(s.id, service_name(console.config, s.id), s.prefix) for s in services],
        transfer_to=next((s.id for s in services if s.id != current), ""),
        reasons=PAUSE_REASONS,
        my_counters=[c for c in console.config.counters if staff.may_serve(c.id)],
    )


async def counter_live(request: Request) -> Response:
    console = console_of(request)
    _staff, counter = console.guard.need_counter(request, request.path_params["counter"])
    return live.counter_stream(request, console, counter)


def _ticket(form: FormData, config: Config, counter: Counter) -> str:
    text = str(form.get("ticket", "")).strip().upper()
    if not TICKET_RE.fullmatch(text):
        raise Refusal(422, "Please type a ticket number such as A023.")
    if service_of_ticket(config, text) not in counter.services:
        raise Refusal(422, f"Ticket {text} is for a service this counter does not serve.")
    return text


def _fields(action: str, form: FormData, config: Config, counter: Counter) -> dict[str, str]:
    """The action's own fields, checked; a Refusal says what to correct."""
    get = form.get
    if action == "transfer":
        to = str(get("to_service", ""))
        if config.service(to) is None:
            raise Refusal(422, "Please choose the service to transfer the customer to.")
        return {"to_service": to}
    if action == "call":
        return {"ticket": _ticket(form, config, counter)}
    if action == "pause":
        reason = " ".join(str(get("reason", "")).split())
        if len(reason) > MAX_REASON_CHARS or not reason.isprintable():
            raise Refusal(422, f"Please give the reason in at most {MAX_REASON_CHARS} characters.")
        return {"reason": reason} if reason else {}
    return {}


SAID = {
    "next": "Calling the next customer.",
    "recall": "Calling {ticket} again.",
    "skip": "{ticket} did not come; calling the next customer.",
    "transfer": "Sending {ticket} to {service}; calling the next customer.",
    "pause": "This counter is pausing; nobody new is called to it.",
    "resume": "This counter is open again.",
    "done": "Thank you: {ticket} is served.",
    "call": "Calling {called}.",
}


async def act(request: Request) -> Response:
    console = console_of(request)
    _staff, counter = console.guard.need_counter(request, request.path_params["counter"])
    form = await request.form()
    console.guard.check_csrf(request, form)
    action = request.path_params["action"]
    if action not in SAID:
        raise Refusal(404, "The console knows no such action.")
    fields = _fields(action, form, console.config, counter)
    link = console.link
    if link is None or not link.connected:
        raise Refusal(503, "The console cannot reach the lobby just now. Please try again soon.")
    link.press(counter.id, action, **fields)
    state = console.view.counters.get(counter.id)
    ticket = state.ticket if state and state.ticket else "the customer"
    to = service_name(console.config, fields.get("to_service", ""))
    message = SAID[action].format(ticket=ticket, service=to, called=fields.get("ticket", ""))
    if wants_json(request):
        return JSONResponse({"message": message}, status_code=202)
    return RedirectResponse(f"/counter/{counter.id}", status_code=303)


def routes() -> list[Route]:
    return [
        Route("/", home),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/counter/{counter}", counter_page),
        Route("/counter/{counter}/live", counter_live),
        Route("/counter/{counter}/{action}", act, methods=["POST"]),
    ]
