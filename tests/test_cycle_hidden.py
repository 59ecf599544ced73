"""The cycle works one weight a layer further back, once (scenes.cycle_hidden): σ(h)
forward, then the chain through v and σ′ backward, then that weight's update; its
note on ≈ stands beside the line that has it; it ends on what the loop did to L.

The expected lines are the post's example worked by hand: x = (1, 1), h₂ = 1×0.4 +
1×0.9 = 1.3, σ(1.3) = 0.7858, ŷ = 1.2333, ∂L/∂σ(h₂) = 1.2333 × 0.5 = 0.6167,
σ′(h₂) = 0.7858 × 0.2142 = 0.1683, ∂L/∂h₂ = 0.1038, w₂₂ = 0.9 − 0.01038 = 0.8896."""

import pytest

from core import config
from scenes import layout
from tests import dry_run
from tests.test_story_endings import lines

POST = config.load("post")


@pytest.fixture(scope="module")
def cycle():
    return dry_run.run_example("cycle", POST, {"precision": 3}, "post")


def test_the_first_iteration_works_a_weight_one_layer_back(cycle):
    said = lines(cycle)
    order = ["h₂ = 1 × 0.4 + 1 × 0.9 = 1.3",
             "σ(h₂) = σ(1.3) = 0.786",
             "ŷ = 0.731 × 0.3 + 0.786 × 0.5 + 0.690 × 0.9 = 1.233",
             "∂L/∂v₂₁ = ∂L/∂ŷ × σ(h₂) = 1.233 × 0.786 = 0.969",
             "∂L/∂σ(h₂) = ∂L/∂ŷ × v₂₁ = 1.233 × 0.5 = 0.617",
             "σ'(h₂) = σ(h₂)(1 − σ(h₂)) = 0.786 × (1 − 0.786) = 0.168",
             "∂L/∂σ(h₂) = 0.617, σ'(h₂) = 0.168",
             "∂L/∂h₂ = 0.617 × 0.168 = 0.104",
             "∂L/∂w₂₂ = ∂L/∂h₂ × x₂ = 0.104 × 1 = 0.104",
             "v₂₁ ← 0.5 − 0.1 × 0.969 = 0.403",
             "w₂₂ ← 0.9 − 0.1 × 0.104 = 0.890",
             "ŷ = 0.728 × 0.210 + 0.782 × 0.403 + 0.680 × 0.815 = 1.022"]
    assert [said.index(line) for line in order] == sorted(said.index(line) for line in order)
    # ∂L/∂h₂'s two numbers, whose lines have left, stand over it, named, as it
    # takes them
    together = [{text for _, text, *_ in texts} for _, texts in cycle.snapshots]
    assert any(any("0.617,\\quad" in text and "0.168" in text for text in texts)
               and any(text.endswith(r"= 0.617 \times 0.168 = 0.104") for text in texts)
               for texts in together)
    # once: the later iterations work the output weight's gradient alone, the loop
    # stays short (their values, node gradients and updates by the numbers only)
    assert sum(line.startswith("∂L/∂σ(h₂) = ∂L/∂ŷ") for line in said) == 1
    assert sum(line.startswith("∂L/∂w₂₂ = ∂L/∂h₂ × x₂") for line in said) == 1
    assert sum(line.startswith("w₂₂ = 0.9, ∂L/∂w₂₂") for line in said) == 1


def test_a_hidden_gradient_on_the_diagram_is_named_or_absent(cycle):
    """∂L/∂h₂ = 0.104 by h₂ only where the name fits clear of the edges: in the post,
    it does not, and a bare 0.104 there would read as the gradient of v₂₁ beside it.
    The weight worked through is named on its edge; the update recalls each gradient
    it takes, after the weight's value (its line left the screen for the later steps,
    and the edge shows the gradient in the weight's place)."""
    # (until every weight's gradient comes to its edge: w₂₂'s is 0.104 too)
    shown = [{text for _, text, *_ in texts} for name, texts in cycle.snapshots
             if name == "backward pass"]
    shown = shown[:next(k for k, texts in enumerate(shown) if "oneveryedge,inred:" in texts)]
    assert not any("0.104" in texts for texts in shown)
    assert any("w_{22}" in texts for texts in shown), "the weight is named on its edge"
    said = lines(cycle)
    for recalled, update in (("v₂₁ = 0.5, ∂L/∂v₂₁ = 0.969", "v₂₁ ← 0.5 − 0.1 × 0.969 = 0.403"),
                             ("w₂₂ = 0.9, ∂L/∂w₂₂ = 0.104", "w₂₂ ← 0.9 − 0.1 × 0.104 = 0.890")):
        assert said[said.index(update) - 1] == recalled
    held = [{text for _, text, *_ in texts} for name, texts in cycle.snapshots
            if name.startswith("weight update")]
    assert any({r"v_{21} = 0.5,\quad \partial L/\partial v_{21} = 0.969",
                r"v_{21} \leftarrow 0.5 - 0.1 \times 0.969 = 0.403"} <= texts for texts in held)


