"""The ticket printer: tickets go on a queue and a worker thread prints them, so the kiosk's
loop never waits for paper, cables or a printer that stopped answering.

Before each ticket the worker asks the printer how it is (DLE EOT, where the connection can
answer), and after it asks again: the answer proves the printer took the whole ticket. A
fault (paper out, cover open, unplugged, not answering) is kept in ``fault`` for the kiosk's
screen and its DeviceStatus; while there is one the printer is asked again every few
seconds, and the fault clears when it answers well.

A ticket waits through a fault only while its customer is likely still at the kiosk
(``max_age_s``, the time the kiosk shows the ticket): printed later, it would go to the next
customer, who would take it for theirs. A ticket whose bytes were partly sent is never sent
again: part of it may be on the paper already. Either way its job says "not printed" and why.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError

from config.settings import KioskSettings
from display.fonts import FontChoice
from display.text import TextCache
from kiosk.printer_port import (
    NOT_ANSWERING,
    PAPER_LOW,
    PrinterAddress,
    PrinterFault,
    close_quietly,
    fault_of,
    open_printer,
    read_status,
)
from kiosk.ticket_art import PrintedTicket
from kiosk.ticket_plan import TicketPlan, plan_ticket, send_plan

_LOG = logging.getLogger(__name__)

RECHECK_S = 3.0
"""While faulted: how often the printer is asked again."""
IDLE_CHECK_S = 30.0
"""While well and idle: how often the printer is asked, so a dashboard sees paper run out."""
TIMEOUT_S = 8.0
"""Longest wait for one write or one answer of the printer."""


class PrintJob:
    """One ticket on its way to paper; ``wait()`` for its outcome (tests and the CLI do)."""

    def __init__(self, ticket: PrintedTicket, plan: TicketPlan, queued_at: float) -> None:
        self.ticket = ticket
        self.plan = plan
        self.queued_at = queued_at
        self.printed = False
        self.outcome = "queued"
        """"printed", or "not printed: <why>"."""
        self._done = threading.Event()

    def finish(self, printed: bool, outcome: str) -> None:
        self.printed, self.outcome = printed, outcome
        self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)


@dataclass(frozen=True)
class PrinterSnapshot:
    """The printer as the kiosk's DeviceStatus reports it."""

    printer: str
    """The printer's address."""
    fault: str | None
    paper: str
    """ok, low, out or unknown (the connection cannot tell)."""
    printed: int
    not_printed: int
    queued: int

    def faults(self) -> tuple[str, ...]:
        """Short strings for DeviceStatus ``faults``: a low roll is one too (staff act on it)."""
        if self.fault:
            return (self.fault,)
        return (PAPER_LOW,) if self.paper == "low" else ()

    def figures(self) -> dict[str, object]:
        return {
            "printer": "fault" if self.fault else "ready",
            "paper": self.paper,
            "printed": self.printed,
            "not_printed": self.not_printed,
            "print_queue": self.queued,
        }


