"""The cycle's update takes no gradient the viewer has not seen (scenes.cycle_weights):
after the worked lines, every weight's ∂L/∂w stands red on its edge, in its weight's
place; the update then puts each new weight where its gradient stood, the output
layer's after its worked line, the first layer's after its own.

The numbers are the post's example worked by hand: x = (1, 1), ∂L/∂ŷ = 1.2333,
σ(h) = (0.7311, 0.7858, 0.6900) for h = (1.0, 1.3, 0.8), v = (0.3, 0.5, 0.9).
∂L/∂vⱼ = 1.2333 × σ(hⱼ) = 0.902, 0.969, 0.851; ∂L/∂wᵢⱼ = 1.2333 × vⱼ × σ(hⱼ)(1 − σ(hⱼ)) × xᵢ
= 0.073, 0.104, 0.237 for j = 1, 2, 3 (both inputs are 1); each new weight is
w − 0.1 × ∂L/∂w. Where a calculator, given the numbers on screen, does not make a
number on an edge, it is marked ≈: 1.233 × 0.731 = 0.901, not 0.902."""

import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from core import config
from scenes.edge_labels import distance
from tests import dry_run
from tests.test_edge_labels import short_stubs
from tests.test_story_endings import lines

POST = config.load("post")
# (layer, from, to): ∂L/∂w, then the weight after the first update
BY_HAND = {
    (1, 0, 0): ("≈0.902", "0.210"), (1, 1, 0): ("0.969", "0.403"), (1, 2, 0): ("0.851", "0.815"),
    (0, 0, 0): ("0.073", "0.793"), (0, 0, 1): ("0.104", "0.390"), (0, 0, 2): ("0.237", "0.276"),
    (0, 1, 0): ("0.073", "0.193"), (0, 1, 1): ("0.104", "0.890"), (0, 1, 2): ("0.237", "0.476"),
}
BESIDE = 0.4  # at most this far from its edge: a label beside it (more: a node's value)
RED_WORDS = "oneveryedge,inred:"  # a Text keeps no spaces
NODE_ROW = r"\partial L/\partial h_{1} = 0.073"  # the row the red numbers are made from


@pytest.fixture(scope="module")
def cycle():
    return dry_run.run_example("cycle", POST, {"precision": 3}, "post")


def labels_by_edge(scene, texts) -> dict[tuple, tuple[str, np.ndarray]]:
    """Each edge's label on screen in a snapshot: the number whose outline's centre
    lies nearest that edge, on it or beside it (a node's value stands farther off)."""
    diagram = scene.net.diagram
    edges = {(layer, *pair): (edge.get_start()[:2], edge.get_end()[:2])
             for layer in range(len(diagram.edges))
             for pair, edge in zip(diagram.edge_pairs(layer), diagram.layer_edges(layer))}
    found = {}
    for _, text, _, _, shape in texts:
        text = text.replace(r"{\approx}", "≈")  # a number marked: a calculator differs
        centre = tuple(np.mean(np.array(shape), axis=0))
        gaps = {key: distance(centre, *map(tuple, ends)) for key, ends in edges.items()}
        nearest = min(gaps, key=gaps.get)
        if not text.lstrip("≈").startswith("0.") or gaps[nearest] > BESIDE:
            continue
        assert nearest not in found, f"two numbers by edge {nearest}: {text}, {found.get(nearest)}"
        found[nearest] = (text, np.array(centre))
    return found


def first_update(scene):
    """The snapshots from the gradients on the edges to the second forward pass."""
    start = next(k for k, (_, texts) in enumerate(scene.snapshots)
                 if any(text.startswith(NODE_ROW) for _, text, *_ in texts))
    end = next(k for k, (name, _) in enumerate(scene.snapshots)
               if name.startswith("forward pass (iteration 1)"))
    return scene.snapshots[start:end]


