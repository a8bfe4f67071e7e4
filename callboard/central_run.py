"""``callboard collect``, ``callboard fleet`` and ``callboard network-stats``: the branch's
centre (central/)."""

from __future__ import annotations

import argparse
import signal
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from config.central_table import load_central
from config.settings import CentralConfig
from lobby.errors import ConfigError

EXIT_FAILURE = 1
EXIT_CONFIG = 2


def _central_or_exit(path: Path) -> CentralConfig:
    try:
        return load_central(path)
    except ConfigError as exc:
        print(f"{exc.path}: {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def cmd_collect(args: argparse.Namespace) -> int:
    from callboard.systemd import Systemd
    from central.collector import Collector

    collector = Collector(_central_or_exit(args.config), Systemd())
    signal.signal(signal.SIGTERM, lambda *_: collector.stop())
    signal.signal(signal.SIGINT, lambda *_: collector.stop())
    return collector.run()


def cmd_fleet(args: argparse.Namespace) -> int:
    from central.fleet import as_json, as_table, fleet
    from central.store import CentralStore, DatabaseAway, default_database

    config = _central_or_exit(args.config)
    store = CentralStore(config.database or default_database())
    try:
        devices = store.devices()
    except DatabaseAway as exc:
        print(f"cannot read the centre's database: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        store.close()
    lines = fleet(devices, datetime.now(UTC), config.stale_after_s)
    print(as_json(lines) if args.json else as_table(lines))
    return EXIT_FAILURE if any(line.needs_a_person for line in lines) else 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day as YYYY-MM-DD") from None


def cmd_network_stats(args: argparse.Namespace) -> int:
    from central.figures import as_csv, as_json, as_table, report
    from central.store import CentralStore, DatabaseAway, default_database

    if args.day is not None and (args.first or args.last):
        print("give --day, or --from and --to, not both", file=sys.stderr)
        return EXIT_CONFIG
    if args.last and not args.first:
        print("--to needs --from (or give --day)", file=sys.stderr)
        return EXIT_CONFIG
    first = args.first or args.day or datetime.now().astimezone().date()
    last = args.last or first
    if last < first:
        print(f"--to {last} is before --from {first}", file=sys.stderr)
        return EXIT_CONFIG
    config = _central_or_exit(args.config)
    store = CentralStore(config.database or default_database())
    try:
        tallies = store.tallies(first.isoformat(), last.isoformat(), args.by, args.site)
    except DatabaseAway as exc:
        print(f"cannot read the centre's database: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        store.close()
    found = report(tallies, first, last, args.by, args.site)
    if args.json:
        print(as_json(found))
    elif args.csv:
        print(as_csv(found), end="")
    else:
        print(as_table(found))
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    collect = sub.add_parser(
        "collect", help="store every site's records and statuses in the centre's database"
    )
    collect.add_argument("--config", type=Path, required=True, help="central.toml")
    collect.set_defaults(func=cmd_collect)

    view = sub.add_parser(
        "fleet", help="every device of every site; exit 1 when one is offline or has faults"
    )
    view.add_argument("--config", type=Path, required=True, help="central.toml")
    view.add_argument("--json", action="store_true", help="a JSON list, one object per device")
    view.set_defaults(func=cmd_fleet)

    stats = sub.add_parser(
        "network-stats",
        help="every site's figures for a day or a range: tickets, waits, no-shows, satisfaction",
    )
    stats.add_argument("--config", type=Path, required=True, help="central.toml")
    stats.add_argument("--day", type=_day, help="YYYY-MM-DD (default: today)")
    stats.add_argument("--from", dest="first", type=_day, help="the first day of a range")
    stats.add_argument("--to", dest="last", type=_day, help="its last day (default: --from)")
    stats.add_argument("--by", choices=("site", "service", "hour"), default="site")
    stats.add_argument("--site", help="one site's figures (by service or hour) instead of all")
    output = stats.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="one JSON object")
    output.add_argument("--csv", action="store_true", help="CSV, the total's row last")
    stats.set_defaults(func=cmd_network_stats)
