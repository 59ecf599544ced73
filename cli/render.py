"""Rendering one scene to a file: manim's settings from our options, a private
working folder, and an atomic move of the finished file to its destination."""

import os
import shutil
import tempfile
from pathlib import Path

from cli.args import Parser, UsageError
from cli.gif import movie_to_gif
from scenes.captions import to_vtt
from scenes.registry import SceneInfo
from scenes.settings import LANGS, THEMES, Settings, settings_for

WEB = {"pixel_width": 640, "pixel_height": 360, "frame_rate": 12}
QUALITIES = {"l": "low_quality", "m": "medium_quality", "h": "high_quality",
             "k": "fourk_quality"}
FORMATS = ("mp4", "gif", "webm", "mov", "png")
# LaTeX and text renderings are kept between renders: they do not depend on the scene
# (renders running at the same time each get their own, as LaTeX runs in it: see `all`)
CACHE = Path(os.environ.get("BACKPROP_CACHE")
             or Path(__file__).resolve().parent.parent / "media" / "cache")


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
    info.load().add_arguments(parser)
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
    path = Path(args.output) if args.output else Path("media") / f"{info.name}-{stem}.{fmt}"
    return path, fmt


def settings_from_args(info: SceneInfo, args) -> Settings:
    output_path(info, args)  # reject a bad output before training
    options = {k: v for k, v in vars(args).items()
               if k not in ("config", "quality", "format", "transparent", "output", "theme",
                            "lang", "captions", "web", "poster")}
    settings = settings_for(args.config, args.theme, args.lang, **options)
    check = getattr(info.load(), "check_trace", None)
    if check:
        check(settings.trace)
    return settings


def refresh_text_cache() -> None:
    """Text rendered before a font was installed stays cached as boxes: forget the
    cached texts whenever the installed fonts change."""
    fonts = sorted(str(p) for root in ("/usr/share/fonts", "/usr/local/share/fonts")
                   for p in Path(root).rglob("*.[ot]t[fc]"))
    stamp = CACHE / "fonts.txt"
    listing = "\n".join(fonts)
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == listing:
        return
    shutil.rmtree(CACHE / "texts", ignore_errors=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    stamp.write_text(listing, encoding="utf-8")


def write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, public_mode())
    os.replace(tmp, path)
    print(f"{path} ({path.stat().st_size / 1024:.0f} KiB)")


def public_mode() -> int:
    """The mode a new file gets under the current umask (mkstemp makes 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def render(info: SceneInfo, settings: Settings, args, slides_folder: Path | None = None):
    """Render to a temporary folder beside the output, then rename into place.

    With ``slides_folder``, the scene's slide marks are saved there for a deck.
    Returns the output path and the rendered scene (tests read its layout)."""
    from manim import tempconfig

    path, fmt = output_path(info, args)
    path.parent.mkdir(parents=True, exist_ok=True)
    refresh_text_cache()
    work = Path(tempfile.mkdtemp(prefix=".render-", dir=path.parent))
    try:
        manim_config = {
            "quality": QUALITIES[args.quality], "media_dir": str(work),
            # GIFs are made here (cli/gif.py) from a lossless QuickTime RLE movie, which
            # manim writes for transparent .mov; the background is put back after
            "format": "mov" if fmt == "gif" else fmt,
            "transparent": args.transparent or fmt == "gif",
            "write_to_movie": fmt != "png", "save_last_frame": fmt == "png",
            "disable_caching": True, "verbosity": "ERROR", "progress_bar": "none",
            "background_color": settings.theme["background"], "output_file": info.name,
            "tex_dir": str(CACHE / "Tex"), "text_dir": str(CACHE / "texts"),
            # a bounded frame queue: with one serial encoder, frames drawn faster than
            # they are encoded pile up in memory (4 GB at 1080p60 for a simple scene)
            "max_inflight_encoders": 2, "encoder_queue_size": 16,
        }
        if getattr(args, "web", False):
            manim_config |= WEB
        with tempconfig(manim_config):
            scene_class = type(info.cls, (info.load(),), {
                "settings": settings, "make_slides": slides_folder is not None})
            scene = (scene_class(output_folder=slides_folder) if slides_folder
                     else scene_class())
            scene.render()
            writer = scene.renderer.file_writer
            produced = Path(writer.image_file_path if fmt == "png" else writer.movie_file_path)
        if fmt == "gif":
            gif = work / f"{info.name}.gif"
            movie_to_gif(produced, gif, settings.theme["background"])
            produced = gif
        os.chmod(produced, public_mode())
        os.replace(produced, path)
        if slides_folder is None:  # a deck's clips are intermediate files
            print(f"{path} ({path.stat().st_size / 1024:.0f} KiB)")
        if getattr(args, "captions", True) and fmt != "png" and getattr(scene, "captions", None):
            write_atomically(path.with_suffix(".vtt"), to_vtt(scene.captions))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return path, scene