def test_every_gradient_stands_on_its_own_edge_before_the_update(cycle):
    red = labels_by_edge(cycle, first_update(cycle)[0][1])
    assert {edge: text for edge, (text, _) in red.items()} == {
        edge: gradient for edge, (gradient, _) in BY_HAND.items()}
    said = lines(cycle)
    assert said.index("on every edge, in red: ∂L/∂w") < said.index(
        "v₂₁ ← 0.5 − 0.1 × 0.969 = 0.403"), "shown before the update takes them"


def test_the_red_numbers_come_with_the_node_gradients_they_are_made_from(cycle):
    """The rule first, over the weights still on their edges; then the row of
    ∂L/∂h and the red numbers together: none stands before the numbers it is made of."""
    rule = next(texts for _, texts in cycle.snapshots
                if any(text == RED_WORDS for _, text, *_ in texts))
    assert {edge: text for edge, (text, _) in labels_by_edge(cycle, rule).items()} == OLD
    assert not any(text.startswith(NODE_ROW) for _, text, *_ in rule)


def test_each_new_weight_takes_its_gradients_place_layer_by_layer(cycle):
    """v's new numbers come with v₂₁'s line, the first layer's red ones staying until
    w₂₂'s line; every new number where its gradient was."""
    snaps = first_update(cycle)
    red = labels_by_edge(cycle, snaps[0][1])
    w22_line = r"w_{22} \leftarrow 0.9 - 0.1 \times 0.104 = 0.890"
    w22 = next(k for k, (_, texts) in enumerate(snaps)
               if any(text == w22_line for _, text, *_ in texts))
    half = [labels_by_edge(cycle, texts) for _, texts in snaps[:w22]]
    assert any(all(shown.get(edge, ("",))[0] == BY_HAND[edge][1 if edge[0] == 1 else 0]
                   for edge in BY_HAND) for shown in half), \
        "a moment with v's new numbers beside the first layer's gradients"
    assert not any(shown.get((0, 0, 0), ("",))[0] == "0.793" for shown in half)
    after = labels_by_edge(cycle, snaps[-1][1])
    for edge, (_, new) in BY_HAND.items():
        text, centre = after[edge]
        assert text == new
        assert centre == pytest.approx(red[edge][1], abs=1e-6), f"{edge} moved"


SIGMA = ("0.731", "0.786", "0.690")  # σ(hⱼ) above each hidden node
NODE_GRADIENT = ("0.073", "0.104", "0.237")  # ∂L/∂hⱼ, from the row under the rule
OLD = {(1, 0, 0): "0.3", (1, 1, 0): "0.5", (1, 2, 0): "0.9", (0, 0, 0): "0.8", (0, 0, 1): "0.4",
       (0, 0, 2): "0.3", (0, 1, 0): "0.2", (0, 1, 1): "0.9", (0, 1, 2): "0.5"}


def test_each_weight_changes_on_its_edge_as_its_own_line_is_written(cycle):
    """Every one of the nine updates is worked: w ← old − 0.1 × red, the numbers a
    calculator takes from the edge before (old − 0.1 × red gives the new number,
    to the digit); its new number comes while its line is on screen, never before,
    and one update line stands at a time. Those after each layer's first come under
    the two numbers they take, named: the old one (no longer on the edge, where the
    red number stands) and the red one."""
    snaps = first_update(cycle)
    for (layer, i, j), (red, new) in BY_HAND.items():
        name = f"{'vw'[1 - layer]}_{{{i + 1}{j + 1}}}"
        old = OLD[layer, i, j]
        assert round(float(old) - 0.1 * float(red.lstrip("≈")), 3) == pytest.approx(float(new))
        line = rf"{name} \leftarrow {old} - 0.1 \times {red.lstrip('≈')} = {new}"
        came = next(k for k, (_, texts) in enumerate(snaps)
                    if labels_by_edge(cycle, texts).get((layer, i, j), ("",))[0] == new)
        assert any(text == line for _, text, *_ in snaps[came][1]), f"{line} not on screen"
        written = [k for k, (_, texts) in enumerate(snaps)
                   if any(text == line for _, text, *_ in texts)]
        assert written and written[0] < came
        # first read against the red number it takes, still on its edge
        red_then = labels_by_edge(cycle, snaps[written[0]][1])[(layer, i, j)][0]
        assert red_then == red, (line, red_then)
        updates = [text for _, text, *_ in snaps[came][1] if r"\leftarrow" in text]
        assert updates == [line]
        if (layer, i, j) not in ((1, 1, 0), (0, 1, 1)):  # v₂₁ and w₂₂: worked first
            # the red number worked out over it, from the numbers it multiplies: ∂L/∂ŷ
            # by the output and σ(h) on the diagram, or ∂L/∂h and x = 1 (a viewer
            # found the red numbers on the edges with no line of their own); ≈ where
            # a calculator's product of the numbers shown is not it, as on the edge
            relation = r"\approx" if red.startswith("≈") else "="
            factors = (f"1.233 \\times {SIGMA[i]}" if layer == 1
                       else f"{NODE_GRADIENT[j]} \\times 1")
            worked = rf"\partial L/\partial {name} = {factors} {relation} {red.lstrip('≈')}"
            assert any(text == worked for _, text, *_ in snaps[written[0]][1]), worked


