"""Chain-rule: it opens on its graph, derives the chain rule in symbols before
numbers, names the general gate's ideas on screen one at a time, and ends on the ×
gate of a weight of the network, worked on the network's own numbers."""

import pytest

from core import config
from tests import dry_run
from tests.test_story_endings import lines, texts_at


def weight_gate(said: list[str]) -> int:
    """Where the × gate on the network's numbers starts, the last of the scene."""
    return next(k for k, line in enumerate(said) if line.startswith("a weight's × gate"))


@pytest.fixture(scope="module")
def chain_rule():
    return dry_run.run_example("chain-rule", config.load("post"), {"precision": 3}, "post")


def test_chain_rule_opens_on_its_graph(chain_rule):
    first = texts_at(chain_rule.snapshots[0])
    assert {"+", r"(\cdot)^2", "x", "y", "z"} <= first
    assert not any("partial" in text for text in first), "the graph before any equation"


def test_chain_rule_derives_the_rule_in_symbols_before_numbers(chain_rule):
    said = lines(chain_rule)
    symbolic = said.index("∂z/∂x = ∂z/∂t · ∂t/∂x = 2t · 1 = 2(x + y)")
    numeric = next(i for i, line in enumerate(said) if line.startswith("∂z/∂x = ∂z/∂t · ∂t/∂x = 6"))
    assert symbolic < numeric


def test_chain_rule_expands_first_and_names_upstream_only_where_it_defines_it(chain_rule):
    said = lines(chain_rule)
    expanded = said.index("z = (x + y)² = x² + 2xy + y²")
    assert said[expanded + 1] == "∂z/∂x = 2x + 2y = 2 × 1 + 2 × 2 = 6"
    defined = next(i for i, line in enumerate(said) if line.startswith("upstream gradient:"))
    assert not any("upstream" in line for line in said[:defined])


def test_the_chain_rules_result_stands_beside_the_expanded_one(chain_rule):
    """The 6 by the chain rule and the 6 by expanding, on screen together."""
    said = lines(chain_rule)
    numeric = next(i for i, line in enumerate(said)
                   if line.startswith("∂z/∂x = ∂z/∂t · ∂t/∂x = 6"))
    assert said[numeric + 2] == "as expanding gave: ∂z/∂x = 2x + 2y = 2 × 1 + 2 × 2 = 6"
    together = [texts_at(s) for s in chain_rule.snapshots
                if any(r"2 \times 1 + 2 \times 2 = 6" in t for t in texts_at(s))]
    assert any(any(r"6 \times 1 = 6" in t for t in shown) for shown in together)


def test_the_general_gate_ends_on_its_rule_with_the_examples_numbers(chain_rule):
    """downstream = upstream × local, then the same figure on the + gate's numbers of
    the first part, each in the place of its symbol: t = 3 where z was (the gate's
    output), ∂z/∂t = 6 where ∂L/∂z was (z is what the gradients are of), its local
    derivatives 1, and ∂z/∂x = 6 × 1 = 6 downstream; left on screen to the end."""
    said = lines(chain_rule)
    example = "the + gate in z = (x + y)²: ∂z/∂x = ∂z/∂t · ∂t/∂x = 6 × 1 = 6"
    assert said[weight_gate(said) - 3] == example
    last = {text: box for _, text, box, *_ in next(
        s for s in reversed(chain_rule.snapshots) if s[0] == example)[1]}
    general = {text: box for _, text, box, *_ in next(
        s for s in reversed(chain_rule.snapshots) if s[0].startswith("downstream"))[1]}
    d = r"\frac{\partial %s}{\partial %s}"
    replaced = [("z", "t = 3"), (d % ("L", "z"), d % ("z", "t") + " = 6"),
                (d % ("L", "x") + " = " + d % ("L", "z") + r" \cdot " + d % ("z", "x"),
                 d % ("z", "x") + r" = 6 \times 1 = 6")]
    for symbol, number in replaced:
        assert number in last and symbol not in last, number
        (_, y0, _, y1), (_, v0, _, v1) = general[symbol], last[number]
        assert abs((y0 + y1) - (v0 + v1)) / 2 < 0.05, f"{number} stands where {symbol} stood"
    assert {"+", "the+gate:t=x+y", d % ("t", "x") + " = " + d % ("t", "y") + " = 1"} <= set(last)
    assert "upstreamgradient,zinL'splace" in last, "z stands where the figure has L"


