"""Dispatch of ./render.sh: no arguments renders the post's story; otherwise
``test``, ``list``, ``trace CONFIG -o FILE``, or a scene name with options."""


import subprocess
import sys
from pathlib import Path

from cli.args import Parser, UsageError, fail
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
        print(f"scene   {info.name:<12} {info.summary}")
    for name in preset_names():
        print(f"preset  {name}")
    return 0


def cmd_trace(argv: list[str]) -> int:
    parser = Parser(prog="render.sh trace", description="Train a config and write its trace.")
    parser.add_argument("config", help="a .toml path or a preset name")
    parser.add_argument("-o", "--output", required=True, help="the .npz file to write")
    args = parser.parse_args(argv)
    if not args.output.endswith(".npz"):
        raise UsageError(f"trace output {args.output} must end in .npz")
    from core import config, trace, trainer

    result = trainer.train(config.load(args.config))
    path = trace.save(result, args.output)
    if result.diverged_at is not None:
        print(f"warning: diverged at iteration {result.diverged_at} (learning rate too high?); "
              f"the trace stops before it", file=sys.stderr)
    print(f"{path} ({path.stat().st_size / 1024:.0f} KiB, {result.n_states - 1} iterations)")
    return 0


def cmd_test(argv: list[str]) -> int:
    py = sys.executable
    tests = subprocess.call([py, "-m", "pytest", *argv], cwd=ROOT)
    if tests == 5:
        print("render.sh: error: no tests were collected", file=sys.stderr)
    lint = subprocess.call([py, "-m", "ruff", "check", "."], cwd=ROOT)
    return tests or lint


def cmd_scene(name: str, argv: list[str]) -> int:
    from cli.render import render, scene_parser, settings_from_args

    args = scene_parser(SCENES[name]).parse_args(argv)
    render(SCENES[name], settings_from_args(SCENES[name], args), args)
    return 0


def cmd_story(argv: list[str]) -> int:
    if argv:
        raise UsageError(f"unknown command {argv[0]!r}; scenes: {', '.join(SCENES)}; "
                         "commands: list, trace, slides, all, gallery, test")
    from cli.render import render, scene_parser, settings_from_args

    for name in STORY:
        args = scene_parser(SCENES[name]).parse_args(["-q", "m"])
        render(SCENES[name], settings_from_args(SCENES[name], args), args)
    return 0


def main(argv: list[str]) -> int:
    try:
        if not argv:
            return cmd_story([])
        command, rest = argv[0], argv[1:]
        if command in ("-h", "--help", "help"):
            print(HELP)
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
    except KeyboardInterrupt:
        return fail("interrupted; no output file was changed")