def test_each_update_is_held_five_seconds(cycle):
    """Each weight's two lines, read against the red number (2 s), then while the
    number changes (1.5 s), then still: 5 s in all, at pace 1; where the red number
    is worked out over its update, 4 s a line, each line a calculator's step; a
    later iteration's pairs of update lines 4 s a line too (a viewer found 6.6 s for
    two too short)."""
    rows = [(start, end, cue.split("\n")[1:]) for start, end, cue in cycle.captions]
    blocks = [(start, end) for start, end, lines in rows
              if sum("←" in line for line in lines) == 1]
    # the first iteration's nine, then the other's output weights
    assert len(blocks) == 9 + 3
    worked = [(start, end) for start, end, lines in rows
              if len(lines) == 2 and "←" in lines[1] and re.match(r"∂L/∂\S+ = [\d.]+ ×", lines[0])]
    assert len(worked) == 7 + 2  # but v₂₁ and w₂₂, worked before; then v₁₁ and v₃₁
    pairs = [(start, end) for start, end, lines in rows
             if sum("←" in line for line in lines) == 2]
    assert len(pairs) == 3  # the first layer's six
    assert min(end - start for start, end in blocks + pairs) >= 5.0 - 1e-6
    assert min(end - start for start, end in worked + pairs) >= 2 * 4.0 - 1e-6


def edge_numbers(scene, texts) -> dict[tuple, str]:
    """Each edge's number, ≈ marks of either size written ≈."""
    return {edge: re.sub(r"\{\\(scriptstyle)?\\approx\}", "≈", text)
            for edge, (text, _) in labels_by_edge(scene, texts).items()}


# iteration 1 by hand, from the numbers its forward and backward passes put on screen:
# v₁₁ = 0.210, v₃₁ = 0.815 with ∂L/∂v = 1.022 × σ(h) = 1.022 × 0.728 = 0.744 and
# 1.022 × 0.680 = 0.695; every wᵢⱼ with ∂L/∂hⱼ = 0.042, 0.070, 0.181 (both inputs 1)
LATER_OLD = {(1, 0, 0): "0.210", (1, 2, 0): "0.815", (0, 0, 0): "0.793", (0, 0, 1): "0.390",
             (0, 0, 2): "0.276", (0, 1, 0): "0.193", (0, 1, 1): "0.890", (0, 1, 2): "0.476"}
LATER_RED = {(1, 0, 0): "0.744", (1, 2, 0): "0.695", (0, 0, 0): "0.042", (0, 0, 1): "0.070",
             (0, 0, 2): "0.181", (0, 1, 0): "0.042", (0, 1, 1): "0.070", (0, 1, 2): "0.181"}
