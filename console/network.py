"""The regional manager's Network page: every device of every site (those that need a
person first) and the network's figures for a day or a range, by site, service or hour, with
their CSV file. It reads the collector's database when ``[console] central_config`` names
the collector's central.toml, as ``callboard fleet`` and ``callboard network-stats`` do; only
a manager's login reaches it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from central.figures import GROUPS, Report, as_csv, report
from central.fleet import FleetLine, ago, fleet
from central.store import CentralStore, DatabaseAway, default_database
from config.settings import CentralConfig
from console.guard import Refusal
from console.state import Console, console_of
from lobby.topics import SITE_RE

_LOG = logging.getLogger(__name__)
AWAY = "The network's database cannot be read just now. Please try again soon."


@dataclass(frozen=True)
class Choice:
    """What the manager asked for: the days, the grouping and one site or all."""

    first: date
    last: date
    by: str
    site: str | None

    def query(self) -> str:
        return f"from={self.first}&to={self.last}&by={self.by}&site={self.site or ''}"


def _central(console: Console) -> CentralConfig:
    central = console.config.console.central
    if central is None:
        raise Refusal(
            404,
            "This console is not connected to the network's collector "
            "(see [console] central_config).",
        )
    return central


def _day(text: str | None, what: str, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refusal(422, f"Please give the {what} day as YYYY-MM-DD.") from None


def choice_of(request: Request) -> Choice:
    query = request.query_params
    first = _day(query.get("from"), "first", datetime.now().astimezone().date())
    last = _day(query.get("to"), "last", first)
    if last < first:
        raise Refusal(422, "Please choose the first day, then a last day on or after it.")
    by = query.get("by") or "site"
    if by not in GROUPS:
        raise Refusal(422, "The figures can be shown by site, by service or by hour.")
    site = query.get("site") or None
    if site is not None and not SITE_RE.fullmatch(site):
        raise Refusal(422, "There is no such site.")
    return Choice(first, last, by, site)


def _store(central: CentralConfig) -> CentralStore:
    return CentralStore(central.database or default_database())


def _figures(central: CentralConfig, choice: Choice) -> Report:
    """The figures alone (a connection opened, used and closed on one worker thread)."""
    store = _store(central)
    try:
        tallies = store.tallies(str(choice.first), str(choice.last), choice.by, choice.site)
    finally:
        store.close()
    return report(tallies, choice.first, choice.last, choice.by, choice.site)


def _read(central: CentralConfig, choice: Choice) -> tuple[list[FleetLine], Report]:
    """The fleet and the figures in one go, on a worker thread (the database may be far)."""
    store = _store(central)
    try:
        devices = store.devices()
        tallies = store.tallies(str(choice.first), str(choice.last), choice.by, choice.site)
    finally:
        store.close()
    lines = fleet(devices, datetime.now(UTC), central.stale_after_s)
    lines.sort(key=lambda line: (not line.needs_a_person, line.site, line.device))
    return lines, report(tallies, choice.first, choice.last, choice.by, choice.site)


async def network_page(request: Request) -> Response:
    console = console_of(request)
    console.guard.need_manager(request)
    central = _central(console)
    choice = choice_of(request)
    try:
        lines, found = await run_in_threadpool(_read, central, choice)
    except DatabaseAway as exc:
        _LOG.warning("the Network page cannot read the centre's database: %s", exc)
        return console.page(request, "network.html", status=503, problem=AWAY, choice=choice)
    sites = sorted({line.site for line in lines} | ({choice.site} if choice.site else set()))
    return console.page(
        request,
        "network.html",
        choice=choice,
        groups=GROUPS,
        sites=sites,
        fleet=lines,
        ago=ago,
        needing=sum(line.needs_a_person for line in lines),
        offline=sum(line.state != "online" for line in lines),
        faulty=sum(bool(line.faults) for line in lines),
        figures=found,
    )


async def network_csv(request: Request) -> Response:
    console = console_of(request)
    console.guard.need_manager(request)
    central = _central(console)
    choice = choice_of(request)
    try:
        found = await run_in_threadpool(_figures, central, choice)
    except DatabaseAway as exc:
        _LOG.warning("the Network page cannot read the centre's database: %s", exc)
        raise Refusal(503, AWAY) from None
    days = str(choice.first) if choice.first == choice.last else f"{choice.first}-{choice.last}"
    name = f"callboard-{choice.site or 'network'}-by-{choice.by}-{days}.csv"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    return PlainTextResponse(as_csv(found), media_type="text/csv; charset=utf-8", headers=headers)


def routes() -> list[Route]:
    return [
        Route("/manager/network", network_page),
        Route("/manager/network.csv", network_csv),
    ]
