"""Runs compared side by side: the runs a --vary makes, bad input refused before any
training, and rendered comparisons (optimizers, a diverging learning rate, a zero
initialisation) checked against each run's own trace."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core import compare, config, depth, trainer
from core.errors import ConfigError
from scenes.numerals import loss_text
from scenes.pipeline import plan, render_job, request, train
from tests.frames import decode, hex_rgb, to_pixel

ROOT = Path(__file__).resolve().parent.parent

MOONS = {"network": {"layers": [2, 4, 1]},
         "data": {"n_samples": 60, "validation": 0.2, "standardize": True},
         "train": {"learning_rate": 0.5, "iterations": 30},
         "trace": {"grid": 40, "frames": 10, "neuron_grid": 12}}
SINE = {"network": {"layers": [1, 4, 1], "output": "linear", "loss": "mse"},
        "data": {"dataset": "sine", "n_samples": 40, "standardize": True},
        "train": {"iterations": 120}, "trace": {"grid": 40, "frames": 10}}


# --- the runs a comparison makes ---------------------------------------------------------

def test_vary_makes_one_run_per_value_sharing_everything_else():
    base = config.resolve(MOONS)
    runs = compare.vary(base, "train.optimizer=sgd, momentum ,adam")
    assert [name for name, _ in runs] == ["sgd, η = 0.5", "momentum, η = 0.5", "adam, η = 0.5"]
    for (_, run), optimizer in zip(runs, ("sgd", "momentum", "adam")):
        assert run["train"]["optimizer"] == optimizer
        assert {s: k for s, k in run.items() if s != "train"} == {
            s: k for s, k in base.items() if s != "train"}  # the seeds too
    first, second = (trainer.train(run) for _, run in runs[:2])
    assert np.array_equal(first.weight_history(0)[0], second.weight_history(0)[0])
    assert np.array_equal(first.X, second.X)
    rates = compare.vary(base, "train.learning_rate=0.01,0.3,50")
    assert [run["train"]["learning_rate"] for _, run in rates] == [0.01, 0.3, 50.0]
    assert [name for name, _ in rates] == ["η = 0.01", "η = 0.3", "η = 50"]
    normal = config.resolve(MOONS | {"network": {"layers": [2, 4, 1], "init": "normal"}})
    sizes = compare.vary(normal, "network.init_scale=0.5,2")
    assert [name for name, _ in sizes] == ["init_scale = 0.5", "init_scale = 2"]


def test_keys_varied_together_give_run_i_each_keys_ith_value():
    """Each optimizer at its own learning rate: a fair comparison of optimizers."""
    base = config.resolve(MOONS)
    runs = compare.vary(base, "train.optimizer=sgd, momentum,adam "
                              "train.learning_rate=0.5,0.5, 0.05")
    assert [name for name, _ in runs] == ["sgd, η = 0.5", "momentum, η = 0.5",
                                          "adam, η = 0.05"]
    assert [(run["train"]["optimizer"], run["train"]["learning_rate"]) for _, run in runs
            ] == [("sgd", 0.5), ("momentum", 0.5), ("adam", 0.05)]
    assert all(run["data"] == base["data"] for _, run in runs)
    # a key that acts in only some runs is varied with the key it needs
    paired = compare.vary(base, "train.optimizer=momentum,adam train.beta1=0.9,0.5")
    assert paired[1][1]["train"]["beta1"] == 0.5
    assert compare.varied_keys("train.optimizer=sgd,adam  train.learning_rate=0.5, 0.05"
                               ) == ["optimizer", "learning_rate"]
    assert compare.varied_keys(None) == []


@pytest.mark.parametrize("spec, says", [
    ("train.optimiser=sgd,adam", "no key train.optimiser"),
    ("training.optimizer=sgd,adam", "no section [training]"),
    ("optimizer=sgd,adam", "SECTION.KEY=V1,V2"),
    ("train.optimizer=sgd", "1 run"),
    ("train.learning_rate=0.1,0.2,0.3,0.4,0.5", "5 runs"),
    ("train.learning_rate=0.1,fast", "'fast' is not a number"),
    ("train.learning_rate=0.1,-1", "out of range"),
    ("train.optimizer=sgd,rmsprop", "not one of"),
    ("train.iterations=10,2.5", "not a whole number"),
    ("train.optimizer=sgd,sgd", "repeated"),
    ("network.layers=[2,4,1],[2,8,1]", "a list cannot be given"),
    ("train.optimizer=sgd,,adam", "an empty value"),
    ("network.init_scale=0.5,2", "acts only when network.init is normal or uniform"),
    ("train.beta1=0.5,0.9", "acts only when train.optimizer is adam"),
    ("train.optimizer=sgd,adam train.learning_rate=0.5,0.1,0.01", "3 values"),
    ("train.optimizer=sgd,adam train.optimizer=sgd,momentum", "given twice"),
    ("train.optimizer=sgd,sgd train.learning_rate=0.5,0.5", "two runs are the same"),
    ("train.optimizer=sgd,adam train.learning_rate=0.5,-1", "out of range"),
    ("train.beta1=0.5,0.9 train.learning_rate=0.1,0.2", "acts only when train.optimizer"),
])
def test_a_bad_vary_is_refused_by_name(spec, says):
    with pytest.raises(ConfigError, match=re.escape(says)):
        compare.vary(config.resolve(MOONS), spec)


def test_set_gives_every_run_the_same_value_of_a_key():
    """Optimizers compared at one small η without a config file of one's own."""
    from scenes.compare import CompareScene
    loaded = [("moons", config.resolve(MOONS))]
    runs = CompareScene.runs_to_train(loaded, {"set": "train.learning_rate=0.02 "
                                                      "train.iterations=40",
                                               "vary": "train.optimizer=sgd,momentum,adam"})
    assert [name for name, _ in runs] == ["sgd, η = 0.02", "momentum, η = 0.02",
                                          "adam, η = 0.02"]
    assert [(run["train"]["learning_rate"], run["train"]["iterations"]) for _, run in runs
            ] == [(0.02, 40)] * 3
    assert "η = 0.02 · 40 iterations" in compare.describe([run for _, run in runs])
    assert loaded[0][1]["train"]["learning_rate"] == 0.5  # the config itself stays
    two = CompareScene.runs_to_train([("a", config.resolve(MOONS))] * 2,
                                     {"set": "train.learning_rate=0.1", "vary": None})
    assert [run["train"]["learning_rate"] for _, run in two] == [0.1, 0.1]  # each config