# new = old − 0.1 × red; a calculator gets 0.136, 0.789 and 0.189 from the numbers
# shown (0.210 − 0.0744, 0.793 − 0.0042, 0.193 − 0.0042): the exact ones are marked
LATER_NEW = {(1, 0, 0): "≈0.135", (0, 0, 0): "≈0.788", (0, 0, 1): "0.383", (0, 0, 2): "0.258",
             (0, 1, 0): "≈0.188", (0, 1, 1): "0.883", (0, 1, 2): "0.458"}


def test_a_later_iteration_updates_two_weights_at_a_time_by_their_lines(cycle):
    """Iteration 1 repeats iteration 0 with new numbers: v₂₁ by its lines, then v₁₁
    and v₃₁ one at a time, each under its red number worked out (1.022 × 0.728 =
    0.744 and 1.022 × 0.680 = 0.695 from ∂L/∂ŷ and σ(h) on the diagram: in a pair's
    lines they came from nowhere), then the first layer's weights into each node in
    pairs (∂L/∂h × 1: the row of ∂L/∂h gives them), two update lines at a time, read
    against their red numbers still on their edges; the new numbers after them,
    marked ≈ where a calculator makes another from the line."""
    start = next(k for k, (name, _) in enumerate(cycle.snapshots)
                 if name.startswith("loss: L = 0.522"))
    end = next(k for k, (name, _) in enumerate(cycle.snapshots)
               if name.startswith("forward pass (iteration 2)"))
    snaps = cycle.snapshots[start:end]
    for (layer, i, j), sigma in (((1, 0, 0), "0.728"), ((1, 2, 0), "0.680")):
        red = LATER_RED[layer, i, j]
        worked = rf"\partial L/\partial v_{{{i + 1}1}} = 1.022 \times {sigma} = {red}"
        head = rf"v_{{{i + 1}1}} \leftarrow {LATER_OLD[layer, i, j]} - 0.1 \times {red}"
        read = [texts for _, texts in snaps if any(t == worked for _, t, *_ in texts)
                and any(t.startswith(head) for _, t, *_ in texts)]
        assert read, worked
        assert sum(r"\leftarrow" in t for _, t, *_ in read[0]) == 1, "one weight at a time"
        assert edge_numbers(cycle, read[0])[layer, i, j] == red, "its red number on its edge"
    pairs = [((0, 0, j), (0, 1, j)) for j in range(3)]
    for pair in pairs:
        heads = [rf"{'vw'[1 - layer]}_{{{i + 1}{j + 1}}} \leftarrow {LATER_OLD[layer, i, j]} "
                 rf"- 0.1 \times {LATER_RED[layer, i, j]}" for layer, i, j in pair]
        read = [k for k, (_, texts) in enumerate(snaps)
                if all(any(t.startswith(head) for _, t, *_ in texts) for head in heads)]
        assert read, heads
        texts = snaps[read[0]][1]
        assert sum(r"\leftarrow" in t for _, t, *_ in texts) == 2, "two lines at a time"
        shown = edge_numbers(cycle, texts)
        for edge in pair:
            assert shown[edge].lstrip("≈") == LATER_RED[edge], (edge, shown[edge])
        # the red numbers stay while both lines are checked against them, 4 s a line
        # (replaced 2.5 s in, they were gone before the second line was read)
        red = [k for k in read if all(edge_numbers(cycle, snaps[k][1]).get(edge, "").lstrip("≈")
                                      == LATER_RED[edge] for edge in pair)]
        times = cycle.snapshot_times[start:end]
        assert times[red[-1]] - times[read[0]] >= 2 * 4.0 - 1e-6, heads
        after = edge_numbers(cycle, snaps[read[-1]][1])
        for edge in pair:
            if edge in LATER_NEW:
                assert after[edge] == LATER_NEW[edge], (edge, after[edge])
            line = next(t for _, t, *_ in texts if t.startswith(heads[pair.index(edge)]))
            new = LATER_NEW.get(edge, "≈0.745").lstrip("≈")  # (v₃₁: 0.7455, a tie)
            assert line.endswith(new)
            # a student's rounding: a tie (0.815 − 0.0695 = 0.7455) away from zero
            calculated = (Decimal(LATER_OLD[edge]) - Decimal("0.1") * Decimal(LATER_RED[edge])
                          ).quantize(Decimal("0.001"), ROUND_HALF_UP)
            assert (r"\approx" in line) != (calculated == Decimal(new)), line


