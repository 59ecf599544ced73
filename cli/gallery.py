"""./render.sh all renders the post's story and the gallery presets in parallel
worker processes; ./render.sh gallery shows every output beside the command
line that made it, in media/gallery/index.html."""

import html
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from cli.args import Parser
from cli.render import CACHE
from scenes.registry import SCENES, STORY

GALLERY = Path("media") / "gallery"
MANIFEST = "manifest.json"
# beyond the story's defaults: the training scene on every 2-D preset
PRESETS = ["flower", "circles", "xor", "spiral", "blobs"]


def jobs(quality: str) -> list[list[str]]:
    """The command lines (arguments of ./render.sh) of every output."""
    out = []
    for name in STORY:
        output = GALLERY / f"{name}-{SCENES[name].default_config}.mp4"
        out.append([name, "-q", quality, "-o", str(output)])
    for preset in PRESETS:
        out.append(["training", "--config", preset, "-q", quality,
                    "-o", str(GALLERY / f"training-{preset}.mp4")])
    for name in ("forward", "cycle"):
        out.append([name, "--web", "-o", str(GALLERY / f"{name}-web.gif")])
    return out


def all_parser() -> Parser:
    parser = Parser(prog="render.sh all",
                    description="Render the post's story and the gallery presets.")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: one per core)")
    parser.add_argument("-q", "--quality", choices=("l", "m", "h", "k"), default="m")
    parser.add_argument("--theme", choices=("dark", "light"), default="dark")
    parser.add_argument("--lang", choices=("en", "ko"), default="en")
    return parser


def cmd_all(argv: list[str]) -> int:
    args = all_parser().parse_args(argv)
    workers = max(1, args.jobs)
    look = [] if (args.theme, args.lang) == ("dark", "en") else [
        "--theme", args.theme, "--lang", args.lang]
    todo = [(k, job[:-2] + look + job[-2:]) for k, job in enumerate(jobs(args.quality), 1)]
    running, done = [], []
    total = len(todo)
    GALLERY.mkdir(parents=True, exist_ok=True)
    start_all = time.perf_counter()
    while todo or running:
        while todo and len(running) < workers:
            number, job = todo.pop(0)
            # each worker slot its own LaTeX and text cache: two LaTeX runs of the same
            # formula in one folder trip over each other's files
            slot = min(set(range(workers)) - {item[4] for item in running})
            env = {**os.environ, "BACKPROP_CACHE": str(CACHE / f"worker{slot}")}
            process = subprocess.Popen([sys.executable, "-m", "cli", *job], env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True)
            running.append((number, job, process, time.perf_counter(), slot))
        for item in list(running):
            number, job, process, started, _ = item
            if process.poll() is None:
                continue
            running.remove(item)
            seconds = time.perf_counter() - started
            _, err = process.communicate()
            output = Path(job[job.index("-o") + 1])
            ok = process.returncode == 0 and output.is_file()
            status = "done" if ok else "FAILED: " + (err.strip().splitlines() or ["?"])[-1]
            print(f"[{len(done) + 1}/{total}] ./render.sh {shlex.join(job)}: {status} "
                  f"({seconds:.1f} s)", flush=True)
            done.append({"command": "./render.sh " + shlex.join(job), "scene": job[0],
                         "output": output.name,
                         "ok": ok, "render_s": round(seconds, 1),
                         "size": output.stat().st_size if ok else 0,
                         "duration": media_duration(output) if ok else 0.0, "order": number})
        time.sleep(0.1)
    done.sort(key=lambda item: item["order"])
    (GALLERY / MANIFEST).write_text(json.dumps(done, indent=1), encoding="utf-8")
    print_summary(done, time.perf_counter() - start_all, workers)
    return 0 if all(item["ok"] for item in done) else 1


def media_duration(path: Path) -> float:
    import av

    try:
        with av.open(str(path)) as container:
            return round(float(container.duration or 0) / 1_000_000, 2)
    except (av.error.FFmpegError, OSError):
        return 0.0


def print_summary(done: list[dict], wall: float, workers: int) -> None:
    rows = [("scene", "output", "video s", "size", "render s")]
    rows += [(d["scene"], d["output"], f"{d['duration']:.1f}", f"{d['size'] / 1024:.0f} KiB",
              f"{d['render_s']:.1f}") for d in done]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
    busy = sum(d["render_s"] for d in done)
    print(f"{len(done)} outputs in {wall:.1f} s with {workers} workers "
          f"({busy:.1f} s of rendering in all)")


def cmd_gallery(argv: list[str]) -> int:
    Parser(prog="render.sh gallery",
           description="Write media/gallery/index.html from the outputs of "
                       "./render.sh all (rendering them first if needed).").parse_args(argv)
    manifest = GALLERY / MANIFEST
    if not manifest.is_file():
        code = cmd_all([])
        if code:
            return code
    items = json.loads(manifest.read_text(encoding="utf-8"))
    page = GALLERY / "index.html"
    page.write_text(gallery_html(items), encoding="utf-8")
    print(page)
    return 0


def gallery_html(items: list[dict]) -> str:
    cards = []
    for item in items:
        if not item["ok"]:
            continue
        name = html.escape(item["output"])
        media = (f'<img src="{name}" alt="{name}">' if name.endswith((".gif", ".png"))
                 else f'<video src="{name}" controls loop muted playsinline preload="auto">'
                      f"</video>")
        cards.append(f'<figure>{media}<figcaption><code>{html.escape(item["command"])}'
                     f"</code><br>{item['duration']:.1f} s, {item['size'] / 1024:.0f} KiB"
                     "</figcaption></figure>")
    return GALLERY_PAGE.replace("<!-- cards -->", "\n".join(cards))


GALLERY_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>backprop-anim gallery</title>
<style>
body { font-family: sans-serif; background: #14161c; color: #eef0f4; margin: 2rem; }
main { display: grid; gap: 1.5rem;
       grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); }
figure { margin: 0; background: #262a33; padding: 0.8rem; border-radius: 6px; }
video, img { width: 100%; display: block; }
code { color: #7be8a9; user-select: all; }
</style>
</head>
<body>
<h1>backprop-anim gallery</h1>
<p>Every animation below was made by the command under it; copy it to make your own.</p>
<main>
<!-- cards -->
</main>
<script>
// each picture says whether it loaded (data-status), for people and for tests
for (const media of document.querySelectorAll("video, img")) {
  const mark = (status) => { media.dataset.status = status; };
  media.addEventListener("error", () => mark("error"));
  if (media.tagName === "IMG") {
    media.addEventListener("load", () => mark("ok"));
    if (media.complete) mark(media.naturalWidth > 0 ? "ok" : "error");
  } else {
    media.addEventListener("loadeddata", () => mark("ok"));
    if (media.readyState >= 2) mark("ok");
  }
}
</script>
</body>
</html>
"""
