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


def slides_parser() -> Parser:
    parser = Parser(prog="render.sh slides",
                    description="One deck from several scenes, one slide per step.")
    parser.add_argument("scenes", nargs="*", metavar="SCENE",
                        help=f"scenes in order (default: {' '.join(STORY)})")
    parser.add_argument("-o", "--output", required=True, help="deck.html, deck.pdf or deck.pptx")
    parser.add_argument("-q", "--quality", choices=tuple(QUALITIES), default="m")
    parser.add_argument("--theme", choices=("dark", "light"), default="dark")
    parser.add_argument("--lang", choices=("en", "ko"), default="en")
    return parser


def cmd_slides(argv: list[str]) -> int:
    args = slides_parser().parse_args(argv)
    dest = Path(args.output)
    kind = dest.suffix.lstrip(".").lower()
    if kind not in DECKS:
        raise UsageError(f"deck {dest} must end in .html, .pdf or .pptx")
    names = args.scenes or STORY
    unknown = [n for n in names if n not in SCENES]
    if unknown:
        raise UsageError(f"unknown scene {unknown[0]!r}; scenes: {', '.join(SCENES)}")
    if kind == "html" and not (REVEAL / "dist" / "reveal.js").is_file():
        raise UsageError("reveal.js is missing from .venv; run ./render.sh once to set it up")
    files.check_output(dest)
    jobs = plan_deck(names, args, dest)
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
    """Every scene's inputs checked before the first one trains."""
    return [plan(SCENES[name], scene_parser(SCENES[name]).parse_args(
        ["-q", args.quality, "--theme", args.theme, "--lang", args.lang,
         "-o", str(dest.with_suffix(f".{name}.mp4")), "--no-captions"])) for name in names]


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
    from manim_slides.convert import PDF, PowerPoint, RevealJS

    if kind == "html":
        RevealJS(presentation_configs=configs, one_file=True, controls="true",
                 progress="true", slide_number="true").convert_to(dest)
        inline_reveal(dest)
    elif kind == "pdf":
        PDF(presentation_configs=configs).convert_to(dest)
    else:
        PowerPoint(presentation_configs=configs).convert_to(dest)


def inline_reveal(html: Path) -> None:
    """Replace the reveal.js CDN links with the files' contents, so that the deck
    works offline; links to files the package does not ship are dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
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