def test_sigma_is_defined_over_its_first_use(cycle):
    said = lines(cycle)
    definition = said.index("σ(h) = 1 / (1 + e^(−h))")
    assert said[definition + 1] == "σ(h₁) = σ(1.0) = 0.731"
    held = [texts for _, texts in cycle.snapshots
            if any(text.startswith(r"\sigma(h) = 1 / (1 + e^{-h})") for _, text, *_ in texts)]
    assert held and all(any(text.startswith(r"\sigma(h_{1}) = \sigma(1.0)")
                            for _, text, *_ in texts) for texts in held)
    assert said.count("σ(h) = 1 / (1 + e^(−h))") == 1


def test_every_hidden_value_is_worked_out_before_y_hat_takes_it(cycle):
    """h = x₁·w₁ⱼ + x₂·w₂ⱼ and σ(h) of each hidden node, top to bottom, in the first
    iteration (the post's: h = 1.0, 1.3, 0.8), before ŷ's line; not again later."""
    said = lines(cycle)
    worked = ["h₁ = 1 × 0.8 + 1 × 0.2 = 1.0", "σ(h₁) = σ(1.0) = 0.731",
              "h₂ = 1 × 0.4 + 1 × 0.9 = 1.3", "σ(h₂) = σ(1.3) = 0.786",
              "h₃ = 1 × 0.3 + 1 × 0.5 = 0.8", "σ(h₃) = σ(0.8) = 0.690"]
    at = [said.index(line) for line in worked]
    assert at == sorted(at) and at[-1] < said.index(
        "ŷ = 0.731 × 0.3 + 0.786 × 0.5 + 0.690 × 0.9 = 1.233")
    assert all(said.count(line) == 1 for line in worked)
    # and again in each later iteration, with the new weights (0.8 − 0.1 × 0.0729 =
    # 0.7927, 0.2 − 0.0073 = 0.1927: h₁ = 0.9854, which a calculator makes 0.986 from
    # the numbers shown, so ≈), without σ's definition again
    later = said[said.index("forward pass (iteration 1)"):]
    at = [later.index(line) for line in ["h₁ = 1 × 0.793 + 1 × 0.193 ≈ 0.985",
                                         "σ(h₁) = σ(0.985) = 0.728"]]
    assert at == sorted(at) and at[-1] < next(
        k for k, line in enumerate(later) if line.startswith("ŷ = "))
    assert said.count("σ(h) = 1 / (1 + e^(−h))") == 1


