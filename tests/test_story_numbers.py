"""The numbers of the story scenes' captions (what is on screen, line for line) for
the post at several precisions and for a teacher's own examples: every line survives a
calculator, and every gradient an update line uses has appeared before it."""

import os
import re
from concurrent.futures import ProcessPoolExecutor

import pytest

from core import config, trainer
from scenes import layout
from scenes.cycle import CycleScene
from scenes.pacing import HOLD
from scenes.story import MIN_TEXT_SIZE, TEX_SIZE
from tests import dry_run
from tests.arithmetic import check_line, count_checked
from tests.test_render_story import inside_safe_area, overlapping
from tests.test_targets import MAZUR

EXAMPLES = {
    "sse-biases": MAZUR,
    "full-batch": {
        "network": {"layers": [2, 2, 1], "activation": "sigmoid", "output": "sigmoid",
                    "loss": "bce", "init": "explicit",
                    "weights": [[[0.5, -0.4], [0.3, 0.8]], [[0.7], [-0.6]]]},
        "data": {"dataset": "inline", "X": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [0, 1, 1, 0]},
        "train": {"learning_rate": 0.5, "iterations": 1}},
    "mini-batch-probe-outside": {
        "network": {"layers": [2, 2, 1], "activation": "tanh", "output": "linear",
                    "loss": "mse", "seed": 3},
        "data": {"dataset": "inline", "X": [[0.3, -1.2], [1.5, 0.4], [-0.7, 0.9], [0.2, 0.2],
                                             [1.0, -1.0], [-0.5, -0.5]],
                 "y": [0.2, -0.4, 1.1, 0.0, 0.5, -0.3]},
        "train": {"learning_rate": 0.2, "iterations": 3, "batch_size": 3},
        "trace": {"probe": [5]}},
    "softmax": {
        "network": {"layers": [2, 2, 3], "activation": "tanh", "output": "softmax",
                    "loss": "ce", "seed": 2},
        "data": {"dataset": "inline", "X": [[0.5, -1.0], [1.0, 0.5], [-0.5, 0.2]],
                 "y": [2, 0, 1]},
        "train": {"learning_rate": 0.3, "iterations": 3, "batch_size": 2}},
    "relu": {
        "network": {"layers": [2, 2, 2, 1], "activation": "relu", "output": "linear",
                    "loss": "mse", "init": "normal", "init_scale": 0.6, "seed": 7},
        "data": {"dataset": "inline", "X": [[0.8, -0.3]], "y": [0.5]},
        "train": {"learning_rate": 0.1, "iterations": 3}},
    "tanh-l2": {
        "network": {"layers": [2, 2, 1], "activation": "tanh", "output": "sigmoid",
                    "loss": "bce", "seed": 4},
        "data": {"dataset": "xor", "n_samples": 12},
        "train": {"learning_rate": 0.5, "iterations": 3, "l2": 0.01, "batch_size": 4}},
}


# worked examples of up to 4 layers x 6 nodes stay legible (the layout test below)
LAYOUTS = {
    "2-2-2 biases": MAZUR,
    "2-3-3 softmax": {
        "network": {"layers": [2, 3, 3], "activation": "sigmoid", "output": "softmax",
                    "loss": "ce", "seed": 1},
        "data": {"dataset": "inline", "X": [[0.7, -0.4]], "y": [2]},
        "train": {"learning_rate": 0.5, "iterations": 1}},
    "2-4-4-1": {
        "network": {"layers": [2, 4, 4, 1], "activation": "tanh", "output": "linear",
                    "loss": "mse", "seed": 6},
        "data": {"dataset": "inline", "X": [[0.5, -1.0]], "y": [0.8]},
        "train": {"learning_rate": 0.1, "iterations": 1}},
    "3-4-2 softmax": {  # three inputs; too dense for edge labels, left to the equations
        "network": {"layers": [3, 4, 2], "activation": "tanh", "output": "softmax",
                    "loss": "ce", "init": "normal", "init_scale": 0.5, "seed": 3},
        "data": {"dataset": "inline", "X": [[1.0, -0.5, 2.0]], "y": [1]},
        "train": {"learning_rate": 0.5, "iterations": 1}},
}


def captions(job: tuple[str, str, int]) -> tuple[list[str], list]:
    """The caption cues and layout snapshots of (scene, example or "post",
    precision), from a run that draws no frames."""
    name, example, precision = job
    raw = (config.load("post") if example == "post"
           else config.resolve((EXAMPLES | LAYOUTS)[example]))
    options = {"precision": precision}
    if name == "cycle":  # as many iterations as the example runs, up to the default
        shown = next(o.default for o in CycleScene.OPTIONS if o.name == "iterations")
        options["iterations"] = min(shown, raw["train"]["iterations"])
    scene = dry_run.run_example(name, raw, options, example)
    return ([text for *_, text in scene.captions], scene.snapshots,
            list(zip(scene.snapshot_times, scene.snapshot_still)))


SCENES_WITH_NUMBERS = ("backward", "forward", "cycle")
# every precision of every equation is checked without scenes (test_arithmetic); here the
# scenes at the fewest and most decimals and the default
POST_PRECISIONS = (1, 3, 6)
JOBS = ([(name, "post", p) for name in SCENES_WITH_NUMBERS for p in POST_PRECISIONS
         if name != "cycle" or p == 3]  # the cycle writes only its losses
        + [(name, example, 3) for example in EXAMPLES for name in SCENES_WITH_NUMBERS]
        + [("backward", "2-2-2 biases", 6), ("backward", "2-3-3 softmax", 3),
           ("backward", "2-4-4-1", 3), ("backward", "3-4-2 softmax", 3)])


