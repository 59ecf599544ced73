"""Render cost of the post's story scenes, against the floor of manim itself.

Pacing holds every finished block on screen (still frames); those must stay cheap. For
each story scene this renders, via scenes.pipeline.render_trained, each in a fresh child process:
  warm      the scene at 720p30 (m), its LaTeX and text already in the cache
  floor     a Scene with one Dot moving across the screen for as long as that video,
            same background, same encoder
and prints median wall times (of --repeat runs, interleaved), the video's length and
the ratio scene / floor (target for backward, graph, landscape and gradients: <= 1.5;
graph draws cs231n's sigmoid neuron, 10 nodes; landscape the moons preset's plane,
60 x 60; gradients the deep preset, 2-8-8-8-8-8-1).
Then, at 480p15 (l):
  cold      the first render with an empty cache (every formula typeset)
  warm      the same render again, on the cache the cold one filled
each the median of --repeat such pairs, and the ratio cold / warm (target <= 1.3; and
graph's warm render under 15 s).
Run from anywhere: .venv/bin/python benchmarks/story_render.py [--scenes backward ...]
[--repeat N]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

STORY = ("forward", "backward", "chain-rule", "cycle", "graph", "landscape", "gradients")
CONFIGS = {"landscape": "moons", "gradients": "deep"}  # the others draw the post's network
HELD_TO = ("backward", "graph", "landscape", "gradients")  # held to the floor target
TARGETS = {"floor": 1.5, "cold": 1.3, "graph_480p": 15.0}
# the graph scene on a 10-node formula: cs231n's sigmoid neuron, σ as one gate
OPTIONS = {"graph": {"expr": "sigmoid(w0*x0 + w1*x1 + w2)", "at": "w0=2 x0=-1 w1=-3 x1=-2 w2=-3"}}


def floor_scene(duration: float):
    from manim import LEFT, RIGHT, Dot, Scene, config

    from scenes.encoder import fast_renderer

    class FloorScene(Scene):
        """Frame clearing and encoding only, with the same encoder as our scenes."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, renderer=fast_renderer(), **kwargs)

        def construct(self):
            dot = Dot(LEFT * 6, color="#ffffff")
            self.camera.background_color = config.background_color
            self.add(dot)
            dot.add_updater(lambda m, dt: m.shift(RIGHT * 12 / duration * dt))
            self.wait(duration)

    return FloorScene


def child(kind: str, quality: str, out_dir: str, duration: float) -> dict:
    """Render one scene in this (fresh) process; returns its wall time and length."""
    import av

    from scenes.pipeline import Request, render_trained
    from scenes.registry import SCENES
    from scenes.settings import Settings, prepare

    if kind == "floor":
        cls = floor_scene(duration)
        info = type("Info", (), {"name": "floor", "cls": "FloorScene",
                                 "load": staticmethod(lambda: cls)})()
        settings = Settings(trace=None)  # only its theme (background) is read
    else:
        info = SCENES[kind]
        settings = prepare(info.load(), CONFIGS.get(kind, "post"), "dark", "en",
                           **OPTIONS.get(kind, {}))
    request = Request(kind, CONFIGS.get(kind, "post"), Path(out_dir) / f"{kind}-{quality}.mp4",
                      quality)
    start = time.perf_counter()
    path, _, _ = render_trained(request, settings, info=info)
    seconds = time.perf_counter() - start
    with av.open(str(path)) as video:
        length = float(video.duration) / 1e6
    return {"render_s": seconds, "length_s": length}


def run_child(kind: str, quality: str, out_dir: str, cache: str, duration: float = 0.0
              ) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--quality", quality,
           "--out", out_dir, "--duration", str(duration)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=out_dir,
                          env=os.environ | {"BACKPROP_CACHE": cache})
    if done.returncode:
        sys.exit(f"{kind} {quality} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", nargs="+", choices=STORY, default=list(STORY))
    parser.add_argument("--repeat", type=int, default=2,
                        help="renders of each scene and its floor, interleaved (default 2)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--quality", default="m", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--duration", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.quality, args.out, args.duration)))
        return
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus; targets: "
          f"backward / floor <= {TARGETS['floor']} at 720p30, cold / warm <= "
          f"{TARGETS['cold']} at 480p15")
    with tempfile.TemporaryDirectory(prefix="story-bench-") as out_dir:
        warm_cache = str(Path(out_dir) / "cache")
        for name in args.scenes:
            first = run_child(name, "m", out_dir, warm_cache)  # fills the cache
            runs = {"scene": [], "floor": []}
            for _ in range(args.repeat):
                runs["scene"].append(run_child(name, "m", out_dir, warm_cache))
                runs["floor"].append(run_child("floor", "m", out_dir, warm_cache,
                                               first["length_s"]))
            scene, floor = (statistics.median(r["render_s"] for r in runs[k])
                            for k in ("scene", "floor"))
            ratio = scene / floor
            over = name in HELD_TO and ratio > TARGETS["floor"]
            print(f"720p30 {name:<10} video {first['length_s']:5.1f} s  warm {scene:6.2f} s  "
                  f"floor {floor:6.2f} s  ratio {ratio:4.2f}{' OVER' if over else ''}")
        for name in args.scenes:
            runs = {"cold": [], "warm": []}
            for _ in range(args.repeat):  # each pair on a cache of its own, empty at first
                cold_cache = tempfile.mkdtemp(prefix="cold-", dir=out_dir)
                runs["cold"].append(run_child(name, "l", out_dir, cold_cache)["render_s"])
                runs["warm"].append(run_child(name, "l", out_dir, cold_cache)["render_s"])
            cold, warm = (statistics.median(runs[k]) for k in ("cold", "warm"))
            ratio = cold / warm
            slow = name == "graph" and warm > TARGETS["graph_480p"]
            print(f"480p15 {name:<10} cold {cold:6.2f} s  warm {warm:6.2f} s  ratio {ratio:4.2f}"
                  f"{' OVER' if ratio > TARGETS['cold'] or slow else ''}")


if __name__ == "__main__":
    main()
