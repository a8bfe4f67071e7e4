"""``callboard collect`` and ``callboard fleet``: the branch's centre (central/)."""

from __future__ import annotations

import argparse
import signal
import sys
from datetime import UTC, datetime
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
