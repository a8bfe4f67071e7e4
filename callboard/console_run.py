"""``callboard console`` and ``callboard console-user``: the web console's wiring (uvicorn,
its cookie key, systemd) and its staff accounts file."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import secrets
import sys
from pathlib import Path

from callboard import __version__
from callboard.systemd import Systemd
from config.settings import Config

_LOG = logging.getLogger(__name__)
EXIT_FAILURE = 1
EXIT_USAGE = 2


def secret_key(path: Path) -> str:
    """The key that signs session cookies: read, or made once (mode 0600) when missing.
    A new key logs everyone out, which is also how to end every session at once."""
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if len(key) >= 32:
        return key
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise OSError(
            f"cannot make the key for session cookies, {path} ({exc.strerror}); "
            "sudo bash systemd/install.sh --console makes it"
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(key + "\n")
    _LOG.info("made a new key for the console's session cookies in %s", path)
    return key


async def _serve(config: Config) -> int:
    import uvicorn

    from console.app import make_app

    settings = config.console
    app = make_app(config, secret_key(settings.secret_key_file), __version__)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            ssl_certfile=str(settings.tls_cert) if settings.tls_cert else None,
            ssl_keyfile=str(settings.tls_key) if settings.tls_key else None,
            proxy_headers=settings.behind_proxy,
            forwarded_allow_ips="127.0.0.1" if settings.behind_proxy else None,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=2,
        )
    )
    supervisor = Systemd()
    watch = asyncio.create_task(_watch(server, app, supervisor))
    try:
        await server.serve()
    finally:
        watch.cancel()
        supervisor.stopping()
    return 0 if server.started else EXIT_FAILURE


async def _watch(server: object, app: object, supervisor: Systemd) -> None:
    """READY once listening; the watchdog patted while the broker link's thread lives."""
    while not getattr(server, "started", False):
        await asyncio.sleep(0.05)
    supervisor.ready("serving the console")
    console = app.state.console  # type: ignore[attr-defined]
    while True:
        link = console.link
        supervisor.kick(asyncio.get_running_loop().time(), link is not None and link.alive)
        await asyncio.sleep(1.0)


def run_console(config: Config) -> int:
    settings = config.console
    scheme = "https" if settings.tls_cert else "http"
    _LOG.info(
        "callboard %s console for site %s on %s://%s:%d (accounts: %s)",
        __version__,
        config.site,
        scheme,
        settings.host,
        settings.port,
        settings.users,
    )
    try:
        return asyncio.run(_serve(config))
    except OSError as exc:
        _LOG.error("the console cannot start: %s", exc)
        return EXIT_FAILURE


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("the same again: ") != first:
        raise SystemExit("the two passwords differ; nothing was changed")
    return first


def manage_users(config: Config, args: argparse.Namespace) -> int:
    """add, remove or list the console's staff accounts."""
    from console.accounts import AccountError, new_staff, read_accounts, write_accounts

    path = config.console.users
    try:
        staff = read_accounts(path)
        if args.verb == "list":
            for person in staff.values():
                counters = ", ".join(person.counters) or "no counters"
                print(f"{person.name}\t{person.role}\t{counters}")
            if not staff:
                print(f"no accounts yet in {path}")
            return 0
        if args.verb == "remove":
            if staff.pop(args.name, None) is None:
                print(f"no account {args.name!r} in {path}", file=sys.stderr)
                return EXIT_FAILURE
        else:
            unknown = [c for c in args.counter if c not in {k.id for k in config.counters}]
            if unknown:
                known = ", ".join(c.id for c in config.counters)
                raise AccountError(f"no counter {unknown[0]!r} in the config; expected {known}")
            role = "manager" if args.manager else "teller"
            staff[args.name] = new_staff(args.name, role, tuple(args.counter), _password(args))
        write_accounts(path, staff)
    except AccountError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"{path}: cannot write: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"{'saved' if args.verb == 'add' else 'removed'} {args.name} in {path}")
    return 0


def add_parsers(sub: argparse._SubParsersAction, serve: object, users: object) -> None:  # type: ignore[type-arg]
    console = sub.add_parser("console", help="serve the web console (tellers, manager)")
    console.add_argument("--config", type=Path, required=True)
    console.set_defaults(func=serve)

    user = sub.add_parser("console-user", help="add, remove or list the console's staff")
    user.add_argument("verb", choices=("add", "remove", "list"))
    user.add_argument("name", nargs="?", help="a staff name, e.g. li.wei")
    user.add_argument("--config", type=Path, required=True)
    user.add_argument(
        "--counter", action="append", default=[], help="a counter they serve (repeat for more)"
    )
    user.add_argument("--manager", action="store_true", help="the branch manager's pages")
    user.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin (scripts)"
    )
    user.set_defaults(func=users)
