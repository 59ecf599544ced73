"""The gradients scene and core/depth.py: bar sizes against finite differences, the
path's chain against a hand-made forward pass and against ∂L/∂b of a one-unit chain,
marked units against their slopes, the scene's numbers and captions against the trace.
"""

import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core import config, depth, trainer
from core.errors import ConfigError
from scenes.captions import parse_vtt
from scenes.gradients import GROW, HOLD_STEP, INTRO, GradientsScene
from scenes.layout import box, inside_safe_area, overlap
from scenes.numerals import loss_text, significant
from scenes.options import resolve
from scenes.settings import Settings
from tests import dry_run
from tests.frames import decode, hex_rgb, to_pixel
from tests.test_landscape import texts

ROOT = Path(__file__).resolve().parent.parent
DEEP = {"network": {"layers": [2, 4, 4, 4, 1], "activation": "sigmoid", "output": "sigmoid",
                    "loss": "bce"},
        "data": {"dataset": "circles", "n_samples": 60, "standardize": True},
        "train": {"optimizer": "sgd", "learning_rate": 0.5, "iterations": 30, "l2": 0.0},
        "trace": {"grid": 20, "frames": 10, "neuron_grid": 0}}
CHAIN = {"network": {"layers": [2, 1, 1, 1, 1], "activation": "sigmoid", "output": "sigmoid",
                     "loss": "bce"},
         "data": {"dataset": "moons", "n_samples": 20},
         "train": {"iterations": 5, "l2": 0.0},
         "trace": {"grid": 10, "frames": 4, "neuron_grid": 0}}


def trained(raw: dict, **changes):
    raw = {section: dict(keys) for section, keys in raw.items()}
    for key, value in changes.items():
        section, name = key.split("__")
        raw[section][name] = value
    return trainer.train(config.resolve(raw))


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def bce(p, y):
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def own_forward(weights, biases, x, activation=sigmoid):
    """z and a of every layer for one sample, written out here (sigmoid output)."""
    zs, acts, a = [], [], x
    for i, (w, b) in enumerate(zip(weights, biases)):
        z = a @ w + b
        a = sigmoid(z) if i == len(weights) - 1 else activation(z)
        zs.append(z)
        acts.append(a)
    return zs, acts


@pytest.fixture(scope="module")
def deep():
    return trained(DEEP)


def test_each_bar_is_the_mean_size_of_the_layers_gradient_by_finite_differences(deep):
    sizes = depth.layer_sizes(deep)
    X, y = deep.X, np.ravel(deep.y)
    for t in (0, 7, 29):  # the whole training set is the batch (60 < 200)
        weights, biases = deep.weights(t), deep.biases(t)
        for layer in range(len(weights)):
            slopes = []
            for index in np.ndindex(weights[layer].shape):
                step, losses = 1e-6, []
                for sign in (1, -1):
                    changed = [w.copy() for w in weights]
                    changed[layer][index] += sign * step
                    losses.append(bce(own_forward(changed, biases, X)[1][-1].ravel(), y))
                slopes.append((losses[0] - losses[1]) / (2 * step))
            assert sizes[t, layer] == pytest.approx(np.mean(np.abs(slopes)), rel=1e-4, abs=1e-11)


def test_a_one_unit_chain_multiplies_out_to_the_first_layers_bias_gradient():
    trace = trained(CHAIN)
    path = depth.strongest_path(trace)
    assert path == [0, 0, 0, 0]
    chain = depth.path_chain(trace, path)
    x, y = trace.X[0], float(np.ravel(trace.y)[0])  # the probe is sample 1
    for t in (0, 4):
        weights, biases = trace.weights(t), trace.biases(t)
        step, losses = 1e-6, []
        for sign in (1, -1):  # the probe's own loss against the first hidden bias
            changed = [b.copy() for b in biases]
            changed[0][0] += sign * step
            losses.append(bce(own_forward(weights, changed, x)[1][-1], y))
        assert chain.products[t, 0] == pytest.approx((losses[0] - losses[1]) / (2 * step),
                                                     rel=1e-5)


