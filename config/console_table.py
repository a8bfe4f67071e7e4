"""The ``[console]`` table: where the web console listens, its staff accounts, its cookie
key, its TLS, and how long a login lasts.

Paths are read relative to the config file's folder (``/etc/callboard`` once installed),
so the accounts and the key sit beside the config they belong to. The accounts file and
the key may be missing at this point: ``callboard console-user add`` writes the first and
the console makes the second at its first start.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

from config.files import PASSPHRASE, client_certificate_problem
from config.reader import Reader
from config.settings import CentralConfig, ConsoleSettings
from lobby.errors import ConfigError

HOST_RE = re.compile(r"[A-Za-z0-9_.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]")
LISTEN_EXPECTED = 'an address and port such as "127.0.0.1:8080" or "[::1]:8080"'


def split_listen(text: str) -> tuple[str, int] | None:
    """``host:port`` (an IPv6 address in brackets) as its parts, or None when it is not one."""
    host, sep, port = text.rpartition(":")
    if not sep or not HOST_RE.fullmatch(host) or not port.isdigit():
        return None
    if not 1 <= int(port) <= 65535:
        return None
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return None
        host = host[1:-1]
    return host, int(port)


def _listen(r: Reader) -> tuple[str, int]:
    text = r.text("listen", "127.0.0.1:8080", expected=LISTEN_EXPECTED)
    parts = split_listen(text)
    if parts is None:
        r.problem("listen", text, LISTEN_EXPECTED)
        return "127.0.0.1", 8080
    return parts


def _tls(r: Reader, base: Path) -> tuple[Path | None, Path | None]:
    """The certificate and its key, both or neither, loaded as the server will load them."""
    cert, key = r.path("tls_cert", base), r.path("tls_key", base)
    if (cert is None) != (key is None):
        given = "tls_cert" if cert is not None else "tls_key"
        r.problem(given, str(cert or key), "tls_cert and tls_key set together")
        return None, None
    if cert is None or key is None:
        return None, None
    why = client_certificate_problem(cert, key)
    if why == PASSPHRASE:
        r.problem("tls_key", str(key), f"a key without a passphrase ({why})")
    elif why is not None:
        r.problem("tls_cert", str(cert), f"a PEM certificate and its key ({why})")
    return (cert, key) if why is None else (None, None)


def _central(r: Reader, base: Path) -> CentralConfig | None:
    """The collector's own config file, read and checked as ``callboard fleet`` reads it."""
    path = r.path("central_config", base)
    if path is None:
        return None
    from config.central_table import load_central  # it reads config.loader, which reads us

    try:
        return load_central(path)
    except ConfigError as exc:
        for problem in exc.problems:
            r.problem("central_config", str(path), f"the collector's central.toml, but {problem}")
        return None


def read_console(r: Reader, base: Path) -> ConsoleSettings:
    host, port = _listen(r)
    cert, key = _tls(r, base)
    console = ConsoleSettings(
        host=host,
        port=port,
        users=base / r.text("users", "console-users.json", expected="a file path"),
        secret_key_file=base
        / r.text("secret_key_file", "console-secret.key", expected="a file path"),
        tls_cert=cert,
        tls_key=key,
        behind_proxy=r.flag("behind_proxy", False),
        session_hours=r.number("session_hours", 12.0, 0.25, 24.0),
        request_expiry_s=r.integer("request_expiry_s", 30, 2, 600),
        central=_central(r, base),
    )
    r.finish()
    return console
