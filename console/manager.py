"""The branch manager's pages: notices (with the board's preview), devices, today's
figures and their CSV files. Only a manager's login reaches them."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from console import live
from console.figures import as_csv, device_lines, hours_series, lines
from console.guard import Refusal, wants_json
from console.notice_form import notice_from_form, scope_of
from console.preview import PreviewError
from console.state import Console, console_of
from lobby import contract
from lobby.contract import MAX_PAGES, Notice
from lobby.records import MAX_RANGE_DAYS

ANSWER_TIMEOUT_S = 15.0


def _now() -> datetime:
    return datetime.now().astimezone()


async def notices_page(request: Request) -> Response:
    console = console_of(request)
    console.guard.need_manager(request)
    return console.page(
        request,
        "notices.html",
        notices=console.view.notices,
        pages=range(MAX_PAGES),
        limits={
            "marquee_items": contract.MAX_MARQUEE_ITEMS,
            "marquee_chars": contract.MAX_MARQUEE_CHARS,
            "title_chars": contract.MAX_PAGE_TITLE_CHARS,
            "lines": contract.MAX_PAGE_LINES,
            "line_chars": contract.MAX_PAGE_LINE_CHARS,
        },
    )


async def _notice_request(request: Request) -> tuple[Console, str, Notice]:
    console = console_of(request)
    console.guard.need_manager(request)
    form = await request.form()
    console.guard.check_csrf(request, form)
    scope = scope_of(request.path_params["scope"])
    verb = request.path_params.get("verb", "preview")
    if verb not in ("preview", "publish", "clear"):
        raise Refusal(404, "Notices can be previewed, published or cleared.")
    empty = verb == "clear"
    return console, scope, Notice() if empty else notice_from_form(form, _now())


async def notice_preview(request: Request) -> Response:
    console, _scope, notice = await _notice_request(request)
    try:
        png = await console.preview.draw(console.view.board, notice, _now())
    except PreviewError as exc:
        raise Refusal(503, f"The preview could not be drawn just now ({exc}).") from None
    return Response(png, media_type="image/png")


async def notice_publish(request: Request) -> Response:
    console, scope, notice = await _notice_request(request)
    link = console.link
    if link is None or not link.connected:
        raise Refusal(503, "The console cannot reach the lobby just now. Please try again soon.")
    link.post_notice(scope, notice)
    where = "every lobby of the branch" if scope == "branch" else "this lobby's screens"
    said = f"Cleared for {where}." if notice.is_empty else f"Published to {where}."
    if wants_json(request):
        return JSONResponse({"message": said}, status_code=202)
    return RedirectResponse("/manager/notices", status_code=303)


def devices_parts(console: Console) -> dict[str, object]:
    template = console.templates.get_template("manager/_devices.html")
    return {"devices": template.render(devices=device_lines(console.view))}


async def devices_page(request: Request) -> Response:
    console = console_of(request)
    console.guard.need_manager(request)
    return console.page(request, "devices.html", parts=devices_parts(console))


def today_parts(console: Console) -> dict[str, object]:
    figures = console.view.today
    template = console.templates.get_template("manager/_today.html")
    html = template.render(
        figures=figures,
        services=lines(console.config, figures, "service"),
        counters=lines(console.config, figures, "counter"),
        waiting=console.view.board.waiting if console.view.board else {},
    )
    return {"today": html, "chart": hours_series(figures)}


async def today_page(request: Request) -> Response:
    console = console_of(request)
    console.guard.need_manager(request)
    return console.page(request, "today.html", parts=today_parts(console), today=date.today())


async def manager_live(request: Request) -> Response:
    console = console_of(request)
    console.guard.need_manager(request)
    which = request.path_params["page"]
    parts = {"devices": devices_parts, "today": today_parts}.get(which)
    if parts is None:
        raise Refusal(404, "There is no such page.")
    return live.manager_stream(request, console, lambda: parts(console))


def _csv(text: str, name: str) -> Response:
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    return PlainTextResponse(text, media_type="text/csv; charset=utf-8", headers=headers)


async def today_csv(request: Request) -> Response:
    console = console_of(request)
    console.guard.need_manager(request)
    figures = console.view.today
    if figures is None:
        raise Refusal(503, "The queue engine has not published today's figures yet.")
    return _csv(as_csv(figures.rows), f"callboard-{console.config.site}-{figures.day}.csv")


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refusal(422, f"Please give the {what} day as YYYY-MM-DD.") from None


async def range_csv(request: Request) -> Response:
    console = console_of(request)
    console.guard.need_manager(request)
    query = request.query_params
    first, last = _day(query.get("from", ""), "first"), _day(query.get("to", ""), "last")
    if not 0 <= (last - first).days < MAX_RANGE_DAYS:
        raise Refusal(422, f"Please choose a range of 1 to {MAX_RANGE_DAYS} days, first to last.")
    link = console.link
    if link is None or not link.connected:
        raise Refusal(503, "The console cannot reach the lobby just now. Please try again soon.")
    ask = link.ask_figures(first, last)
    answer = console.view.expect_figures(ask.id)
    try:
        await asyncio.wait_for(answer.done.wait(), ANSWER_TIMEOUT_S)
    except TimeoutError:
        raise Refusal(
            504, "The queue engine has not answered with those figures. Please try again soon."
        ) from None
    finally:
        console.view.forget_figures(ask.id)
    return _csv(as_csv(answer.rows), f"callboard-{console.config.site}-{first}-{last}.csv")


def routes() -> list[Route]:
    return [
        Route("/manager", lambda r: RedirectResponse("/manager/today", status_code=303)),
        Route("/manager/notices", notices_page),
        Route("/manager/notices/{scope}/preview", notice_preview, methods=["POST"]),
        Route("/manager/notices/{scope}/{verb:str}", notice_publish, methods=["POST"]),
        Route("/manager/devices", devices_page),
        Route("/manager/today", today_page),
        Route("/manager/today.csv", today_csv),
        Route("/manager/figures.csv", range_csv),
        Route("/manager/live/{page}", manager_live),
    ]