def test_every_node_gradient_the_first_layer_takes_is_worked_out_before_it(cycle):
    """After h₂'s worked lines, h₁'s and h₃'s (by hand: σ′ = 0.7311 × 0.2689 = 0.197
    and 0.6900 × 0.3100 = 0.214; ∂L/∂h = 1.2333 × v × σ′ = 0.073 and 0.237), before
    the red numbers that take them; once, in the first iteration."""
    said = lines(cycle)
    worked = ["∂L/∂h₂ = 0.617 × 0.168 = 0.104",
              "σ'(h₁) = σ(h₁)(1 − σ(h₁)) = 0.731 × (1 − 0.731) = 0.197",
              "∂L/∂ŷ = 1.233, v₁₁ = 0.3, σ'(h₁) = 0.197",
              "∂L/∂h₁ = 1.233 × 0.3 × 0.197 = 0.073",
              "σ'(h₃) = σ(h₃)(1 − σ(h₃)) = 0.690 × (1 − 0.690) = 0.214",
              "∂L/∂ŷ = 1.233, v₃₁ = 0.9, σ'(h₃) = 0.214",
              "∂L/∂h₃ = 1.233 × 0.9 × 0.214 = 0.237"]
    at = [said.index(line) for line in worked]
    assert at == sorted(at) and at[-1] < said.index("on every edge, in red: ∂L/∂w")
    assert all(said.count(line) == 1 for line in worked)
    # σ′(h₁)'s line has left when ∂L/∂h₁ takes its number: the three factors stand
    # over the product, named (a viewer found 0.197 used after its line was gone)
    held = [{text for _, text, *_ in texts} for _, texts in cycle.snapshots]
    assert any(any(r"v_{11} = 0.3" in text and "0.197" in text for text in texts)
               and any(text.endswith(r"= 1.233 \times 0.3 \times 0.197 = 0.073") for text in texts)
               for texts in held)
    # that row recalls a weight and σ′ as well as a gradient: in the text's colour, not
    # the gradients' red (a viewer read v₁₁ = 0.3 in red as a gradient); the product
    # under it is a gradient, red
    recalled, product = cycle.other_hidden_lines(0)[0][1][1]
    assert recalled.text == "∂L/∂ŷ = 1.233, v₁₁ = 0.3, σ'(h₁) = 0.197"
    assert (cycle.colour_of(recalled), cycle.colour_of(product)) == ("text", "gradient")


def test_the_update_rule_and_its_learning_rate_are_held_to_be_read(cycle):
    """η is said only in the update's rule: each time it comes, at least 3 s on screen
    before the numbers take its place."""
    shown = [any(r"\leftarrow w - \eta" in text for _, text, *_ in texts)
             for _, texts in cycle.snapshots]
    times = cycle.snapshot_times
    spans = [times[k + shown[k:].index(False)] - times[k] for k in range(1, len(shown))
             if shown[k] and not shown[k - 1]]
    assert len(spans) == 2, "once in each iteration's update"
    assert min(spans) >= 3.0


def test_how_each_edge_gradient_is_found_stands_under_them(cycle):
    """The rule, then every node's ∂L/∂(sum) it takes (by hand: 1.2333 × vⱼ × σ′(hⱼ)
    = 0.073, 0.104, 0.237, and ∂L/∂ŷ = 1.233), so each red number is a product of
    numbers on screen; once, what ≈ on an edge means (0.731 × 1.233 = 0.901 on a
    calculator, where the edge shows ≈0.902)."""
    said = lines(cycle)
    red = said.index("on every edge, in red: ∂L/∂w")
    assert said[red + 1] == "= ∂L/∂(its end) × (value at its start)"
    assert said[red + 2:red + 5] == ["backward pass", "∂L/∂h₁ = 0.073, ∂L/∂h₂ = 0.104",
                                     "∂L/∂h₃ = 0.237, ∂L/∂ŷ = 1.233"]
    note = "≈ on an edge: exact result, rounded; a calculator's last digit can differ."
    assert said[red + 5] == "backward pass" and " ".join(said[red + 6:red + 8]) == note
    assert " ".join(said).count(note) == 1, "once"
    # in the next iteration worked out again before the red numbers, node by node, from
    # the numbers on screen while v₁₁ = 0.210 is still on its edge (σ(h₁) = 0.7280 on
    # its node: 0.728 × 0.272 = 0.198; 1.022 × 0.210 × 0.198 = 0.0425), then stated
    red = said.index("on every edge, in red: ∂L/∂w", red + 1)
    worked = said.index("∂L/∂h₁ = 1.022 × 0.210 × 0.198 = 0.042")
    assert said[worked - 1] == "σ'(h₁) = 0.728 × (1 − 0.728) = 0.198" and worked < red
    assert said[red + 3] == "∂L/∂h₁ = 0.042, ∂L/∂h₂ = 0.070"
    # each node's two products held as long as iteration 0's blocks: 5 s at least
    later = [(start, end) for start, end, cue in cycle.captions
             if any(line.startswith("σ'(h") and "σ(h" not in line for line in cue.split("\n"))]
    assert len(later) == 3  # three nodes, iteration 1
    assert min(end - start for start, end in later) >= 5.0


