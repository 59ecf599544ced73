"""A comparison's rows under each network, drawn from each run's own records: with
initial scales compared, each hidden layer's spread and share of f′ ≈ 0 and the note
while ŷ is one answer; elsewhere, the update's gradient and step, fitting their
column and clear of its frames."""

import numpy as np
import pytest

from core import compare, config, depth, trainer
from scenes.compare import PLOTS
from tests.test_compare import MOONS, render


def test_initial_scales_show_the_share_of_saturated_units_overall_and_per_layer(tmp_path):
    raw = MOONS | {"network": {"layers": [2, 4, 3, 1], "init": "normal"}}
    trained, scene, _, _ = render(tmp_path, raw, "scales", duration=1.0,
                                  vary="network.init_scale=0.1,5")
    small, big = (row[-1].text for row in scene.readouts)
    assert (small, big) == tuple(f"{depth.flat_share(trace)[-1] * 100:.0f}%"
                                 for _, trace in trained.runs)
    assert int(big[:-1]) > int(small[:-1])
    for column, (_, trace) in zip(scene.columns, trained.runs):
        t, a, shares = trace.n_states - 1, trace.X, []
        for i in range(2):  # by hand: tanh' = 1 − tanh², flat under 5 % of its peak 1
            a = np.tanh(a @ trace.weight_history(i)[t] + trace.bias_history(i)[t])
            shares.append(np.mean(1 - a ** 2 < 0.05))
        assert [n.text for n in column.flat_numbers] == [f"{v * 100:.0f}" for v in shares]
        for i, number in enumerate(column.flat_numbers):  # under its own layer
            nodes = column.network.diagram.nodes[i + 1]
            assert abs(number.get_x() - nodes[0].get_x()) < 0.05
            assert number.get_top()[1] < min(node.get_bottom()[1] for node in nodes)


def bar_height(bar) -> float:
    heights = bar.points[:, 1]
    return float(heights.max() - heights.min())


def by_hand_spreads(trace, t: int) -> list[float]:
    """Each node layer's spread at state t, from the weights: tanh hidden layers, a
    sigmoid output; the std over samples, averaged over the layer's units."""
    a, out = trace.X, []
    weights, biases = trace.weights(t), trace.biases(t)
    for i, (w, b) in enumerate(zip(weights, biases)):
        z = a @ w + b
        a = np.tanh(z) if i < len(weights) - 1 else 1 / (1 + np.exp(-z))
        out.append(float(a.std(axis=0).mean()))
    return out


@pytest.fixture(scope="module")
def deep_scales(tmp_path_factory):
    raw = {"network": {"layers": [2, 8, 8, 8, 8, 8, 1], "activation": "tanh",
                       "init": "normal"},
           "data": {"dataset": "circles", "n_samples": 60, "standardize": True},
           "train": {"learning_rate": 0.5, "iterations": 20},
           "trace": {"grid": 30, "frames": 10}}
    return render(tmp_path_factory.mktemp("deep_scales"), raw, "deep", duration=1.0,
                  vary="network.init_scale=0.1,5")


def test_each_hidden_layer_shows_its_spread_as_a_bar_and_a_faded_signal_is_named(
        deep_scales):
    """The small scale's failure on screen: each layer's values differ less between
    samples than the last's, a bar each, until ŷ is one answer for every sample, which
    a note says while it holds; the large scale's bars are near full (tanh: 1)."""
    trained, scene, frames, _ = deep_scales
    # beside the losses, the steps: the small scale's updates move its weights by next
    # to nothing (by hand: the mean |Δw| of its first update, against the large one's)
    first_steps = [np.mean(np.concatenate([np.abs(trace.weights(1)[i] - trace.weights(0)[i])
                                           .ravel() for i in range(trace.n_weight_layers)]))
                   for _, trace in trained.runs]
    assert first_steps[0] < 1e-3 * first_steps[1]
    losses, steps = scene.plots
    assert losses.box[2] < steps.box[0] and steps.box[2] == PLOTS[2]
    assert np.allclose([points[0, 1] for _, points, *_ in steps.curves],
                       steps.at_y(np.array(first_steps)))
    for column, (_, trace) in zip(scene.columns, trained.runs):
        for t in (0, trace.n_states - 1):
            column.draw(t)
            spreads = by_hand_spreads(trace, t)
            heights = [bar_height(bar) for bar in column.bars]
            assert heights == pytest.approx([max(0.01, 0.3 * min(1.0, s))
                                             for s in spreads[:-1]], abs=1e-6)
            one = spreads[-1] < 0.02  # ŷ within 0.02 for every sample
            opacities = [box.get_fill_opacity() for *_, (box, _) in column.notes]
            assert len(opacities) <= 1 and sum(o > 0.5 for o in opacities) == one
    small, big = (by_hand_spreads(trace, 0) for _, trace in trained.runs)
    assert all(later < 0.5 * earlier for earlier, later in zip(small, small[1:]))
    assert small[-1] < 0.02 and min(big[:-1]) > 0.8  # the case is the lesson's