class TicketPrinter:
    """The kiosk's printer, behind a queue and a worker thread.

    ``connect`` opens the printer (python-escpos); by default by the settings' URI. Tests
    pass one that returns escpos's Dummy, as gpiozero's tests pass a MockFactory.
    ``on_change`` is called on the worker thread when the fault or a job's outcome changes:
    it should only put a message on the kiosk's queue.
    """

    def __init__(
        self,
        settings: KioskSettings,
        fonts: FontChoice | None,
        *,
        connect: Callable[[], Escpos] | None = None,
        max_age_s: float | None = None,
        recheck_s: float = RECHECK_S,
        idle_check_s: float = IDLE_CHECK_S,
        timeout_s: float = TIMEOUT_S,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.address = PrinterAddress.parse(settings.printer) if settings.printer else None
        if connect is None:
            if self.address is None:
                raise ValueError("no printer configured ([kiosk] printer is empty)")
            address = self.address
            connect = lambda: open_printer(address, settings.paper, timeout_s)  # noqa: E731
        self._connect = connect
        self._fonts = fonts
        self.max_age_s = settings.show_seconds if max_age_s is None else max_age_s
        self.recheck_s = recheck_s
        self.idle_check_s = idle_check_s
        self._on_change = on_change or (lambda: None)
        self._jobs: deque[PrintJob] = deque()
        self._cond = threading.Condition()
        self._stopping = False
        self._device: Escpos | None = None
        self._answers: bool | None = None  # does the printer answer DLE EOT at all?
        self._fault: str | None = None
        self._paper = "unknown"
        self._printed = 0
        self._not_printed = 0
        self._next_check = 0.0
        self._text_cache: TextCache | None = None
        self.checked = threading.Event()
        """Set once the printer has been asked how it is (the CLI waits for it)."""
        self._thread = threading.Thread(target=self._run, name="ticket-printer", daemon=True)
        self._thread.start()

    # The kiosk's side (its own thread)

    @property
    def fault(self) -> str | None:
        """The current fault in a few words, or None when the printer is well."""
        return self._fault

    def submit(self, ticket: PrintedTicket) -> PrintJob:
        """Queue a ticket; it is drawn here (the thread that owns pygame), printed later."""
        job = PrintJob(ticket, plan_ticket(ticket, self.settings.print_text, self._text()), 0.0)
        with self._cond:
            job.queued_at = time.monotonic()
            self._jobs.append(job)
            self._cond.notify_all()
        return job

    def snapshot(self) -> PrinterSnapshot:
        with self._cond:
            return PrinterSnapshot(
                str(self.address or "test printer"),
                self._fault,
                self._paper,
                self._printed,
                self._not_printed,
                len(self._jobs),
            )

    def close(self, timeout: float = 10.0) -> None:
        """Stop the worker (after the ticket it is printing); waiting tickets are not printed."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout)
        with self._cond:
            left = list(self._jobs)
            self._jobs.clear()
        for job in left:
            self._finish(job, False, "not printed: the kiosk stopped")

    def _text(self) -> TextCache | None:
        if self.settings.print_text != "raster" or self._fonts is None:
            return None
        if self._text_cache is None:
            self._text_cache = TextCache(self._fonts, budget_bytes=8 * 1024 * 1024)
        return self._text_cache

    # The worker's side

    def _run(self) -> None:
        while True:
            for stale, why in self._stale():
                self._finish(stale, False, why)
            with self._cond:
                job = self._jobs[0] if self._jobs else None
                wait = self._next_check - time.monotonic()
                if not self._stopping and wait > 0 and (job is None or self._fault is not None):
                    self._cond.wait(wait)
                    continue
                if self._stopping:
                    break
            try:
                self._check()
                if job is not None and self._fault is None:
                    with self._cond:
                        self._jobs.popleft()
                    self._print(job)
            except Exception:  # a bug: said in full in the log, and the kiosk goes on
                _LOG.exception("the ticket printer failed")
                self._drop_device()
                self._set("printer error: see the kiosk's log", "unknown")
                self._next_check = time.monotonic() + self.recheck_s
                if job is not None and not job.done:
                    self._finish(job, False, "not printed: printer error")
        close_quietly(self._device)
        self._device = None

    def _stale(self) -> list[tuple[PrintJob, str]]:
        """Tickets that waited past their customer's time at the kiosk, and why."""
        now = time.monotonic()
        stale = []
        with self._cond:
            while self._jobs and now - self._jobs[0].queued_at > self.max_age_s:
                job = self._jobs.popleft()
                why = self._fault or "the printer was busy"
                stale.append((job, f"not printed: {why} (waited {now - job.queued_at:.0f} s)"))
        return stale

    def _check(self, retry: bool = True) -> None:
        """Ask the printer how it is; set or clear the fault."""
        fault, paper = self._ask(retry)
        self._next_check = time.monotonic() + (self.recheck_s if fault else self.idle_check_s)
        self._set(fault, paper)
        self.checked.set()

    def _ask(self, retry: bool) -> tuple[str | None, str]:
        if self._answers is False and self.address is not None and self.address.kind == "tcp":
            self._drop_device()  # a printer that tells nothing: connecting is the question
        for attempt in (1, 2):
            fresh = self._device is None
            try:
                if self._device is None:
                    self._device = self._connect()
                return self._status(self._device)
            except PrinterFault as exc:
                fault = str(exc)
            except (OSError, EscposError) as exc:
                fault = self._fault_words(exc)
            self._drop_device()
            if fresh or not retry or attempt == 2:  # a kept connection may be stale: again
                return fault, "unknown"
        raise AssertionError("not reached")

    def _status(self, device: Escpos) -> tuple[str | None, str]:
        if self._answers is False or type(device)._read is Escpos._read:
            return None, "unknown"  # a file, or escpos's Dummy: nobody to ask
        try:
            status = read_status(device)
        except NotImplementedError:
            self._answers = False
            return None, "unknown"
        if status is None:
            if self._answers:
                raise PrinterFault(NOT_ANSWERING)
            self._answers = False
            _LOG.info("the printer does not answer status questions; printing without them")
            return None, "unknown"
        self._answers = True
        return status.fault, status.paper

    def _print(self, job: PrintJob) -> None:
        device = self._device
        assert device is not None
        started = time.monotonic()
        try:
            send_plan(device, job.plan)
        except (OSError, EscposError) as exc:
            fault = self._fault_words(exc)
            self._drop_device()
            self._set(fault, "unknown")
            self._next_check = time.monotonic() + self.recheck_s
            self._finish(job, False, f"not printed: {fault}")
            return
        if self._answers is not False:
            self._check(retry=False)  # an answer after the cut: the printer took it all
        if self._fault is not None:
            self._finish(job, False, f"not printed: {self._fault}")
            return
        _LOG.info("printed %s in %.2f s", job.ticket.ticket, time.monotonic() - started)
        self._finish(job, True, "printed")

    def _fault_words(self, exc: BaseException) -> str:
        if self.address is None:
            return f"printer offline: {exc}"
        return fault_of(exc, self.address)

    def _drop_device(self) -> None:
        close_quietly(self._device)
        self._device = None

    def _set(self, fault: str | None, paper: str) -> None:
        with self._cond:
            changed = fault != self._fault
            self._fault, self._paper = fault, paper
        if changed:
            if fault:
                _LOG.warning("printer: %s", fault)
            else:
                _LOG.info("the printer is back")
            self._on_change()

    def _finish(self, job: PrintJob, printed: bool, outcome: str) -> None:
        with self._cond:
            if printed:
                self._printed += 1
            else:
                self._not_printed += 1
        if not printed:
            _LOG.warning("ticket %s %s", job.ticket.ticket, outcome)
        job.finish(printed, outcome)
        self._on_change()