def test_the_general_gate_ends_on_the_times_gate_of_every_weight(chain_rule):
    """Last, the gate a weight meets: × hands each input the other's value as its local
    gradient, each symbol in the place of the general gate's; and what that means in a
    neuron, ∂L/∂w = ∂L/∂h · x, beside the rule, which stays."""
    said = lines(chain_rule)
    gate = weight_gate(said)
    assert said[gate - 2] == ("the × gate: ∂z/∂x = y, ∂z/∂y = x; ∂L/∂x = ∂L/∂z · y, "
                              "∂L/∂y = ∂L/∂z · x")
    neuron = said[gate - 1]
    assert neuron == "in a neuron, h = w·x + …, so ∂L/∂w = ∂L/∂h · x", "a step of its own"
    last = {text: box for _, text, box, *_ in next(
        s for s in reversed(chain_rule.snapshots) if s[0] == neuron)[1]}
    general = {text: box for _, text, box, *_ in next(
        s for s in reversed(chain_rule.snapshots) if s[0].startswith("downstream"))[1]}
    d = r"\frac{\partial %s}{\partial %s}"
    for v, other in ("xy", "yx"):
        symbol = d % ("L", v) + " = " + d % ("L", "z") + r" \cdot " + d % ("z", v)
        number = d % ("L", v) + " = " + d % ("L", "z") + rf" \cdot {other}"
        assert number in last and symbol not in last, number
        (_, y0, _, y1), (_, v0, _, v1) = general[symbol], last[number]
        assert abs((y0 + y1) - (v0 + v1)) / 2 < 0.05, f"{number} stands where {symbol} stood"
    assert {r"\times", "the×gate:z=x·y", d % ("z", "x") + r" = y,\ " + d % ("z", "y") + " = x",
            r"\partial L/\partial w = \partial L/\partial h \cdot x",
            "downstream=upstream×local", "upstreamgradient"} <= set(last)
    boxes = list(last.values())
    for k, (x0, y0, x1, y1) in enumerate(boxes):  # the neuron's line and the rule apart
        assert not any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1
                       for b in boxes[k + 1:]), "no two texts overlap"


def test_the_times_gate_is_worked_on_a_weight_of_the_network(chain_rule):
    """Last, after the neuron's rule, the same gate on the post's numbers, as the
    backward pass finds them: σ(h₂) = σ(1.3) = 0.786 and v₂₁ = 0.5 in,
    p = 0.393 out (p for product: z is the opening's), ∂L/∂ŷ = 1.233 back;
    downstream 1.233 × 0.5 = 0.617 and 1.233 ×
    0.786 = 0.969, each a product a calculator makes from the numbers shown (v₁₁'s,
    0.731 × 1.233 = 0.901 against the exact 0.902, is passed over: no room for a
    note on ≈); the neuron's rule on these names in its row's place, saying why
    ∂L/∂p = ∂L/∂ŷ. Each number where its symbol stood; none overlaps another; held to
    be read. It comes one idea at a time, as the general gate did: the values (the
    caption says they are the network's), then the gradients at the gate, then
    downstream with the rule, each held for its caption's reading time."""
    said = lines(chain_rule)
    gate = weight_gate(said)
    assert said[gate:] == [
        "a weight's × gate: p = σ(h₂) · v₂₁ = 0.786 × 0.5 = 0.393. "
        "The numbers are the network's, from its forward and backward passes.",
        "∂p/∂σ(h₂) = 0.5, ∂p/∂v₂₁ = 0.786; ∂L/∂p = ∂L/∂ŷ = 1.233. "
        "here: ŷ = … + p + … ⇒ ∂ŷ/∂p = 1, ∂L/∂p = ∂L/∂ŷ",
        "∂L/∂σ(h₂) = 1.233 × 0.5 = 0.617, ∂L/∂v₂₁ = 1.233 × 0.786 = 0.969. "
        "here: ŷ = … + σ(h₂) · v₂₁ + … ⇒ ∂L/∂v₂₁ = ∂L/∂ŷ · σ(h₂)"]
    for (start, end, cue), words in zip(chain_rule.captions[-3:], said[gate:]):
        assert end - start >= min(len(words) / 20, 8) - 1e-6, cue
    # one idea at a time: downstream's numbers not before their step
    values = next(s for s in reversed(chain_rule.snapshots) if s[0] == said[gate])
    assert r"p = 0.786 \times 0.5 = 0.393" in texts_at(values)
    assert not any("1.233" in text for text in texts_at(values))
    # the general × gate's symbols of x and y leave with them (none is on the wires
    # now), and the screen says where the numbers come from
    assert not any(r"\partial x}" in text or r"\partial y}" in text or r"\cdot x" in text
                   for text in texts_at(values)), texts_at(values)
    words = [text for text in texts_at(values) if "\\" not in text]
    assert all(any(word in text for text in words)
               for word in chain_rule.labels["numbers_from"].split()), words
    # with the gradients at the gate, why the upstream one is ∂L/∂ŷ: ∂ŷ/∂z = 1 stated
    at_gate = next(s for s in reversed(chain_rule.snapshots) if s[0] == said[gate + 1])
    assert (r"\hat{y} = \ldots + p + \ldots \ \Rightarrow\ \partial \hat{y}/\partial p = 1,\ "
            r"\partial L/\partial p = \partial L/\partial \hat{y}") in texts_at(at_gate)
    assert round(0.786 * 0.5, 3) == 0.393 and round(1.233 * 0.786, 3) == 0.969
    shown = {text: box for _, text, box, *_ in chain_rule.snapshots[-1][1]}
    d = r"\frac{\partial %s}{\partial %s}"
    numbers = [r"\sigma(h_{2}) = 0.786", "v_{21} = 0.5", r"p = 0.786 \times 0.5 = 0.393",
               d % ("p", r"\sigma(h_{2})") + r" = 0.5,\ " + d % ("p", "v_{21}") + " = 0.786",
               d % ("L", "p") + " = " + d % ("L", r"\hat{y}") + " = 1.233",
               # each result on a row of its own: in one, the upper product would run
               # into the wire that bends into the gate
               d % ("L", r"\sigma(h_{2})") + r" = 1.233 \times 0.5", "= 0.617",
               d % ("L", "v_{21}") + r" = 1.233 \times 0.786", "= 0.969",
               r"\hat{y} = \ldots + \sigma(h_{2}) \cdot v_{21} + \ldots \ \Rightarrow\ "
               r"\partial L/\partial v_{21} = \partial L/\partial \hat{y} \cdot \sigma(h_{2})"]
    assert set(numbers) <= set(shown), set(numbers) - set(shown)
    boxes = list(shown.values())
    for k, (x0, y0, x1, y1) in enumerate(boxes):
        assert not any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1
                       for b in boxes[k + 1:]), "no two texts overlap"
    # the rule stands a row's gap under the last result, not against it
    assert shown["= 0.969"][1] - shown[numbers[-1]][3] >= 0.25


