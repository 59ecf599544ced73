"""Blog and lecture outputs: web GIFs, transparent WebM, stills and slide decks."""

import re
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from core import config, trainer
from core.errors import ConfigError
from scenes.captions import parse_vtt
from scenes.decks import convert, plan_deck, render_slides
from scenes.pipeline import Request, render_trained
from scenes.settings import Settings


@pytest.fixture(scope="module")
def post_trace():
    return trainer.train(config.load("post"))


def render(scene: str, settings: Settings, path: Path, slides_folder: Path | None = None,
           **extra):
    """Render ``scene`` at 480p15 with a trace trained once."""
    request = Request(scene, settings.config_name, path, "l", **extra)
    return render_trained(request, settings, slides_folder)


def test_web_gif_loops_and_is_small(tmp_path, post_trace):
    path, scene, _ = render("forward", Settings(post_trace, "post", "dark", "en",
                                                {"precision": 3}), tmp_path / "f.gif", web=True)
    assert path.stat().st_size <= 1024 * 1024, "forward GIF at --web must be at most 1 MB"
    with Image.open(path) as gif:
        assert gif.size == (640, 360)
        assert gif.info.get("loop") == 0, "loops forever"
        assert gif.n_frames > 20
        durations = []
        for k in range(gif.n_frames):
            gif.seek(k)
            durations.append(gif.info["duration"])
        first = np.asarray(gif.convert("RGB")) if gif.seek(0) is None else None
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB"))
    assert abs(sum(durations) / 1000 - scene.renderer.time) < 0.5, "plays as long as the video"
    changed = np.any(first.astype(int) != last, axis=2).mean()
    assert changed > 0.01, "the frames show the animation"


def test_training_gif_meets_its_size_target(tmp_path):
    trace = trainer.train(config.load("moons"))
    options = {"duration": 12.0, "hold": 1.5, "schedule": "linear", "neuron_maps": None,
               "weight_labels": None}
    path, _, _ = render("training", Settings(trace, "moons", "dark", "en", options),
                        tmp_path / "t.gif", web=True)
    assert path.stat().st_size <= 2 * 1024 * 1024


