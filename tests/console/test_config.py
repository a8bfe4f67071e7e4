"""The [console] table: loopback by default, every wrong key named on its own line."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import EXAMPLE, load_config, parse_config
from config.console_table import split_listen
from lobby.errors import ConfigError


def with_console(table: str) -> dict:
    import tomllib

    text = EXAMPLE.read_text(encoding="utf-8")
    text = text[: text.index("[console]")] + "[console]\n" + table
    return tomllib.loads(text)


def test_the_example_listens_on_loopback_beside_its_files() -> None:
    console = load_config(EXAMPLE).console
    assert (console.host, console.port) == ("127.0.0.1", 8080)
    assert console.users == EXAMPLE.parent / "console-users.json"
    assert console.secret_key_file == EXAMPLE.parent / "console-secret.key"
    assert not console.https and console.session_hours == 12


def test_a_config_without_the_table_gets_loopback(tmp_path: Path) -> None:
    config = parse_config(with_console(""), base=tmp_path)
    assert config.console.host == "127.0.0.1" and config.console.users.parent == tmp_path


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("0.0.0.0:8080", ("0.0.0.0", 8080)),
        ("[::1]:443", ("::1", 443)),
        ("console.branch.example:8443", ("console.branch.example", 8443)),
        ("127.0.0.1", None),
        ("127.0.0.1:0", None),
        ("127.0.0.1:70000", None),
        ("[nonsense]:80", None),
        ("a b:80", None),
    ],
)
def test_listen_is_an_address_and_a_port(text: str, parts: tuple[str, int] | None) -> None:
    assert split_listen(text) == parts


def test_every_problem_of_the_table_is_one_line(tmp_path: Path) -> None:
    table = (
        'listen = "everywhere"\nsession_hours = 100\ntls_cert = "c.pem"\n'
        "request_expiry_s = 0\nlisten_port = 1\n"
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(with_console(table), base=tmp_path)
    problems = "\n".join(caught.value.problems)
    assert "console.listen: found a string 'everywhere', expected an address and port" in problems
    assert "console.session_hours: found an integer 100, expected a number from 0.25 to 24" in (
        problems
    )
    assert "console.tls_cert:" in problems and "tls_cert and tls_key set together" in problems
    assert "console.request_expiry_s:" in problems
    assert "console.listen_port: unknown key" in problems


def test_tls_files_are_loaded_as_the_server_will(tmp_path: Path) -> None:
    (tmp_path / "c.pem").write_text("not a certificate")
    (tmp_path / "k.pem").write_text("not a key")
    with pytest.raises(ConfigError) as caught:
        parse_config(with_console('tls_cert = "c.pem"\ntls_key = "k.pem"\n'), base=tmp_path)
    assert any(p.startswith("console.tls_cert:") for p in caught.value.problems)
