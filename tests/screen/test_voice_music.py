"""The daemon's music as a lobby hears it: `callboard run` with a music folder, the real
mixer writing its output to a file (SDL's disk driver), calls published on a real broker."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from audio.pcm import RATE, samples
from mqtt_client import Topics
from tests import payloads
from tests.audio.output import rms_db
from tests.conftest import Peer, wait_until


def start_with_music(start_daemon, music: Path, sound: Path):  # type: ignore[no-untyped-def]
    def edit(text: str) -> str:
        given = '# music = "/var/lib/callboard/music"'
        assert given in text and 'music_order = "shuffle"' in text  # the example's lines
        text = text.replace(given, f'music = "{music}"')
        # The example's quiet lunch hours (12:00 to 13:30) would lower the music's level
        # measured below at that time of day: the test is about the music, not the clock.
        quiet = '[[audio.quiet]]\nfrom = "12:00"\nto = "13:30"\nvolume = 0.4\n'
        assert quiet in text
        text = text.replace(quiet, "")
        return text.replace('music_order = "shuffle"', 'music_order = "folder"')

    env = {"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(sound)}
    return start_daemon(env=env, edit=edit)


@pytest.mark.slow
def test_music_plays_a_broken_file_is_skipped_and_calls_are_said_over_it(
    start_daemon, peer: Peer, site: str, tmp_path
) -> None:
    music = tmp_path / "music"
    music.mkdir()
    (music / "01-cut-short.mp3").write_bytes(b"ID3" + bytes(500))
    synth = ["synth", "30", "sine", "330", "vol", "0.5"]
    subprocess.run(
        ["sox", "-n", "-r", "44100", "-c", "2", str(music / "02-a.ogg"), *synth], check=True
    )
    sound = tmp_path / "speaker.raw"
    topics = Topics("callboard", site)
    peer.subscribe(topics.ack("screen-1"))
    daemon = start_with_music(start_daemon, music, sound)
    assert wait_until(lambda: sound.exists() and sound.stat().st_size > RATE * 2 * 2, 20)

    def playing() -> bool:  # the broken file skipped, the ogg opened: a whole second of it
        time.sleep(0.2)
        return rms_db(samples(sound.read_bytes())[-RATE:]) > -34

    assert wait_until(playing, 20)
    time.sleep(1.0)
    before = samples(sound.read_bytes())[-RATE:]  # the last second, before any call
    peer.publish(topics.call, payloads.call("A023", "3", "c-music-1"))
    peer.publish(topics.call, payloads.call("A024", "4", "c-music-2"))
    spoken = lambda m: m.json()["event"] == "spoken"  # noqa: E731
    acks = peer.wait_for(topics.ack("screen-1"), spoken, timeout=30, count=2)
    assert [a.json()["call_id"] for a in acks if a.json()["event"] == "spoken"] == [
        "c-music-1",
        "c-music-2",
    ]
    # The example's music_volume 0.15 of a -6 dBFS tone: about -26 dBFS.
    assert -30 < rms_db(before) < -22, rms_db(before)
    log = daemon.log()
    assert f"music: skipped {music}/01-cut-short.mp3: " in log
    assert "music: playing 02-a.ogg" in log
    assert daemon.alive and "Traceback" not in log


def test_a_missing_music_folder_is_a_clear_fault_and_calls_are_still_said(
    start_daemon, peer: Peer, site: str, tmp_path
) -> None:
    music = tmp_path / "usb" / "music"
    topics = Topics("callboard", site)
    peer.subscribe(topics.status("screen-1"))
    peer.subscribe(topics.ack("screen-1"))
    daemon = start_with_music(start_daemon, music, tmp_path / "out.raw")
    peer.wait_for(topics.status("screen-1"), lambda m: m.json()["state"] == "online", timeout=20)
    time.sleep(1.0)
    peer.publish(topics.call, payloads.call("A023", "3", "c-no-music"))
    acks = peer.wait_for(topics.ack("screen-1"), count=2, timeout=15)
    assert {a.json()["event"] for a in acks} == {"shown", "spoken"}
    status = peer.wait_for(
        topics.status("screen-1"), lambda m: "music" in m.json().get("audio_faults", {}), 15
    )
    assert status[-1].json()["audio_faults"]["music"] == (
        f"music folder {music}: No such file or directory"
    )
    log = daemon.log()
    assert log.count(f"music: music folder {music}: No such file or directory") == 1
    assert daemon.alive and "Traceback" not in log
