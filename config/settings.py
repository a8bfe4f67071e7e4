"""The configuration as typed, frozen objects: checked once while loading, trusted after."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from config.names import Names
from config.theme import BUILT_IN, Theme
from lobby.area import HallArea
from lobby.hours import ALWAYS, OpeningHours
from lobby.speech import default_apology, default_template, is_chinese


@dataclass(frozen=True)
class MqttSettings:
    """How to reach the broker."""

    host: str = "localhost"
    """Broker host name or address."""
    port: int = 1883
    """Broker port (8883 is usual with TLS)."""
    username: str = ""
    """User name; empty for an anonymous broker."""
    password: str = ""
    """Password; prefer ``password_file`` so the config can be world-readable."""
    keepalive: int = 30
    """Seconds between pings; the broker declares the device offline after 1.5 of these."""
    topic_root: str = "callboard"
    """First level of every topic."""
    tls: bool = False
    """Use TLS; implied when ``ca_file`` is set."""
    ca_file: Path | None = None
    """CA certificate(s) that signed the broker's certificate."""
    cert_file: Path | None = None
    """Client certificate, for brokers that require one."""
    key_file: Path | None = None
    """Private key of the client certificate."""
    protocol: str = "auto"
    """MQTT version: "5", "3.1.1", or "auto" (5 where the broker speaks it, else 3.1.1)."""


@dataclass(frozen=True)
class QueueSettings:
    """The embedded queue engine."""

    embedded: bool = False
    """Run the queue engine inside this daemon (a one-Pi office)."""
    db: Path | None = None
    """SQLite file; default queue.sqlite3 in $STATE_DIRECTORY, else $XDG_STATE_HOME/callboard/."""
    reset_at: str = "04:00"
    """Local time at which numbering restarts for the new day."""
    number_width: int = 3
    """Digits in a ticket number after its prefix (A023)."""
    standby: bool = False
    """When another engine serves the site: wait as its standby (true) or exit, code 3."""
    call_expiry_s: int = 90
    """A call not delivered to a screen within this is dropped by the broker (MQTT 5)."""
    low_satisfaction: float = 0.0
    """A counter or service whose share of satisfied ratings is under this is flagged in the
    day's figures (0: never)."""


@dataclass(frozen=True)
class Service:
    """A service type with its own queue and ticket prefix (A = general business, …)."""

    id: str
    """Id on the wire, ``[A-Za-z0-9_-]{1,16}``."""
    prefix: str
    """Ticket prefix, zero to two capital letters."""
    name: Names = field(default_factory=Names)
    """Label per language."""


@dataclass(frozen=True)
class Counter:
    """A counter (柜面 window) and the services it serves, in priority order."""

    id: str
    """Id on the wire, ``[A-Za-z0-9_-]{1,16}``."""
    services: tuple[str, ...]
    """Service ids served, first served first (the green channel lists ``vip`` first)."""
    name: Names = field(default_factory=Names)
    """Label per language, shown on the board (and spoken, unless ``spoken`` says otherwise)."""
    spoken: Names = field(default_factory=Names)
    """How the voice says the counter per language, when it differs from the label."""
    button: int | None = None
    """BCM pin of the call button (short press: next; long press: recall)."""
    recall_button: int | None = None
    """BCM pin of a separate recall button."""
    led: int | None = None
    """BCM pin of an LED: on while serving, blinking while a press is on its way."""

    def spoken_name(self, language: str) -> str:
        """How the voice says it: a Chinese language without a name of its own (yue) reads
        the Chinese name ("3号窗口" in Cantonese)."""
        said = self.spoken.get(language) or self.name.get(language)
        if not said and is_chinese(language):
            said = self.spoken.get("zh") or self.name.get("zh")
        return said or self.label(language)

    def label(self, language: str) -> str:
        """The counter's name in a language, or a polite default built from its id."""
        named = self.name.get(language)
        if named:
            return named
        return f"{self.id}号窗口" if is_chinese(language) else f"Counter {self.id}"