def test_the_note_on_approx_comes_with_its_first_line_and_leaves_the_plot(cycle):
    """Iteration 1's h₁ = 1 × 0.793 + 1 × 0.193 ≈ 0.985 (0.986 by hand from the
    numbers shown): right after its block was read, before h₂'s, the note takes the
    block's place; the phase row stays lit and the plot keeps its axis, overlapping
    nothing. The pass's cue then goes on from h₂."""
    def first(start: str) -> int:
        return next(k for k, (_, texts) in enumerate(cycle.snapshots)
                    if any(text.startswith(start) for _, text, *_ in texts))

    assert first(r"h_{1} = 1 \times 0.793") < first("≈:") < first(r"h_{2} = 1 \times 0.390")
    said = lines(cycle)
    note = "≈ : the exact result, rounded; a calculator's last digit can differ."
    at = said.index(note)
    assert said[at + 1:at + 3] == ["forward pass (iteration 1)",
                                   "h₂ = 1 × 0.390 + 1 × 0.890 ≈ 1.279"]
    during = [texts for name, texts in cycle.snapshots if name == note
              and any(text.startswith("≈:") for _, text, *_ in texts)]
    assert during
    for texts in during:
        boxes = [(text, box) for _, text, box, *_ in texts]
        assert {"L", "0.760"} <= {text for text, _ in boxes}, "the plot stays"
        assert not any(r"h_{1} = 1 \times 0.793" in text for text, _ in boxes), "it has left"
        note = [box for text, box in boxes if text.startswith(("≈:", "acalculator"))]
        others = [box for text, box in boxes if not text.startswith(("≈:", "acalculator"))]
        assert len(note) == 2
        for box in note:
            assert layout.overlap(box, others) == 0


def test_a_video_ends_on_what_the_loop_did_to_the_loss(cycle):
    """Not a GIF: the video stops on its payoff, held, no replay after it (a lecture's
    player stops on the last frame)."""
    said = lines(cycle)
    assert said[-1] == "iteration 0 → 2: L = 0.760 → 0.362"  # ½ × 0.851²
    assert "(replay: back to iteration 0's weights)" not in said
    start, end, _ = cycle.captions[-1]
    assert end - start >= 10.0
    _, last = cycle.snapshots[-1]
    shown = "".join(text for _, text, *_ in last)
    assert "0.760" in shown and r"\rightarrow 0.362" in shown, "the last frame shows it"


def test_a_node_label_keeps_the_text_that_fitted_its_side(cycle):
    """A name too long for any clear side gives way to the number alone, and a later
    label of that slot is the number alone too, not the name it could not fit."""
    net, red = cycle.net, cycle.theme["gradient"]
    texts = [r"\partial L/\partial h_{1} = 0.1 \text{ and a long tail that crosses edges}",
             "0.1"]
    first = net.first_clear_label("gradient", 1, 0, texts, red)
    again = net.first_clear_label("gradient", 1, 0, texts, red)
    assert ("gradient", 1, 0) in net.clear, "the number alone found a clear side"
    assert first.tex_string == again.tex_string == "0.1"
    assert layout.box(first) == pytest.approx(layout.box(again))


def test_a_recalled_gradient_keeps_each_forms_own_minus():
    """The formula's minus is LaTeX's, the caption's the typographic one: a negative
    gradient recalled by the update typesets (relu's u₂₁ takes −0.124)."""
    from scenes.arith import Eq
    from scenes.cycle import CycleScene

    line = Eq(r"\partial L/\partial u_{21} = $a \times $d = $g",
              "∂L/∂u₂₁ = $a × $d = $g", a="1", d="(-0.124)", g="-0.124")
    recalled = CycleScene.recalled(line)
    assert recalled.tex == r"\partial L/\partial u_{21} = -0.124"
    assert recalled.text == "∂L/∂u₂₁ = −0.124"
    approx = Eq(r"\partial L/\partial v_{21} = $a \times $d $eq $g", "∂L/∂v₂₁ = $a × $d $eq $g",
                exact=False, a="0.782", d="1.022", g="0.800")
    assert CycleScene.recalled(approx).text == "∂L/∂v₂₁ = 0.800"
