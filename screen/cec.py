"""HDMI-CEC through ``cec-ctl`` (Debian's v4l-utils): claim a playback address, wake the TV
and show our input, put it to standby, ask its power status.

Each command is its own ``cec-ctl`` process with a timeout (a TV or an adapter that does
not answer must never hang whoever asks), killed with its whole process group when it runs
over. Nothing here knows the screen's loop: ``TvLine`` runs the commands on a thread of its
own and hands each answer to a callback; ``callboard doctor`` calls ``CecCtl`` directly.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass

_LOG = logging.getLogger(__name__)

CEC_TIMEOUT_S = 5.0  # one cec-ctl run; a TV answers in well under a second
TV = "0"  # the TV's logical address on every CEC bus
_PHYS_RE = re.compile(r"Physical Address\s*:\s*([0-9a-f]\.[0-9a-f]\.[0-9a-f]\.[0-9a-f])")
_POWER_RE = re.compile(r"pwr-state:\s*([a-z -]+?)\s*\(0x0(\d)\)")
POWER_STATES = {"0": "on", "1": "standby", "2": "on", "3": "standby"}  # to-on, to-standby
NO_ANSWER = ("Not Acknowledged", "Timed Out", "Abort", "Max Retries")
NO_TV = "f.f.f.f"  # the adapter's address with nothing (or nothing on) at the HDMI port


@dataclass(frozen=True)
class CecAnswer:
    """What one request to the TV came to."""

    ok: bool
    detail: str
    """What the TV said ("on", "standby", "sent"), or why it failed, in one line."""


class CecCtl:
    """One adapter (``/dev/cec0``), driven through the ``cec-ctl`` found on the PATH."""

    def __init__(self, device: str, program: str | None = None, timeout_s: float | None = None):
        self.device = device
        self.program = program or shutil.which("cec-ctl")
        self.timeout_s = CEC_TIMEOUT_S if timeout_s is None else timeout_s
        self.physical = ""

    def claim(self) -> CecAnswer:
        """Take a playback device's logical address (once per boot is enough; again after
        a failure) and learn our physical address, which active-source needs."""
        ok, out = self._run("--playback", "--osd-name", "callboard")
        if not ok:
            return CecAnswer(False, out)
        found = _PHYS_RE.search(out)
        self.physical = found.group(1) if found else ""
        if self.physical == NO_TV:
            return CecAnswer(False, f"no TV on the HDMI port of {self.device} (address f.f.f.f)")
        return CecAnswer(True, f"playback device at {self.physical or 'an unknown address'}")

    def power_on(self) -> CecAnswer:
        """Image View On wakes the TV; Active Source switches it to our HDMI input."""
        ok, out = self._run("--to", TV, "--image-view-on")
        if not ok:
            return CecAnswer(False, out)
        if self.physical:
            ok, out = self._run("--to", TV, "--active-source", f"phys-addr={self.physical}")
            if not ok:
                return CecAnswer(False, out)
        return CecAnswer(True, "on")

    def standby(self) -> CecAnswer:
        ok, out = self._run("--to", TV, "--standby")
        return CecAnswer(True, "standby") if ok else CecAnswer(False, out)

    def power_status(self) -> CecAnswer:
        """The TV's own word: "on" or "standby" (a transition counts as where it is going)."""
        ok, out = self._run("--to", TV, "--give-device-power-status")
        if not ok:
            return CecAnswer(False, out)
        found = _POWER_RE.search(out)
        if found is None:
            return CecAnswer(False, "the TV did not report its power status")
        return CecAnswer(True, POWER_STATES.get(found.group(2), found.group(1)))

    def _run(self, *args: str) -> tuple[bool, str]:
        """(True, its output) or (False, why in one line)."""
        if self.program is None:
            return False, "cec-ctl is not installed (Debian's v4l-utils)"
        command = [self.program, "-d", self.device, *args]
        try:
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                start_new_session=True,  # its group is killed whole when it runs over
            )
        except OSError as exc:
            return False, f"cannot run cec-ctl: {exc}"
        try:
            out, _ = process.communicate(timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return False, f"cec-ctl {' '.join(args)} did not finish within {self.timeout_s:g} s"
        if process.returncode != 0:
            last = (out.strip().splitlines() or [f"exit status {process.returncode}"])[-1]
            return False, f"cec-ctl {' '.join(args)} failed: {last.strip()}"
        if any(word in out for word in NO_ANSWER):
            return False, "the TV did not answer (is CEC switched on in the TV's menu?)"
        return True, out


@dataclass(frozen=True)
class TvDone:
    """A request to the TV has been carried out (or has failed); for the screen's loop."""

    want: str
    """"on" or "standby"."""
    answer: CecAnswer


class TvLine:
    """Runs requests to the TV one at a time on a thread of its own, so the board's loop
    never waits for a TV; each result goes to ``deliver`` (the loop's inbox)."""

    def __init__(self, cec: CecCtl, deliver: Callable[[object], None]) -> None:
        self.cec = cec
        self._deliver = deliver
        self._jobs: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._claimed = False
        self._thread = threading.Thread(target=self._work, name="callboard-cec", daemon=True)
        self._thread.start()

    def send(self, want: str) -> None:
        self._jobs.put(want)

    def _work(self) -> None:
        while (want := self._jobs.get()) is not None:
            answer = self._carry_out(want)
            _LOG.log(
                logging.INFO if answer.ok else logging.WARNING,
                "TV %s through CEC: %s",
                want,
                answer.detail if not answer.ok else "done",
            )
            self._deliver(TvDone(want, answer))

    def _carry_out(self, want: str) -> CecAnswer:
        if not self._claimed:
            claimed = self.cec.claim()
            if not claimed.ok:
                return claimed
            self._claimed = True
        answer = self.cec.power_on() if want == "on" else self.cec.standby()
        if not answer.ok:
            self._claimed = False  # claim again next time: the adapter may have been reset
        return answer

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=self.cec.timeout_s * 3 + 1)