@pytest.mark.parametrize("spec, vary, says", [
    ("train.learning_rate=0.02,0.1", None, "one value a key; to give each run its own, use "
                                           "--vary"),
    ("train.learnin=3", None, "--set 'train.learnin=3': no key train.learnin"),
    ("learning_rate=0.1", None, "write SECTION.KEY=V, e.g. train.learning_rate=0.02"),
    ("train.learning_rate=-1", None, "--set train.learning_rate=-1: train.learning_rate"),
    ("train.learning_rate=fast", None, "--set train.learning_rate: 'fast' is not a number"),
    ("network.layers=[2,4,1]", None, "a list cannot be given"),
    ("train.optimizer=adam", "train.optimizer=sgd,momentum", "also varied"),
])
def test_a_bad_set_is_refused_by_name(spec, vary, says):
    with pytest.raises(ConfigError, match=re.escape(says)):
        compare.set_keys(config.resolve(MOONS), spec, vary)


def test_runs_of_different_problems_are_refused():
    two_d, one_d = config.resolve(MOONS), config.resolve(SINE)
    with pytest.raises(ConfigError, match="differ in their inputs"):
        compare.check_comparable([("moons", two_d), ("sine", one_d)])
    with pytest.raises(ConfigError, match="2 to 4"):
        compare.check_comparable([("moons", two_d)] * 5)
    assert compare.named(["moons", "moons", "xor"]) == ["moons (1)", "moons (2)", "xor"]


def test_equal_units_hold_under_a_constant_initialisation_and_not_otherwise():
    constant = trainer.train(config.resolve(MOONS | {"network": {
        "layers": [2, 4, 1], "activation": "sigmoid", "init": "constant", "init_scale": 0.3}}))
    glorot = trainer.train(config.resolve(MOONS))
    assert compare.equal_units(constant).all()  # symmetric units get the same gradients
    assert not compare.equal_units(glorot).any()
    first, last = constant.weight_history(0)[0], constant.weight_history(0)[-1]
    assert np.abs(last - first).max() > 1e-3  # they moved, all alike
    assert np.allclose(last, last[:, :1])


