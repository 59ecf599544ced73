"""Render cost of the training scene, against the floor of manim itself.

The training scene redraws its panels every frame; this measures what that costs on top of
what any manim video of the same length costs anyway (clearing and encoding frames), so that
slowdowns in our code show up as a ratio rather than a raw time. For each quality asked
(default m = 720p30, h = 1080p60) it renders via scenes.pipeline.render_trained, into a
temp dir, each in a fresh child process (for its peak RSS); floor, training, curve and compare
--repeat times (default 3), interleaved, because on two cores shared with the encoder's
threads one render varies by about 8%:
  floor     a Scene with one Dot moving across the screen, same background, same frames
  training  TrainingScene, moons preset (2-D: the plane panel), duration 12 s, hold 0, maps on
  curve     TrainingScene, sine preset (1-D: the curve panel, units as curves), the same
  compare   CompareScene, moons with three optimizers (three columns, the axes of losses
            and steps), the same duration and hold
  redrawn   the same, but every mobject drawn afresh each frame (manim draws mobjects added
            before the first one with an updater once, as a static background: if "motion"
            says FROZEN, this row is what a working scene would cost)
and prints median render wall times with their range (manim's import and the trace's
training excluded, the latter printed apart), the ratio of the medians to the floor's
(target <= 1.5) and of each pair, each child's peak RSS (target < 1.5 GB)
and "motion", the mean pixel change from 10% to 90% of the video. Then it prints the top 15
functions (cumulative, own time) of a cProfile'd 720p "redrawn" render. The scene waits 0.5 s
and holds max(hold, 1/30) s, both frozen frames; the floor mirrors that.
Run from anywhere: .venv/bin/python benchmarks/training_render.py [--quality m h]
[--repeat N]
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DURATION, HOLD = 12.0, 0.0
OPTIONS = {"duration": DURATION, "hold": HOLD, "schedule": "linear", "neuron_maps": None,
           "weight_labels": None}
COMPARE = {"vary": "train.optimizer=sgd,momentum,adam", "duration": DURATION, "hold": HOLD,
           "schedule": "linear"}
PARTS = (0.5, DURATION, max(HOLD, 1 / 30))  # the training scene's wait, play and hold
NAMES = {"l": "480p15", "m": "720p30", "h": "1080p60", "k": "2160p60"}


def scene_class(kind: str):
    from manim import LEFT, RIGHT, Dot, Scene, config

    from scenes.encoder import fast_renderer
    from scenes.training import TrainingScene

    class FloorScene(Scene):
        """Frame clearing and encoding only, with the same encoder as our scenes."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, renderer=fast_renderer(), **kwargs)

        def construct(self):
            dot = Dot(LEFT * 6, color="#ffffff")
            self.camera.background_color = config.background_color
            self.add(dot)
            self.wait(PARTS[0])  # a frozen frame, as in the training scene
            dot.add_updater(lambda m, dt: m.shift(RIGHT * 12 / DURATION * dt))
            self.wait(PARTS[1])
            dot.clear_updaters()
            self.wait(PARTS[2])

    class RedrawnScene(TrainingScene):
        def get_moving_and_static_mobjects(self, animations):
            return [], []  # nothing static: each frame draws the scene's mobjects as they are

    if kind == "compare":
        from scenes.compare import CompareScene

        return CompareScene
    return {"floor": FloorScene, "redrawn": RedrawnScene}.get(kind, TrainingScene)


