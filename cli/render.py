"""Rendering one scene to a file: every input checked before training, manim's
settings from our options, a private working folder, and the finished files moved
into place together."""

import argparse
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from cli.args import Parser, UsageError
from cli.gif import movie_to_gif
from core import files
from scenes import cache, settings, tex_batch
from scenes.captions import to_vtt
from scenes.registry import SceneInfo
from scenes.settings import LANGS, THEMES, Settings

WEB = {"pixel_width": 640, "pixel_height": 360, "frame_rate": 12}
QUALITIES = {"l": "low_quality", "m": "medium_quality", "h": "high_quality",
             "k": "fourk_quality"}
FORMATS = ("mp4", "gif", "webm", "mov", "png")


def scene_parser(info: SceneInfo) -> Parser:
    parser = Parser(prog=f"render.sh {info.name}", description=info.summary)
    parser.add_argument("--config", default=info.default_config,
                        help=f"a preset name or a .toml path (default {info.default_config})")
    parser.add_argument("-q", "--quality", choices=tuple(QUALITIES), default="m",
                        help="l 480p15, m 720p30 (default), h 1080p60, k 2160p60")
    parser.add_argument("--format", choices=FORMATS,
                        help="output format (default: from -o's extension, else mp4)")
    parser.add_argument("--transparent", action="store_true",
                        help="transparent background (webm, mov, png)")
    parser.add_argument("--web", action="store_true",
                        help="blog size: 640x360 at 12 fps, GIF unless --format says otherwise")
    parser.add_argument("--poster", action="store_true",
                        help="a still of the final frame (same as --format png)")
    parser.add_argument("-o", "--output", help="output file (default media/SCENE-CONFIG.EXT)")
    parser.add_argument("--theme", choices=THEMES, default="dark")
    parser.add_argument("--lang", choices=LANGS, default="en")
    parser.add_argument("--no-captions", dest="captions", action="store_false",
                        help="do not write the WebVTT captions beside the video")
    for option in info.load().OPTIONS:
        option.add_to(parser)
    return parser


def output_path(info: SceneInfo, args) -> tuple[Path, str]:
    """Where the file goes and in which format; both checked before any work."""
    ext = Path(args.output).suffix.lstrip(".").lower() if args.output else ""
    default = "png" if getattr(args, "poster", False) else (
        "gif" if getattr(args, "web", False) else "mp4")
    fmt = args.format or (ext if ext in FORMATS else default)
    if getattr(args, "poster", False) and fmt != "png":
        raise UsageError(f"--poster writes a PNG still, not {fmt}; drop --format or use png")
    if args.output and ext != fmt:
        fix = f" or choose --format {ext}" if ext in FORMATS else ""
        raise UsageError(f"output {args.output} does not end in .{fmt}; name it .{fmt}{fix} "
                         f"(formats: {', '.join(FORMATS)})")
    if args.transparent and fmt in ("mp4", "gif"):
        raise UsageError(f"--transparent needs --format webm, mov or png, not {fmt}")
    stem = Path(args.config).stem
    path = Path("media") / f"{info.name}-{stem}.{fmt}" if args.output is None else args.output
    return files.check_output(path), fmt


@dataclass
class Job:
    """One scene render whose every input has been checked; training comes next."""

    info: SceneInfo
    args: argparse.Namespace
    config: dict
    options: dict


def plan(info: SceneInfo, args: argparse.Namespace) -> Job:
    """Everything that can be checked before training: output, options, config."""
    output_path(info, args)
    scene = info.load()
    given = {option.name: getattr(args, option.name) for option in scene.OPTIONS}
    resolved, options = settings.check(scene, args.config, given)
    return Job(info, args, resolved, options)


def train(job: Job) -> Settings:
    """Train the job's config; the scene then checks the run (before rendering)."""
    return settings.train_checked(job.info.load(), job.config, job.args.config,
                                  job.args.theme, job.args.lang, job.options)


class Rendered(NamedTuple):
    path: Path
    scene: object             # the rendered scene (tests read its layout)
    captions: Path | None     # the WebVTT file written beside the video, if any


def render(info: SceneInfo, settings: Settings, args, slides_folder: Path | None = None
           ) -> Rendered:
    """Render in a temporary folder beside the output, then rename the video and its
    captions into place together.

    With ``slides_folder``, the scene's slide marks are saved there for a deck."""
    from manim import tempconfig

    path, fmt = output_path(info, args)
    path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".render-", dir=path.parent))
    try:
        with cache.Scratch() as scratch:
            manim_config = {
                "quality": QUALITIES[args.quality], "media_dir": str(work),
                # GIFs are made here (cli/gif.py) from a lossless QuickTime RLE movie, which
                # manim writes for transparent .mov; the background is put back after
                "format": "mov" if fmt == "gif" else fmt,
                "transparent": args.transparent or fmt == "gif",
                "write_to_movie": fmt != "png", "save_last_frame": fmt == "png",
                "disable_caching": True, "verbosity": "ERROR", "progress_bar": "none",
                "background_color": settings.theme["background"], "output_file": info.name,
                # a bounded frame queue: with one serial encoder, frames drawn faster than
                # they are encoded pile up in memory (4 GB at 1080p60 for a simple scene)
                "max_inflight_encoders": 2, "encoder_queue_size": 16,
            } | scratch.dirs
            if getattr(args, "web", False):
                manim_config |= WEB
            with tempconfig(manim_config):
                scene_class = type(info.cls, (info.load(),), {
                    "settings": settings, "make_slides": slides_folder is not None})
                tex_batch.prefetch(scene_class, settings)
                scene = (scene_class(output_folder=slides_folder) if slides_folder
                         else scene_class())
                scene.render()
                writer = scene.renderer.file_writer
                produced = Path(writer.image_file_path if fmt == "png"
                                else writer.movie_file_path)
            scratch.keep()
        if fmt == "gif":
            gif = work / f"{info.name}.gif"
            movie_to_gif(produced, gif, settings.theme["background"])
            produced = gif
        outputs = [(produced, path)]
        captions = None
        if getattr(args, "captions", True) and fmt != "png" and getattr(scene, "captions", None):
            captions = path.with_suffix(".vtt")
            vtt = work / "captions.vtt"
            vtt.write_text(to_vtt(scene.captions), encoding="utf-8")
            outputs.append((vtt, captions))
        if slides_folder is None:
            files.publish(outputs)
        else:  # a deck's clips are the deck's intermediate files, not outputs
            for source, dest in outputs:
                os.replace(source, dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Rendered(path, scene, captions)
