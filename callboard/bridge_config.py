"""``callboard bridge-config``: the mosquitto bridge section that links a lobby's broker to
the branch's central broker (see config/bridge.py for what it carries and why)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from config.bridge import Central, mosquitto_bridge
from config.settings import Config

EXIT_USAGE = 2


def add_parser(sub: Any, command: Callable[[argparse.Namespace], int]) -> None:
    bridge = sub.add_parser(
        "bridge-config",
        help="print the mosquitto bridge section that links this lobby to the central broker",
    )
    bridge.add_argument("--config", type=Path, required=True)
    bridge.add_argument(
        "--central", required=True, help="the central broker, host:port (8883 when not given)"
    )
    bridge.add_argument("--user", default="", help="the bridge's user at the central broker")
    bridge.add_argument("--password-file", type=Path, help="a file holding its password")
    bridge.add_argument("--cafile", type=Path, help="CA that signed the central broker's cert")
    bridge.add_argument(
        "--no-tls", action="store_true", help="plain MQTT (a test broker on loopback only)"
    )
    bridge.add_argument(
        "--protocol", choices=("5", "3.1.1"), default="5", help="MQTT version of the centre"
    )
    bridge.add_argument(
        "--outage-hours", type=float, default=8.0, help="WAN outage the queue must hold (8)"
    )
    bridge.add_argument("--out", type=Path, help="write here (mode 0600) instead of stdout")
    bridge.set_defaults(func=command)


def central_of(args: argparse.Namespace) -> Central | str:
    """The centre from the command line, or the one line that says what is wrong."""
    host, sep, port_text = str(args.central).rpartition(":")
    if not sep:
        host, port_text = port_text, "8883"
    if not host or not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        return f"--central: found {args.central!r}, expected host:port such as central:8883"
    if not 0.1 <= args.outage_hours <= 24 * 7:
        return f"--outage-hours: found {args.outage_hours:g}, expected 0.1 to 168 hours"
    password = ""
    if args.password_file is not None:
        try:
            password = args.password_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            return f"--password-file: cannot read {args.password_file} ({exc.strerror})"
    if args.cafile is not None and not args.cafile.is_file():
        return f"--cafile: found {args.cafile}, expected an existing file"
    if password and not args.user:
        return "--password-file: given without --user"
    return Central(
        host, int(port_text), args.user, password, args.cafile, not args.no_tls, args.protocol
    )


def run(args: argparse.Namespace, config: Config) -> int:
    central = central_of(args)
    if isinstance(central, str):
        print(central, file=sys.stderr)
        return EXIT_USAGE
    text = mosquitto_bridge(config, central, args.outage_hours)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:  # it may hold the bridge's password: readable by its owner (mosquitto) alone
        descriptor = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        print(f"--out: cannot write {args.out} ({exc.strerror})", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {args.out}; include it in the lobby broker's mosquitto.conf", file=sys.stderr)
    return 0
