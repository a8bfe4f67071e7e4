"""The ``callboard`` command line."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from callboard import __version__
from callboard.bridge_config import add_parser as add_bridge_parser
from callboard.central_run import add_parsers as add_central_parsers
from callboard.console_run import add_parsers as add_console_parsers
from callboard.inputs import (
    day,
    exit_with,
    file_of_kind,
    moment,
    queue_db_problem,
    reason,
    seconds,
    size,
    writable_or_exit,
)
from callboard.ticket_print import CommandLinePrinter, cmd_ticket_preview, printer_uri
from callboard.voice_pack import add_parser as add_voice_pack_parser
from config import EXAMPLE, Config, load_config
from lobby.errors import CallboardError, ConfigError, ContractError

if TYPE_CHECKING:
    from lobby.contract import CallEvent

_LOG = logging.getLogger("callboard")
T = TypeVar("T")
DEFAULT_CONFIG = Path("/etc/callboard/callboard.toml")
EXIT_FAILURE = 1
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130


def _setup_logging(verbose: bool) -> None:
    under_journal = bool(os.environ.get("JOURNAL_STREAM"))
    fmt = (
        "%(levelname)s %(name)s: %(message)s"
        if under_journal
        else "%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, format=fmt, datefmt="%H:%M:%S"
    )


def _config_or_exit(path: Path) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        _print_config_error(exc)
        raise SystemExit(EXIT_CONFIG) from None


def _print_config_error(exc: ConfigError) -> None:
    print(f"{exc.path}: {len(exc.problems)} problem(s):", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)


def cmd_check_config(args: argparse.Namespace) -> int:
    config = _config_or_exit(args.path)
    print(
        f"{args.path}: OK: site {config.site}, device {config.device}, "
        f"{len(config.services)} services, {len(config.counters)} counters, "
        f"broker {config.mqtt.host}:{config.mqtt.port}"
    )
    return 0


def _payload(path: Path | None, parse: Callable[[bytes], T], what: str) -> T | None:
    """A contract payload from a file, or exit 2 with one line saying why not."""
    if path is None:
        return None
    try:
        return parse(path.read_bytes())
    except OSError as exc:
        print(f"{path}: cannot read: {exc.strerror}", file=sys.stderr)
    except ContractError as exc:
        print(f"{path}: not a {what}: {exc.reason}", file=sys.stderr)
    raise SystemExit(EXIT_CONFIG)


def cmd_render(args: argparse.Namespace) -> int:
    import pygame

    from display.render import render_board, render_size
    from lobby.contract import BoardSnapshot, Notice

    config = _config_or_exit(args.config)
    if args.layout == "counter" or (args.layout is None and config.display.layout == "counter"):
        return _render_counter(args, config)
    snapshot = _payload(args.board, BoardSnapshot.parse, "BoardSnapshot")
    notice = _payload(args.notice, Notice.parse, "Notice")
    writable_or_exit(args.out)
    try:
        render_board(
            config,
            snapshot,
            args.out,
            render_size(config, args.size),
            args.time,
            link_up=not args.offline,
            notice=notice,
        )
    except (OSError, pygame.error) as exc:  # a font or image that passed its checks, yet…
        print(f"could not draw the board: {reason(exc)}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"wrote {args.out}")
    return 0


def _render_counter(args: argparse.Namespace, config: Config) -> int:
    """A counter's page: for its CounterState (serving, closed, idle), flashing as after a
    call or a recall, with the rating faces, or thanking."""
    import dataclasses

    import pygame

    from display.render import render_counter, render_size
    from lobby.contract import CallEvent, CounterState
    from lobby.counter_page import CounterPage

    counter = args.counter or config.display.counter
    if config.counter(counter) not in config.counters:
        ids = ", ".join(c.id for c in config.counters)
        exit_with(f"which counter? --counter one of {ids} (or [display] counter)")
    display = dataclasses.replace(config.display, layout="counter", counter=counter)
    config = dataclasses.replace(config, display=display)
    state = _payload(args.state, lambda raw: CounterState.parse(raw, counter), "CounterState")
    prefixes = {service.prefix: service.id for service in config.services}
    page = CounterPage(counter, config.display.flash_seconds, prefixes)
    if state is not None:
        page.apply_state(state)
    if args.flash and page.ticket:
        moment = datetime.now().astimezone()
        kind = "recall" if args.flash == "recall" else "call"
        page.apply_call(CallEvent("r", page.ticket, counter, page.service, kind, moment), 0.0)
    if args.rating:
        page.invite(page.ticket or "A001", args.rating, 1.0)
    if args.thanks:
        page.close_rating(1, 0.0)
    writable_or_exit(args.out)
    try:
        render_counter(
            config, page.look(0.0), args.out, render_size(config, args.size, (800, 480)),
            args.time, link_up=not args.offline,
        )  # fmt: skip
    except (OSError, pygame.error) as exc:
        print(f"could not draw the counter's page: {reason(exc)}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"wrote {args.out}")
    return 0


def cmd_say(args: argparse.Namespace) -> int:
    from audio.announcer import Announcer
    from audio.pcm import duration, peak_dbfs, rms_dbfs, write_wav
    from audio.player import Player
    from lobby.contract import CallEvent
    from screen.voice import clip_library

    config = _config_or_exit(args.config)
    try:  # what the lobby would hear for this call, through the contract's own checks
        call = CallEvent.parse(
            CallEvent(
                "say",
                args.ticket,
                args.counter,
                args.service,
                "call",
                datetime.now().astimezone(),
                lang=args.lang,
                waited_s=args.waited,
            ).payload()
        )
    except ContractError as exc:
        print(f"not a call: {exc.reason}", file=sys.stderr)
        return EXIT_CONFIG
    writable_or_exit(args.out)
    clips = clip_library(config, cache=not args.no_cache)
    try:
        pcm = Announcer(config, clips, Player()).whole_announcement(call)
    finally:
        clips.close()
    for language, fault in clips.faults.items():
        print(f"could not say the {language} part: {fault}", file=sys.stderr)
    write_wav(args.out, pcm)
    print(
        f"wrote {args.out}: {duration(pcm):.2f} s, RMS {rms_dbfs(pcm):.1f} dBFS, "
        f"peak {peak_dbfs(pcm):.1f} dBFS"
    )
    print(said_how(config, call))
    return 0 if not clips.faults else EXIT_FAILURE


def said_how(config: Config, call: CallEvent) -> str:
    """One line on what the announcement says: its languages in order, and the apology."""
    from lobby.speech import apologises, speaking_order

    audio = config.audio
    order = speaking_order(audio.languages, call.lang, audio.customer_language)
    if not order:
        return "the chime alone: [audio] languages is empty"
    line = f"said in {', '.join(order)}"
    if call.lang and call.lang not in order:
        line += f" (the ticket's {call.lang} is not spoken here)"
    elif call.lang:
        line += f" ({call.lang} {'alone' if len(order) == 1 else 'first'}: the customer's)"
    if apologises(call.kind, call.waited_s, audio.apology_after_s):
        line += f"; a wait of {call.waited_s} s opens with the apology"
    elif call.waited_s is not None:
        limit = audio.apology_after_s
        line += (
            f"; no apology ({call.waited_s} s is under apology_after_s = {limit})"
            if limit
            else "; no apology (apology_after_s = 0)"
        )
    return line


def cmd_bridge_config(args: argparse.Namespace) -> int:
    from callboard.bridge_config import run

    return run(args, _config_or_exit(args.config))


def cmd_voice_pack(args: argparse.Namespace) -> int:
    from callboard.voice_pack import run

    return run(_config_or_exit(args.config), args)


def cmd_buttons(args: argparse.Namespace) -> int:
    """A wiring check: every press, hold and release printed as it happens."""
    import signal
    import threading

    from buttons.panel import ButtonPanel, make_pin_factory

    config = _config_or_exit(args.config)
    wired = [c for c in config.counters if c.button is not None or c.recall_button is not None]
    if not wired:
        print(
            f"{args.config}: no counter has a button pin (set button = <BCM pin> under "
            "[[counters]])",
            file=sys.stderr,
        )
        return EXIT_CONFIG

    def show(line: str) -> None:
        print(f"{datetime.now():%H:%M:%S.%f}"[:-3] + f"  {line}", flush=True)

    panel = ButtonPanel(
        config, lambda press: None, make_pin_factory(config.buttons.pin_factory), echo=show
    )
    if not panel.open():
        print(panel.fault, file=sys.stderr)
        return EXIT_FAILURE
    for counter in wired:
        pins = [
            f"call GPIO{counter.button}" if counter.button is not None else "",
            f"recall GPIO{counter.recall_button}" if counter.recall_button is not None else "",
        ]
        show(f"counter {counter.id}: {', '.join(p for p in pins if p)}")
    show("press the buttons; Ctrl+C to stop")
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    panel.close()
    return 0


def cmd_pad(args: argparse.Namespace) -> int:
    """A Pi with only a counter's rating pad: no screen, no voice."""
    from buttons.panel import make_pin_factory
    from callboard.systemd import Systemd
    from screen.pad_service import PadService

    config = _config_or_exit(args.config)
    if config.rating is None:
        print(
            f"{args.config}: no [rating] table (the pad's counter, its buttons); see "
            "config/lobby.toml",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    factory = make_pin_factory(config.buttons.pin_factory)
    service = PadService(config, version=__version__, supervisor=Systemd(), pin_factory=factory)
    return service.run()


def cmd_queue(args: argparse.Namespace) -> int:
    import signal

    from callboard.systemd import Systemd
    from engine.service import QueueEngine
    from engine.store import default_db

    config = _config_or_exit(args.config)
    problem = queue_db_problem(args.db or default_db(config))
    if problem is not None:
        exit_with(problem)
    engine = QueueEngine(config, args.db, __version__, Systemd())
    signal.signal(signal.SIGTERM, lambda *_: engine.stop())
    signal.signal(signal.SIGINT, lambda *_: engine.stop())
    return engine.run()


def _ticket_service(args: argparse.Namespace) -> str:
    """The service, given as ``--service`` or (as before) on its own."""
    if args.service and args.service_option and args.service != args.service_option:
        exit_with(f"two services given ({args.service}, {args.service_option}): give one")
    service = args.service_option or args.service
    if not service:
        exit_with("which service? e.g. callboard ticket --config C.toml --service general")
    return str(service)


def cmd_ticket(args: argparse.Namespace) -> int:
    """A stand-in ticket machine: ask the engine for a ticket, show it, print it if asked."""
    config = _config_or_exit(args.config)
    args.service = _ticket_service(args)
    if config.service(args.service) is None:
        known = ", ".join(s.id for s in config.services)
        print(
            f"no service {args.service!r} in {args.config}; expected one of: {known}",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    languages = config.kiosk.languages or config.languages
    if args.lang is not None and args.lang not in languages:
        exit_with(
            f"no language {args.lang!r} at this kiosk; expected one of: {', '.join(languages)}"
        )
    printer = None
    if args.print or args.printer:
        printer = CommandLinePrinter(config, args.printer, args.verbose)
        fault = printer.fault_before()
        if fault is not None:
            printer.close()
            print(f"{printer.uri}: {fault}; no ticket taken", file=sys.stderr)
            return EXIT_FAILURE
    try:
        return _take_ticket(args, config, printer)
    finally:
        if printer is not None:
            printer.close()


def _take_ticket(
    args: argparse.Namespace, config: Config, printer: CommandLinePrinter | None
) -> int:
    """Ask the engine; show what it issued; print that, and only that."""
    import queue as queue_module
    import uuid

    import paho.mqtt.client as mqtt

    from lobby.contract import TicketIssued, TicketRequest
    from lobby.topics import Topics
    from mqtt_client.client import detect_protocol, new_client

    topics = Topics(config.mqtt.topic_root, config.site)
    request_id = f"k-{config.device}-{uuid.uuid4().hex[:12]}"
    answers: queue_module.SimpleQueue[TicketIssued] = queue_module.SimpleQueue()

    def on_message(_c: object, _u: object, message: mqtt.MQTTMessage) -> None:
        try:
            issued = TicketIssued.parse(bytes(message.payload))
        except ContractError:
            return
        if issued.request_id == request_id:
            answers.put(issued)

    detect_protocol(config.mqtt)  # MQTT 5, or 3.1.1 where the broker speaks only that
    client = new_client(config.mqtt, f"callboard-ticket-{uuid.uuid4().hex[:8]}")
    client.on_message = on_message
    try:
        client.connect(config.mqtt.host, config.mqtt.port, 30)
    except OSError as exc:
        print(
            f"cannot reach the broker at {config.mqtt.host}:{config.mqtt.port}: {exc}",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    client.loop_start()
    client.subscribe(topics.ticket_issued, qos=1)
    request = TicketRequest(request_id, args.service, datetime.now().astimezone(), args.lang)
    client.publish(topics.ticket_request, request.payload(), qos=1)
    try:
        issued = answers.get(timeout=args.timeout)
    except queue_module.Empty:
        print(
            f"no queue engine answered within {args.timeout:g} s (is one running for site "
            f"{config.site}?)",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    finally:
        client.disconnect()
        client.loop_stop()
    print(f"{issued.ticket}  ({args.service}; {issued.waiting_before} waiting before you)")
    return 0 if printer is None else printer.print_issued(issued, args.lang)


def cmd_stats(args: argparse.Namespace) -> int:
    import sqlite3

    from engine.stats import as_csv, as_table, day_stats
    from engine.store import default_db

    config = _config_or_exit(args.config)
    db = args.db or default_db(config)
    if not db.is_file():
        print(f"no queue database at {db} (the engine writes it; see [queue] db)", file=sys.stderr)
        return EXIT_FAILURE
    day = args.date or datetime.now().astimezone().date().isoformat()
    try:
        rows = day_stats(db, day)
    except sqlite3.DatabaseError as exc:
        print(f"{db}: not a queue database ({exc})", file=sys.stderr)
        return EXIT_CONFIG
    table = as_table(rows, day, config.queue.low_satisfaction)
    print(as_csv(rows) if args.csv else table, end="" if args.csv else "\n")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from callboard.doctor import run_checks

    return run_checks(_config_or_exit(args.config))


def cmd_run(args: argparse.Namespace) -> int:
    from callboard.out_of_service import OutOfService, log_problems
    from callboard.run import Lobby, usable_config
    from callboard.systemd import Systemd
    from lobby.errors import DisplayError

    path = args.config
    if path is None:
        path = DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else EXAMPLE
    supervisor = Systemd()
    try:
        config = usable_config(path)
    except ConfigError as exc:
        log_problems(exc)
        try:  # a calm page on the lobby's TV until the file is fixed, not a restart loop
            fixed = OutOfService(path, exc.problems, usable_config, supervisor).run()
        except DisplayError as no_screen:
            _LOG.error("%s", no_screen)
            return EXIT_CONFIG
        if fixed is None:
            return 0
        config = fixed
    _LOG.info(
        "callboard %s for site %s (device %s), config %s",
        __version__,
        config.site,
        config.device,
        path,
    )
    return Lobby(config, supervisor).run()


def cmd_kiosk(args: argparse.Namespace) -> int:
    from callboard.kiosk_run import run_kiosk

    config = _config_or_exit(args.config)
    if args.screens is not None:  # draw the screens a customer meets, for docs and support
        from kiosk.render import render_kiosk

        size = args.size or (1080, 1920)
        wall = args.time or datetime.now().astimezone()
        for path in render_kiosk(config, args.screens, size, wall):
            print(f"wrote {path}")
        return 0
    return run_kiosk(config)


def cmd_console(args: argparse.Namespace) -> int:
    from callboard.console_run import run_console

    return run_console(_config_or_exit(args.config))


def cmd_console_user(args: argparse.Namespace) -> int:
    from callboard.console_run import manage_users

    if args.verb != "list" and not args.name:
        exit_with(f"whose account? e.g. callboard console-user {args.verb} --config C.toml li.wei")
    return manage_users(_config_or_exit(args.config), args)


def cmd_demo(args: argparse.Namespace) -> int:
    from callboard.demo import run_demo

    config = _config_or_exit(args.config or EXAMPLE)
    return run_demo(config, interval_s=args.interval)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="callboard", description=__doc__)
    parser.add_argument("--version", action="version", version=f"callboard {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the lobby screen daemon")
    run.add_argument(
        "--config",
        type=Path,
        default=None,
        help=f"config file (default {DEFAULT_CONFIG}, else the shipped example)",
    )
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="run the board on a private broker with sample calls")
    demo.add_argument("--config", type=Path, default=None, help="config (default: the example)")
    demo.add_argument("--interval", type=seconds, default=5.0, help="seconds between sample calls")
    demo.set_defaults(func=cmd_demo)

    render = sub.add_parser("render", help="draw one frame of a BoardSnapshot to a PNG")
    render.add_argument("--config", type=Path, required=True)
    render.add_argument("--board", type=Path, help="a BoardSnapshot payload (JSON file)")
    render.add_argument("--notice", type=Path, help="a Notice payload (JSON file)")
    render.add_argument("--out", type=file_of_kind(".png"), required=True, help="the PNG to write")
    render.add_argument("--size", type=size, help="e.g. 1920x1080 (default: the config's)")
    render.add_argument("--time", type=moment, help="clock time to show, e.g. 2026-11-25T10:15")
    render.add_argument("--offline", action="store_true", help="show the reconnecting badge")
    render.add_argument(
        "--layout", choices=("board", "counter"), help="the board, or a counter's page"
    )
    render.add_argument("--counter", help="the counter whose page to draw (--layout counter)")
    render.add_argument("--state", type=Path, help="a CounterState payload (JSON file)")
    render.add_argument(
        "--flash", choices=("call", "recall"), help="the page as a call or recall flashes it"
    )
    render.add_argument("--rating", type=int, choices=(3, 5), help="show the rating faces")
    render.add_argument("--thanks", action="store_true", help="thank the customer for rating")
    render.set_defaults(func=cmd_render)

    say = sub.add_parser("say", help="write a call's whole announcement to a WAV file")
    say.add_argument("--config", type=Path, required=True)
    say.add_argument("--ticket", required=True, help="e.g. A023")
    say.add_argument("--counter", required=True, help="a counter id, e.g. 3")
    say.add_argument("--service", default="general", help="its service id (default general)")
    say.add_argument("--lang", help="the language the ticket was taken in, e.g. en")
    say.add_argument(
        "--waited", type=int, metavar="SECONDS", help="how long the ticket waited (the apology)"
    )
    say.add_argument("--out", type=file_of_kind(".wav"), required=True, help="the WAV to write")
    say.add_argument("--no-cache", action="store_true", help="synthesise every clip afresh")
    say.set_defaults(func=cmd_say)

    add_voice_pack_parser(sub, cmd_voice_pack)
    add_bridge_parser(sub, cmd_bridge_config)

    buttons = sub.add_parser("buttons", help="wiring check: print each button press as it happens")
    buttons.add_argument("--config", type=Path, required=True)
    buttons.set_defaults(func=cmd_buttons)

    pad = sub.add_parser("pad", help="run a counter's rating pad alone (no screen)")
    pad.add_argument("--config", type=Path, required=True)
    pad.set_defaults(func=cmd_pad)

    engine = sub.add_parser("queue", help="run the queue engine on its own")
    engine.add_argument("--config", type=Path, required=True)
    engine.add_argument("--db", type=Path, help="the SQLite file (default: [queue] db)")
    engine.set_defaults(func=cmd_queue)

    kiosk = sub.add_parser("kiosk", help="run the ticket machine (touch screen, printer)")
    kiosk.add_argument("--config", type=Path, required=True)
    kiosk.add_argument(
        "--screens", type=Path, help="draw its screens as PNGs in this folder, then exit"
    )
    kiosk.add_argument("--size", type=size, help="with --screens: e.g. 1080x1920 (the default)")
    kiosk.add_argument("--time", type=moment, help="with --screens: the clock's time")
    kiosk.set_defaults(func=cmd_kiosk)

    add_console_parsers(sub, cmd_console, cmd_console_user)
    add_central_parsers(sub)

    ticket = sub.add_parser("ticket", help="take a ticket, as a ticket machine would")
    ticket.add_argument("--config", type=Path, required=True)
    ticket.add_argument("service", nargs="?", help="a service id, e.g. general")
    ticket.add_argument("--service", dest="service_option", metavar="SERVICE", help="the same")
    ticket.add_argument("--lang", help="the language to be called in, e.g. en (sent to the engine)")
    ticket.add_argument(
        "--print", action="store_true", help="print it on the [kiosk] printer, as the kiosk does"
    )
    ticket.add_argument(
        "--printer",
        type=printer_uri,
        metavar="URI",
        help="print it here instead (implies --print): usb:0xVVVV:0xPPPP, serial:/dev/ttyUSB0, "
        "tcp://host:9100 or file:ticket.bin",
    )
    ticket.add_argument(
        "--timeout", type=seconds, default=5.0, help="seconds to wait for the engine"
    )
    ticket.set_defaults(func=cmd_ticket)

    preview = sub.add_parser(
        "ticket-preview", help="draw what a file: printer was sent (a printed ticket) to a PNG"
    )
    preview.add_argument("file", type=Path, help="the bytes, e.g. from --printer file:t.bin")
    preview.add_argument("--out", type=file_of_kind(".png"), required=True)
    preview.add_argument("--paper", choices=("80mm", "58mm"), default="80mm")
    preview.set_defaults(func=cmd_ticket_preview)

    stats = sub.add_parser("stats", help="the day's figures per service and counter")
    stats.add_argument("--config", type=Path, required=True)
    stats.add_argument("--date", type=day, help="YYYY-MM-DD (default: today)")
    stats.add_argument("--csv", action="store_true")
    stats.add_argument("--db", type=Path, help="the SQLite file (default: [queue] db)")
    stats.set_defaults(func=cmd_stats)

    doctor = sub.add_parser("doctor", help="check broker, fonts, screen, sound and GPIO")
    doctor.add_argument("--config", type=Path, required=True)
    doctor.set_defaults(func=cmd_doctor)

    check = sub.add_parser("check-config", help="check a config file and exit")
    check.add_argument("path", type=Path)
    check.set_defaults(func=cmd_check_config)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    try:
        return int(args.func(args))
    except CallboardError as exc:
        _LOG.error("%s", exc)
        return EXIT_FAILURE
    except KeyboardInterrupt:  # Ctrl+C while a command waits: the user's wish, not a fault
        print("stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
