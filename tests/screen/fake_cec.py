"""A stand-in for ``cec-ctl`` put first on the PATH: it records its arguments, one run a
line, and answers as a TV on the bus would, with cec-ctl's own wording. How the TV behaves
is a word in a file beside it, which a test may change at any time:

- ``on`` / ``standby``: a TV that answers; --standby and --image-view-on change its word;
- ``silent``: a TV with CEC switched off (every message "Not Acknowledged");
- ``slow``: a cec-ctl that hangs (beyond any timeout);
- ``fail``: a cec-ctl that cannot open the adapter (exit 1).
"""

from __future__ import annotations

import os
from pathlib import Path

SCRIPT = r"""#!/bin/sh
here="$(dirname "$0")"
echo "$*" >> "$here/calls"
tv="$(cat "$here/tv")"
case "$tv" in
    fail) echo "Failed to open $2: No such file or directory" >&2; exit 1 ;;
    slow) exec sleep 60 ;;
esac
printf 'Driver Info:\n\tDriver Name                : vc4_hdmi\n'
printf '\tPhysical Address           : 1.0.0.0\n\tLogical Address Mask       : 0x0010\n'
case "$*" in *--playback*) exit 0 ;; esac
printf '\nTransmit from Playback Device 1 to TV (4 to 0):\n'
if [ "$tv" = silent ]; then
    printf '\tSequence: 12 Tx Timestamp: 1.021s\n\tTx, Not Acknowledged (4), Max Retries\n'
    exit 0
fi
case "$*" in
    *--give-device-power-status*)
        printf 'GIVE_DEVICE_POWER_STATUS (0x8f)\n    Received from TV (0 to 4):\n'
        printf '    REPORT_POWER_STATUS (0x90):\n'
        if [ "$tv" = on ]; then
            printf '\tpwr-state: on (0x00)\n'
        else
            printf '\tpwr-state: standby (0x01)\n'
        fi ;;
    *--standby*) printf 'STANDBY (0x36)\n'; echo standby > "$here/tv" ;;
    *--image-view-on*) printf 'IMAGE_VIEW_ON (0x04)\n'; echo on > "$here/tv" ;;
    *) printf 'ACTIVE_SOURCE (0x82)\n' ;;
esac
"""


class FakeCecCtl:
    """The fake in ``folder``; ``path`` is the PATH that finds it first."""

    def __init__(self, folder: Path, tv: str = "standby") -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        program = folder / "cec-ctl"
        program.write_text(SCRIPT)
        program.chmod(0o755)
        self.device = folder / "cec0"  # stands in for /dev/cec0: it exists
        self.device.touch()
        self.tv = tv
        self.path = f"{folder}{os.pathsep}{os.environ['PATH']}"

    @property
    def tv(self) -> str:
        return (self.folder / "tv").read_text().strip()

    @tv.setter
    def tv(self, word: str) -> None:
        (self.folder / "tv").write_text(word + "\n")

    def calls(self) -> list[str]:
        """Each run's arguments after ``-d DEVICE``, in order."""
        log = self.folder / "calls"
        prefix = f"-d {self.device} "
        lines = log.read_text().splitlines() if log.exists() else []
        return [line.removeprefix(prefix) for line in lines]

    def forget(self) -> None:
        (self.folder / "calls").unlink(missing_ok=True)


# A week of a lobby with a lunch break, a short Saturday, and Christmas closed.
HOURS = """
[hours]
mon = "08:30-12:00, 13:30-17:00"
tue = "08:30-12:00, 13:30-17:00"
wed = "08:30-12:00, 13:30-17:00"
thu = "08:30-12:00, 13:30-17:00"
fri = "08:30-12:00, 13:30-17:00"
sat = "09:00-12:00"
sun = ""
closed = ["2026-12-25"]
"""

CLAIM = "--playback --osd-name callboard"
ON = ["--to 0 --image-view-on", "--to 0 --active-source phys-addr=1.0.0.0"]
STANDBY = ["--to 0 --standby"]
