"""Render cost of the training scene, against the floor of manim itself.

The training animation redraws three panels every frame (edge strokes, a 420 px boundary
raster, neuron thumbnails, the loss curve, changing numbers). This measures what that costs
on top of what any manim video of the same length costs anyway (clearing the frame and
encoding it), so that slowdowns in our code show up as a ratio rather than a raw time.

For each quality asked (default m = 720p30 and h = 1080p60) it renders, through
cli.render.render into a temp dir, each in a fresh child process:
  floor     a Scene with one Dot moving across the screen, same background, same length
  training  TrainingScene, moons preset (100 iterations), duration 12 s, hold 0, thumbnails on
and prints the wall time of each render (the import of manim and the training of the trace are
excluded; the trace's training time is printed apart), the ratio training/floor (target <= 1.5)
and the peak resident set size of each child (target < 1.5 GB for training). Then it profiles
one 720p training render (PROFILE_DURATION s) with cProfile and prints the top 15 functions by
cumulative and by own time. Note: the scene waits 0.5 s first and holds max(hold, 1/30) s at
the end, so the video lasts 0.5 + duration + max(hold, 1/30) s; the floor mirrors those parts.
Run from anywhere: .venv/bin/python benchmarks/training_render.py [--quality m h]
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DURATION, HOLD, PROFILE_DURATION = 12.0, 0.0, 4.0
OPTIONS = {"duration": DURATION, "hold": HOLD, "schedule": "linear", "neuron_maps": None,
           "weight_labels": None}
PARTS = (0.5, DURATION, max(HOLD, 1 / 30))  # the training scene's waits and play, in order
NAMES = {"l": "480p15", "m": "720p30", "h": "1080p60", "k": "2160p60"}


def floor_scene_class():
    from manim import LEFT, RIGHT, Dot, Scene, config

    class FloorScene(Scene):
        def construct(self):
            dot = Dot(LEFT * 6, color="#ffffff")
            speed = 12 / DURATION
            self.camera.background_color = config.background_color
            self.add(dot)
            self.wait(PARTS[0])  # a frozen frame, as in the training scene (no dt updater)
            dot.add_updater(lambda m, dt: m.shift(RIGHT * speed * dt))
            self.wait(PARTS[1])
            dot.clear_updaters()  # then a frozen last frame, as in the training scene
            self.wait(PARTS[2])

    return FloorScene


def child(kind: str, quality: str, out_dir: str) -> dict:
    """Render one scene in this (fresh) process; returns its figures."""
    import av

    import scenes.training  # noqa: F401  (imported here so that render() does not time it)
    from cli.render import render
    from scenes.registry import SCENES
    from scenes.settings import Settings, settings_for

    result, fmt = {}, "mp4"
    if kind == "floor":
        cls = floor_scene_class()
        info = type("FloorInfo", (), {"name": "floor", "cls": "FloorScene",
                                      "load": staticmethod(lambda: cls)})()
        settings = Settings(trace=None)  # only its theme (background) is read
    else:
        info = SCENES["training"]
        start = time.perf_counter()
        settings = settings_for("moons", "dark", "en", **OPTIONS)
        result["train_s"] = time.perf_counter() - start
    if kind == "profile":
        settings.options["duration"] = PROFILE_DURATION
    args = argparse.Namespace(config="moons", quality=quality, format=fmt, transparent=False,
                              output=str(Path(out_dir) / f"{kind}-{quality}.{fmt}"),
                              theme="dark", lang="en")
    start = time.perf_counter()
    if kind == "profile":
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        path, _ = profiler.runcall(render, info, settings, args)
        for key in ("cumulative", "tottime"):
            print(f"\n--- top 15 by {key} ---", file=sys.stderr)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats(key).print_stats(15)
    else:
        path, _ = render(info, settings, args)
    result["render_s"] = time.perf_counter() - start
    with av.open(str(path)) as video:
        stream = video.streams.video[0]
        result["frames"] = stream.frames
        result["size"] = f"{stream.height}p{float(stream.average_rate):.0f}"
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run_child(kind: str, quality: str, out_dir: str) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--quality", quality,
           "--out", out_dir]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=out_dir)
    if kind == "profile":
        print(done.stderr)
    if done.returncode:
        sys.exit(f"{kind} {quality} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", nargs="+", choices=tuple(NAMES), default=["m", "h"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.quality[0], args.out)))
        return
    print(f"video length {sum(PARTS):.3f} s (0.5 + {DURATION} + {PARTS[2]:.3f}); "
          "targets: ratio <= 1.5, training peak RSS < 1.5 GB")
    with tempfile.TemporaryDirectory(prefix="training-bench-") as out_dir:
        for q in args.quality:
            floor = run_child("floor", q, out_dir)
            train = run_child("training", q, out_dir)
            for name, r in (("floor", floor), ("training", train)):
                print(f"{NAMES[q]:>8} {name:<9} render {r['render_s']:7.2f} s  "
                      f"{r['frames']} frames {r['size']}  "
                      f"{r['render_s'] / r['frames'] * 1e3:6.1f} ms/frame  "
                      f"peak RSS {r['maxrss_mb']:6.0f} MB")
            ratio = train["render_s"] / floor["render_s"]
            print(f"{NAMES[q]:>8} trace training {train['train_s']:.2f} s (excluded); "
                  f"ratio training/floor {ratio:.2f} ({'ok' if ratio <= 1.5 else 'OVER'}); "
                  f"peak RSS {'ok' if train['maxrss_mb'] < 1536 else 'OVER'}")
        print(f"\ncProfile of one 720p30 training render, duration {PROFILE_DURATION} s:")
        prof = run_child("profile", "m", out_dir)
        print(f"profiled render {prof['render_s']:.2f} s, {prof['frames']} frames")


if __name__ == "__main__":
    main()
