"""``callboard ticket --print`` against a real engine and broker, the preview of what it
printed, and ``check-config`` on the printer's address."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from callboard.ticket_print import printer_uri
from mqtt_client import Topics
from tests.conftest import Peer, config_text, run_cli
from tests.engine.test_service import Running, engine_config
from tests.kiosk.conftest import read_number
from tests.kiosk.test_printer import free_port


@pytest.fixture
def config_path(tmp_path: Path, site: str, broker) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """A lobby with a queue engine running in this process, and its config file."""
    running = Running(engine_config(tmp_path, site, broker.port))
    assert running.engine.ready.wait(15)
    yield tmp_path / "pi-1.toml"
    running.stop()


def test_a_ticket_printed_to_a_file_and_its_preview_show_the_number(
    config_path: Path, tmp_path: Path
) -> None:
    sent = tmp_path / "t.bin"
    result = run_cli(
        "ticket", "--config", str(config_path), "--service", "general", "--printer", f"file:{sent}"
    )
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first == "A001  (general; 0 waiting before you)"
    assert second.startswith(f"printed A001 on file:{sent} in ")
    assert result.stderr == ""

    png = tmp_path / "t.png"
    preview = run_cli("ticket-preview", str(sent), "--out", str(png))
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.startswith(f"wrote {png}: 576 x ") and preview.stdout.endswith(
        "0 text line(s), 1 cut\n"
    )
    assert read_number(pygame.image.load(str(png))) == "A001"


def test_the_language_goes_to_the_engine_and_the_old_form_still_works(
    config_path: Path, peer: Peer, site: str
) -> None:
    request = Topics("callboard", site).ticket_request
    peer.subscribe(request)
    chosen = run_cli("ticket", "--config", str(config_path), "--service", "consult", "--lang", "en")
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout == "C001  (consult; 0 waiting before you)\n"
    plain = run_cli("ticket", "--config", str(config_path), "consult")
    assert plain.stdout == "C002  (consult; 1 waiting before you)\n"
    sent = [m.json() for m in peer.wait_for(request, count=2)]
    assert sent[0]["lang"] == "en" and "lang" not in sent[1]


def test_no_ticket_is_taken_for_a_printer_that_cannot_print(
    config_path: Path, peer: Peer, site: str
) -> None:
    request = Topics("callboard", site).ticket_request
    peer.subscribe(request)
    port = free_port()
    result = run_cli("ticket", "--config", str(config_path), "general", "--printer",
                     f"tcp://127.0.0.1:{port}")  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        f"tcp://127.0.0.1:{port}: printer offline: 127.0.0.1 refused the connection; "
        "no ticket taken\n"
    )
    assert result.stdout == "" and peer.on(request) == []


def test_a_ticket_that_fails_to_print_is_still_shown_and_the_failure_is_one_line(
    config_path: Path,
) -> None:
    result = run_cli(
        "ticket", "--config", str(config_path), "general", "--printer", "file:/dev/full"
    )
    assert result.returncode == 1
    assert result.stdout == "A001  (general; 0 waiting before you)\n"
    assert result.stderr == "could not print A001: printer offline: No space left on device\n"


def test_mistakes_in_the_ticket_command_are_one_line(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(config_text("t-none", 1), encoding="utf-8")
    no_printer = run_cli("ticket", "--config", str(config), "general", "--print")
    assert no_printer.returncode == 2
    assert no_printer.stderr == (
        f"{config}: no printer: set [kiosk] printer, or give --printer "
        "(e.g. --printer file:ticket.bin)\n"
    )
    two = run_cli("ticket", "--config", str(config), "general", "--service", "vip")
    assert (two.returncode, two.stderr) == (2, "two services given (general, vip): give one\n")
    lang = run_cli("ticket", "--config", str(config), "general", "--lang", "fr")
    assert lang.stderr == "no language 'fr' at this kiosk; expected one of: zh, en\n"
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"\x10\x04\x01")
    nothing = run_cli("ticket-preview", str(empty), "--out", str(tmp_path / "e.png"))
    assert nothing.returncode == 1
    assert nothing.stderr == f"{empty}: nothing a printer would print in it\n"


def test_a_relative_file_printer_is_made_absolute_and_others_are_checked() -> None:
    assert printer_uri("file:t.bin") == f"file:{Path('t.bin').resolve()}"
    assert printer_uri("tcp://192.168.1.50:9100") == "tcp://192.168.1.50:9100"
    with pytest.raises(argparse.ArgumentTypeError, match="'lp0' is not a printer"):
        printer_uri("lp0")


@pytest.mark.parametrize(
    ("printer", "ok"),
    [
        ("usb:0x0416:0x5011", True),
        ("serial:/dev/ttyUSB0", True),
        ("serial:/dev/ttyS0:115200", True),
        ("tcp://192.168.1.50:9100", True),
        ("file:/var/lib/callboard/tickets.bin", True),
        ("/dev/usb/lp0", False),
        ("usb:0416:5011", False),
        ("tcp://", False),
    ],
)
def test_check_config_checks_the_printer(tmp_path: Path, printer: str, ok: bool) -> None:
    config = tmp_path / "c.toml"
    text = config_text("t-check", 1883).replace('printer = ""', f'printer = "{printer}"')
    config.write_text(text, encoding="utf-8")
    result = run_cli("check-config", str(config))
    assert (result.returncode == 0) == ok, result.stderr
    if not ok:
        assert "kiosk.printer" in result.stderr and printer in result.stderr
