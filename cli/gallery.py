"""./render.sh all renders the post's story and the gallery presets in parallel
worker processes; ./render.sh gallery shows every output beside the command
line that made it, in media/gallery/index.html."""

import argparse
import ctypes
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

from cli.args import Parser, add_look
from cli.console import say
from core import files
from scenes.gallery import gallery_html, media_duration
from scenes.pipeline import QUALITIES, QUALITY_HELP, Request
from scenes.registry import SCENES, STORY
from scenes.settings import check_look

GALLERY = Path("media") / "gallery"
MANIFEST = "manifest.json"
# beyond the story's defaults: the training scene on every 2-D preset
PRESETS = ["flower", "circles", "xor", "spiral", "blobs"]
# and two of README's comparisons: (config, their options, file name); the optimizers
# at one small η, where each one's step rule makes the difference
COMPARISONS = [("moons", ["--set", "train.learning_rate=0.02",
                          "--vary", "train.optimizer=sgd,momentum,adam"], "optimizers"),
               ("sine", ["--vary", "train.learning_rate=0.02,0.3,2", "--schedule", "log"],
                "learning-rates")]  # on a log clock: the large η's blow-up takes seconds
MAX_WORKERS = 32
STOP_WAIT = 20.0  # seconds a stopped worker gets to remove its temporary files
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def jobs(quality: str) -> list[list[str]]:
    """The command lines (arguments of ./render.sh) of every output."""
    out = []
    for name in STORY:
        output = GALLERY / f"{name}-{SCENES[name].default_config}.mp4"
        out.append([name, "-q", quality, "-o", str(output)])
    for preset in PRESETS:
        out.append(["training", "--config", preset, "-q", quality,
                    "-o", str(GALLERY / f"training-{preset}.mp4")])
    for preset, options, name in COMPARISONS:
        out.append(["compare", "--config", preset, *options, "-q", quality,
                    "-o", str(GALLERY / f"compare-{name}.mp4")])
    out.append(["landscape", "-q", quality, "-o", str(GALLERY / "landscape-moons.mp4")])
    out.append(["landscape", "--config", "post", "--weights", "w11,v21", "--updates", "60",
                "-q", quality,
                "-o", str(GALLERY / "landscape-post.mp4")])
    for activation in ("sigmoid", "relu"):
        out.append(["gradients", "--activation", activation, "-q", quality,
                    "-o", str(GALLERY / f"gradients-deep-{activation}.mp4")])
    for name in ("forward", "cycle"):
        out.append([name, "--web", "-o", str(GALLERY / f"{name}-web.gif")])
    return out


def all_parser() -> Parser:
    parser = Parser(prog="render.sh all",
                    description="Render the post's story and the gallery presets.")
    parser.add_argument("-j", "--jobs", type=worker_count, default=os.cpu_count() or 1,
                        metavar=f"1-{MAX_WORKERS}",
                        help="worker processes (default: one per core)")
    parser.add_argument("-q", "--quality", choices=tuple(QUALITIES), default=Request.quality,
                        help=f"{QUALITY_HELP} (default {Request.quality})")
    add_look(parser)
    return parser


def worker_count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_WORKERS}, "
                                         f"got {text!r}")
    return int(text)


def cmd_all(argv: list[str]) -> int:
    args = all_parser().parse_args(argv)
    files.check_output(GALLERY / MANIFEST, "the gallery")
    check_look(args.theme, args.lang)
    look = [] if (args.theme, args.lang) == (Request.theme, Request.lang) else [
        "--theme", args.theme, "--lang", args.lang]
    todo = [(k, job[:-2] + look + job[-2:]) for k, job in enumerate(jobs(args.quality), 1)]
    running, done = [], []
    total = len(todo)
    start_all = time.perf_counter()
    try:
        while todo or running:
            while todo and len(running) < args.jobs:
                number, job = todo.pop(0)
                process = subprocess.Popen([sys.executable, "-m", "cli", *job],
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                           text=True, preexec_fn=die_with_parent)
                running.append((number, job, process, time.perf_counter()))
            for item in list(running):
                number, job, process, started = item
                if process.poll() is None:
                    continue
                running.remove(item)
                done.append(finished(number, job, process, time.perf_counter() - started))
                say(f"[{len(done)}/{total}] ./render.sh {shlex.join(job)}: {done[-1]['status']} "
                    f"({done[-1]['render_s']:.1f} s)")
            time.sleep(0.1)
    finally:
        stop([item[2] for item in running])
    done.sort(key=lambda item: item["order"])
    files.write_text(GALLERY / MANIFEST, json.dumps(done, indent=1))
    print_summary(done, time.perf_counter() - start_all, args.jobs)
    return 0 if all(item["ok"] for item in done) else 1


def finished(number: int, job: list[str], process: subprocess.Popen, seconds: float) -> dict:
    """A finished worker's entry in the manifest."""
    out, err = process.communicate()
    output = Path(job[job.index("-o") + 1])
    ok = process.returncode == 0 and output.is_file()
    for line in out.splitlines():  # each line: a file the worker wrote, and its size
        files.record_published(Path(line.rsplit(" (", 1)[0]))
    return {"command": "./render.sh " + shlex.join(job), "scene": job[0], "output": output.name,
            "ok": ok, "render_s": round(seconds, 1),
            "status": "done" if ok else "FAILED: " + (err.strip().splitlines() or ["?"])[-1],
            "size": output.stat().st_size if ok else 0,
            "duration": media_duration(output) if ok else 0.0, "order": number}


def die_with_parent() -> None:
    """In a worker, before it starts: SIGTERM when the parent dies, even by SIGKILL, so
    that no worker outlives the command and later replaces an output (Linux only)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def stop(processes: list[subprocess.Popen]) -> None:
    """Ask workers still running to stop (each removes its temporary files), then wait;
    one that has not stopped after STOP_WAIT seconds is killed."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT
    for process in processes:
        try:
            process.communicate(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def print_summary(done: list[dict], wall: float, workers: int) -> None:
    rows = [("scene", "output", "video s", "size", "render s")]
    rows += [(d["scene"], d["output"], f"{d['duration']:.1f}", f"{d['size'] / 1024:.0f} KiB",
              f"{d['render_s']:.1f}") for d in done]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        say("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
    busy = sum(d["render_s"] for d in done)
    say(f"{len(done)} outputs in {wall:.1f} s with {workers} workers "
          f"({busy:.1f} s of rendering in all)")


def cmd_gallery(argv: list[str]) -> int:
    Parser(prog="render.sh gallery",
           description="Write media/gallery/index.html from the outputs of "
                       "./render.sh all (rendering them first if needed).").parse_args(argv)
    files.check_output(GALLERY / "index.html", "the gallery")
    manifest = GALLERY / MANIFEST
    if not manifest.is_file():
        code = cmd_all([])
        if code:
            return code
    items = json.loads(manifest.read_text(encoding="utf-8"))
    page = files.write_text(GALLERY / "index.html", gallery_html(items))
    say(str(page))
    return 0
