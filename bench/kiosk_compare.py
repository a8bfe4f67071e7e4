"""callboard against a browser kiosk showing the same board, measured in the same run.

Browser-based queue systems run their lobby screen as an HTML page in Chromium. This
script writes that page for the same board (the same snapshot, notice, labels, colours,
1920x1080, a scrolling marquee, rotating pages, a clock, a flashing newest call), runs
Debian's Chromium on it headless, then runs ``callboard run`` on the same board, and
prints CPU (% of one core) and memory (PSS: shared pages counted once across a process
tree; and the summed RSS) for each over the same stretches: idle, and with a new call
flashing every 10 s. The page gets its calls from its own timers, not a websocket: that
spares the browser the network work a real kiosk does.

    apt-get install chromium    # once
    .venv/bin/python bench/kiosk_compare.py [--seconds 30]
"""

from __future__ import annotations

# isort: off
import _path  # noqa: F401 - first: the repository on sys.path, this folder off it
# isort: on

import argparse
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import call_payload, lobby_config, start_daemon  # noqa: E402
from callboard.demo.broker import PrivateBroker  # noqa: E402
from config import EXAMPLE, load_config  # noqa: E402
from config.settings import Config  # noqa: E402

BOARD = json.loads((ROOT / "docs" / "examples" / "board.json").read_text())
NOTICE = json.loads((ROOT / "docs" / "examples" / "notice.json").read_text())


