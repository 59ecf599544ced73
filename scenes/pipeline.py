"""The render library: one scene to a file. Every input is checked before training,
manim's settings come from a ``Request``, the work happens in a private folder, and
the finished files are renamed into place together.

The Python API (``scenes.render``), the command line, the tests and the benchmarks all
render through here.
"""

import logging
import os
import shutil
import tempfile
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import NamedTuple

from core import config, files, interrupts
from core.errors import ConfigError
from scenes import cache, settings, tex_batch
from scenes.captions import to_vtt
from scenes.gif import movie_to_gif
from scenes.registry import SCENES, SceneInfo
from scenes.settings import DEFAULT_LANG, DEFAULT_THEME, Settings

WEB = {"pixel_width": 640, "pixel_height": 360, "frame_rate": 12}
QUALITIES = {"l": "low_quality", "m": "medium_quality", "h": "high_quality",
             "k": "fourk_quality"}
QUALITY_HELP = "l 480p15, m 720p30, h 1080p60, k 2160p60"
FORMATS = ("mp4", "gif", "webm", "mov", "png")


@dataclass
class Request:
    """One render, as values: what the command line's options say, and what the
    Python API's keyword arguments give. The defaults here are the only ones."""

    scene: str                                     # a name in scenes.registry.SCENES
    config: str | os.PathLike | dict | None = None  # preset, .toml path or dict; None: the scene's
    output: str | os.PathLike | None = None        # None: media/SCENE-CONFIG.EXT
    quality: str = "m"                             # a key of QUALITIES
    format: str | None = None                      # None: from the output's extension, else mp4
    theme: str | os.PathLike = DEFAULT_THEME       # dark, light or a theme .toml file
    lang: str = DEFAULT_LANG
    web: bool = False                              # 640x360 at 12 fps, GIF by default
    transparent: bool = False
    poster: bool = False                           # a PNG still of the final frame
    captions: bool = True                          # WebVTT captions beside a video
    options: dict = field(default_factory=dict)    # the scene's own options
    verbose: bool = False                          # the libraries' progress bars and warnings

    @property
    def info(self) -> SceneInfo:
        if self.scene not in SCENES:
            raise ConfigError(f"unknown scene {self.scene!r}; scenes: {', '.join(SCENES)}")
        return SCENES[self.scene]

    @property
    def source(self) -> str | os.PathLike | dict:
        return self.info.default_config if self.config is None else self.config

    def destination(self) -> tuple[Path, str]:
        """Where the file goes and in which format; both checked before any work."""
        if self.quality not in QUALITIES:
            raise ConfigError(f"quality {self.quality!r} is not one of: "
                              f"{', '.join(QUALITIES)} ({QUALITY_HELP})")
        if self.format is not None and self.format not in FORMATS:
            raise ConfigError(f"format {self.format!r} is not one of: {', '.join(FORMATS)}")
        output = None if self.output is None else os.fspath(self.output)
        ext = Path(output).suffix.lstrip(".").lower() if output else ""
        default = "png" if self.poster else ("gif" if self.web else "mp4")
        fmt = self.format or (ext if ext in FORMATS else default)
        if self.poster and fmt != "png":
            raise ConfigError(f"--poster writes a PNG still, not {fmt}; drop --format or use png")
        if output and ext != fmt:
            fix = f" or choose --format {ext}" if ext in FORMATS else ""
            raise ConfigError(f"output {output} does not end in .{fmt}; name it .{fmt}{fix} "
                              f"(formats: {', '.join(FORMATS)})")
        if self.transparent and fmt in ("mp4", "gif"):
            raise ConfigError(f"--transparent needs --format webm, mov or png, not {fmt}")
        name = config.name_of(self.source)
        path = Path("media") / f"{self.scene}-{name}.{fmt}" if output is None else output
        return files.check_output(path), fmt


REQUEST_FIELDS = tuple(f.name for f in fields(Request))


@dataclass
class Job:
    """One scene render whose every input has been checked; training comes next."""

    info: SceneInfo
    request: Request
    config: dict  # the (first) run's resolved config
    options: dict
    runs: list[tuple[str, dict]] = field(default_factory=list)  # every run to train, named


def plan(request: Request) -> Job:
    """Everything that can be checked before training: output, look, options, config."""
    request.destination()
    settings.check_look(request.theme, request.lang)
    runs, options = settings.check(request.info.load(), request.source, request.options)
    return Job(request.info, request, runs[0][1], options, runs)


def train(job: Job) -> Settings:
    """Train the job's config; the scene then checks the run (before rendering)."""
    request = job.request
    return settings.train_checked(job.info.load(), job.runs, config.name_of(request.source),
                                  request.theme, request.lang, job.options)


class Rendered(NamedTuple):
    path: Path
    scene: object             # the rendered scene (tests read its layout)
    captions: Path | None     # the WebVTT file written beside the video, if any


