"""The screen's voice with a recorded pack, as the lobby hears it: the real daemon, the
real mixer writing what it plays to a file (SDL's disk driver), a pack of tones."""

from __future__ import annotations

import pytest

from audio.pcm import RATE
from audio.voicepack import clip_specs
from config import EXAMPLE, load_config
from mqtt_client import Topics
from screen.voice import needed_tokens
from tests import payloads
from tests.audio.test_voicepack import A023_ZH_CLIPS
from tests.conftest import Peer, wait_until
from tests.tone_pack import make_pack, segments, tone_in


@pytest.mark.slow  # about 11 s: a daemon, its pack, a call said
def test_the_lobby_hears_the_packs_clips_and_a_broken_clip_is_a_fault(
    start_daemon, peer: Peer, site: str, tmp_path
) -> None:
    config = load_config(EXAMPLE)
    specs = [s for s in clip_specs(config, needed_tokens(config)) if s.language == "zh"]
    folder = tmp_path / "voice"
    tones = make_pack(folder, specs)
    (folder / "en-digit-7.wav").write_text("a file copied wrong\n")
    sound = tmp_path / "screen-1" / "speaker.raw"
    topics = Topics("callboard", site)
    peer.subscribe(topics.status("screen-1"))
    peer.subscribe(topics.ack("screen-1"))
    daemon = start_daemon(
        env={"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(sound)},
        edit=lambda text: text.replace(
            "[[audio.quiet]]", f'voice_pack = "{folder}"\n\n[[audio.quiet]]', 1
        ),
    )
    status = peer.wait_for(
        topics.status("screen-1"), lambda m: "voice pack" in m.json().get("audio_faults", {}), 20
    )
    assert status[-1].json()["audio_faults"]["voice pack"] == (
        "voice pack: 1 clip(s) unusable (en-digit-7.wav); see callboard voice-pack check"
    )
    assert wait_until(lambda: sound.exists(), 10)
    before = sound.stat().st_size
    peer.publish(topics.call, payloads.call("A023", "3", "c-pack"))
    peer.wait_for(topics.ack("screen-1"), lambda m: m.json()["event"] == "spoken", timeout=15)
    assert wait_until(lambda: sound.stat().st_size > before + RATE * 2 * 4.5, 20)
    heard = sound.read_bytes()[before:]
    named = [tone_in(heard, span, tones) for span in segments(heard)]
    assert [name for name, _ in named[:8]] == A023_ZH_CLIPS, named
    assert all(purity > 0.9 for _, purity in named[1:8]), named  # 请 sounds over the chime
    log = daemon.log()
    assert "voice pack " + str(folder) + ": 25 of 49 clips ready, 23 missing, 1 unusable" in log
    assert "voice pack: en-digit-7.wav: not a WAV file; speech synthesis says it instead" in log
    assert daemon.alive and "Traceback" not in log