def test_the_path_is_the_strongest_factor_and_its_chain_the_product_of_its_factors(deep):
    path = depth.strongest_path(deep)
    chain = depth.path_chain(deep, path)
    weights, biases = deep.weights(0), deep.biases(0)
    zs, acts = own_forward(weights, biases, deep.X[0])
    slope = [a * (1 - a) for a in acts[:-1]]
    delta = acts[-1][0] - float(np.ravel(deep.y)[0])  # sigmoid with cross-entropy
    assert chain.delta[0] == pytest.approx(delta)
    expected, unit = delta, path[-1]
    for layer in range(3, 0, -1):  # node layers 3, 2, 1, from the output
        factors = np.abs(weights[layer][:, unit] * slope[layer - 1])
        assert path[layer - 1] == int(np.argmax(factors))
        w = weights[layer][path[layer - 1], unit]
        unit = path[layer - 1]
        expected *= w * slope[layer - 1][unit]
        assert chain.weights[0, layer - 1] == pytest.approx(w)
        assert chain.slopes[0, layer - 1] == pytest.approx(slope[layer - 1][unit])
        assert chain.products[0, layer - 1] == pytest.approx(expected)
    assert all(s <= 0.25 for s in chain.slopes[0])


def test_units_that_pass_no_gradient_are_those_off_for_nearly_every_sample():
    trace = trained(DEEP, network__activation="relu", network__init_scale=1.0)
    stuck = depth.stuck_units(trace)
    for t in (0, trace.n_states - 1):
        a = trace.X
        for i, (w, b) in enumerate(zip(trace.weights(t)[:-1], trace.biases(t)[:-1])):
            z = a @ w + b
            expected = (z <= 0).mean(axis=0) >= depth.STUCK
            np.testing.assert_array_equal(stuck[i][t], expected)
            a = np.maximum(z, 0)
    assert sum(int(s[0].sum()) for s in stuck) >= 1  # the case is not empty
    shares = depth.flat_shares(trace)
    assert depth.flat_share(trace)[0] == pytest.approx(np.concatenate(
        [s[0] for s in shares]).mean())


def test_significant_digits_read_as_a_calculator_would():
    assert [significant(v) for v in (0.0159, 8.2e-4, 9.6e-8, -0.0459, 0.529, 0)] == [
        "0.016", "8.2e−4", "9.6e−8", "-0.046", "0.53", "0"]
    assert significant(0.2371, 3) == "0.237"


def run_scene(raw: dict, lang: str = "en", **opts):
    options = resolve(GradientsScene.OPTIONS, {"duration": 2.0, "hold": 0.5} | opts)
    raw = GradientsScene.adapt_config(config.resolve(raw), options)
    GradientsScene.check_config(raw, options)
    return dry_run.run(GradientsScene, Settings(trainer.train(raw), "x", "dark", lang, options))


@pytest.fixture(scope="module")
def scenes():
    return {"sigmoid": run_scene(DEEP), "relu": run_scene(DEEP, activation="relu"),
            "ko": run_scene(DEEP, lang="ko")}


def test_the_bars_show_the_traces_per_layer_magnitudes_on_a_log_axis(scenes):
    scene = scenes["sigmoid"]
    trace, bars = scene.trace, scene.bars
    sizes = np.stack([np.abs(trace[f"dW{i}"]).mean(axis=(1, 2)) for i in range(4)], axis=1)
    np.testing.assert_allclose(bars.sizes, sizes)
    high = max(math.ceil(math.log10(sizes.max())), 0)  # from 10⁰ down, 8 decades or more
    low = min(math.floor(math.log10(sizes.min())), high - 8)
    last = len(sizes) - 1
    for (_, _, bar), label, size in zip(bars.bars, bars.labels, sizes[last]):
        top = bars.base + (bars.top - bars.base) * (math.log10(size) - low) / (high - low)
        assert bar.get_top()[1] == pytest.approx(top, abs=1e-6)
        assert label.text == significant(size)
        assert label.get_bottom()[1] > top  # its number above it
    assert bars.low == low and bars.high == high
    relu = scenes["relu"].bars
    assert (relu.low, relu.high) == (bars.low, bars.high)  # the two runs on one axis


