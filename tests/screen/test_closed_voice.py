"""The lobby screen, as systemd runs it, on a day its hours say is closed: a call (a teller
trying the buttons) is shown, never spoken, and the log says so; the frame is the closed
page. Real mosquitto, real espeak-ng and mixer writing to a file, real frames."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import date, datetime

import pytest

from audio.pcm import rms_dbfs
from mqtt_client import Topics
from tests import payloads
from tests.conftest import Peer, wait_until

WEEK = "".join(
    f'{d} = "00:00-03:00, 05:00-24:00"\n' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)


def test_while_closed_a_call_is_shown_not_spoken_and_the_page_says_closed(
    start_daemon, peer: Peer, site: str, tmp_path
) -> None:
    now = datetime.now().astimezone()
    if now.hour == 23 and now.minute >= 58:
        pytest.skip("today's holiday ends in a moment")
    holiday = f'\n[hours]\n{WEEK}closed = ["{date.today().isoformat()}"]\n'
    sound = tmp_path / "screen-1" / "speaker.raw"
    topics = Topics("callboard", site)
    peer.subscribe(topics.status("screen-1"))
    peer.subscribe(topics.ack("screen-1"))
    daemon = start_daemon(
        env={"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(sound)},
        edit=lambda text: text + holiday,
    )
    peer.wait_for(topics.status("screen-1"), lambda m: m.json()["state"] == "online", timeout=20)
    time.sleep(2.0)  # as in test_voice: the clips are ready, a call would be said at once
    peer.publish(topics.call, payloads.call("A023", "3", "c-try"))
    (ack,) = peer.wait_for(topics.ack("screen-1"), timeout=10)
    assert ack.json()["event"] == "shown"
    time.sleep(3.0)  # a spoken ack would have come within 0.5 s
    assert [a.json()["event"] for a in peer.on(topics.ack("screen-1"))] == ["shown"]
    assert (
        "call c-try (A023 to counter 3) is shown, not spoken: the lobby is closed" in daemon.log()
    )
    assert "the lobby is closed: the board shows the closed page, the voice is silent" in (
        daemon.log()
    )
    if sound.exists() and sound.stat().st_size:
        assert rms_dbfs(sound.read_bytes()) < -60  # what the speaker played: silence
    shot = tmp_path / "screen-1" / "callboard-screen.png"
    daemon.signal(signal.SIGUSR1)
    assert wait_until(lambda: shot.exists() and shot.stat().st_size > 1000, 10)
    read = subprocess.run(
        ["tesseract", str(shot), "stdout"], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    assert "We are closed now" in read and "We open tomorrow at" in read, read
    assert daemon.alive and "Traceback" not in daemon.log()
