"""Slide decks: one deck from several scenes, as a single offline HTML file
(reveal.js inlined), a PDF (one page per step) or a PPTX (one slide per step, with
its video). Speaker notes carry each step's caption."""

import logging
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from core import files
from core.errors import ConfigError
from scenes.pipeline import Job, Request, plan, quiet, render_job, train
from scenes.registry import SCENES, STORY

ROOT = Path(__file__).resolve().parent.parent
REVEAL = ROOT / ".venv" / "reveal.js"  # unpacked from the npm package by render.sh
DECKS = ("html", "pdf", "pptx")


def check_deck(output) -> Path:
    """The deck's file, checked before any work."""
    dest = Path(output)
    kind = dest.suffix.lstrip(".").lower()
    if kind not in DECKS:
        raise ConfigError(f"deck {dest} must end in .html, .pdf or .pptx")
    if kind == "html" and not (REVEAL / "dist" / "reveal.js").is_file():
        raise ConfigError("reveal.js is missing from .venv; run ./render.sh once to set it up")
    return files.check_output(dest)


def plan_deck(requests: list[Request], dest: Path) -> list[Job]:
    """Every scene's inputs checked before the first one trains; each clip is an
    intermediate file beside the deck, without captions (the notes carry them)."""
    return [plan(replace(r, output=dest.with_suffix(f".{r.scene}.mp4"), captions=False,
                         format=None, web=False, poster=False, transparent=False))
            for r in requests]


def build_deck(jobs: list[Job], dest: Path) -> int:
    """Render the planned scenes with their slide marks and write the deck; returns
    the number of steps."""
    kind = dest.suffix.lstrip(".").lower()
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".slides-", dir=dest.parent))
    try:
        configs = [render_slides(job, work) for job in jobs]
        built = work / f"deck.{kind}"
        with quiet(any(job.request.verbose for job in jobs)):
            convert(kind, configs, built)
        files.publish([(built, dest)])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return sum(len(c.slides) for c in configs)


def deck(output, scenes: list[str] | None = None, config=None, quality: str = Request.quality,
         theme=Request.theme, lang: str = Request.lang, verbose: bool = False,
         **options) -> Path:
    """Render ``scenes`` (default: the post's story) into one deck and return its path:
    .html, .pdf or .pptx. Each scene takes the options it declares; ``config`` is one
    config for every scene, or a list of them for a comparison's runs."""
    dest = check_deck(output)
    names = list(scenes or STORY)
    unknown = [n for n in names if n not in SCENES]
    if unknown:
        raise ConfigError(f"unknown scene {unknown[0]!r}; scenes: {', '.join(SCENES)}")
    requests = []
    for name in names:
        own = {o.name for o in SCENES[name].load().OPTIONS}
        requests.append(Request(name, config, quality=quality, theme=theme, lang=lang,
                                options={k: v for k, v in options.items() if k in own},
                                verbose=verbose))
    taken = set().union(*({o.name for o in SCENES[n].load().OPTIONS} for n in names))
    extra = sorted(set(options) - taken)
    if extra:
        raise ConfigError(f"option {extra[0]!r} is taken by none of: {', '.join(names)}")
    build_deck(plan_deck(requests, dest), dest)
    return dest


def render_slides(job: Job, work: Path):
    """Render one scene with its slide marks kept; returns its presentation config."""
    from manim_slides.config import PresentationConfig

    logging.getLogger("manim-slides").setLevel(logging.WARNING)
    job.request.output = work / f"{job.info.name}.mp4"
    folder = (work / "slides").resolve()  # the deck JSON stores paths as given
    render_job(job, train(job), slides_folder=folder)
    return PresentationConfig.from_file(folder / f"{job.info.cls}.json")


def convert(kind: str, configs: list, dest: Path) -> None:
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