def hexc(colour: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def kiosk_page(config: Config) -> str:
    """The board as a browser kiosk would draw it."""
    c = config.display.theme.colours
    e = html.escape
    label = lambda cid: config.counter(cid).label("zh")  # noqa: E731
    newest, recent = BOARD["calls"][0], BOARD["calls"][1:9]
    rows = "".join(
        f"<div class=row><b>{e(x['ticket'])}</b><span>{e(label(x['counter']))}</span></div>"
        for x in recent
    )
    chips = "".join(
        f"<div class=chip><div><small>{e(s.name.get('zh'))}</small><br><small>"
        f"{e(s.name.get('en'))}</small></div><b>{BOARD['waiting'].get(s.id, 0)}</b></div>"
        for s in config.services
    )
    marquee = e("　　◆　　".join(NOTICE["marquee"]))
    pages = json.dumps(NOTICE["pages"], ensure_ascii=False)
    return f"""<!doctype html><html><head><meta charset=utf-8><style>
html,body{{margin:0;width:1920px;height:1080px;overflow:hidden;background:{hexc(c.background)};
 font-family:'Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif;color:{hexc(c.hero_text_fg)}}}
header{{height:130px;background:{hexc(c.header_bg)};display:flex;justify-content:space-between;
 align-items:center;padding:0 30px}} header h1{{margin:0;font-size:56px}}
#clock{{font-size:90px;font-weight:bold}}
main{{display:flex;height:730px}} #hero{{width:1100px;margin:27px;border-radius:27px;
 background:{hexc(c.hero_bg)};text-align:center}} #ticket{{font-size:380px;font-weight:bold;
 color:{hexc(c.ticket_fg)};line-height:1.1}} .flash{{animation:blink 1s steps(2) 10}}
@keyframes blink{{0%{{background:{hexc(c.hero_flash_bg)}}}100%{{background:{hexc(c.hero_bg)}}}}}
#side{{flex:1;padding:27px}} .row{{display:flex;gap:60px;font-size:56px;padding:4px 12px;
 background:{hexc(c.row_alt_bg)};margin:6px 0;border-radius:12px}}
#page{{background:{hexc(c.page_bg)};border-radius:14px;padding:16px;font-size:28px;height:240px}}
#marquee{{height:70px;background:{hexc(c.marquee_bg)};color:{hexc(c.marquee_fg)};
 overflow:hidden;white-space:nowrap;font-size:40px;line-height:70px}}
#marquee span{{display:inline-block;animation:scroll 40s linear infinite}}
@keyframes scroll{{from{{transform:translateX(0)}}to{{transform:translateX(-6000px)}}}}
footer{{height:150px;background:{hexc(c.footer_bg)};display:flex;gap:14px;padding:10px 30px}}
.chip{{flex:1;display:flex;justify-content:space-between;align-items:center;
 background:{hexc(c.chip_bg)};border-radius:14px;padding:0 16px;font-size:28px}}
.chip b{{font-size:80px;color:{hexc(c.count_fg)}}}
</style></head><body>
<header><h1>{e(config.site_name.get("zh"))}<br><small>{e(config.site_name.get("en"))}</small></h1>
<div id=clock></div></header>
<main><div id=hero><h2>正在叫号 Now calling</h2><div id=ticket>{e(newest["ticket"])}</div>
<h2>请到 {e(label(newest["counter"]))}</h2></div>
<div id=side><h2>最近叫号 Recent calls</h2>{rows}<div id=page></div></div></main>
<div id=marquee><span>{marquee}　　◆　　{marquee}</span></div><footer>{chips}</footer>
<script>
const pages={pages};let p=0;
function clock(){{const d=new Date();document.getElementById('clock').textContent=
 String(d.getHours()).padStart(2,'0')+':'+String(d.getMinutes()).padStart(2,'0')}}
function page(){{const x=pages[p++%pages.length];document.getElementById('page').innerHTML=
 '<b>'+x.title+'</b><ul>'+x.lines.map(l=>'<li>'+l+'</li>').join('')+'</ul>'}}
clock();page();setInterval(clock,1000);setInterval(page,12000);
let n=100;function call(){{const h=document.getElementById('hero');h.classList.remove('flash');
 void h.offsetWidth;document.getElementById('ticket').textContent='A'+(n++);
 h.classList.add('flash')}}
if(location.hash=='#calls')setInterval(call,10000);
</script></body></html>"""


def descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [root], [root]
    while frontier:
        children = [pid for pid, ppid in parents.items() if ppid in frontier]
        tree += children
        frontier = children
    return tree


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """(PSS, RSS) summed over the processes, in MB."""
    pss = rss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            continue
    return pss / 1024, rss / 1024


def measure(
    pid: int, seconds: float, during: Callable[[float], None] | None = None
) -> tuple[float, float, float]:
    """CPU % of one core over ``seconds``, and the peak (PSS, RSS) seen, for a process tree."""
    pids = descendants(pid)
    start_cpu, start = cpu_seconds(pids), time.monotonic()
    peak = (0.0, 0.0)
    while (elapsed := time.monotonic() - start) < seconds:
        if during is not None:
            during(elapsed)
        time.sleep(0.5)
        pids = descendants(pid)
        peak = max(peak, memory_mb(pids))
    cpu = (cpu_seconds(pids) - start_cpu) / (time.monotonic() - start) * 100
    return cpu, peak[0], peak[1]


def run_chromium(
    page: Path, hash_: str, seconds: float, chromium: str
) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as profile:
        browser = subprocess.Popen(
            [
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--hide-scrollbars",
                "--window-size=1920,1080",
                f"--user-data-dir={profile}",
                f"file://{page}{hash_}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(6)
            return measure(browser.pid, seconds)
        finally:
            browser.terminate()
            browser.wait(10)


def run_callboard(seconds: float) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    with PrivateBroker() as broker, tempfile.TemporaryDirectory() as work:
        config_path = lobby_config(Path(work), broker.port, (1920, 1080))
        client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="cmp")
        client.connect(broker.host, broker.port)
        client.loop_start()
        client.publish("callboard/hz-main/board", json.dumps(BOARD), 1, True).wait_for_publish(5)
        client.publish("callboard/_all/notice", json.dumps(NOTICE), 1, True).wait_for_publish(5)
        daemon = start_daemon(config_path, Path(work))
        sent = [0]

        def calls(elapsed: float) -> None:
            if elapsed >= sent[0] * 10:
                payload = call_payload(f"cmp-{sent[0]}", f"A{100 + sent[0]}", "3")
                client.publish("callboard/hz-main/call", payload, qos=1)
                sent[0] += 1

        try:
            time.sleep(6)
            idle = measure(daemon.pid, seconds)
            busy = measure(daemon.pid, seconds, calls)
        finally:
            daemon.terminate()
            daemon.wait(10)
            client.publish("callboard/_all/notice", b"", retain=True)
            client.disconnect()
            client.loop_stop()
    return idle, busy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("Chromium is not installed: apt-get install chromium", file=sys.stderr)
        return 1
    config = load_config(EXAMPLE)
    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "board.html"
        page.write_text(kiosk_page(config), encoding="utf-8")
        cb_idle, cb_busy = run_callboard(args.seconds)
        ch_idle = run_chromium(page, "", args.seconds, chromium)
        ch_busy = run_chromium(page, "#calls", args.seconds, chromium)
    print(f"the same 1920x1080 board, {args.seconds:.0f} s per figure; CPU in % of one core")
    print(f"{'':28}{'callboard':>12}{'Chromium':>12}{'ratio':>10}")
    for name, cb, ch in (
        ("idle: CPU %", cb_idle[0], ch_idle[0]),
        ("calls every 10 s: CPU %", cb_busy[0], ch_busy[0]),
        ("peak PSS MB", max(cb_idle[1], cb_busy[1]), max(ch_idle[1], ch_busy[1])),
        ("peak RSS MB (summed)", max(cb_idle[2], cb_busy[2]), max(ch_idle[2], ch_busy[2])),
    ):
        ratio = ch / cb if cb > 0 else float("inf")
        print(f"{name:28}{cb:12.2f}{ch:12.2f}{ratio:9.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