def first_shown(scene, match) -> int:
    return next(k for k, (_, texts) in enumerate(scene.snapshots)
                if any(match(text) for _, text, *_ in texts))


def test_a_worked_value_comes_with_its_line_and_the_loss_when_computed(cycle):
    """σ(h₁) = 0.731 above h₁ with its line, σ(h₂) = 0.786 with its own, ŷ = 1.233 by
    the output with ŷ's, not with the sweep; the plot's 0.760 with the loss by the
    counter, once its line computed it."""
    assert first_shown(cycle, lambda text: text == "0.731") == first_shown(
        cycle, lambda text: text.startswith(r"\sigma(h_{1}) = \sigma(1.0)"))
    assert first_shown(cycle, lambda text: text == "0.786") == first_shown(
        cycle, lambda text: text.startswith(r"\sigma(h_{2}) = \sigma(1.3)"))
    assert first_shown(cycle, lambda text: text == r"\hat{y} = 1.233") == first_shown(
        cycle, lambda text: text.startswith(r"\hat{y} = 0.731 \times 0.3"))
    line = r"L = \tfrac{1}{2}(\hat{y} - y)^2 = "
    computed = first_shown(cycle, lambda text: text.startswith(line))
    assert first_shown(cycle, lambda text: text == "0.760") == first_shown(
        cycle, lambda text: text == "L = 0.760") > computed


def test_a_number_a_calculator_does_not_make_from_the_screen_is_marked(cycle):
    """After the second update v₁₁ is 0.135, but 0.210 − 0.1 × 0.744 = 0.1356 gives
    0.136: marked ≈0.135. So are w₁₁ 0.788 and w₂₁ 0.188 (0.793 − 0.1 × 0.042 = 0.7888,
    0.193 − 0.0042 = 0.1888), a little smaller, so that the crowded first layer has
    room for their marks. Numbers a calculator does make are not marked: 0.210
    (0.3 − 0.1 × 0.902 = 0.2098) and 0.969 (0.786 × 1.233 = 0.9691)."""
    seen = {text for _, texts in cycle.snapshots for _, text, *_ in texts}
    assert r"{\approx}0.135" in seen and "0.135" not in seen
    assert {r"{\approx}0.788", r"{\approx}0.188"} <= seen and not {"0.788", "0.188"} & seen
    assert {"0.210", "0.969"} <= seen
    assert not {r"{\approx}0.210", r"{\approx}0.969"} & seen


def test_no_stub_of_edge_before_a_number_on_it_reads_as_a_minus_in_the_cycle(cycle):
    """As in backward (test_edge_labels): the cycle showed "−0.104" at 1:43 and
    "−0.390" at 3:05, each a short piece of edge before a number lying on it."""
    assert short_stubs(cycle) == []


def test_every_worked_line_is_held_four_seconds(cycle):
    """A block of worked lines stands at least 4 s a line: each is checked with a
    calculator, not only read (a viewer found a later iteration's h and σ(h), 4.9 s
    for the two, too fast for σ on a calculator); a line alone, and the rule for the
    red numbers, 7 s at least (5.6 s on screen was too fast to check one)."""
    short = []
    for start, end, cue in cycle.captions:
        worked = [row for row in cue.split("\n")[1:] if "=" in row and ("×" in row or "σ(" in row)]
        if worked and end - start < max(7.0, 4.0 * len(worked)) - 1e-6:
            short.append((round(start, 1), round(end - start, 1), worked))
    assert short == []
    # ŷ's line asks a calculator for three products (0.731 × 0.3, 0.786 × 0.5 and
    # 0.690 × 0.9) and their sum: 2.5 s each (5.9 s was too short)
    for start, end, cue in cycle.captions:
        if cue.split("\n")[-1].startswith("ŷ = 0.731 × 0.3 + 0.786 × 0.5"):
            assert end - start >= 3 * 2.5 - 1e-6
            break
    else:
        raise AssertionError("ŷ's line is not written")
