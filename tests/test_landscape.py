"""The loss landscape: the plane's loss against the trainer's own loss function, the
projection against an independent least-squares fit, the arrows against the recorded
gradients and finite differences, the exact mode against the trace; the scene's
numbers, picture and refusals."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core import config, trainer
from core.errors import ConfigError
from core.landscape import flatten, landscape, targets_of, unflatten
from core.network import total_loss
from core.notation import every_name, parameter
from scenes.glyphs import MonoNumber
from scenes.landscape import INTRO, LandscapeScene
from scenes.layout import box, inside_safe_area, overlap
from scenes.numerals import compact, loss_text
from scenes.options import resolve
from scenes.settings import Settings
from scenes.tex import Words
from tests import dry_run
from tests.frames import decode, hex_rgb, to_pixel

ROOT = Path(__file__).resolve().parent.parent
SMALL_MOONS = {"network": {"layers": [2, 5, 1]},
               "data": {"n_samples": 60, "standardize": True},
               "train": {"learning_rate": 0.8, "iterations": 40, "l2": 0.01},
               "trace": {"grid": 20, "frames": 10, "neuron_grid": 0}}
# one config per output and loss: bce, ce (softmax), mse (regression), sse without biases
CASES = {
    "bce": SMALL_MOONS,
    "ce": {"network": {"layers": [2, 4, 3], "output": "softmax", "loss": "ce"},
           "data": {"dataset": "blobs", "classes": 3, "n_samples": 45},
           "train": {"iterations": 25, "optimizer": "adam", "learning_rate": 0.05}},
    "mse": {"network": {"layers": [1, 6, 1], "output": "linear", "loss": "mse",
                        "activation": "relu"},
            "data": {"dataset": "sine", "n_samples": 40},
            "train": {"iterations": 30, "optimizer": "momentum", "learning_rate": 0.05}},
    "sse": {"network": {"layers": [2, 3, 2], "output": "linear", "loss": "sse",
                        "bias": False, "activation": "sigmoid"},
            "data": {"dataset": "inline", "X": [[1, 1], [0, 1], [1, 0]],
                     "y": [[0, 1], [1, 0], [0.5, 0.5]]},
            "train": {"iterations": 20, "learning_rate": 0.5}},
}


def trained(raw: dict):
    return trainer.train(config.resolve(raw))


@pytest.fixture(scope="module")
def runs():
    return {name: trained(raw) for name, raw in CASES.items()}


def direct_loss(trace, theta: np.ndarray) -> float:
    """The trainer's loss function at one weight vector."""
    net = trace.network(0)
    net.weights, net.biases = unflatten(theta, trace.layers, net.bias)
    return total_loss(net, trace.X, targets_of(trace))


@pytest.mark.parametrize("name", CASES)
def test_the_planes_loss_is_the_trainers_loss_at_sampled_points(runs, name):
    trace = runs[name]
    land = landscape(trace, grid=12)
    rng = np.random.default_rng(3)
    for i, j in rng.integers(0, 12, size=(8, 2)):
        theta = land.point(land.a[j], land.b[i])
        assert land.loss[i, j] == pytest.approx(direct_loss(trace, theta), rel=1e-10,
                                                abs=1e-12)


