"""./render.sh slides: one deck from several scenes, as a single offline HTML file
(reveal.js inlined), a PDF (one page per step) or a PPTX (one slide per step, with
its video). Speaker notes carry each step's caption."""

import logging
import os
import shutil
import tempfile
from pathlib import Path

from cli.args import Parser, UsageError
from cli.console import say
from cli.render import QUALITIES, Job, plan, render, scene_parser, train
from core import files
from scenes.registry import SCENES, STORY

ROOT = Path(__file__).resolve().parent.parent
REVEAL = ROOT / ".venv" / "reveal.js"  # unpacked from the npm package by render.sh
DECKS = ("html", "pdf", "pptx")


def slides_parser(names: list[str] | None = None) -> Parser:
    """The deck's arguments; with the scenes named, their own options too (each
    option once, checked again by every scene that declares it)."""
    parser = Parser(prog="render.sh slides",
                    description="One deck from several scenes, one slide per step.")
    parser.add_argument("scenes", nargs="*", metavar="SCENE",
                        help=f"scenes in order (default: {' '.join(STORY)})")
    parser.add_argument("-o", "--output", required=True, help="deck.html, deck.pdf or deck.pptx")
    parser.add_argument("--config", help="a preset name or a .toml path for every scene "
                                         "(default: each scene's own)")
    parser.add_argument("-q", "--quality", choices=tuple(QUALITIES), default="m")
    parser.add_argument("--theme", choices=("dark", "light"), default="dark")
    parser.add_argument("--lang", choices=("en", "ko"), default="en")
    for option in scene_options(names or []):
        option.add_to(parser, given_only=True)
    return parser


def scene_options(names: list[str]) -> list:
    """The options the named scenes declare, each name once, in order."""
    seen = {}
    for name in names:
        if name in SCENES:
            for option in SCENES[name].load().OPTIONS:
                seen.setdefault(option.name, option)
    return list(seen.values())


def parse(argv: list[str]):
    """Two passes: the scene names (found knowing every scene's options, so that an
    option's value is not taken for a name) decide which options the deck accepts."""
    first, _ = slides_parser(list(SCENES)).parse_known_args(argv)
    names = first.scenes or STORY
    unknown = [n for n in names if n not in SCENES]
    if unknown:
        raise UsageError(f"unknown scene {unknown[0]!r}; scenes: {', '.join(SCENES)}")
    args = slides_parser(names).parse_args(argv)
    args.scenes = names
    return args


def cmd_slides(argv: list[str]) -> int:
    args = parse(argv)
    dest = Path(args.output)
    kind = dest.suffix.lstrip(".").lower()
    if kind not in DECKS:
        raise UsageError(f"deck {dest} must end in .html, .pdf or .pptx")
    if kind == "html" and not (REVEAL / "dist" / "reveal.js").is_file():
        raise UsageError("reveal.js is missing from .venv; run ./render.sh once to set it up")
    files.check_output(dest)
    jobs = plan_deck(args.scenes, args, dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".slides-", dir=dest.parent))
    try:
        configs = [render_slides(job, work) for job in jobs]
        built = work / f"deck.{kind}"
        convert(kind, configs, built)
        files.publish([(built, dest)])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    steps = sum(len(c.slides) for c in configs)
    say(f"{dest} ({dest.stat().st_size / 1024:.0f} KiB, {steps} steps)")
    return 0


def plan_deck(names: list[str], args, dest: Path) -> list[Job]:
    """Every scene's inputs checked before the first one trains; each scene gets the
    deck's config and the options it declares."""
    jobs = []
    for name in names:
        argv = ["-q", args.quality, "--theme", args.theme, "--lang", args.lang,
                "-o", str(dest.with_suffix(f".{name}.mp4")), "--no-captions"]
        if getattr(args, "config", None):
            argv += ["--config", args.config]
        for option in SCENES[name].load().OPTIONS:
            if hasattr(args, option.name):
                argv += option.as_argv(getattr(args, option.name))
        jobs.append(plan(SCENES[name], scene_parser(SCENES[name]).parse_args(argv)))
    return jobs


def render_slides(job: Job, work: Path):
    """Render one scene with its slide marks kept; returns its presentation config."""
    from manim_slides.config import PresentationConfig

    logging.getLogger("manim-slides").setLevel(logging.WARNING)
    job.args.output = str(work / f"{job.info.name}.mp4")
    folder = (work / "slides").resolve()  # the deck JSON stores paths as given
    render(job.info, train(job), job.args, slides_folder=folder)
    return PresentationConfig.from_file(folder / f"{job.info.cls}.json")


def convert(kind: str, configs: list, dest: Path) -> None:
    os.environ["TQDM_DISABLE"] = "1"  # the converters' progress bars
    from manim_slides.convert import PowerPoint, RevealJS

    if kind == "html":
        RevealJS(presentation_configs=configs, one_file=True, controls="true",
                 progress="true", slide_number="true").convert_to(dest)
        inline_reveal(dest)
    elif kind == "pdf":
        fullest_pages(configs, dest)
    else:
        PowerPoint(presentation_configs=configs).convert_to(dest)


def fullest_pages(configs: list, dest: Path) -> None:
    """A PDF page per step showing the step at its fullest: the frame of its video
    that differs most from the background (a step's last frame is often after its
    equations have faded)."""
    import av
    import numpy as np
    from PIL import Image

    pages = []
    for presentation in configs:
        background = np.array(presentation.background_color.as_rgb_tuple(alpha=False))
        for slide in presentation.slides:
            best, most = None, -1
            with av.open(str(slide.file)) as movie:
                for frame in movie.decode(video=0):
                    pixels = frame.to_ndarray(format="rgb24")
                    ink = int((np.abs(pixels.astype(int) - background).sum(axis=2) > 48).sum())
                    if ink >= most:  # the last of equally full frames: the step complete
                        best, most = pixels, ink
            pages.append(Image.fromarray(best))
    pages[0].save(dest, "PDF", resolution=100.0, save_all=True, append_images=pages[1:])


def inline_reveal(html: Path) -> None:
    """Replace the reveal.js CDN links with the files' contents, so that the deck
    works offline (links to files the package does not ship are dropped), and mute
    the videos."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    # the videos are silent: muted, every one may start by itself, and no "unmute"
    # button covers a corner of the slide
    for section in soup.find_all("section", attrs={"data-background-video": True}):
        section["data-background-video-muted"] = ""
    for tag in soup.find_all(["link", "script"]):
        url = tag.get("href") or tag.get("src") or ""
        if not url.startswith(("http://", "https://")):
            continue
        local = REVEAL / url.split("/reveal.js@", 1)[-1].split("/", 1)[-1]
        if not local.is_file():
            tag.decompose()
            continue
        inline = soup.new_tag("style" if tag.name == "link" else "script")
        inline.string = local.read_text(encoding="utf-8")
        tag.replace_with(inline)
    html.write_text(str(soup), encoding="utf-8")  # still inside the work folder
