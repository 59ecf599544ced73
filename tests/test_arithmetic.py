"""The arithmetic checker itself, and every equation the post's scenes can show."""

import pytest

from core import config, trainer
from scenes.arith_backward import Arithmetic
from tests.arithmetic import check_line, count_checked
from tests.test_targets import MAZUR


@pytest.mark.parametrize("line", [
    "h₁ = 1 × 0.8 + 1 × 0.2 = 1.0",
    "σ(h₁) = σ(1.0) = 0.731",
    "ŷ = 0.731 × 0.3 + 0.786 × 0.5 + 0.690 × 0.9 = 1.233",
    "L = ½(ŷ − y)² = ½(1.233 − 0)² = 0.760",
    "σ'(h₁) = σ(h₁)(1 − σ(h₁)) = 0.731 × (1 − 0.731) = 0.197",
    "w ← 0.3 − 0.1 × 0.902 = 0.210",
    "L = −ln(1 − 0.25) = 0.288",
    "ŷ₁ = exp(0.5) / (exp(0.5) + exp(1.0)) = 0.378",
    # the backward video's two lines a calculator contradicted, now written honestly
    "∂L/∂h₃ = 1.110 × 0.214 ≈ 0.237",
    "∂L/∂v₁₁ = 0.731 × 1.233 ≈ 0.902",
    "0.25 × 0.5 = 0.125",
    "v₃₁ ← 0.815 − 0.1 × 0.695 = 0.746",  # 0.7455: a tie, rounded as a student does
    "v₃₁ ← 0.815 − 0.1 × 0.695 ≈ 0.745",  # the true value below it, whose last digit differs
])
def test_true_lines_hold(line):
    assert count_checked(line) >= 1
    assert check_line(line) == []


def test_the_posts_rounding_holds_at_two_decimals_only():
    line = "ŷ = 0.73 × 0.3 + 0.79 × 0.5 + 0.69 × 0.9 = 1.235"
    assert check_line(line, precision=2) == []
    assert check_line(line.replace("1.235", "1.233"), precision=3)


@pytest.mark.parametrize("line", [
    "h₁ = 1 × 0.8 + 1 × 0.2 = 1.1",
    "∂L/∂h₃ = 1.110 × 0.214 = 0.237",  # a calculator says 0.23754
    "∂L/∂v₁₁ = 0.731 × 1.233 = 0.902",  # a calculator says 0.90132
    "h₁ = 1 × 0.8 + 1 × 0.2 ≈ 1.0",  # the calculator agrees: it must say =
    "0.731 × 0.3 ≈ 0.300",  # not even the true values can give this
    "ŷ = 0.731 × 0.3 + 0.786 × 0.5 + 0.690 × 0.9 = 1.235",  # the post's mismatch, at 3
    "L = ½(1.233 − 0)² = 0.770",
    "w ← 0.3 − 0.1 × 0.902 = 0.390",
    "v₃₁ ← 0.815 − 0.1 × 0.695 = 0.745",  # 0.7455 rounds up on a calculator
])
def test_false_lines_fail(line):
    assert check_line(line, precision=3), line


@pytest.mark.parametrize("preset_or_raw", ["post", {
    "network": {"layers": [2, 3, 2, 2], "activation": "tanh", "output": "softmax",
                "loss": "ce"},
    "data": {"dataset": "inline", "X": [[0.5, -1.0]], "y": [1]}, "train": {"iterations": 1}}, {
    "network": {"layers": [3, 2, 1], "activation": "sigmoid", "output": "sigmoid",
                "loss": "bce"},
    "data": {"dataset": "inline", "X": [[1, 0, 2], [0, 1, 1]], "y": [1, 0]},
    "train": {"iterations": 1, "learning_rate": 0.5}}, {
    "network": {"layers": [2, 3, 1], "activation": "relu", "output": "linear", "loss": "mse",
                "init": "normal", "init_scale": 0.7, "seed": 4},
    "data": {"dataset": "inline", "X": [[0.3, -1.2], [1.5, 0.4], [-0.7, 0.9]],
             "y": [0.2, -0.4, 1.1]},
    "train": {"iterations": 1, "learning_rate": 0.2, "batch_size": 2}}, {
    "network": {"layers": [2, 2, 1], "activation": "leaky_relu", "output": "sigmoid",
                "loss": "bce", "seed": 2},
    "data": {"dataset": "xor", "n_samples": 8}, "train": {"iterations": 1}}, {
    "network": {"layers": [2, 3, 1], "activation": "gelu", "output": "sigmoid",
                "loss": "bce", "init": "normal", "init_scale": 0.8, "seed": 3},
    "data": {"dataset": "inline", "X": [[0.4, -0.9], [-1.1, 0.3]], "y": [1, 0]},
    "train": {"iterations": 1}}, MAZUR, {
    "network": {"layers": [2, 3, 2], "activation": "tanh", "output": "linear", "loss": "mse",
                "seed": 5},
    "data": {"dataset": "inline", "X": [[0.4, -0.9]], "y": [[0.25, -1.5]]},
    "train": {"iterations": 1, "learning_rate": 0.3}}])