DEFAULT_RATES = {"zh": 200, "en": 160, "yue": 170}  # yue at 170 takes as long as zh at 200
# cmn-latn-pinyin, not cmn: espeak-ng 1.51's cmn reads most characters as pinyin spelt in
# English ("hao four" for 号); this one reads them, and any pinyin, as Mandarin. yue reads
# the same characters in Cantonese (and a ticket's letters in English, as Cantonese does).
DEFAULT_VOICES = {"zh": "cmn-latn-pinyin", "cmn": "cmn-latn-pinyin", "yue": "yue", "en": "en"}


@dataclass(frozen=True)
class QuietHours:
    """A time of day when announcements are quieter (or silent)."""

    start: str
    """Local time "HH:MM" it begins."""
    end: str
    """Local time "HH:MM" it ends (may be past midnight)."""
    volume: float
    """Volume in that time, 0 (silent) to 1."""

    def covers(self, hhmm: str) -> bool:
        if self.start <= self.end:
            return self.start <= hhmm < self.end
        return hhmm >= self.start or hhmm < self.end


@dataclass(frozen=True)
class AudioSettings:
    """The voice that calls the numbers."""

    enabled: bool = True
    """Announce calls at all."""
    engine: str = "pyttsx3"
    """Speech synthesis: "pyttsx3" (over espeak-ng) or "espeak-ng" (direct)."""
    volume: float = 0.8
    """Volume, 0 to 1."""
    repeat: int = 2
    """How many times each call is said (once while a backlog exists)."""
    languages: tuple[str, ...] = ("zh", "en")
    """Languages spoken, in order."""
    templates: dict[str, str] = field(default_factory=dict)
    """Wording per language with {ticket} and {counter}; defaults to the lobby's usual."""
    reading: dict[str, str] = field(default_factory=dict)
    """How tickets are read per language: "digits" (A 零 二 三) or "whole" (A 二十三)."""
    voices: dict[str, str] = field(default_factory=dict)
    """espeak-ng voice per language (zh: cmn, en: en)."""
    rate: dict[str, int] = field(default_factory=dict)
    """Speaking rate per language in espeak-ng's words per minute (zh 200, en 160: clear)."""
    chime: bool = True
    """Play the chime before the words."""
    quiet: tuple[QuietHours, ...] = ()
    """Quieter or silent hours."""
    customer_language: str = "first"
    """A ticket's chosen language (``lang``), when spoken here: said "first", said "only",
    or "ignore"d (the configured order for every call)."""
    apology_after_s: int = 0
    """A call whose ticket waited at least this long opens with the apology; 0: never."""
    apologies: dict[str, str] = field(default_factory=dict)
    """The apology per language; defaults 让您久等了 / 多谢您耐心等候 (yue) / Thank you for
    waiting."""
    zero: str = "zero"
    """How English reads a 0 in a ticket read digit by digit: "zero" or "oh"."""
    voice_pack: Path | None = None
    """A folder of recorded clips (<name>.wav, as `callboard voice-pack list` names them)
    that say the words instead of speech synthesis; None: synthesis says everything."""

    keep_awake: bool = True
    """Hold the audio output open from start to stop, fed without a break (a TV's HDMI audio
    that sleeps when the stream stops swallows the next chime); false releases it when idle."""
    wake_noise: bool = False
    """Feed the output noise at about -80 dBFS instead of digital silence, for a TV or
    soundbar that mutes or sleeps on silence even while the stream runs."""
    lead_in_s: float = 0.0
    """Seconds of the output's idle signal before a chime that follows 2 s of silence."""
    music: Path | None = None
    """A folder of the branch's licensed music (ogg, mp3, flac, wav, opus); None: no music."""
    music_volume: float = 0.15
    """The music's volume, 0 to 1 (quiet: it is background)."""
    music_order: str = "shuffle"
    """"shuffle" (a new order each pass through the folder) or "folder" (by file name)."""
    music_duck: float = 0.25
    """The music's level under announcements, as a share of ``music_volume``."""

    def template_for(self, language: str) -> str:
        """The wording of a call in a language (the config checked that there is one)."""
        return self.templates.get(language) or default_template(language) or "{ticket} {counter}"

    def apology_for(self, language: str) -> str:
        """The apology in a language ("" when there is none: nothing is said)."""
        return self.apologies.get(language) or default_apology(language) or ""

    def rate_for(self, language: str) -> int:
        default = DEFAULT_RATES["zh"] if is_chinese(language) else DEFAULT_RATES["en"]
        return self.rate.get(language, DEFAULT_RATES.get(language, default))

    def volume_at(self, hhmm: str) -> float:
        for hours in self.quiet:
            if hours.covers(hhmm):
                return hours.volume
        return self.volume