def test_the_readouts_and_captions_carry_the_traces_numbers(scenes):
    scene = scenes["sigmoid"]
    trace, captions = scene.trace, [c[2] for c in scene.captions]
    assert len(captions) == 1 + 1 + 4 + 1 + 4 + 1  # intro, δ, 4 layers, ratio, 4 phases, end
    last = len(depth.layer_sizes(trace)) - 1
    assert scene.iteration.text == str(last)
    assert scene.loss.text == loss_text(float(trace.loss[last]))
    first = np.abs(trace["dW0"][0]).mean()
    assert f"Weights from the inputs to layer 1: mean |∂L/∂w| = {significant(first)}." \
        in captions[5].replace("−", "-").replace("-", "−")
    assert f"at iteration {last} the loss is {loss_text(float(trace.loss[last]))}" in \
        captions[-1].lower()


NUMBER = r"\(?(−?[\d.]+(?:e−?\d+)?)\)?"


def number(text: str) -> float:
    return float(text.replace("−", "-"))


def test_every_chain_line_survives_a_calculator(scenes):
    for name in ("sigmoid", "relu"):
        lines = [c[2] for c in scenes[name].captions if "On the path" in c[2]]
        assert len(lines) == 3, name  # layers 3, 2, 1
        for line in lines:
            found = re.search(f"{NUMBER} × {NUMBER} × {NUMBER} ≈ {NUMBER}", line)
            before, w, slope, product = (number(g) for g in found.groups())
            # the product of the numbers as written, to the digits written
            assert f"{before * w * slope:.2e}" == f"{product:.2e}", line
        # on screen: each ∂L/∂z is the one to its right × the w and f'(z) between them,
        # as shown, rounded to the digits shown; and close to the path's true product
        scene = scenes[name]
        for t in (0, scene.last):
            shown = scene.chain_texts(t)
            for k, (right, left) in enumerate(zip(shown, shown[1:])):
                product = number(right[2]) * number(left[0]) * number(left[1])
                assert f"{product:.2e}" == f"{number(left[2]):.2e}", (name, t, k)
                true = scene.chain.products[t, len(shown) - 2 - k]
                assert number(left[2]) == pytest.approx(true, rel=0.01, abs=1e-12)


def test_stuck_units_are_ringed_and_nothing_else(scenes):
    scene = scenes["relu"]
    stuck = depth.stuck_units(scene.trace)
    t = scene.network.ringed
    expected = {(i + 1, unit) for i, layer in enumerate(stuck) for unit in
                np.flatnonzero(layer[t])}
    assert set(scene.network.raster.strokes) == expected
    assert not scenes["sigmoid"].network.raster.strokes  # small weights: none saturated


def test_texts_stay_apart_and_in_the_frame(scenes):
    for name, scene in scenes.items():
        shown = [m for top in scene.mobjects for m in texts(top) if getattr(m, "text", "x")]
        assert len(shown) >= 25, name
        boxes = [box(m) for m in shown] + [box(scene.network.raster.image)]
        for k, b in enumerate(boxes):
            what = shown[k].text if k < len(shown) else "the network"
            assert inside_safe_area(b), (name, what)
            assert overlap(b, boxes[k + 1:], pad=0.04) == 0, (name, what)


def test_the_video_fills_the_bars_then_trains_in_the_steps_of_a_deck(tmp_path):
    from scenes.pipeline import Request, render_trained

    options = resolve(GradientsScene.OPTIONS, {"duration": 1.0, "hold": 0.4})
    settings = Settings(trained(DEEP), "d", "dark", "en", options)
    path, scene, captions = render_trained(Request("gradients", "deep", tmp_path / "d.mp4",
                                                   "l"), settings, tmp_path / "slides")
    frames, duration = decode(path)
    assert frames[0].shape[:2] == (480, 854)
    layers = 4
    expected = INTRO + HOLD_STEP + layers * (GROW + HOLD_STEP) + 2 * HOLD_STEP + 1.0 + 0.4
    assert duration == pytest.approx(expected, abs=0.2)
    red = hex_rgb(scene.look.theme["gradient"])
    x, width, bar = scene.bars.bars[-1]  # the output layer's bar, the largest
    for frame, filled in ((frames[0], False), (frames[-1], True)):
        y, col = to_pixel(np.array([x, scene.bars.base + 0.05, 0]), frame.shape)
        is_red = np.abs(frame[y, col].astype(float) - red).max() < 40
        assert is_red == filled
    cues = parse_vtt(captions.read_text(encoding="utf-8"))
    assert len(cues) == 12  # each step a slide of a deck, its caption the slide's notes
    assert [s.notes for s in scene._slides] == [text for *_, text in cues]


