"""A recorded voice pack: the branch's own staff (or a voice studio) saying every word the
voice needs, one short WAV file per word, in a folder (``[audio] voice_pack``).

Each clip has a name a person can read and a file system takes (``zh-digit-3``,
``en-letter-A``, ``zh-counter-3``, ``en-phrase-please-go-to``), made from the language and
the word alone, so it never changes when something else in the config does. The words
come from ``lobby.speech`` (what the voice says); this module only names them, finds their
files, and says what is wrong with each. A clip that is missing or cannot be used leaves
that one word to speech synthesis.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from audio.recorded import RecordingError, measure, prepared, read_recording
from config.settings import Config
from lobby.speech import DIGITS, EN_TEENS, EN_TENS, is_chinese, phrase_tokens

_LOG = logging.getLogger(__name__)
KINDS = ("phrase", "letter", "digit", "number", "counter")
# Other words for a digit ("oh" for 0, 两 for 2): a digit's name, told apart.
DIGIT_VARIANTS = {"en": {"oh": "0-oh"}, "zh": {"两": "2-liang"}}
NUMBER_WORDS = {
    "zh": {"十": 10, "百": 100, "千": 1000, "万": 10000},
    "en": {
        **{word: 10 + i for i, word in enumerate(EN_TEENS)},
        **{word: 10 * i for i, word in enumerate(EN_TENS) if word},
        "hundred": 100,
        "thousand": 1000,
    },
}
NAME_ROOM = 48  # characters of a phrase kept in its name; a longer one ends in a hash
MAX_SPEECH_S = 5.0  # longer than this is not one word or phrase
QUIET_DBFS = -40.0  # speech quieter than this is mostly noise once raised to the level
MIN_SNR_DB = 25.0  # the voice this far above the room, at least
_NOT_NAME = re.compile(r"[^\w]+|_+")


@dataclass(frozen=True)
class ClipSpec:
    """One clip a config needs: its file name (without .wav), and what to say in it."""

    name: str
    language: str
    text: str
    """The words to say; also the token ``lobby.speech`` uses for them."""
    kind: str
    note: str
    """For the person recording: where the words are heard."""
    tokens: tuple[str, ...] = ()
    """Every token this clip says (words that differ only in case or punctuation)."""
    order: tuple[int | str, ...] = field(default=(), compare=False, repr=False)


def _slug(text: str) -> str:
    """Letters and digits of any script, lower case, the rest as single dashes; the same
    words in another case or with other punctuation get the same name (they sound alike)."""
    slug = _NOT_NAME.sub("-", unicodedata.normalize("NFKC", text).casefold()).strip("-")
    if slug and len(slug) <= NAME_ROOM:
        return slug
    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
    return f"{slug[:NAME_ROOM].rstrip('-')}-{digest}" if slug else digest


def _counters_by_words(config: Config, language: str) -> dict[str, str]:
    """Each counter's spoken name (as a token) to its id; the first counter wins a tie."""
    out: dict[str, str] = {}
    for counter in config.counters:
        for token in phrase_tokens(counter.spoken_name(language)):
            out.setdefault(token, counter.id)
    return out


def _spec(config: Config, language: str, token: str, counters: Mapping[str, str]) -> ClipSpec:
    """The clip that says ``token``; ``order`` puts it where a person records it."""
    # Every Chinese language reads Chinese numerals; another language English words.
    family = "zh" if is_chinese(language) else "en"
    digits = DIGITS["zh"] if family == "zh" else DIGITS.get(language, DIGITS["en"])
    variants = DIGIT_VARIANTS[family]
    numbers = NUMBER_WORDS[family]
    if len(token) == 1 and "A" <= token <= "Z":
        kind, value, note, order = "letter", token, "a ticket's letter", (1, ord(token))
    elif token in digits or token in variants:
        value = str(digits.index(token)) if token in digits else variants[token]
        kind, note, order = "digit", "a digit of a ticket number", (2, int(value[0]))
    elif token in numbers:
        value, kind = str(numbers[token]), "number"
        note, order = "a word of a whole number", (3, numbers[token])
    elif token in counters:
        ids = [c.id for c in config.counters]
        value, kind = counters[token], "counter"  # ids are letters, digits, _ and - already
        note = f"counter {counters[token]}'s name as called"
        order = (4, ids.index(counters[token]))
    else:
        template = config.audio.template_for(language)
        where = template.find(token)
        value, kind = _slug(token), "phrase"
        if where >= 0:
            note = f"in “{template}”"
        elif token in phrase_tokens(config.audio.apology_for(language)):
            note = "the apology before a call after a long wait"
        else:
            note = "a phrase the voice says"
        order = (0, where if where >= 0 else 10**6)
    return ClipSpec(f"{language}-{kind}-{value}", language, token, kind, note, (token,),
                    (*order, token))  # fmt: skip