@pytest.fixture(scope="module")
def made() -> dict:
    """Every job's captions, made side by side (a scene takes seconds, most of it manim
    copying mobjects for its animations)."""
    longest_first = sorted(JOBS, key=lambda job: (job[0] != "backward", job[1] not in LAYOUTS))
    with ProcessPoolExecutor(max(2, os.cpu_count() or 2)) as pool:
        return dict(zip(longest_first, pool.map(captions, longest_first)))


@pytest.fixture(scope="module")
def cues(made) -> dict:
    return {job: captions for job, (captions, *_) in made.items()}


UPDATE = re.compile(r"^(\S+) ← (.+) − (.+) × (\S+) [=≈] (\S+)$")


def check(cues: list[str], precision: int) -> int:
    """Every line passes the calculator rule; every gradient in an update line was the
    result of an earlier line about the same parameter. Returns how many relations."""
    checked, seen = 0, []
    for cue in cues:
        for line in cue.split("\n"):
            assert check_line(line, precision) == [], line
            checked += count_checked(line)
            update = UPDATE.match(line)
            if update:
                name, gradient = update.group(1), update.group(4).strip("()")
                # a line of its own, or one that states it after the old value
                assert any(re.search(rf"(^|, )(mean )?∂L/∂{name}\b.* [=≈] "
                                     rf"{re.escape(gradient)}$", earlier) for earlier in seen), \
                    f"{line}: {gradient} never shown as ∂L/∂{name}"
            seen.append(line)
    said = [line for cue in cues for line in cue.split("\n")]
    approximate = any("≈" in line for line in said if not line.startswith("≈ :"))
    notes = [k for k, line in enumerate(said) if line.startswith("≈ :")]
    assert bool(notes) == approximate, "≈ explained where it is used, and only there"
    return checked


@pytest.mark.parametrize("precision", POST_PRECISIONS)
def test_the_posts_backward_pass_at_every_precision(cues, precision):
    assert check(cues["backward", "post", precision], precision) >= 30


@pytest.mark.parametrize("job", [job for job in JOBS if job[1] == "post"
                                 and job[0] in ("forward", "cycle")], ids=str)
def test_the_posts_forward_and_cycle(cues, job):
    name, _, precision = job
    assert check(cues[job], precision) >= (5 if name == "forward" else 0)


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_a_teachers_own_example(cues, example):
    backward = cues["backward", example, 3]
    assert check(backward, 3) >= 10
    assert check(cues["forward", example, 3], 3) >= 3
    check(cues["cycle", example, 3], 3)
    trace = trainer.train(config.resolve(EXAMPLES[example]))
    batch = int(trace["batch_size"][0])
    said = any("The update uses the mean gradient" in cue for cue in backward)
    assert said == (batch > 1 or not trace["probe_in_batch"][0, 0])
    if not trace["probe_in_batch"][0, 0]:
        assert "this sample is not in that batch." in "\n".join(backward)


def test_bias_updates_are_shown_where_bias_units_are_not_drawn(cues):
    lines = "\n".join(cues["backward", "3-4-2 softmax", 3]).split("\n")
    assert any(line.startswith("c₂ ←") for line in lines)


@pytest.mark.parametrize("job", [job for job in JOBS if job[1] != "post"], ids=str)
def test_worked_examples_stay_legible(made, job):
    """At every step: no two texts overlap, all are inside the frame and none is
    smaller than the post's own (long lines are broken into rows, not shrunk); and
    the lines still check out."""
    name, example, precision = job
    captions, snapshots, _ = made[job]
    check(captions, precision)
    assert sum(1 for _, texts in snapshots if texts) >= (20 if name == "backward" else 5)
    assert "MathTex" in {kind for _, texts in snapshots for kind, *_ in texts}
    for moment, texts in snapshots:
        for kind, text, (x0, y0, x1, y1), size, _ in texts:
            where = f"{example} at {moment!r}: {text!r}"
            assert inside_safe_area((x0, y0, x1, y1)), f"outside the safe area: {where}"
            least = TEX_SIZE if kind != "Text" else MIN_TEXT_SIZE
            assert size >= least - 0.5, f"too small ({size:.1f}): {where}"
        assert overlapping(texts) == [], f"{example} at {moment!r}"


def shortest_holds(snapshots: list, moments: list[tuple[float, bool]]
                   ) -> list[tuple[float, str]]:
    """For each text of the bottom area, the longest time it stood still on screen
    once complete (waits in a row while it was there), shortest first. A line shown
    again on a later screen counts again."""
    runs: dict[tuple, list[list]] = {}  # text -> [[first index, last index], ...]
    for index, (_, texts) in enumerate(snapshots):
        for kind, text, box, *_ in texts:
            if box[3] <= layout.EQ_ZONE[3] + 1e-6:
                key = (kind, text, tuple(round(v, 2) for v in box))
                seen = runs.setdefault(key, [])
                if seen and seen[-1][1] == index - 1:
                    seen[-1][1] = index
                else:
                    seen.append([index, index])
    holds = []
    for key, seen in runs.items():
        for first, last in seen:
            longest = still = 0.0
            for index in range(first + 1, last + 1):
                (before, _), (now, waited) = moments[index - 1], moments[index]
                still = still + now - before if waited else 0.0
                longest = max(longest, still)
            holds.append((longest, key[1]))
    return sorted(holds)


@pytest.mark.parametrize("job", [job for job in JOBS if job[0] != "cycle"], ids=str)
def test_every_finished_block_is_held_long_enough_to_read(made, job):
    _, snapshots, moments = made[job]
    holds = shortest_holds(snapshots, moments)
    assert holds, "the bottom area was used"
    assert holds[0][0] >= HOLD - 1e-6, holds[:3]