def test_a_network_without_a_hidden_layer_is_refused_before_training(tmp_path):
    raw = config.resolve(DEEP | {"network": DEEP["network"] | {"layers": [2, 1]}})
    with pytest.raises(ConfigError, match="no hidden layer"):
        GradientsScene.check_config(raw, resolve(GradientsScene.OPTIONS, {}))
    flat = tmp_path / "flat.toml"
    flat.write_text('[network]\nlayers = [2, 1]\n')
    out = tmp_path / "out.mp4"
    for args in (["--config", str(flat)], ["--activation", "swish"]):
        done = subprocess.run([sys.executable, "-m", "cli", "gradients", *args, "-o", str(out)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1, done.stderr
        assert not out.exists()


def test_activation_and_updates_set_what_the_run_trains():
    options = resolve(GradientsScene.OPTIONS, {"activation": "relu", "updates": 12})
    raw = GradientsScene.adapt_config(config.resolve(DEEP), options)
    assert raw["network"]["activation"] == "relu" and raw["train"]["iterations"] == 12
    assert config.resolve(DEEP)["network"]["activation"] == "sigmoid"  # not changed in place


def test_the_outputs_delta_is_written_as_y_hat_minus_y_exactly(scenes):
    scene = scenes["sigmoid"]
    line = scene.captions[1][2]
    found = re.search(f"ŷ − y = {NUMBER} − (\\d) = {NUMBER}\\.", line)
    y_hat, y, delta = (number(g) for g in found.groups())
    assert round(y_hat - y, 6) == delta  # whole y: the subtraction as shown is exact
    trace = scene.trace
    assert y == float(np.ravel(trace.y)[trace.probes[0]])
    assert found.group(3).replace("−", "-") == significant(
        float(trace.deltas(trace.n_weight_layers)[0, 0, 0]), 3)


def test_the_note_after_the_pass_counts_the_ringed_units(scenes):
    scene = scenes["relu"]
    trace, a, count = scene.trace, scene.trace.X, 0
    for w, b in zip(trace.weights(0)[:-1], trace.biases(0)[:-1]):
        z = a @ w + b
        count += int(((z <= 0).mean(axis=0) >= 0.9).sum())
        a = np.maximum(z, 0)
    assert count >= 1
    note = next(c[2] for c in scene.captions if "times" in c[2])
    assert f"Yellow rings: {count} of the 12 hidden units pass almost no gradient" in note
    assert "hidden units" not in next(c[2] for c in scenes["sigmoid"].captions
                                      if "times" in c[2])


def test_names_beside_close_nodes_move_apart_in_order():
    from scenes.panels.network import spread

    assert spread([1.0, 0.0], 0.27) == [1.0, 0.0]  # apart already: beside their nodes
    assert spread([0.1, 0.0], 0.27) == pytest.approx([0.185, -0.085])
    assert spread([0.3], 0.27) == [0.3]


def test_a_deep_networks_input_names_stand_apart_in_a_small_panel():
    from scenes.panels import Look, NetworkPanel
    from scenes.settings import load_labels, load_theme

    look = Look(load_theme("dark"), load_labels("en"), "DejaVu Sans")
    panel = NetworkPanel(trained(DEEP | {"network": DEEP["network"] | {
        "layers": [2, 8, 8, 8, 8, 8, 1]}}), (-6, -1.5, -1, 0.2), look, keyed=False)
    names = {text: (y, size) for _, y, text, size, *_ in panel.raster.names}
    (y1, size), (y2, _) = names["x₁"], names["x₂"]
    assert abs(y1 - y2) >= 0.9 * size and y1 < y2  # in pixels, x₁ above