def test_the_general_gates_key_has_the_local_gradients_colour(chain_rule):
    """Its local gradients are neither values nor gradients of L: the key says what
    their colour is, from the moment the gate is drawn."""
    gate = next(texts_at(s) for s in chain_rule.snapshots if s[0].startswith("any gate"))
    assert {"value", "gradient", "localgradient"} <= gate
    assert "localgradient" not in texts_at(chain_rule.snapshots[0])
    assert chain_rule.theme["local"] not in {chain_rule.theme[k] for k in (
        "text", "forward", "gradient")}, "a colour of its own"


def test_the_general_gate_names_its_ideas_one_at_a_time(chain_rule):
    labels = chain_rule.labels
    # a Text keeps its words without spaces
    words = [labels[key].replace(" ", "") for key in ("local_gradients", "upstream",
                                                       "downstream")]
    appeared = []
    for _, texts in chain_rule.snapshots:
        shown = {text for kind, text, *_ in texts if kind == "Text"}
        appeared += [w for w in words if w in shown and w not in appeared]
    assert appeared == words, "local, then upstream, then downstream"
    # they stay to the end; the local gradients' words as long as the symbols do (the
    # numbers' wider formula leaves them no room, and the key names their colour)
    symbolic = next(s for s in reversed(chain_rule.snapshots) if s[0].startswith("in a neuron"))
    assert set(words) <= texts_at(symbolic)
    assert set(words[1:]) | {"localgradient"} <= texts_at(chain_rule.snapshots[-1])
    general = texts_at(next(s for s in reversed(chain_rule.snapshots)
                            if s[0].startswith("downstream")))
    assert "anygate:z=f(x,y)" in general, "the title says what the figure is"
    assert any(r"\frac{\partial L}{\partial x}" in text for text in general)


def test_each_idea_of_the_general_gate_stays_long_enough_to_find_on_the_picture(chain_rule):
    """Each of the general gate's four ideas (the gate, its local gradients, the
    upstream gradient, downstream = upstream × local) brings words and symbols that
    the eye must find on the gate: 4.2 s each went by before a first-time viewer
    had found them. Each caption stands 5.5 s at least."""
    starts = ["any gate", "local gradients", "upstream gradient", "downstream = upstream"]
    for words in starts:
        start, end, _ = next(c for c in chain_rule.captions if c[2].startswith(words))
        assert end - start >= 5.5, (words, end - start)
