"""Dispatch of ./render.sh: no arguments renders the post's story; otherwise
``test``, ``list``, ``trace CONFIG -o FILE``, or a scene name with options."""


import os
import subprocess
import sys
from pathlib import Path

from cli.args import Parser, UsageError, scene_parser, scene_request
from cli.console import fail, say
from core import files
from core.config import preset_names
from core.errors import ConfigError
from scenes.registry import SCENES, STORY

ROOT = Path(__file__).resolve().parent.parent

HELP = f"""usage: ./render.sh [COMMAND | SCENE] [options]

  (no arguments)        render the post's story ({', '.join(STORY)}) at 720p30
  SCENE [options]       render one scene; ./render.sh SCENE --help lists its options
  slides [SCENES] -o F  one deck from several scenes: F.html (offline), F.pdf or F.pptx
  all [-j N] [-q Q]     render the story and the gallery presets in parallel
  gallery               write media/gallery/index.html (renders what is missing)
  list                  list scenes and presets
  trace CONFIG -o FILE  train CONFIG (a .toml path or a preset name), write the trace .npz
  test                  run the test suite (pytest) and the linter (ruff)

scenes: {', '.join(SCENES)}
"""


def cmd_list() -> int:
    for info in SCENES.values():
        say(f"scene   {info.name:<12} {info.summary}")
    for name in preset_names():
        say(f"preset  {name}")
    return 0


def cmd_trace(argv: list[str]) -> int:
    parser = Parser(prog="render.sh trace", description="Train a config and write its trace.")
    parser.add_argument("config", help="a .toml path or a preset name")
    parser.add_argument("-o", "--output", required=True, help="the .npz file to write")
    args = parser.parse_args(argv)
    files.check_output(args.output)
    if not args.output.endswith(".npz"):
        raise UsageError(f"trace output {args.output} must end in .npz")
    from core import trace, train

    result = train(args.config)
    path = trace.save(result, args.output)
    if result.diverged_at is not None:
        print(f"warning: diverged at iteration {result.diverged_at} (learning rate too high?); "
              f"the trace stops before it", file=sys.stderr)
    say(f"{path} ({path.stat().st_size / 1024:.0f} KiB, {result.n_states - 1} iterations)")
    return 0


TEST_WORKERS = 4  # at most: each worker renders videos of its own (about 1 GB at peak)


def cmd_test(argv: list[str]) -> int:
    """pytest, a file per worker process (a file's fixtures render once and serve all its
    tests), one per core up to TEST_WORKERS, unless the arguments say -n; then ruff."""
    py = sys.executable
    if not any(arg.startswith(("-n", "--numprocesses")) for arg in argv):
        workers = min(os.cpu_count() or 1, TEST_WORKERS)
        argv = ["-n", str(workers), "--dist", "loadfile", *argv]
    tests = subprocess.call([py, "-m", "pytest", *argv], cwd=ROOT)
    if tests == 5:
        print("render.sh: error: no tests were collected", file=sys.stderr)
    lint = subprocess.call([py, "-m", "ruff", "check", "."], cwd=ROOT)
    return tests or lint


def render_jobs(requests: list) -> None:
    """Check every request, then train and render each; print each file written."""
    from scenes.pipeline import plan, render_job, train

    jobs = [plan(request) for request in requests]
    for job in jobs:
        result = render_job(job, train(job))
        for path in (result.path, result.captions):
            if path is not None:
                say(f"{path} ({path.stat().st_size / 1024:.0f} KiB)")


def cmd_scene(name: str, argv: list[str]) -> int:
    info = SCENES[name]
    render_jobs([scene_request(info, scene_parser(info).parse_args(argv))])
    return 0


def cmd_story(argv: list[str]) -> int:
    if argv:
        raise UsageError(f"unknown command {argv[0]!r}; scenes: {', '.join(SCENES)}; "
                         "commands: list, trace, slides, all, gallery, test")
    render_jobs([scene_request(SCENES[name], scene_parser(SCENES[name]).parse_args([]))
                 for name in STORY])
    return 0


def main(argv: list[str]) -> int:
    try:
        if not argv:
            return cmd_story([])
        command, rest = argv[0], argv[1:]
        if command in ("-h", "--help", "help"):
            say(HELP)
            return 0
        if command == "list":
            return cmd_list()
        if command == "trace":
            return cmd_trace(rest)
        if command == "test":
            return cmd_test(rest)
        if command in ("all", "gallery"):
            from cli.gallery import cmd_all, cmd_gallery

            return (cmd_all if command == "all" else cmd_gallery)(rest)
        if command == "slides":
            from cli.slides import cmd_slides

            return cmd_slides(rest)
        if command in SCENES:
            return cmd_scene(command, rest)
        return cmd_story(argv)
    except (UsageError, ConfigError) as err:
        return fail(str(err))
    except KeyboardInterrupt as err:
        return fail(interrupted_message(getattr(err, "name", "SIGINT")))
    except BrokenPipeError:  # argparse's --help and usage texts print without say()
        say("")
        return 0


def interrupted_message(signal_name: str) -> str:
    done = files.published()
    if not done:
        return f"interrupted ({signal_name}); no output file was changed"
    return (f"interrupted ({signal_name}) after writing {', '.join(map(str, done))}; "
            f"no other output file was changed")