@dataclass(frozen=True)
class ButtonSettings:
    """How the counters' buttons behave."""

    pull_up: bool = True
    """Buttons wired between the pin and ground (the usual way) use the Pi's pull-up."""
    bounce_ms: int = 30
    """Contact bounce to ignore, in milliseconds."""
    hold_seconds: float = 1.5
    """A press this long on the call button is a recall."""
    skip: str = "none"
    """The gesture for skip: "none", "double" (two quick presses) or "recall-hold"."""
    double_seconds: float = 0.5
    """Two presses within this are a double press (only with skip = "double")."""
    max_age_s: float = 60.0
    """A press kept while the broker was away is sent only if younger than this."""
    keyboard: bool = True
    """In a desktop window, number keys press counters' buttons (Shift: recall, Ctrl: skip)."""
    pin_factory: str = ""
    """gpiozero pin factory (lgpio, rpigpio, mock, …); empty: gpiozero's own choice."""


@dataclass(frozen=True)
class RatingSettings:
    """A rating pad (评价器) at one counter: its buttons, the window, pause at the counter."""

    counter: str
    """The counter it serves (one of [[counters]])."""
    scale: int = 3
    """How many faces: 3 (满意 / 一般 / 不满意) or 5; the number of buttons when wired."""
    buttons: dict[int, int] = field(default_factory=dict)
    """Score (1 unhappy .. scale happy) -> BCM pin of its button; empty: touch screen only."""
    leds: dict[int, int] = field(default_factory=dict)
    """Score -> BCM pin of the LED in (or beside) its button: lit while a rating is invited."""
    window_s: float = 20.0
    """How long the pad invites a rating after the customer is served."""
    max_age_s: float = 300.0
    """A rating kept while the broker is away is sent only if younger than this."""
    pause_pin: int | None = None
    """BCM pin of a latching pause switch: switched on pauses the counter, off resumes it."""
    pause_hold: int | None = None
    """The score of the button whose long press pauses (or resumes) the counter."""
    hold_seconds: float = 3.0
    """How long that button is held to pause or resume."""
    pause_led: int | None = None
    """BCM pin of an LED lit while the counter is paused (from the engine's CounterState)."""
    pause_reason: str = "counter"
    """The reason the pause request gives (shown by the counter screen and the console)."""

    def pins(self) -> dict[str, int]:
        """Every pin the pad uses, by its key (for checks against the other devices)."""
        named = {f"buttons.{score}": pin for score, pin in self.buttons.items()}
        named.update({f"leds.{score}": pin for score, pin in self.leds.items()})
        for key in ("pause_pin", "pause_led"):
            pin = getattr(self, key)
            if pin is not None:
                named[key] = pin
        return named


