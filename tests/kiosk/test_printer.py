"""The ticket printer through python-escpos: its Dummy, and a fake network printer on
loopback that answers status questions and can run out of paper, open its cover or hang."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from escpos.printer import Dummy

from config.settings import KioskSettings
from display.fonts import FontChoice
from display.text import TextCache
from kiosk.preview import read_paper
from kiosk.printer import TicketPrinter
from kiosk.printer_port import PrinterAddress, PrinterFault, open_printer, paper_profile
from tests.conftest import wait_until
from tests.kiosk.conftest import a_ticket, kiosk_config, paper_image, read_number
from tests.kiosk.fake_printer import FakeNetworkPrinter

CUT = b"\x1dV\x00"


@pytest.fixture
def start(fonts: FontChoice) -> Iterator[Callable[..., TicketPrinter]]:
    """A TicketPrinter for the test, closed after it; short waits unless told otherwise."""
    started: list[TicketPrinter] = []

    def make(printer: str = "", connect: Any = None, **options: Any) -> TicketPrinter:
        kiosk = {k: options.pop(k) for k in ("paper", "print_text") if k in options}
        settings = KioskSettings(printer=printer, **kiosk)
        options.setdefault("recheck_s", 0.2)
        options.setdefault("timeout_s", 2.0)
        made = TicketPrinter(settings, fonts, connect=connect, **options)
        started.append(made)
        return made

    yield make
    for printer in started:
        printer.close()


@pytest.mark.parametrize(("paper", "dots"), [("80mm", 576), ("58mm", 384)])
def test_a_raster_ticket_is_an_image_then_a_cut_and_its_number_reads_back(
    start: Callable[..., TicketPrinter], paper: str, dots: int
) -> None:
    dummy = Dummy(profile=paper_profile(paper))
    printer = start(connect=lambda: dummy, paper=paper)
    job = printer.submit(a_ticket(kiosk_config(paper=paper), "A024"))
    assert job.wait(10) and job.printed, job.outcome
    sent = dummy.output
    assert sent.startswith(b"\x1b@")  # initialised; nobody to ask about its status
    assert b"\x1dv0" in sent and sent.endswith(CUT)
    paper_read = read_paper(sent)
    assert paper_read.cuts == 1 and paper_read.bands >= 1 and paper_read.unknown == 0
    image = paper_image(sent, dots=dots)
    assert image.get_width() == dots
    assert read_number(image) == "A024"


def test_gb18030_mode_sends_chinese_text_and_a_number_the_printer_enlarges(
    start: Callable[..., TicketPrinter], text: TextCache
) -> None:
    dummy = Dummy(profile=paper_profile("80mm"))
    printer = start(connect=lambda: dummy, print_text="gb18030")
    job = printer.submit(a_ticket(kiosk_config(), "A024"))
    assert job.wait(10) and job.printed, job.outcome
    sent = dummy.output
    assert "综合业务".encode("gb18030") in sent and "客户服务中心".encode("gb18030") in sent
    assert "预计等候约 12 分钟".encode("gb18030") in sent
    assert b"\x1c&" in sent  # the printer's Chinese mode
    assert b"\x1d!\x77" + b"\x1bE\x01\x1ba\x01A024\n" in sent  # eight times as large, bold
    assert b"\x1dv0" not in sent and sent.endswith(CUT)
    assert read_paper(sent).text_rows >= 10
    assert read_number(paper_image(sent, text)) == "A024"


def test_a_network_printer_is_asked_how_it_is_and_prints_the_ticket(
    start: Callable[..., TicketPrinter], fake_printer: FakeNetworkPrinter
) -> None:
    printer = start(fake_printer.uri)
    job = printer.submit(a_ticket(kiosk_config(), "C107", service="consult"))
    assert job.wait(10) and job.printed, job.outcome
    assert {1, 4} <= set(fake_printer.questions)  # DLE EOT before and after the ticket
    sent = fake_printer.received
    assert read_paper(sent).cuts == 1 and sent.endswith(CUT + b"\x10\x04\x01" + b"\x10\x04\x04")
    assert read_number(paper_image(sent)) == "C107"
    snapshot = printer.snapshot()
    assert (snapshot.fault, snapshot.paper, snapshot.printed, snapshot.faults()) == (
        None,
        "ok",
        1,
        (),
    )
    assert snapshot.figures()["printer"] == "ready"


def test_paper_out_is_a_fault_and_the_waiting_tickets_print_in_order_when_it_clears(
    start: Callable[..., TicketPrinter], fake_printer: FakeNetworkPrinter
) -> None:
    fake_printer.paper = "out"
    changes: list[str | None] = []
    printer = start(fake_printer.uri, print_text="gb18030", max_age_s=60)
    printer._on_change = lambda: changes.append(printer.fault)
    assert wait_until(lambda: printer.fault == "paper out", 5)
    jobs = [printer.submit(a_ticket(kiosk_config(), f"A00{i}")) for i in (1, 2, 3)]
    time.sleep(0.6)  # three rechecks
    assert not any(job.done for job in jobs)
    snapshot = printer.snapshot()
    assert snapshot.queued == 3 and snapshot.faults() == ("paper out",)
    assert snapshot.figures()["printer"] == "fault" and snapshot.paper == "out"
    assert CUT not in fake_printer.received

    fake_printer.paper = "ok"
    assert all(job.wait(10) for job in jobs)
    assert [job.outcome for job in jobs] == ["printed"] * 3
    sent = fake_printer.received
    where = [sent.index(f"A00{i}".encode()) for i in (1, 2, 3)]
    assert where == sorted(where) and sent.count(CUT) == 3
    assert printer.fault is None and changes[0] == "paper out" and None in changes


def test_a_ticket_is_not_printed_after_its_customer_has_left(
    start: Callable[..., TicketPrinter], fake_printer: FakeNetworkPrinter
) -> None:
    fake_printer.paper = "out"
    printer = start(fake_printer.uri, print_text="gb18030", max_age_s=0.5)
    assert wait_until(lambda: printer.fault == "paper out", 5)
    job = printer.submit(a_ticket(kiosk_config(), "A024"))
    assert job.wait(5)
    assert not job.printed and job.outcome.startswith("not printed: paper out"), job.outcome
    fake_printer.paper = "ok"
    assert wait_until(lambda: printer.fault is None, 5)
    time.sleep(0.3)
    assert b"A024" not in fake_printer.received and printer.snapshot().not_printed == 1


def test_a_cover_open_and_a_low_roll_are_reported(
    start: Callable[..., TicketPrinter], fake_printer: FakeNetworkPrinter
) -> None:
    fake_printer.cover_open = True
    printer = start(fake_printer.uri, print_text="gb18030")
    assert wait_until(lambda: printer.fault == "cover open", 5)
    fake_printer.cover_open = False
    fake_printer.paper = "low"
    assert wait_until(lambda: printer.fault is None, 5)
    job = printer.submit(a_ticket(kiosk_config(), "A024"))
    assert job.wait(10) and job.printed  # a low roll still prints
    assert printer.snapshot().faults() == ("paper low",)


def test_a_printer_that_stops_answering_mid_ticket_is_a_fault_within_the_timeout(
    start: Callable[..., TicketPrinter], fake_printer: FakeNetworkPrinter
) -> None:
    fake_printer.hang_after = 3000  # a few bands into the image
    printer = start(fake_printer.uri, timeout_s=1.0)
    assert printer.checked.wait(5) and printer.fault is None
    began = time.monotonic()
    job = printer.submit(a_ticket(kiosk_config(), "A024"))
    assert job.wait(10)
    took = time.monotonic() - began
    assert not job.printed and job.outcome == "not printed: printer offline: not answering"
    assert printer.fault == "printer offline: not answering"
    assert took < 2 * 1.0 + 1.0, took  # a write or an answer each waits the timeout at most

    fake_printer.recover()
    assert wait_until(lambda: printer.fault is None, 10)
    time.sleep(0.3)
    assert CUT not in fake_printer.received  # the broken ticket is never sent again
    again = printer.submit(a_ticket(kiosk_config(), "A025"))
    assert again.wait(10) and again.printed, again.outcome
    assert fake_printer.received.count(CUT) == 1


def test_a_printer_that_never_answers_status_questions_still_prints(
    start: Callable[..., TicketPrinter], fake_printer: FakeNetworkPrinter
) -> None:
    fake_printer.mute = True
    printer = start(fake_printer.uri, print_text="gb18030", timeout_s=0.5)
    job = printer.submit(a_ticket(kiosk_config(), "A024"))
    assert job.wait(10) and job.printed, job.outcome
    assert fake_printer.questions == [1]  # asked once, then never again
    assert printer.snapshot().paper == "unknown"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("uri", "faults"),
    [
        (f"tcp://127.0.0.1:{free_port()}", {"printer offline: 127.0.0.1 refused the connection"}),
        ("serial:/dev/ttyCALLBOARD9", {"printer unplugged"}),
        (
            "usb:0x0416:0x5011",
            {"printer unplugged", "printer offline: no USB library (install libusb-1.0-0)"},
        ),
        ("file:/nonexistent/folder/t.bin", {"printer offline: No such file or directory"}),
    ],
)
def test_a_printer_that_is_not_there_is_a_fault_in_a_few_words(
    start: Callable[..., TicketPrinter], uri: str, faults: set[str]
) -> None:
    printer = start(uri)
    assert printer.checked.wait(10)
    assert printer.fault in faults
    with pytest.raises(PrinterFault) as raised:
        open_printer(PrinterAddress.parse(uri), "80mm", 1.0)
    assert str(raised.value) in faults


def test_tickets_waiting_when_the_kiosk_stops_say_so(
    start: Callable[..., TicketPrinter], fake_printer: FakeNetworkPrinter
) -> None:
    fake_printer.paper = "out"
    printer = start(fake_printer.uri, print_text="gb18030", max_age_s=60)
    assert wait_until(lambda: printer.fault == "paper out", 5)
    job = printer.submit(a_ticket(kiosk_config(), "A024"))
    printer.close()
    assert job.done and job.outcome == "not printed: the kiosk stopped"


@pytest.mark.parametrize(
    ("uri", "address", "shown"),
    [
        ("usb:0x0416:0x5011", ("usb", "usb:0x0416:0x5011", 0, 0x0416, 0x5011), None),
        ("serial:/dev/ttyUSB0", ("serial", "/dev/ttyUSB0", 9600, 0, 0), "serial:/dev/ttyUSB0:9600"),
        ("serial:/dev/ttyS0:115200", ("serial", "/dev/ttyS0", 115200, 0, 0), None),
        ("tcp://192.168.1.50:9100", ("tcp", "192.168.1.50", 9100, 0, 0), None),
        ("tcp://printer.lan", ("tcp", "printer.lan", 9100, 0, 0), "tcp://printer.lan:9100"),
        ("file:/dev/usb/lp0", ("file", "/dev/usb/lp0", 0, 0, 0), None),
    ],
)
def test_printer_addresses(uri: str, address: tuple[object, ...], shown: str | None) -> None:
    parsed = PrinterAddress.parse(uri)
    assert (parsed.kind, parsed.target, parsed.number, parsed.vendor, parsed.product) == address
    assert str(parsed) == (shown or uri)


@pytest.mark.parametrize("uri", ["lp0", "tcp://", "usb:0x416:0x5011", "file:relative.bin"])
def test_what_is_no_printer_address_is_refused(uri: str) -> None:
    with pytest.raises(ValueError, match="is not a printer"):
        PrinterAddress.parse(uri)