def child(kind: str, quality: str, out_dir: str) -> dict:
    """Render one scene in this (fresh) process; returns its figures."""
    import av
    import numpy as np

    from scenes.pipeline import Request, render_trained
    from scenes.registry import SCENES
    from scenes.settings import Settings, prepare

    result, cls = {}, scene_class(kind)
    info = SCENES["compare" if kind == "compare" else "training"]
    preset = "sine" if kind == "curve" else "moons"
    if kind not in ("training", "curve", "compare"):
        info = type("Info", (), {"name": kind, "cls": cls.__name__,
                                 "load": staticmethod(lambda: cls)})()
    if kind == "floor":
        settings = Settings(trace=None)  # only its theme (background) is read
    else:
        start = time.perf_counter()
        options = COMPARE if kind == "compare" else OPTIONS
        settings = prepare(cls, preset, "dark", "en", **options)
        result["train_s"] = time.perf_counter() - start
    request = Request(kind, preset, Path(out_dir) / f"{kind}-{quality}.mp4", quality)
    start = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        path, _, _ = profiler.runcall(render_trained, request, settings, info=info)
        for key in ("cumulative", "tottime"):
            print(f"--- top 15 by {key} ---", file=sys.stderr)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats(key).print_stats(15)
    else:
        path, _, _ = render_trained(request, settings, info=info)
    result["render_s"] = time.perf_counter() - start
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with av.open(str(path)) as video:
        n = result["frames"] = video.streams.video[0].frames
        picks = {}
        for i, frame in enumerate(video.decode(video=0)):
            if i in (n // 10, n * 9 // 10):
                picks[i] = frame.to_ndarray(format="rgb24").astype(np.int16)
            if len(picks) == 2:
                break
    result["motion"] = float(np.abs(picks[n // 10] - picks[n * 9 // 10]).mean())
    return result


def run_child(kind: str, quality: str, out_dir: str, profile: bool = False) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--quality", quality,
           "--out", out_dir]
    env = os.environ | ({"BENCH_PROFILE": "1"} if profile else {})
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=out_dir, env=env)
    if done.returncode:
        sys.exit(f"{kind} {quality} failed:\n{done.stderr}")
    print(done.stderr if profile else "", end="")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", nargs="+", choices=tuple(NAMES), default=["m", "h"])
    parser.add_argument("--repeat", type=int, default=3,
                        help="renders of floor and training each, interleaved (default 3)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.quality[0], args.out)))
        return
    print(f"video {sum(PARTS):.3f} s (0.5 + {DURATION} + {PARTS[2]:.3f}); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus; targets: ratio <= 1.5, RSS < 1.5 GB"
          f"\nfloor and training rendered {args.repeat}x, interleaved: median (min-max) wall")
    with tempfile.TemporaryDirectory(prefix="training-bench-") as out_dir:
        for q in args.quality:
            runs = {"floor": [], "training": [], "curve": [], "compare": []}
            for _ in range(args.repeat):
                for kind in runs:
                    runs[kind].append(run_child(kind, q, out_dir))
            runs["redrawn"] = [run_child("redrawn", q, out_dir)]
            floor = statistics.median(r["render_s"] for r in runs["floor"])
            for kind, rs in runs.items():
                times = [r["render_s"] for r in rs]
                wall, r = statistics.median(times), rs[0]
                rss = max(x["maxrss_mb"] for x in rs)
                ratio = wall / floor
                spread = f"({min(times):.2f}-{max(times):.2f})" if len(rs) > 1 else " " * 11
                print(f"{NAMES[q]:>8} {kind:<8} {wall:6.2f} s {spread} {r['frames']} frames "
                      f"{wall / r['frames'] * 1e3:5.1f} ms/frame  ratio {ratio:4.2f}"
                      f"{'' if ratio <= 1.5 else ' OVER'}  peak RSS {rss:5.0f} MB"
                      f"{'' if rss < 1536 else ' OVER'}  motion {r['motion']:5.2f}"
                      f"{' FROZEN' if kind != 'floor' and r['motion'] < 1 else ''}")
            for kind in ("training", "curve", "compare"):
                pairs = [t["render_s"] / f["render_s"] for f, t in zip(runs["floor"], runs[kind])]
                print(f"{NAMES[q]:>8} {kind}/floor per pair: "
                      + ", ".join(f"{x:.2f}" for x in pairs))
            print(f"{NAMES[q]:>8} trace training {runs['training'][0]['train_s']:.2f} s (excluded)")
        print("\ncProfile of one 720p30 'redrawn' training render (main thread only; the encoder "
              "runs in its own thread):")
        prof = run_child("redrawn", "m", out_dir, profile=True)
        print(f"profiled render {prof['render_s']:.2f} s, {prof['frames']} frames")


if __name__ == "__main__":
    main()