@pytest.mark.parametrize("name", CASES)
def test_each_state_is_projected_as_least_squares_would(runs, name):
    trace = runs[name]
    land = landscape(trace, grid=5)
    states = flatten(trace)
    assert land.directions @ land.directions.T == pytest.approx(np.eye(2), abs=1e-12)
    basis = land.directions.T
    for t in (0, len(states) // 2, len(states) - 1):
        move = states[t] - states[-1]
        coords, *_ = np.linalg.lstsq(basis, move, rcond=None)
        assert land.path[t] == pytest.approx(coords, abs=1e-10)
        assert land.off_plane[t] == pytest.approx(np.linalg.norm(move - basis @ coords),
                                                  abs=1e-10)
    assert land.path[-1] == pytest.approx([0, 0]) and land.off_plane[-1] == 0
    assert np.all(land.path[0] <= 0), "the path starts on the axes' negative side"
    assert 0 < land.explained.sum() <= 1 + 1e-12 and land.explained[0] >= land.explained[1]


def test_no_other_plane_holds_the_path_closer_than_the_principal_one(runs):
    """The two directions are the run's main ones: random planes through the last state
    leave the path further away, on average."""
    trace = runs["bce"]
    land = landscape(trace, grid=5)
    moves = flatten(trace) - flatten(trace)[-1]
    own = (land.off_plane ** 2).sum()
    rng = np.random.default_rng(0)
    for _ in range(20):
        basis, _ = np.linalg.qr(rng.normal(size=(moves.shape[1], 2)))
        rest = moves - (moves @ basis) @ basis.T
        assert (rest ** 2).sum() >= own - 1e-9


def test_the_arrows_are_minus_the_recorded_full_batch_gradients(runs):
    trace = runs["bce"]
    land = landscape(trace, grid=5)
    n = trace.n_weight_layers
    for t in (0, 17, trace.n_states - 2):
        recorded = np.concatenate([trace[f"dW{i}"][t].ravel() for i in range(n)]
                                  + [trace[f"db{i}"][t] for i in range(n)])
        assert land.descent[t] == pytest.approx(-(land.directions @ recorded), abs=1e-12)
        assert land.gradient_norm[t] == pytest.approx(np.linalg.norm(recorded), rel=1e-12)


def post_over(names: list[str], **train) -> dict:
    raw = config.load("post")
    raw["train"] |= {"trainable": names, "iterations": 30, "learning_rate": 0.5} | train
    return raw


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_only_the_trainable_parameters_move(optimizer):
    trace = trainer.train(post_over(["w11", "v21"], optimizer=optimizer))
    states = flatten(trace)
    moved = np.flatnonzero(np.any(states != states[0], axis=0))
    # θ: w (2 x 3, row-major) then v (3 x 1): w₁₁ is index 0, v₂₁ index 6 + 1
    assert moved.tolist() == [0, 7]


def test_the_exact_surface_is_the_runs_loss_and_its_slopes():
    trace = trainer.train(post_over(["w11", "v21"]))
    land = landscape(trace, ["w11", "v21"], grid=20)
    assert land.mode == "exact" and land.names == ("w₁₁", "v₂₁")
    assert land.path[:, 0] == pytest.approx(trace["W0"][:, 0, 0])
    assert land.path[:, 1] == pytest.approx(trace["W1"][:, 1, 0])
    assert np.all(land.off_plane == 0)
    h = 1e-6
    for t in range(trace.n_states):
        a, b = land.path[t]
        assert direct_loss(trace, land.point(a, b)) == pytest.approx(trace.loss[t], abs=1e-15)
        slope_a = (direct_loss(trace, land.point(a + h, b))
                   - direct_loss(trace, land.point(a - h, b))) / (2 * h)
        slope_b = (direct_loss(trace, land.point(a, b + h))
                   - direct_loss(trace, land.point(a, b - h))) / (2 * h)
        assert -land.descent[t] == pytest.approx([slope_a, slope_b], abs=1e-7)


def test_the_exact_mode_needs_a_run_where_only_its_weights_learned():
    trace = trainer.train(config.load("post"))
    with pytest.raises(ConfigError, match="train.trainable"):
        landscape(trace, ["w11", "v21"])


@pytest.mark.parametrize(("typed", "layers", "label", "where"), [
    ("w12", [2, 3, 1], "w₁₂", ("W", 0, 0, 1)),
    ("w₂₃", [2, 3, 1], "w₂₃", ("W", 0, 1, 2)),
    ("v31", [2, 3, 1], "v₃₁", ("W", 1, 2, 0)),
    ("b2", [2, 3, 1], "b₂", ("b", 0, 0, 1)),
    ("c1", [2, 3, 1], "c₁", ("b", 1, 0, 0)),
    ("w1_12", [2, 12, 1], "w₁,₁₂", ("W", 0, 0, 11)),
    ("u21", [2, 4, 4, 1], "u₂₁", ("W", 2, 1, 0)),
])
def test_parameter_names_follow_the_notation_key(typed, layers, label, where):
    found = parameter(typed, layers)
    assert found.label == label and (found.kind, found.layer, found.row, found.col) == where


@pytest.mark.parametrize(("typed", "layers"), [
    ("w13", [2, 2, 1]), ("w31", [2, 3, 1]), ("v12", [2, 3, 1]), ("u11", [2, 3, 1]),
    ("w112", [2, 12, 1]), ("x11", [2, 3, 1]), ("b4", [2, 3, 1]), ("w1", [2, 3, 1]),
    ("", [2, 3, 1]), ("w11; import os", [2, 3, 1]),
])
def test_names_a_network_does_not_have_are_refused_with_its_names(typed, layers):
    first = "w1_1" if max(layers) > 9 else "w11"
    with pytest.raises(ConfigError, match=f"its names: {first}, "):
        parameter(typed, layers)


def test_every_name_lists_what_parameter_accepts():
    layers = [2, 3, 2]
    names = every_name(layers)
    assert len(names) == 2 * 3 + 3 + 3 * 2 + 2
    assert [parameter(n, layers).label for n in names][:4] == ["w₁₁", "w₁₂", "w₁₃", "w₂₁"]
    assert not [n for n in every_name(layers, bias=False) if n[0] in "bcd"]


# --- the scene -----------------------------------------------------------------------

def run_scene(raw: dict, **opts):
    options = resolve(LandscapeScene.OPTIONS, {"duration": 2.0, "hold": 0.5} | opts)
    raw = LandscapeScene.adapt_config(config.resolve(raw), options)
    LandscapeScene.check_config(raw, options)
    return dry_run.run(LandscapeScene, Settings(trainer.train(raw), "x", "dark", "en",
                                                options))


@pytest.fixture(scope="module")
def scenes():
    return {"pca": run_scene(SMALL_MOONS),
            "exact": run_scene(config.load("post"), weights="w11,v21")}


def test_the_readouts_and_captions_carry_the_traces_numbers(scenes):
    pca, exact = scenes["pca"], scenes["exact"]
    for scene in (pca, exact):
        last = scene.trace.n_states - 1
        assert scene.values_at(last)["run_loss"] == loss_text(float(scene.trace.loss[-1]))
        assert scene.iteration.text == str(last)
        assert f"{loss_text(float(scene.trace.loss[-1]))}" in scene.captions[-1][2]
        assert len(scene.captions) == 6  # intro, four phases, the end
    trace = exact.trace
    for t in (0, 3, 9):  # full batch: each update's own gradient
        assert exact.values_at(t)["w₁₁"] == compact(float(trace["dW0"][t][0, 0]), 3)
        assert exact.values_at(t)["v₂₁"] == compact(float(trace["dW1"][t][1, 0]), 3)
    assert "w₁₁: 0.800 → " in exact.captions[-1][2]
    assert f"{trace['W1'][-1][1, 0]:.3f}".replace("-", "−") in exact.captions[-1][2]
    d = f"{pca.land.off_plane.max():.2f}"
    assert f"by up to {d}" in pca.captions[-1][2]
    assert "All 21 weights and biases" in pca.captions[0][2]  # 2·5 + 5 + 5·1 + 1


def test_the_slice_readout_is_the_surface_under_the_ball(scenes):
    scene = scenes["pca"]
    land = scene.land
    for t in (0, 20):
        theta = land.point(*land.path[t])
        assert scene.values_at(t)["slice_loss"] == loss_text(direct_loss(scene.trace, theta))


def texts(mobject):
    """Every word and number in a mobject's family (a text's glyphs not split up)."""
    if isinstance(mobject, (Words, MonoNumber)):
        yield mobject
    else:
        for part in mobject.submobjects:
            yield from texts(part)


def test_texts_stay_apart_and_in_the_frame(scenes):
    for name, scene in scenes.items():
        shown = [m for top in scene.mobjects for m in texts(top)]
        assert len(shown) >= 20, name
        boxes = [box(m) for m in shown] + [box(scene.surface.image)]
        for k, b in enumerate(boxes):
            what = shown[k].text if k < len(shown) else "the plane"
            assert inside_safe_area(b), (name, what)
            assert overlap(b, boxes[k + 1:], pad=0.04) == 0, (name, what)


def test_the_video_ends_with_the_ball_on_the_last_state(tmp_path):
    from scenes.pipeline import Request, render_trained

    options = resolve(LandscapeScene.OPTIONS, {"duration": 1.0, "hold": 0.4, "grid": 20})
    settings = Settings(trained(SMALL_MOONS), "m", "dark", "en", options)
    path, scene, captions = render_trained(Request("landscape", "m", tmp_path / "m.mp4", "l"),
                                           settings)
    frames, duration = decode(path)
    assert frames[0].shape[:2] == (480, 854)
    assert duration == pytest.approx(INTRO + 1.0 + 0.4, abs=0.15)  # intro, descent, hold
    ring = hex_rgb(scene.look.theme["text"])
    for frame, state in ((frames[0], 0), (frames[-1], -1)):
        centre = scene.surface.path_points[state]
        radius = scene.surface.ball.width / 2
        around = [to_pixel(centre + radius * np.array([np.cos(a), np.sin(a), 0]), frame.shape)
                  for a in np.linspace(0, 2 * np.pi, 24, endpoint=False)]
        on_ring = [np.abs(frame[y, x].astype(float) - ring).max() < 60 for y, x in around]
        assert sum(on_ring) >= 12, f"the ball's ring at state {state}"
    assert captions is not None and captions.read_text().count("-->") == 6


BAD = {
    ("--weights", "w11"): "exactly two parameter names",
    ("--weights", "w11,w99"): "its names: w11",
    ("--weights", "w11,w11"): "twice",
    ("--config", "post", "--weights", "q1,v21"): "is not a parameter",
}


@pytest.mark.parametrize("args", BAD)
def test_bad_input_is_one_line_exit_2_and_no_file(tmp_path, args):
    out = tmp_path / "out.mp4"
    done = subprocess.run([sys.executable, "-m", "cli", "landscape", *args, "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert BAD[args] in lines[0] and not list(tmp_path.iterdir())


def test_a_run_too_short_for_two_directions_is_refused_before_training():
    raw = config.resolve(SMALL_MOONS | {"train": {"iterations": 1}})
    with pytest.raises(ConfigError, match="at least 2 steps"):
        LandscapeScene.check_config(raw, resolve(LandscapeScene.OPTIONS, {}))
    bad = config.resolve(SMALL_MOONS | {"train": {"trainable": ["w11", "w77"]}})
    with pytest.raises(ConfigError, match="train.trainable: 'w77'"):
        trainer.check(bad)


def test_korean_words_draw_subscripts_at_full_size():
    """NanumGothic's subscript digits are specks: names such as w₁₁ take the Latin font's."""
    from scenes.layout import FONTS
    from scenes.panels import Look

    look = Look({"muted": "#9aa3b2"}, {}, FONTS["ko"])
    letter, *digits = look.words("w₁₁", 40).submobjects
    assert all(d.height >= 0.6 * letter.height for d in digits)
    assert look.words("학습", 40).height > 0.2, "Korean keeps its own font"


def test_weights_and_updates_set_what_the_run_trains():
    options = resolve(LandscapeScene.OPTIONS, {"weights": "w₁₁, v21", "updates": 25})
    raw = LandscapeScene.adapt_config(config.load("post"), options)
    assert raw["train"]["trainable"] == ["w₁₁", "v21"] and raw["train"]["iterations"] == 25
    assert config.load("post")["train"]["iterations"] == 10, "the preset itself is unchanged"
    trace = trainer.train(raw)
    assert trace.n_states == 26
    assert landscape(trace, ["w11", "v₂₁"], grid=4).names == ("w₁₁", "v₂₁")


@pytest.mark.parametrize("name", ["forward", "backward", "cycle"])
def test_the_story_scenes_refuse_a_run_that_keeps_weights_still(name):
    """Their update lines say every weight moves: a frozen one would contradict them."""
    from scenes.registry import SCENES

    scene = SCENES[name].load()
    raw = post_over(["w11", "v21"])
    options = resolve(scene.OPTIONS, {})
    with pytest.raises(ConfigError, match="train.trainable keeps some weights still"):
        scene.check_config(raw, options)