@pytest.mark.parametrize("precision", [1, 2, 3, 4, 5, 6])
def test_every_equation_of_a_small_network_holds(preset_or_raw, precision):
    raw = preset_or_raw
    cfg = config.load(raw) if isinstance(raw, str) else config.resolve(raw)
    tr = trainer.train(cfg)
    a = Arithmetic(tr, precision)
    layers = tr.layers
    eqs = [a.loss_eq(0), *[a.output_delta_eq(j, 0) for j in range(layers[-1])]]
    for layer in range(1, len(layers)):
        for j in range(layers[layer]):
            eqs += [a.weighted_sum(layer, j, 0), a.activation_eq(layer, j, 0)]
            if layer < len(layers) - 1:
                eqs += [a.upstream_eq(layer, j, 0), a.local_eq(layer, j, 0),
                        a.downstream_eq(layer, j, 0)]
    for w in range(len(layers) - 1):
        for i in range(layers[w]):
            for j in range(layers[w + 1]):
                eqs += [a.weight_grad_eq(w, i, j, 0), a.update_eq(w, i, j, 0)]
    checked = 0
    for eq in filter(None, eqs):
        assert check_line(eq.text, precision) == [], eq.text
        assert ("≈" in eq.text) == (not eq.exact) == (r"\approx" in eq.tex), eq.text
        checked += count_checked(eq.text)
    assert checked >= len([e for e in eqs if e]) // 2


def test_both_relations_occur_and_the_post_needs_approx_at_three_decimals():
    """The post's own backward pass has the two lines a calculator contradicted."""
    tr = trainer.train(config.load("post"))
    a = Arithmetic(tr, 3)
    assert a.downstream_eq(1, 2, 0).text == "∂L/∂h₃ = ∂L/∂σ(h₃) × σ'(h₃) = 1.110 × 0.214 ≈ 0.237"
    assert a.weight_grad_eq(1, 0, 0, 0).text == "∂L/∂v₁₁ = ∂L/∂ŷ × σ(h₁) = 1.233 × 0.731 ≈ 0.902"
    assert a.weighted_sum(1, 0, 0).text == "h₁ = 1 × 0.8 + 1 × 0.2 = 1.0"


def test_each_gradient_line_names_what_its_numbers_are():
    """A student can tell which node and weight each number comes from: the names
    stand before the numbers, in the same order."""
    a = Arithmetic(trainer.train(config.load("post")), 3)
    assert a.weight_grad_eq(0, 0, 1, 0).text == "∂L/∂w₁₂ = ∂L/∂h₂ × x₁ = 0.104 × 1 = 0.104"
    assert a.upstream_eq(1, 1, 0).text == "∂L/∂σ(h₂) = ∂L/∂ŷ × v₂₁ = 1.233 × 0.5 = 0.617"
    softmax = {"layers": [2, 3, 2], "output": "softmax", "loss": "ce"}
    two = Arithmetic(trainer.train(config.resolve({"network": softmax})), 3)
    named = two.upstream_eq(1, 0, 0).text
    assert named.count("×") == 2 * 2 and "∂L/∂z₁ × v₁₁ + ∂L/∂z₂ × v₁₂ =" in named, named
    # three terms and more: the numbers alone, so the line stays readable
    wide = Arithmetic(trainer.train(config.resolve({"network": {"layers": [2, 3, 3, 1]}})), 3)
    assert "∂L/∂g" not in wide.upstream_eq(1, 0, 0).text.split("=")[1]


def test_a_function_that_turns_is_bounded_by_its_extremum():
    """gelu falls to about −0.170 at −0.752, then rises: over [−1, −0.5] its range
    reaches below both ends, which a monotone rule would miss."""
    from tests.arithmetic import CALCULATOR, image

    gelu = CALCULATOR["gelu"]
    lo, hi = image("gelu", -1.0, -0.5)
    assert lo < min(gelu(-1.0), gelu(-0.5)) and abs(lo + 0.16997) < 1e-4
    assert hi == max(gelu(-1.0), gelu(-0.5))
    assert image("σ", -1.0, 2.0) == (CALCULATOR["σ"](-1.0), CALCULATOR["σ"](2.0))


def test_a_tie_agrees_only_rounded_away_from_zero():
    """0.815 − 0.1 × 0.695 is 0.7455 on a calculator: a student writes 0.746, so a
    line that shows 0.745 (the true, unrounded value's digits) must say ≈."""
    from scenes.arith import agrees

    assert agrees(0.815 - 0.1 * 0.695, "0.746") and not agrees(0.815 - 0.1 * 0.695, "0.745")
    assert agrees(-0.7455, "-0.746") and not agrees(-0.7455, "-0.745")
    assert agrees(0.74549, "0.745") and agrees(0.125, "0.125")