def test_the_layers_numbers_and_row_names_stand_apart_under_a_deep_network(deep_scales):
    """Five hidden layers of 8 at 480p: the widest share, 100, stays clear of its
    neighbours, and the rows' names stand left of the first layer, inside the column."""
    _, scene, _, _ = deep_scales
    for column in scene.columns:
        numbers = column.flat_numbers
        for number in numbers:
            number.set_text("100").set_x(number.get_x())
        for left, right in zip(numbers, numbers[1:]):
            assert left.get_right()[0] + 0.05 < right.get_left()[0]
        assert all(number.get_bottom()[1] > -1.45 for number in numbers)  # above the loss
        names = [m for m in column.still if m.get_right()[0] < numbers[0].get_left()[0]
                 and abs(m.get_y() - numbers[0].get_y()) < 0.1]
        assert len(names) == 1 and names[0].get_left()[0] >= column.box[0] - 1e-6


def test_deep_tanh_shows_both_ways_an_initial_scale_fails():
    """README's claim for `deep-tanh`: at 0.1 the spread shrinks at every layer until ŷ is
    one answer for every sample (the loss stays at chance, ln 2); at 5 most hidden units
    are saturated and it learns little; at 1 it learns the circles."""
    runs = compare.vary(config.load("deep-tanh"), "network.init_scale=0.1,1,5")
    small, good, big = (trainer.train(run) for _, run in runs)
    last = small.n_states - 1
    spreads = by_hand_spreads(small, last)
    assert all(later < 0.5 * earlier for earlier, later in zip(spreads, spreads[1:]))
    assert spreads[-1] < 0.02 and small.loss[-1] == pytest.approx(np.log(2), abs=0.005)
    assert good.accuracy[-1] >= 0.98 and good.loss[-1] < 0.05
    a, flat = big.X, []
    for w, b in zip(big.weights(last)[:-1], big.biases(last)[:-1]):
        a = np.tanh(a @ w + b)
        flat.append(1 - a ** 2 < 0.05)  # tanh′ under 5 % of its peak
    assert np.concatenate(flat, axis=1).mean() > 0.8
    assert big.accuracy[-1] < 0.75 and big.loss[-1] > 0.5


def test_a_plane_whose_output_is_one_answer_everywhere_draws_no_boundary(deep_scales,
                                                                         monkeypatch):
    """The faded run's ŷ is 0.5 within a hair over the whole plane: its 0.5 contour
    exists but is no boundary, so none is drawn; the saturated run's is."""
    trained, scene, _, _ = deep_scales
    for column, (_, trace) in zip(scene.columns, trained.runs):
        calls: list = []

        def record(*args, into=calls):
            into.append(args)
        monkeypatch.setattr(column.output.contour, "paint", record)
        column.draw(trace.n_states - 1)
        grid = trace.grids[-1]
        assert bool(calls) == (grid.max() - grid.min() >= 0.02)
    small, big = (trace.grids[-1] for _, trace in trained.runs)
    assert np.ptp(small) < 0.02 < np.ptp(big)  # the case is the lesson's


def digit_height(size: int) -> float:
    from scenes.glyphs import MonoNumber
    return MonoNumber("8", size, "#ffffff").height - 1e-9


def test_the_updates_rows_fit_four_columns():
    from scenes.compare import COLUMNS
    from scenes.panels import Look
    from scenes.run_column import RunColumn
    from scenes.settings import Settings
    trace = trainer.train(config.resolve(MOONS))
    width = (COLUMNS[1] - COLUMNS[0]) / 4
    look = Look(Settings(trace=None).theme, Settings(trace=None).labels, "DejaVu Sans")
    column = RunColumn("adam, η = 0.5", trace, 0.0, width, look, "#ffffff")
    for row in column.motion_rows:  # inside its own column, at 14 px or more
        assert row.width <= width - 0.05
    assert column.motion_numbers[0].height >= digit_height(14)


def test_the_updates_rows_stand_clear_of_the_frames_around_equal_units(tmp_path):
    trained, scene, _, _ = render(tmp_path, MOONS | {"network": {"layers": [2, 4, 4, 1]}},
                                  "frames", duration=1.0, vary="network.init=zeros,glorot")
    zeros = scene.columns[0]
    lowest = min(frame.get_bottom()[1] for frame in zeros.groups)
    for row in zeros.motion_rows:  # a gap a reader sees, and above the loss axis
        assert row.get_top()[1] < lowest - 0.02 and row.get_bottom()[1] > -1.5
