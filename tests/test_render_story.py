"""The post's scenes rendered at 480p: frames, layout, captions and their numbers."""

import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core import config, trainer
from core.errors import ConfigError
from scenes.captions import parse_vtt
from scenes.registry import SCENES
from scenes.settings import Settings
from scenes.story import MIN_TEXT_SIZE, TEX_SIZE, StoryScene
from tests import dry_run
from tests.arithmetic import check_line, count_checked
from tests.frames import decode

STORY = ["forward", "backward", "chain-rule", "cycle"]
FRAME_HALF_WIDTH, FRAME_HALF_HEIGHT = 8 * 854 / 480 / 2, 4.0
SAFE_MARGIN = 0.3  # scene units from every edge: 18 px at 480p, 27 px at 720p
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def post_trace():
    return trainer.train(config.load("post"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, post_trace):
    from scenes.pipeline import Request, render_trained

    out, folder = {}, tmp_path_factory.mktemp("story")
    with pytest.MonkeyPatch.context() as patch:
        for name in STORY:  # these tests look at frames, not at pacing: a quarter of the
            pace = 0.5 if name == "cycle" else 0.25  # time, but the cycle's phases as they play
            options = {"precision": 3, "pace": pace} | ({"loop": True} if name == "cycle" else {})
            settings = Settings(post_trace, "post", "dark", "en", options)
            patch.setattr(SCENES[name].load(), "records_layout", True)
            request = Request(name, "post", folder / f"{name}.mp4", "l")
            path, scene, _ = render_trained(request, settings)
            frames, duration = decode(path)
            cues = parse_vtt(path.with_suffix(".vtt").read_text(encoding="utf-8"))
            out[name] = (scene, frames, duration, cues)
    return out


@pytest.mark.parametrize("name", STORY)
def test_frames_size_duration_and_change(rendered, name):
    _, frames, duration, cues = rendered[name]
    assert frames[0].shape == (480, 854, 3)
    assert duration > 3
    assert abs(cues[-1][1] - duration) < 1.0, "captions cover the video"
    quarter, three = frames[len(frames) // 4], frames[3 * len(frames) // 4]
    assert np.abs(quarter.astype(int) - three).mean() > 0.3


@pytest.mark.parametrize("name", STORY)
def test_layout_at_every_step(rendered, name):
    scene = rendered[name][0]
    assert len(scene.snapshots) >= 5
    kinds = {kind for _, texts in scene.snapshots for kind, *_ in texts}
    assert kinds == {"MathTex", "Text"}, "the snapshots see every kind of text on screen"
    for moment, texts in scene.snapshots:
        for kind, text, (x0, y0, x1, y1), size, _ in texts:
            where = f"{name} at {moment!r}: {text!r}"
            assert inside_safe_area((x0, y0, x1, y1)), f"outside the safe area: {where}"
            least = TEX_SIZE if kind != "Text" else MIN_TEXT_SIZE
            assert size >= least - 0.5, f"too small ({size:.1f}): {where}"
        assert overlapping(texts) == [], f"{name} at {moment!r}"


def inside_safe_area(box) -> bool:
    x0, y0, x1, y1 = box
    x, y = FRAME_HALF_WIDTH - SAFE_MARGIN, FRAME_HALF_HEIGHT - SAFE_MARGIN
    return -x <= x0 and x1 <= x and -y <= y0 and y1 <= y


def overlapping(texts) -> list[tuple[str, str]]:
    """Pairs of texts whose outlines (a label along its edge is turned with it) share
    more than a hairline."""
    pairs = []
    for i, (_, a, _, _, shape_a) in enumerate(texts):
        for _, b, _, _, shape_b in texts[i + 1:]:
            if polygons_meet(shrunk(shape_a), shrunk(shape_b)):
                pairs.append((a, b))
    return pairs


def shrunk(shape, by: float = 1e-3):
    """A convex outline pulled towards its centre: touching is not overlapping."""
    cx, cy = sum(x for x, _ in shape) / len(shape), sum(y for _, y in shape) / len(shape)
    out = []
    for x, y in shape:
        length = math.hypot(x - cx, y - cy) or 1.0
        out.append((x - (x - cx) / length * by, y - (y - cy) / length * by))
    return out


def polygons_meet(a, b) -> bool:
    """Two convex polygons meet when a corner of one lies inside the other or two
    sides cross."""
    def inside(point, shape):
        signs = [(q[0] - p[0]) * (point[1] - p[1]) - (q[1] - p[1]) * (point[0] - p[0])
                 for p, q in zip(shape, shape[1:] + shape[:1])]
        return all(s > 0 for s in signs) or all(s < 0 for s in signs)

    def cross(p1, p2, q1, q2):
        def side(a, b, c):
            return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (side(p1, p2, q1) * side(p1, p2, q2) < 0
                and side(q1, q2, p1) * side(q1, q2, p2) < 0)

    if any(inside(p, b) for p in a) or any(inside(q, a) for q in b):
        return True
    return any(cross(p1, p2, q1, q2) for p1, p2 in zip(a, a[1:] + a[:1])
               for q1, q2 in zip(b, b[1:] + b[:1]))


def test_overlap_check_sees_overlaps():
    def text(name, shape):
        return ("MathTex", name, None, 46, shape)

    a = text("a", [(0, 0), (1, 0), (1, 1), (0, 1)])
    assert overlapping([a, text("b", [(0.5, 0.5), (2, 0.5), (2, 2), (0.5, 2)])]) == [("a", "b")]
    assert overlapping([a, text("c", [(1, 0), (2, 0), (2, 1), (1, 1)])]) == [], "touching"
    # a square turned by 45 degrees whose corners pass either side of a's corner
    turned = [(1.3, 0.2), (1.8, 0.7), (1.3, 1.2), (0.8, 0.7)]
    assert overlapping([a, text("d", turned)]) == [("a", "d")]
    apart = [(1.45, 0.85), (2.05, 1.45), (1.45, 2.05), (0.85, 1.45)]  # upright boxes meet
    assert overlapping([a, text("e", apart)]) == []
    crossing = [(0.4, -1), (0.6, -1), (0.6, 2), (0.4, 2)]  # no corner inside the other
    assert overlapping([a, text("f", crossing)]) == [("a", "f")]


@pytest.mark.parametrize("name", STORY)
def test_every_caption_line_checks_out(rendered, name):
    cues = rendered[name][3]
    checked = 0
    for _, _, text in cues:
        for line in text.splitlines():
            assert check_line(line, precision=3) == [], line
            checked += count_checked(line)
    assert checked >= {"forward": 8, "backward": 30, "chain-rule": 6, "cycle": 0}[name]


def last_number(lines: list[str], prefix: str) -> str:
    matches = [line for line in lines if line.startswith(prefix)]
    assert matches, f"no caption line starts with {prefix!r}"
    return re.findall(r"−?\d+\.?\d*", matches[0].split("=")[-1])[-1].replace("−", "-")


def test_post_captions_carry_the_posts_numbers(rendered, post_trace):
    tr = post_trace
    lines = [line for name in ("forward", "backward") for *_, text in rendered[name][3]
             for line in text.splitlines()]
    sub = "₁₂₃"
    for j in range(3):
        assert abs(float(last_number(lines, f"h{sub[j]} =")) - tr["Z0"][0, 0, j]) <= 5e-4
    assert [last_number(lines, f"σ(h{sub[j]}) =") for j in range(3)] == ["0.731", "0.786",
                                                                         "0.690"]
    assert last_number(lines, "ŷ =") == "1.233"
    assert last_number(lines, "L =") == "0.760"
    for layer, letter in ((0, "w"), (1, "v")):
        fan_in, fan_out = tr[f"W{layer}"].shape[1:]
        for a in range(fan_in):
            for b in range(fan_out):
                name = f"{letter}{sub[a]}{sub[b]}"
                grad = float(last_number(lines, f"∂L/∂{name} ="))
                assert abs(grad - tr[f"dW{layer}"][0][a, b]) <= 5e-4, name
                new = float(last_number(lines, f"{name} ←"))
                assert abs(new - tr[f"W{layer}"][1][a, b]) <= 5e-4, name
    second = [line for line in lines if line.startswith("forward (iteration 1)")]
    assert second and f"{tr['probe_loss'][1, 0]:.3f}" in second[0]


def test_chain_rule_numbers_come_from_the_options(post_trace):
    scene = dry_run.run(SCENES["chain-rule"].load(), Settings(
        post_trace, "post", "dark", "en", {"precision": 3, "x": 3.0, "y": -1.0}))
    text = "\n".join(cue for *_, cue in scene.captions)
    assert "t = x + y = 3 + (−1) = 2" in text and "∂z/∂t = 2t = 2 × 2 = 4" in text
    assert "2 × 3 + 2 × (−1) = 4" in text


def test_chain_rule_with_rounded_inputs_says_approx_where_a_calculator_differs(post_trace):
    """x = 1.23456 is shown as 1.235: (3.335)² is 11.122 on a calculator, but z is 11.119."""
    scene = dry_run.run(SCENES["chain-rule"].load(), Settings(
        post_trace, "post", "dark", "en", {"precision": 3, "x": 1.23456, "y": 2.1}))
    lines = [line for *_, text in scene.captions for line in text.split("\n")]
    assert "z = t² = 3.335² ≈ 11.119" in lines
    assert "forward pass: t = x + y = 1.235 + 2.1 = 3.335" in lines
    assert any(line.startswith("≈ :") for line in lines), "≈ explained"
    checked = 0
    for line in lines:
        assert check_line(line, 3) == [], line
        checked += count_checked(line)
    assert checked >= 5


def test_cycle_loops_and_loss_ticks_down(rendered, post_trace):
    _, frames, _, cues = rendered["cycle"]
    assert np.abs(frames[0].astype(int) - frames[-1]).mean() < 1.0, "last frame = first"
    # each iteration's loss, and the last update's, computed at its error phase
    losses = [float(re.search(r"L = (−?\d+\.\d+)", text)[1].replace("−", "-"))
              for *_, text in cues if text.startswith("loss:")]
    # (two iterations by default: three losses, the last after the second update)
    assert len(losses) == 3 and losses == sorted(losses, reverse=True)
    assert len(set(losses)) == 3


def test_cycle_names_each_phase_as_it_plays(rendered):
    """Halfway through each of a phase's cues (its word lights as it starts, and the
    last cue's may dim as the next iteration starts), its word (forward, error,
    backward, update) is lit in its colour and the words of other colours are not."""
    from scenes.settings import load_theme
    from tests.frames import hex_rgb, to_pixel

    scene, frames, _, cues = rendered["cycle"]
    theme = load_theme("dark")
    colours = [hex_rgb(theme[key]) for key in scene.PHASE_COLOURS]
    fps = len(frames) / cues[-1][1]

    def lit(frame, word, colour) -> int:
        (x0, y0, x1, y1) = layout_box(word)
        (r1, c0), (r0, c1) = to_pixel((x0, y0), frame.shape), to_pixel((x1, y1), frame.shape)
        region = frame[r0:r1 + 1, c0:c1 + 1].astype(float)
        return int((np.abs(region - colour).sum(axis=2) < 60).sum())

    # every cue of the first two iterations by the phase it names (a phase may have
    # several, one per block of lines; the note on ≈, a cue of its own, is no phase)
    words = [scene.labels[key] for key in ("forward", "loss", "backward", "update")]
    third = next(k for k, cue in enumerate(cues) if cue[2].startswith(f"{words[0]} (") and
                 cue[2].split("\n")[0].endswith(" 2)"))
    phases = [(k, n) for k, cue in enumerate(cues[:third]) for n, word in enumerate(words)
              if cue[2].startswith(word)]
    named = [n for _, n in phases]
    in_turn = [n for k, n in enumerate(named) if k == 0 or n != named[k - 1]]
    assert in_turn == [0, 1, 2, 3, 0, 1, 2, 3], "each phase in turn, each several cues long"
    for k, phase in phases:
        middle = (cues[k][0] + cues[k + 1][0]) / 2
        frame = frames[min(int(middle * fps), len(frames) - 1)]
        assert lit(frame, scene.phase_words[phase], colours[phase]) > 15, (k, cues[k][2])
        for other, word in enumerate(scene.phase_words):
            if not np.array_equal(colours[other], colours[phase]):
                assert lit(frame, word, colours[phase]) == 0, (k, other)


def test_large_networks_are_rejected_before_training():
    big = config.resolve({"network": {"layers": [2, 8, 1]}})
    with pytest.raises(ConfigError, match="at most 4 layers of up to 6 nodes"):
        StoryScene.check_config(big, {"precision": 3})
    StoryScene.check_config(config.load("post"), {"precision": 3})


def test_numbers_too_large_to_write_are_rejected_before_rendering(post_trace):
    from scenes.backward import BackwardScene
    from scenes.forward import ForwardScene

    raw = config.load("post")  # linear, x₂ = 1000: ŷ = 340.71 and L = 58041.7 fit on screen,
    raw["network"]["activation"] = "linear"  # but ∂L/∂w of x₂ is 306639 and the update
    raw["network"]["weights"][0][1] = [0.2, 0.2, 0.2]  # explodes
    raw["data"]["X"] = [[1.0, 1000.0]]
    trace = trainer.train(raw)
    ForwardScene.check_trace(trace, {"precision": 3})
    with pytest.raises(ConfigError, match="below 100000"):
        BackwardScene.check_trace(trace, {"precision": 3})
    BackwardScene.check_trace(post_trace, {"precision": 3})


def test_korean_labels_and_plain_manim(tmp_path, post_trace):
    from scenes.pipeline import Request, render_trained

    # one iteration (its counter's words come with the next), at a quarter of the time
    options = {"precision": 3, "iterations": 1, "pace": 0.25}
    settings = Settings(post_trace, "post", "dark", "ko", options)
    request = Request("cycle", "post", tmp_path / "ko.mp4", "l", lang="ko", options=options)
    path, _, _ = render_trained(request, settings)
    captions = path.with_suffix(".vtt").read_text(encoding="utf-8")
    assert "순전파 (반복 1)" in captions, "the iteration counted in Korean"
    # the classes also run under the plain manim command (construct only, no video)
    result = subprocess.run([sys.executable, "-m", "manim", "--dry_run", "-ql",
                             "scenes/forward.py", "ForwardScene"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB pixels (..., 3) in 0..255."""
    c = rgb / 255.0
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def contrast(rgb: np.ndarray, background: np.ndarray) -> np.ndarray:
    a, b = luminance(rgb), luminance(background)
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_every_edge_and_text_stands_out_from_the_background(tmp_path, post_trace, rendered,
                                                             theme, monkeypatch):
    """On the last frame of forward: each edge (sampled along its middle, away from
    labels and nodes) and each text reaches 3:1 contrast against the background,
    the least a projected line needs to be seen."""
    from scenes.pipeline import Request, render_trained
    from scenes.settings import load_theme
    from tests.frames import hex_rgb, to_pixel

    if theme == "dark":
        scene, frames = rendered["forward"][:2]
    else:
        request = Request("forward", "post", tmp_path / "f.mp4", "l", theme="light",
                          captions=False)
        monkeypatch.setattr(SCENES["forward"].load(), "records_layout", True)
        path, scene, _ = render_trained(request, Settings(post_trace, "post", "light", "en",
                                                          {"precision": 3, "pace": 0.25}))
        frames, _ = decode(path)
    frame, background = frames[-1].astype(float), hex_rgb(load_theme(theme)["background"])
    texts = scene.snapshots[-1][1]
    covered = [box for *_, box, _, _ in texts]
    covered += [layout_box(node) for node in scene.net.diagram.all_nodes()]

    def best(point) -> float:
        row, col = to_pixel(point, frame.shape)
        window = frame[max(row - 2, 0):row + 3, max(col - 2, 0):col + 3].reshape(-1, 3)
        return float(contrast(window, background).max())

    edges = [e for layer in range(len(scene.net.diagram.edges))
             for e in scene.net.diagram.layer_edges(layer)]
    for edge in edges:
        start, end = edge.get_start(), edge.get_end()
        points = [start + f * (end - start) for f in np.linspace(0.15, 0.85, 29)]
        free = [p for p in points if not any(x0 - 0.05 <= p[0] <= x1 + 0.05
                                             and y0 - 0.05 <= p[1] <= y1 + 0.05
                                             for x0, y0, x1, y1 in covered)]
        assert len(free) >= 3, "an edge hidden under labels"
        assert float(np.median([best(p) for p in free])) >= 3.0, f"{theme}: a faint edge"
    for _, text, (x0, y0, x1, y1), _, _ in texts:
        (r1, c0), (r0, c1) = to_pixel((x0, y0), frame.shape), to_pixel((x1, y1), frame.shape)
        region = frame[r0:r1 + 1, c0:c1 + 1].reshape(-1, 3)
        assert float(contrast(region, background).max()) >= 3.0, f"{theme}: {text!r} is faint"


def layout_box(mobject):
    from scenes.layout import box
    return box(mobject)