def test_flat_share_counts_the_units_that_pass_almost_no_gradient():
    raw = MOONS | {"network": {"layers": [2, 4, 1], "init": "normal", "init_scale": 4.0}}
    big = trainer.train(config.resolve(raw))
    # by hand at the first state: tanh'(z) = 1 - tanh(z)², flat under 5 % of its peak 1
    z = big.X @ big.weight_history(0)[0] + big.bias_history(0)[0]
    share = depth.flat_share(big)
    assert share[0] == pytest.approx(np.mean(1 - np.tanh(z) ** 2 < 0.05))
    assert share[0] > 0.3  # a large initialisation saturates most units
    small = trainer.train(config.resolve(raw | {"network": raw["network"] | {
        "init_scale": 0.1}}))
    assert depth.flat_share(small)[0] == 0
    relu = trainer.train(config.resolve(raw | {"network": raw["network"] | {
        "activation": "relu"}}))
    z = relu.X @ relu.weight_history(0)[0] + relu.bias_history(0)[0]
    assert depth.flat_share(relu)[0] == pytest.approx(np.mean(z <= 0))  # off: no slope


@pytest.mark.parametrize("argv, says", [
    (["--vary", "train.optimizer=sgd"], "1 run"),
    (["--vary", "train.nosuch=1,2"], "no key train.nosuch"),
    (["--vary", "train.optimizer=sgd,adam", "train.learning_rate=0.5"], "1 run"),
    ([], "two to four runs"),
    (["--config", "moons", "sine"], "differ in their inputs"),
    (["--config", "moons", "xor", "--vary", "train.optimizer=sgd,adam"], "varies one config"),
    (["--config", "moons", "xor", "circles", "spiral", "blobs"], "5 runs"),
    (["--set", "train.learning_rate=0.02,0.1", "--vary", "train.optimizer=sgd,adam"],
     "one value a key"),
])
def test_bad_comparisons_fail_in_one_line_before_training(tmp_path, argv, says):
    out = tmp_path / "c.mp4"
    run = subprocess.run([sys.executable, "-m", "cli", "compare", *argv, "-o", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in run.stderr, lines
    assert not out.exists()


# --- rendered comparisons --------------------------------------------------------------

def render(tmp_path, source, name: str, **options):
    options = {"duration": 2.0, "hold": 0.5, "schedule": "linear"} | options
    job = plan(request("compare", source, tmp_path / f"{name}.mp4", "l", **options))
    trained = train(job)
    result = render_job(job, trained)
    frames, _ = decode(result.path)
    cues = result.captions.read_text(encoding="utf-8")
    return trained, result.scene, frames, cues


@pytest.fixture(scope="module")
def optimizers(tmp_path_factory):
    return render(tmp_path_factory.mktemp("optimizers"), MOONS, "optimizers",
                  vary="train.optimizer=sgd,momentum,adam")


def test_three_optimizers_each_have_a_column_and_a_loss_curve(optimizers):
    trained, scene, frames, _ = optimizers
    # each headed by its optimizer and the η it ran at
    assert [name for name, _ in trained.runs] == ["sgd, η = 0.5", "momentum, η = 0.5",
                                                  "adam, η = 0.5"]
    assert len(scene.columns) == 3 and frames[-1].shape[:2] == (480, 854)
    lefts = [column.output.image.get_left()[0] for column in scene.columns]
    assert lefts == sorted(lefts)  # side by side, in the order given
    # the loss curves are each run's own loss, in the run's table colour
    loss_panel = scene.plots[0]
    for (_, points, curve, _), (_, trace), row in zip(loss_panel.curves, trained.runs,
                                                scene.readouts):
        assert np.allclose(loss_panel.at_y(np.minimum(trace.loss, 1e9))[-1], points[-1, 1],
                           atol=1e-6) or trace.loss[-1] > points[-1, 1]
        assert curve.get_stroke_color().to_hex().lower() == row[0].body.get_fill_color(
        ).to_hex().lower()
    # loss and accuracy: no saturated column but where initial scales are compared
    assert all(len(row) == 2 for row in scene.readouts) and scene.flat == [None] * 3
    last = [(row[0].text, row[1].text) for row in scene.readouts]
    assert last == [(loss_text(trace.loss[-1]), f"{trace.accuracy[-1] * 100:.0f}%")
                    for _, trace in trained.runs]
    # the planes differ: the optimizers took different paths
    images = [column.output.image.pixel_array[..., :3].astype(int) for column in scene.columns]
    assert np.abs(images[0] - images[2]).mean() > 1


def test_captions_give_each_runs_final_loss_as_its_own_trace_has_it(optimizers):
    trained, _, _, cues = optimizers
    last = cues.strip().split("\n\n")[-1]
    for run in ("sgd", "momentum", "adam"):
        name = f"{run}, η = 0.5"
        alone = trainer.train(config.resolve(MOONS | {"train": MOONS["train"] | {
            "optimizer": run}}))  # the run's own config, trained on its own
        loss = f"{alone.loss[-1]:.3f}" if alone.loss[-1] >= 0.001 else None
        accuracy = f"{alone.accuracy[-1] * 100:.0f}%"
        assert f"{name}: loss {loss}, accuracy {accuracy}" in last, (last, loss)


def test_a_diverging_run_stops_with_a_note_while_the_others_go_on(tmp_path):
    trained, scene, frames, cues = render(tmp_path, SINE, "rates",
                                          vary="train.learning_rate=0.3,20")
    good, bad = (trace for _, trace in trained.runs)
    assert good.diverged_at is None and bad.diverged_at == bad.n_states
    assert bad.n_states < good.n_states
    assert f"overflow at iteration {bad.diverged_at}" in cues.strip().split("\n\n")[-1]
    (start, until, _), (stop, _, (box, words)) = scene.columns[1].notes
    assert start < until == stop == bad.n_states - 1  # exploding, then stopped
    assert bad.loss[start] > 5 * bad.loss[0] > bad.loss[start - 1]
    assert words.get_fill_opacity() == 1.0  # shown at the end
    # the note is where the frame shows it: its box's colour around its centre
    row, col = to_pixel(box.get_center(), frames[-1].shape)
    background = hex_rgb(scene.look.theme["background"])
    patch = frames[-1][row - 2:row + 3, col - 40:col + 40].reshape(-1, 3).astype(float)
    assert (np.linalg.norm(patch - background, axis=1) < 30).mean() > 0.3
    # its curve ends where it leaves the loss axis for good, under an arrowhead, before
    # it overflows; the good run's goes on to the end
    loss_panel = scene.plots[0]
    ((leaves, *_),) = loss_panel.exits
    assert len(loss_panel.curves[1][1]) == leaves + 1 < bad.n_states
    assert (bad.loss[leaves:] > 5 * bad.loss[0]).all()
    assert len(loss_panel.curves[0][1]) == good.n_states
    # the diverged column is drawn at its last state from then on: exactly
    column = scene.columns[1]
    column.draw(bad.n_states - 1)
    held = column.output.image.pixel_array.copy()
    column.draw(good.n_states - 1)
    assert np.array_equal(column.output.image.pixel_array, held)


def test_under_each_network_the_last_updates_gradient_and_step_as_that_run_took_them(
        optimizers):
    """Why an optimizer wins, on screen: the update that led to the state, its mean
    |∂L/∂w|, how far it moved the weights and the step as a multiple of the gradient, by
    hand from the run's own records; plain SGD's step is η times its gradient, Adam's
    does not shrink with its gradient."""
    from scenes.numerals import significant
    trained, scene, _, _ = optimizers
    for column, (name, trace) in zip(scene.columns, trained.runs):
        column.draw(0)
        assert [n.text for n in column.motion_numbers] == ["–"] * 3  # no update yet
        # 30 iterations in 2 s, read 4 times a second: at iterations 3.75 j (whole: 0,
        # 3, 7, 11, 15, ...), and the last; the first update as soon as there is one
        last = trace.n_states - 1
        for t, read in ((1, 1), (3, 1), (6, 3), (15, 15), (16, 15), (last - 1, 26),
                        (last, last)):
            column.draw(t)
            grads = np.concatenate([trace.weight_gradients(i)[read - 1].ravel()
                                    for i in range(trace.n_weight_layers)])
            moved = np.concatenate([(trace.weights(read)[i] - trace.weights(read - 1)[i]
                                     ).ravel() for i in range(trace.n_weight_layers)])
            grad, step = np.abs(grads).mean(), np.abs(moved).mean()
            assert [n.text for n in column.motion_numbers] == [
                significant(grad), significant(step), significant(step / grad)]
            if name.startswith("sgd"):  # plain SGD's step is η times its gradient
                assert column.motion_numbers[2].text == "0.50"
        left, right = column.box[0], column.box[2]
        for number in column.motion_numbers:  # inside its own column, under the network
            number.set_text("1.2e151")
            assert left < number.get_left()[0] and number.get_right()[0] < right
    sgd, _, adam = (depth.motion(trace) for _, trace in trained.runs)
    assert np.allclose(sgd[1][1:], 0.5 * sgd[0][1:], rtol=1e-9)  # η = 0.5
    assert (adam[1] / adam[0])[-1] > 5 * 0.5


def test_keys_varied_together_name_both_in_the_title_columns_table_and_captions(tmp_path):
    trained, scene, _, cues = render(tmp_path, MOONS, "paired", duration=1.0,
                                     vary="train.optimizer=sgd,adam "
                                          "train.learning_rate=0.5,0.05")
    assert scene.vary_keys == ["optimizer", "learning_rate"]
    title = scene.title()[0][0]
    assert title.text.replace(" ", "") == "Comparingoptimizersandlearningrates"
    for name, trace in trained.runs:
        assert f"{name}: loss {loss_text(trace.loss[-1])}" in cues
    assert [name for name, _ in trained.runs] == ["sgd, η = 0.5", "adam, η = 0.05"]


def test_what_every_run_shares_is_described_and_nothing_that_differs():
    base = config.resolve(MOONS)
    assert compare.describe([base, base]) == "moons · 2-4-1 · tanh · init glorot · sgd · " \
                                             "η = 0.5 · 30 iterations"
    optimizers = [run for _, run in compare.vary(base, "train.optimizer=sgd,adam")]
    assert "sgd" not in compare.describe(optimizers) and "η = 0.5" in compare.describe(
        optimizers)
    rates = [run for _, run in compare.vary(base, "train.learning_rate=0.1,0.5")]
    assert "η" not in compare.describe(rates) and "sgd" in compare.describe(rates)
    # several configs: whatever differs between any two of them is left out
    other = config.resolve(MOONS | {"train": {"optimizer": "adam", "learning_rate": 0.05,
                                              "iterations": 30}})
    assert compare.describe([base, other]) == "moons · 2-4-1 · tanh · init glorot · " \
                                              "30 iterations"


def test_a_zero_initialisation_is_named_while_its_units_stay_equal(tmp_path):
    raw = MOONS | {"network": {"layers": [2, 4, 1], "activation": "sigmoid"}}
    trained, scene, _, _ = render(tmp_path, raw, "init", vary="network.init=zeros,glorot",
                                  duration=1.0)
    zeros, glorot = scene.columns
    assert [note[2][1].get_fill_opacity() for note in zeros.notes] == [1.0]
    assert glorot.notes == []
    # the copies framed together, on their own layer's nodes: all of them, no other
    (frame,) = zeros.groups
    assert frame.get_stroke_opacity() == 1.0
    hidden, inputs = zeros.network.diagram.nodes[1], zeros.network.diagram.nodes[0]
    inside = [frame.get_left()[0] < n.get_x() < frame.get_right()[0]
              and frame.get_bottom()[1] < n.get_y() < frame.get_top()[1]
              for n in [*hidden, *inputs]]
    assert inside == [True] * len(hidden) + [False] * len(inputs)
    assert glorot.groups == []
    # the note hides nothing of the network: its nodes, bias units and frames
    (box, _), top = zeros.notes[0][2], frame.get_top()[1]
    assert box.get_bottom()[1] > max(top, *(node.get_top()[1] for node in
                                            zeros.network.diagram.all_nodes()))
    assert trained.runs[0][0] == "zeros"


def test_the_deep_preset_shows_vanishing_gradients_that_relu_does_not_have():
    """README's claim for `deep`: with sigmoid the gradient shrinks at every layer on the
    way back and the loss stays at chance; the same network with ReLU learns."""
    sigmoid = trainer.train(config.load("deep"))
    sizes = [float(np.abs(sigmoid.weight_gradients(i)[0]).mean()) for i in range(6)]
    assert all(earlier < 0.2 * later for earlier, later in zip(sizes, sizes[1:])), sizes
    assert sigmoid.loss[-1] > 0.69 and sigmoid.accuracy[-1] < 0.6
    raw = config.load("deep")
    raw["network"]["activation"] = "relu"
    relu = trainer.train(raw)
    assert relu.accuracy[-1] >= 0.99 and relu.loss[-1] < 0.01


def test_a_long_note_breaks_between_a_lists_parts_else_between_words():
    from scenes.compare import fit_rows
    assert fit_rows("a · bb · ccc", 6, len) == ["a · bb", "ccc"]
    assert fit_rows("one two three", 7, len) == ["one two", "three"]
    # a part wider than the room is a row by itself, never cut inside ("η = 0.5")
    assert fit_rows("η = 0.5 · 400 iterations", 10, len) == ["η = 0.5", "400 iterations"]