def clip_specs(config: Config, wanted: Mapping[str, Iterable[str]]) -> list[ClipSpec]:
    """Every clip the voice may need (``wanted``: the tokens per language, as the voice
    asks for them), in recording order: per language, the wording, letters, digits,
    number words, then the counters. Words that get one name (they differ only in case or
    punctuation, so they sound alike) share one clip."""
    specs: dict[str, ClipSpec] = {}
    languages = list(config.audio.languages) + sorted(set(wanted) - set(config.audio.languages))
    for rank, language in enumerate(languages):
        counters = _counters_by_words(config, language)
        for token in sorted(wanted.get(language, ())):
            spec = _spec(config, language, token, counters)
            known = specs.get(spec.name)
            if known is not None:
                specs[spec.name] = replace(known, tokens=(*known.tokens, token))
            else:
                specs[spec.name] = replace(spec, order=(rank, *spec.order))
    return sorted(specs.values(), key=lambda s: s.order)


@dataclass
class ClipReport:
    """One needed clip as found in the pack."""

    spec: ClipSpec
    file: str | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pcm: bytes | None = None
    """The clip as the lobby hears it (trimmed, loudness-matched); None: not usable."""

    @property
    def shown_name(self) -> str:
        return self.file or f"{self.spec.name}.wav"


def examine(spec: ClipSpec, path: Path, name: str) -> ClipReport:
    """Read, measure and prepare one clip; say what is wrong with it."""
    report = ClipReport(spec, name)
    try:
        pcm, form = read_recording(path)
    except RecordingError as exc:
        report.problems.append(f"{exc}; speech synthesis says it instead")
        return report
    if not form.native:
        report.notes.append(f"{form.describe()}, converted at load")
    found = measure(pcm)
    if found is None:
        report.problems.append("no speech in it (silence); speech synthesis says it instead")
        return report
    if found.seconds > MAX_SPEECH_S:
        report.problems.append(
            f"too long: {found.seconds:.1f} s of sound (at most {MAX_SPEECH_S:g} s: one word "
            "or phrase a clip); speech synthesis says it instead"
        )
        return report
    report.problems += _quality(found.loudness_dbfs, found.noise_dbfs, found.clipped)
    report.pcm = prepared(pcm, found)
    return report


def _quality(loudness: float, noise: float, clipped: int) -> list[str]:
    """What makes a usable clip sound worse than it could, each with what to do."""
    out = []
    if loudness < QUIET_DBFS:
        out.append(
            f"too quiet: the voice at {loudness:.1f} dBFS (at least {QUIET_DBFS:g}): record "
            "closer to the microphone or with more input level"
        )
    if clipped:
        out.append(
            f"clipped in {clipped} place(s) (the recording hit full scale): record with less "
            "input level"
        )
    if loudness - noise < MIN_SNR_DB:
        out.append(
            f"noisy: the room only {loudness - noise:.0f} dB below the voice (at least "
            f"{MIN_SNR_DB:g} dB): record in a quiet room"
        )
    return out