@dataclass(frozen=True)
class DisplaySettings:
    """The lobby screen."""

    width: int = 0
    """Pixels across; 0 takes the screen's own size (1280 when windowed)."""
    height: int = 0
    """Pixels down; 0 takes the screen's own size (720 when windowed)."""
    fullscreen: bool | None = None
    """True on a lobby TV; None (the default, "auto") goes full-screen without a desktop."""
    theme: Theme = BUILT_IN["default"]
    """The look: a built-in theme (default, dark, light) or a branch's theme file."""
    font: Path | None = None
    """A CJK font file to use instead of the one found on the system."""
    screenshot: Path = Path("callboard-screen.png")
    """Where ``kill -USR1`` saves the current frame (relative: to the working directory)."""
    flash_seconds: float = 10.0
    """How long the newest call flashes."""
    recent: int = 8
    """How many earlier calls the recent list shows at most."""
    stale_after_s: int = 600
    """A call that arrives this long after its ``ts`` is listed, not flashed or announced."""
    counters: tuple[str, ...] = ()
    """A board for part of the hall: it shows and says the calls to these counters (and of
    ``services``); both empty: the whole hall."""
    services: tuple[str, ...] = ()
    """A board for part of the hall: it shows and says the calls of these services (and to
    ``counters``), whatever the counter."""
    area: Names = field(default_factory=Names)
    """The part of the hall's name per language ("贵宾室" / "VIP room"), in the header."""
    tv_power: str = "none"
    """Outside the opening hours: "cec" (standby and back on through HDMI-CEC), "blank" (a
    black frame), "auto" (CEC where the TV answers, else blank) or "none" (left as it is)."""
    tv_on_before_min: int = 15
    """The TV comes on (and the board back) this many minutes before the lobby opens."""
    tv_off_after_min: int = 30
    """The TV goes off this many minutes after the lobby closes (or after the last call)."""
    cec_device: str = "/dev/cec0"
    """The HDMI port's CEC device (a Pi 4 or 5 has /dev/cec0 and /dev/cec1, one per port)."""
    layout: str = "board"
    """What the screen shows: "board" (the lobby's number board) or "counter" (the page of
    one counter, for the small screen above it)."""
    counter: str = ""
    """The counter whose page a ``layout = "counter"`` screen shows (one of the counters' ids)."""


@dataclass(frozen=True)
class KioskSettings:
    """The ticket machine: its buttons, its screen and its printer."""

    services: tuple[str, ...] = ()
    """The services it offers, in this order; empty: every service of the lobby."""
    languages: tuple[str, ...] = ()
    """The languages a customer may choose to be called in; empty: the board's languages."""
    show_seconds: float = 8.0
    """How long the ticket stays on the screen before the buttons come back."""
    answer_s: float = 3.0
    """How long to wait for the engine's answer before asking again (same request id)."""
    tries: int = 3
    """How many times to ask before saying, politely, that tickets are not available now."""
    printer: str = ""
    """Where tickets print: "usb:0x0416:0x5011", "serial:/dev/ttyUSB0", "tcp://host:9100",
    "file:/path"; empty: no printer (the ticket is shown on screen only)."""
    paper: str = "80mm"
    """The paper roll: "80mm" (576 dots) or "58mm" (384 dots)."""
    print_text: str = "raster"
    """How Chinese reaches the paper: "raster" (drawn with the board's fonts: any printer) or
    "gb18030" (the printer's own Chinese font)."""
    qr: str = ""
    """Text or URL of a QR code on the ticket, with {site}, {ticket} and {service}; empty: none."""
    buttons: dict[str, int] = field(default_factory=dict)
    """A GPIO (BCM) button per service id, for a kiosk with physical buttons."""

    def offered(self, services: tuple[Service, ...]) -> tuple[Service, ...]:
        """The services the buttons offer, in the kiosk's order."""
        by_id = {service.id: service for service in services}
        return tuple(by_id[s] for s in self.services if s in by_id) if self.services else services