def test_transparent_webm_has_alpha(tmp_path, post_trace):
    # (a short video: VP9 with an alpha plane is the slowest encoder here)
    path, _, _ = render("forward", Settings(post_trace, "post", "dark", "en",
                                            {"precision": 3, "pace": 0.25}),
                        tmp_path / "f.webm", format="webm", transparent=True)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        decoder = av.codec.CodecContext.create("libvpx-vp9", "r")  # keeps the alpha plane
        alphas = [frame.to_ndarray(format="rgba")[..., 3] for packet in
                  container.demux(stream) for frame in decoder.decode(packet)]
    assert alphas
    alpha = alphas[len(alphas) // 2]
    assert (alpha == 0).mean() > 0.5, "the background is transparent"
    assert (alpha == 255).mean() > 0.005, "the drawing is opaque"


def test_poster_is_the_last_frame(tmp_path, post_trace):
    path, _, _ = render("forward", Settings(post_trace, "post", "dark", "en",
                                            {"precision": 3, "pace": 0.25}),
                        tmp_path / "p.png", poster=True)
    with Image.open(path) as still:
        assert still.size == (854, 480)
        assert np.asarray(still.convert("RGB")).std() > 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.png"], "no captions beside a still"


@pytest.mark.parametrize("verbose", [False, True])
def test_a_render_prints_only_our_lines_unless_verbose(tmp_path, post_trace, capfd, verbose):
    """A web GIF is made from a transparent movie, which manim announces ("Output
    format changed ... to support transparency"); nobody asked for transparency, so
    only --verbose shows manim's lines."""
    import logging

    from manim import config as manim_config

    # as in a fresh process, whatever ran before: manim logs its warnings, and its
    # movies were .mp4
    logger = logging.getLogger("manim")
    level = logger.level
    manim_config.movie_file_extension = ".mp4"
    logger.setLevel(logging.INFO)
    try:
        render("chain-rule", Settings(post_trace, "post", "dark", "en", {"pace": 0.25}),
               tmp_path / "c.gif", web=True, verbose=verbose)
    finally:
        logger.setLevel(level)
    printed = "".join(capfd.readouterr())
    assert ("support transparency" in " ".join(printed.split())) == verbose, printed[-2000:]
    if not verbose:
        assert printed == ""


@pytest.fixture(scope="module")
def deck_configs(tmp_path_factory):
    work = tmp_path_factory.mktemp("deck")
    # the cycle's steps of one iteration, at a quarter of the time: every kind of step,
    # and the PDF's pages come from every frame of every step's video
    requests = [Request("forward", quality="l"),
                Request("cycle", quality="l", options={"iterations": 1, "pace": 0.25})]
    jobs = plan_deck(requests, work / "deck.pdf")
    return [render_slides(job, work) for job in jobs], work


def steps_of(configs) -> int:
    return sum(len(c.slides) for c in configs)


def test_html_deck_is_offline_with_one_section_per_step(deck_configs, tmp_path):
    configs, _ = deck_configs
    deck = tmp_path / "deck.html"
    convert("html", configs, deck)
    html = deck.read_text(encoding="utf-8")
    fetched = re.findall(r"""(?:src|href)\s*=\s*["']\s*(https?:[^"']*)""", html)
    fetched += re.findall(r"""url\(\s*["']?(https?:[^)"']*)""", html)
    assert fetched == [], "a resource would be loaded from the network"
    from bs4 import BeautifulSoup

    sections = BeautifulSoup(html, "html.parser").select("div.slides section")
    assert len(sections) == steps_of(configs) >= 10
    assert "Reveal.initialize" in html and "data:video/mp4;base64," in html


@pytest.fixture(scope="module")
def pdf_deck(deck_configs, tmp_path_factory) -> Path:
    deck = tmp_path_factory.mktemp("pdf") / "deck.pdf"
    convert("pdf", deck_configs[0], deck)
    return deck


def test_pdf_has_one_page_per_step(deck_configs, pdf_deck):
    configs, _ = deck_configs
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", pdf_deck.read_bytes())
    assert len(pages) == steps_of(configs)


def ink(pixels: np.ndarray, background) -> int:
    """Pixels unlike the background: how much is drawn."""
    return int((np.abs(pixels.astype(int) - np.array(background)).sum(axis=2) > 60).sum())


def test_pdf_pages_show_each_step_at_its_fullest(deck_configs, pdf_deck):
    """A page is the step with all its text, not its last frame after the equations
    have faded: never less drawn than that frame, and for the equation steps more."""
    import io

    configs, _ = deck_configs
    images = re.findall(rb"/Filter\s*/DCTDecode.*?stream\r?\n(.*?)endstream",
                        pdf_deck.read_bytes(), re.S)
    slides = [(c, slide) for c in configs for slide in c.slides]
    assert len(images) == len(slides)
    fuller = 0
    for image, (presentation, slide) in zip(images, slides):
        background = presentation.background_color.as_rgb_tuple(alpha=False)
        page = np.asarray(Image.open(io.BytesIO(image)).convert("RGB"))
        with av.open(str(slide.file)) as movie:
            last = [f.to_ndarray(format="rgb24") for f in movie.decode(video=0)][-1]
        assert ink(page, background) >= 0.97 * ink(last, background)
        fuller += ink(page, background) > 1.08 * ink(last, background)
    assert fuller >= 5, "the forward steps' pages keep their equations"


def test_html_deck_videos_are_muted(deck_configs, tmp_path):
    """Silent videos, muted, start by themselves: no "unmute" button over the slide."""
    from bs4 import BeautifulSoup

    configs, _ = deck_configs
    deck = tmp_path / "deck.html"
    convert("html", configs, deck)
    soup = BeautifulSoup(deck.read_text(encoding="utf-8"), "html.parser")
    videos = soup.find_all("section", attrs={"data-background-video": True})
    assert len(videos) == steps_of(configs)
    assert all(v.has_attr("data-background-video-muted") for v in videos)


def test_a_deck_of_a_teachers_own_example_passes_each_scene_its_options(tmp_path):
    from cli.slides import parse, requests

    path = tmp_path / "mine.toml"
    path.write_text(XOR_DECK, encoding="utf-8")
    args = parse(["forward", "chain-rule", "--config", str(path), "--precision", "2",
                  "--pace", "1.5", "--sample", "3", "--x", "4", "-o", "d.pdf"])
    forward, chain = plan_deck(requests(args), tmp_path / "d.pdf")
    assert forward.options == {"precision": 2, "pace": 1.5, "sample": 3}
    assert forward.config["trace"]["probe"] == [2]
    assert forward.config["data"]["X"] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert chain.options == {"precision": 2, "pace": 1.5, "x": 4.0, "y": 2.0}


def test_a_deck_compares_a_teachers_own_configs_side_by_side(tmp_path):
    """slides compare --config A B: one comparison of both runs, a page per quarter,
    each run named after its file; a scene of one config refuses two."""
    from cli.main import main
    from cli.slides import parse, requests

    configs = []
    for name, optimizer, rate in (("mine-sgd", "sgd", 0.5), ("mine-adam", "adam", 0.05)):
        configs.append(tmp_path / f"{name}.toml")
        configs[-1].write_text(f"[data]\ndataset = \"moons\"\nn_samples = 60\n[train]\n"
                               f"optimizer = \"{optimizer}\"\nlearning_rate = {rate}\n"
                               f"iterations = 40\n", encoding="utf-8")
    argv = ["compare", "--config", *map(str, configs), "--duration", "1", "-q", "l"]
    (job,) = plan_deck(requests(parse(argv + ["-o", "d.pdf"])), tmp_path / "d.pdf")
    assert [name for name, _ in job.runs] == ["mine-sgd", "mine-adam"]
    assert [run["train"]["optimizer"] for _, run in job.runs] == ["sgd", "adam"]
    assert main(["slides", *argv, "-o", str(tmp_path / "d.pdf")]) == 0
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", (tmp_path / "d.pdf").read_bytes())
    assert len(pages) == 5, "four quarters and the end"
    with pytest.raises(ConfigError, match="forward shows one config"):
        plan_deck(requests(parse(["forward", "--config", *map(str, configs), "-o", "e.pdf"])),
                  tmp_path / "e.pdf")


XOR_DECK = """
[network]
layers = [2, 2, 1]
[data]
dataset = "inline"
X = [[0, 0], [0, 1], [1, 0], [1, 1]]
y = [0, 1, 1, 0]
"""


def test_pptx_has_one_slide_per_step_with_notes(deck_configs, tmp_path):
    from pptx import Presentation

    configs, _ = deck_configs
    deck = tmp_path / "deck.pptx"
    convert("pptx", configs, deck)
    slides = list(Presentation(str(deck)).slides)
    assert len(slides) == steps_of(configs)
    notes = [s.notes_slide.notes_text_frame.text for s in slides if s.has_notes_slide]
    assert any(note.startswith("h₁ = 1 × 0.8 + 1 × 0.2 = 1.0") for note in notes)


def test_slide_steps_are_the_caption_cues(tmp_path, post_trace):
    """Each step of a scene is one slide and one caption cue."""
    path, scene, _ = render("forward", Settings(post_trace, "post", "dark", "en",
                                                {"precision": 3, "pace": 0.25}),
                            tmp_path / "f.mp4", slides_folder=tmp_path / "slides")
    cues = parse_vtt(path.with_suffix(".vtt").read_text(encoding="utf-8"))
    assert len(scene._slides) == len(cues)
    assert [s.notes for s in scene._slides] == [text for *_, text in cues]