def render_job(job: Job, trained: Settings, slides_folder: Path | None = None) -> Rendered:
    """Render in a temporary folder beside the output, then rename the video and its
    captions into place together.

    With ``slides_folder``, the scene's slide marks are saved there for a deck."""
    from manim import tempconfig

    request, info = job.request, job.info
    path, fmt = request.destination()
    path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".render-", dir=path.parent))
    try:
        with cache.Scratch() as scratch:
            # GIFs are made here (scenes/gif.py) from a lossless QuickTime RLE movie, which
            # manim writes for transparent .mov; the background is put back after
            alpha = request.transparent or fmt == "gif"
            manim_config = {
                "quality": QUALITIES[request.quality], "media_dir": str(work),
                "format": "mov" if fmt == "gif" else fmt, "transparent": alpha,
                "write_to_movie": fmt != "png", "save_last_frame": fmt == "png",
                "disable_caching": True,
                "verbosity": "INFO" if request.verbose else "ERROR",
                "progress_bar": "display" if request.verbose else "none",
                "background_color": trained.theme["background"], "output_file": info.name,
                # a bounded frame queue: with one serial encoder, frames drawn faster than
                # they are encoded pile up in memory (4 GB at 1080p60 for a simple scene)
                "max_inflight_encoders": 2, "encoder_queue_size": 16,
            } | scratch.dirs
            if request.web:
                manim_config |= WEB
            with quiet(request.verbose), tempconfig(manim_config):
                scene_class = type(info.cls, (info.load(),), {
                    "settings": trained, "make_slides": slides_folder is not None,
                    "output_format": fmt})
                tex_batch.prefetch(scene_class, trained)
                scene = (scene_class(output_folder=slides_folder) if slides_folder
                         else scene_class())
                scene.render()
                interrupts.raise_if_swallowed()  # manim may have caught it
                writer = scene.renderer.file_writer
                produced = Path(writer.image_file_path if fmt == "png"
                                else writer.movie_file_path)
            scratch.keep()
        if fmt == "gif":
            gif = work / f"{info.name}.gif"
            movie_to_gif(produced, gif, trained.theme["background"])
            produced = gif
        outputs = [(produced, path)]
        captions = None
        if request.captions and fmt != "png" and getattr(scene, "captions", None):
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


def render_trained(request: Request, trained: Settings, slides_folder: Path | None = None,
                   info: SceneInfo | None = None) -> Rendered:
    """Render with the scene's settings already made: one trace trained once and
    shared by several renders (the tests). ``info`` renders a scene class that is not
    in the registry (the benchmarks' floor scene)."""
    request.destination()
    config = trained.trace.meta["config"] if trained.trace is not None else {}
    job = Job(info or request.info, request, config, trained.options)
    return render_job(job, trained, slides_folder)


@contextmanager
def quiet(verbose: bool = False):
    """The libraries' notices and warnings off while we render, unless ``verbose``: a
    transparent .mov is how we make GIFs, not something asked for, so manim's notice
    about the format is noise, as are progress bars in a log."""
    if verbose:
        yield
        return
    loggers = [logging.getLogger(name) for name in ("manim", "manim-slides", "libav")]
    levels = [logger.level for logger in loggers]
    bars = os.environ.get("TQDM_DISABLE")
    try:
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        os.environ["TQDM_DISABLE"] = "1"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
        if bars is None:
            os.environ.pop("TQDM_DISABLE", None)
        else:
            os.environ["TQDM_DISABLE"] = bars


def request(scene: str, config=None, output=None, quality: str = Request.quality,
            **kwargs) -> Request:
    """A Request from the API's keyword arguments: the Request's own fields, and the
    scene's options (anything else)."""
    own = {k: kwargs.pop(k) for k in list(kwargs) if k in REQUEST_FIELDS}
    if "options" in own:
        raise ConfigError("give a scene's options as keyword arguments, e.g. precision=4")
    return Request(scene, config, output, quality, options=kwargs, **own)


def render(scene, config=None, output=None, quality: str = Request.quality, **kwargs) -> Path:
    """Render ``scene`` (a name such as "forward", or a scene class) and return the
    written file.

    ``config`` is a preset name, a .toml path or a dict; ``quality`` l, m, h or k.
    Other keywords: ``format``, ``theme``, ``lang``, ``web``, ``transparent``,
    ``poster``, ``captions``, and the scene's own options (``precision=4``, ...).
    Bad input raises ``core.errors.ConfigError`` before any training."""
    name = scene if isinstance(scene, str) else scene_name(scene)
    job = plan(request(name, config, output, quality, **kwargs))
    return render_job(job, train(job)).path


def scene_name(scene_class: type) -> str:
    """The registry's name of a scene class (or of a class made from one)."""
    for info in SCENES.values():
        if issubclass(scene_class, info.load()):
            return info.name
    raise ConfigError(f"{scene_class.__name__} is not one of the scenes: {', '.join(SCENES)}")