@dataclass(frozen=True)
class ConsoleSettings:
    """The web console (``callboard console``): the tellers' and the manager's pages."""

    host: str = "127.0.0.1"
    """The address it listens on: loopback unless the branch's network is meant to reach it."""
    port: int = 8080
    """Its TCP port."""
    users: Path = Path("console-users.json")
    """The staff accounts file (``callboard console-user`` writes it), beside the config."""
    secret_key_file: Path = Path("console-secret.key")
    """The key that signs session cookies; made (mode 0600) at first start when missing."""
    tls_cert: Path | None = None
    """A PEM certificate to serve HTTPS itself (else a reverse proxy does TLS, or nobody)."""
    tls_key: Path | None = None
    """The certificate's private key."""
    behind_proxy: bool = False
    """A TLS reverse proxy on this machine forwards to it: cookies are HTTPS-only, and the
    proxy's X-Forwarded-* headers (from 127.0.0.1 only) name the client."""
    session_hours: float = 12.0
    """A login lasts this long (a working day), then the teller logs in again."""
    request_expiry_s: int = 30
    """A teller's press not taken by an engine within this is dropped by the broker, never
    applied late (MQTT 5 message expiry)."""
    central: CentralConfig | None = None
    """The network's collector (``central_config``: its central.toml): a manager then sees
    the Network page, every site's devices and figures from the collector's database."""

    @property
    def https(self) -> bool:
        """Whether the browser reaches the console over HTTPS (its own, or the proxy's)."""
        return self.tls_cert is not None or self.behind_proxy


@dataclass(frozen=True)
class Config:
    """One lobby device's whole configuration."""

    site: str
    """Lobby id, ``[a-z0-9_-]{1,32}``; the second topic level."""
    device: str
    """This device's id, unique in the site; names its status topic."""
    site_name: Names = field(default_factory=Names)
    """The branch and lobby name shown in the header, per language."""
    languages: tuple[str, ...] = ("zh", "en")
    """Languages shown (and later spoken), in order."""
    mqtt: MqttSettings = field(default_factory=MqttSettings)
    queue: QueueSettings = field(default_factory=QueueSettings)
    services: tuple[Service, ...] = ()
    counters: tuple[Counter, ...] = ()
    display: DisplaySettings = field(default_factory=DisplaySettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    buttons: ButtonSettings = field(default_factory=ButtonSettings)
    kiosk: KioskSettings = field(default_factory=KioskSettings)
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    hours: OpeningHours = ALWAYS
    """When the lobby is open (no ``[hours]`` table: always)."""
    rating: RatingSettings | None = None
    """The rating pad wired to this device (no ``[rating]`` table: none)."""
    source: str = "<defaults>"
    """The file this came from, for messages."""

    def counter(self, counter_id: str) -> Counter:
        """The configured counter, or one made up from its id (a call is never dropped)."""
        for counter in self.counters:
            if counter.id == counter_id:
                return counter
        return Counter(id=counter_id, services=())

    def service(self, service_id: str) -> Service | None:
        for service in self.services:
            if service.id == service_id:
                return service
        return None

    def hall_area(self) -> HallArea:
        """The part of the hall this board shows and says (the whole hall by default)."""
        served = {counter.id: counter.services for counter in self.counters}
        return HallArea.of(self.display.counters, self.display.services, served)

    def shown_services(self) -> tuple[Service, ...]:
        """The services whose people waiting this board shows, in the config's order."""
        area = self.hall_area()
        return tuple(service for service in self.services if area.counts(service.id))


@dataclass(frozen=True)
class CentralConfig:
    """The branch's central collector (``callboard collect``) and ``callboard fleet``: a
    ``central.toml`` with the central broker in ``[mqtt]`` and the rest in ``[central]``."""

    mqtt: MqttSettings
    """The central broker, where every site's bridge delivers."""
    database: str = ""
    """``sqlite:///path`` or ``postgresql://user@host:port/db``; empty: SQLite under the
    state directory ($STATE_DIRECTORY, else $XDG_STATE_HOME/callboard/central.sqlite3)."""
    client_id: str = "callboard-collector"
    """The collector's fixed MQTT client id: its persistent session at the broker."""
    session_expiry_s: int = 7 * 86400
    """How long the broker keeps the collector's session (and queues for it) while it is down."""
    stale_after_s: int = 180
    """A device whose last status is older than this is offline (3 of its 60 s heartbeats)."""
    source: str = "<defaults>"
    """The file this came from, for messages."""