@dataclass
class PackReport:
    """The whole pack against what a config needs."""

    folder: Path
    clips: list[ClipReport]
    unneeded: list[str] = field(default_factory=list)
    """Files of the folder no clip uses, each with the name it may have meant."""
    folder_problem: str | None = None

    @property
    def missing(self) -> list[ClipReport]:
        return [c for c in self.clips if c.file is None]

    @property
    def broken(self) -> list[ClipReport]:
        """Present but not usable."""
        return [c for c in self.clips if c.file is not None and c.pcm is None]

    @property
    def flawed(self) -> list[ClipReport]:
        """Usable, with something to improve."""
        return [c for c in self.clips if c.pcm is not None and c.problems]

    def usable(self) -> dict[tuple[str, str], bytes]:
        return {
            (c.spec.language, token): c.pcm
            for c in self.clips
            if c.pcm is not None
            for token in c.spec.tokens
        }

    def summary(self) -> str:
        if self.folder_problem:
            return f"{self.folder}: {self.folder_problem}; speech synthesis says every word"
        ready = len(self.usable())
        parts = [f"{ready} of {len(self.clips)} clips ready"]
        if self.missing:
            parts.append(f"{len(self.missing)} missing")
        if self.broken:
            parts.append(f"{len(self.broken)} unusable")
        if self.flawed:
            parts.append(f"{len(self.flawed)} to improve")
        tail = "; speech synthesis says the rest" if ready < len(self.clips) else ""
        return f"{self.folder}: {', '.join(parts)}{tail}"

    def fault(self) -> str | None:
        """What a technician should hear of (a partial pack, while recording, is normal)."""
        if self.folder_problem:
            return f"voice pack {self.folder}: {self.folder_problem}"
        if self.broken:
            names = ", ".join(c.shown_name for c in self.broken[:3])
            more = f" and {len(self.broken) - 3} more" if len(self.broken) > 3 else ""
            return (
                f"voice pack: {len(self.broken)} clip(s) unusable ({names}{more}); "
                "see callboard voice-pack check"
            )
        return None

    def lines(self) -> list[str]:
        """One line per problem or note, as ``callboard voice-pack check`` prints them."""
        if self.folder_problem:
            return []
        out = []
        for clip in self.clips:
            if clip.file is None:
                out.append(
                    f"{clip.spec.name}.wav: missing: record “{clip.spec.text}” "
                    f"({clip.spec.language}, {clip.spec.note})"
                )
            out += [f"{clip.shown_name}: {problem}" for problem in clip.problems]
            out += [f"{clip.shown_name}: note: {note}" for note in clip.notes]
        out += [f"{line}" for line in self.unneeded]
        return out

    @property
    def problems(self) -> int:
        return len(self.missing) + sum(len(c.problems) for c in self.clips)


def wav_files(folder: Path) -> dict[str, Path]:
    """The WAV files of the folder by name (any case of .wav)."""
    return {
        path.name: path
        for path in folder.iterdir()
        if path.suffix.lower() == ".wav" and path.is_file()
    }


def find_file(name: str, files: Mapping[str, Path]) -> str | None:
    """The file for a clip: its exact name, else the one file that differs only in case
    (a pack made on a system that does not keep case)."""
    if f"{name}.wav" in files:
        return f"{name}.wav"
    wanted = unicodedata.normalize("NFC", f"{name}.wav").casefold()
    same = [f for f in files if unicodedata.normalize("NFC", f).casefold() == wanted]
    return same[0] if len(same) == 1 else None


def load_pack(folder: Path, specs: Iterable[ClipSpec]) -> PackReport:
    """Every needed clip of the pack, read, checked and made ready to play."""
    specs = list(specs)
    try:
        files = wav_files(folder)
    except FileNotFoundError:
        return PackReport(folder, [], folder_problem="no such folder")
    except NotADirectoryError:
        return PackReport(folder, [], folder_problem="not a folder")
    except OSError as exc:
        return PackReport(folder, [], folder_problem=f"cannot be read ({exc.strerror})")
    clips, used = [], set()
    for spec in specs:
        name = find_file(spec.name, files)
        if name is None:
            clips.append(ClipReport(spec))
            continue
        used.add(name)
        clips.append(examine(spec, files[name], name))
    names = [f"{spec.name}.wav" for spec in specs]
    unneeded = []
    for name in sorted(set(files) - used):
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
        hint = f"; is it {close[0]}?" if close else ""
        unneeded.append(f"{name}: note: not a clip this config needs{hint}")
    return PackReport(folder, clips, unneeded)
