"""The cycle's edges in use (scenes.cycle_tags): a line lights the edges it reads,
white as the key's "in use" says, and sets the others back; the update's glow is
keyed while it plays; a lit edge carries its weight's name while its lines are read,
and only then."""

import numpy as np
import pytest

from scenes.edge_labels import distance, opacity
from tests import dry_run
from tests.test_cycle_edges import BY_HAND, OLD, POST, first_update

SET_BACK = 0.5  # an edge fainter than this is set back: not in use


@pytest.fixture(scope="module")
def cycle():
    return dry_run.run_example("cycle", POST, {"precision": 3}, "post")


def test_the_white_of_the_edges_a_line_reads_is_keyed(cycle):
    """A white edge is in use: keyed by a white swatch, clear of every other text."""
    from manim import Line, ManimColor

    from scenes import layout

    for _, texts in cycle.snapshots[:3]:
        keys = [box for _, text, box, *_ in texts if text == "inuse"]
        assert len(keys) == 1
        others = [box for _, text, box, *_ in texts if text != "inuse"]
        assert layout.overlap(keys[0], others) == 0
    lines = [m for key in cycle.in_use for m in key.get_family() if isinstance(m, Line)]
    assert len(lines) == 2 and lines[0].get_stroke_width() >= 4
    lit = cycle.brighten(cycle.edges(0)[:1])[0][0]  # what a lit edge turns into
    assert lines[0].get_stroke_color() == ManimColor(lit.targets["color"])


def keyed_only_while(cycle, word: str, phase: str) -> None:
    """The key entry ``word`` stands, once and clear of every other text, through the
    phase whose captions start with ``phase``, and in no other phase."""
    from scenes import layout

    phases = ("forward pass", "loss", "backward pass", "weight update")
    snaps = cycle.snapshots
    for k, (name, texts) in enumerate(snaps[:-1]):
        keys = [box for _, text, box, *_ in texts if text == word]
        # (a phase's last snapshot is the next one's start: the key leaves)
        if name.startswith(phase) and snaps[k + 1][0] == name:
            assert len(keys) == 1, name
            others = [box for _, text, box, *_ in texts if text != word]
            assert layout.overlap(keys[0], others) == 0
        elif name.startswith(tuple(p for p in phases if p != phase)):
            assert not keys, name


def test_the_colour_of_an_updates_glow_is_keyed_while_it_plays(cycle):
    """An edge glows in the update's colour as its weight changes: keyed by a swatch
    in that colour, clear of every other text, while the update plays; in the other
    phases, one entry fewer to read."""
    from manim import Line, ManimColor

    keyed_only_while(cycle, "changing", "weight update")
    swatches = [m.get_stroke_color() for key in cycle.in_use for m in key.get_family()
                if isinstance(m, Line)]
    assert ManimColor(cycle.theme["update"]) in swatches


def test_the_loss_phase_rings_the_output_in_its_keyed_colour(cycle):
    """Through the loss phase the output is ringed in the phase word's colour (the
    yellow of "loss" meant nothing on screen), keyed by a ring in that colour, clear of
    every other text, while the phase plays; in the other phases the key has one
    entry fewer."""
    from manim import Circle, ManimColor

    keyed_only_while(cycle, "loss", "loss")
    rings = [m.get_stroke_color() for key in cycle.in_use for m in key.get_family()
             if isinstance(m, Circle)]
    assert rings == [ManimColor(cycle.theme["error"])]


def test_the_edges_not_changing_stay_set_back_while_a_weight_changes():
    """An update step lights its edge while its lines are read, then the weight
    changes: the edges that change hold the eye, glowing in the key's "changing"
    colour, and every other stays set back, with its number (they came back whole
    halfway through the step, and the focus was lost while the number changed)."""
    from manim import ManimColor

    from scenes.cycle import CycleScene

    change, hold, seen = CycleScene.animate_weights, CycleScene.wait, []

    def spy(self, t, glow=True, also=(), layers=None, only=None):
        change(self, t, glow=glow, also=also, layers=layers, only=only)
        self.changed = None if only is None or not glow else (layers, only)
        if self.changed:
            look(self)

    def held(self, *args, **kwargs):  # and still so while the step holds after it
        hold(self, *args, **kwargs)
        if getattr(self, "changed", None):
            look(self)
            self.changed = None

    def look(self):
        layers, only = self.changed
        diagram = self.net.diagram
        faint = {(layer, k) for layer in range(len(diagram.edges))
                 for k, edge in enumerate(diagram.layer_edges(layer))
                 if edge.get_stroke_opacity() < SET_BACK}
        faint_numbers = {(layer, k) for layer, labels in self.layer_labels.items()
                         for k, label in enumerate(labels) if 0 < opacity(label) < SET_BACK}
        numbered = {(layer, k) for layer, labels in self.layer_labels.items()
                    for k, label in enumerate(labels) if opacity(label) > 0}
        on_screen = {id(m) for m in self.mobjects}
        glowing = [g for g in self.glows if id(g) in on_screen and g.get_stroke_opacity() == 1
                   and g.get_stroke_color() == ManimColor(self.theme["update"])]
        seen.append((set(layers), set(only), faint, faint_numbers, numbered, len(glowing)))

    CycleScene.animate_weights, CycleScene.wait = spy, held
    try:
        scene = dry_run.run_example("cycle", POST, {"precision": 3}, "post")
    finally:
        CycleScene.animate_weights, CycleScene.wait = change, hold
    every = {(layer, k) for layer in range(len(scene.net.diagram.edges))
             for k in range(len(scene.net.diagram.layer_edges(layer)))}
    assert len(seen) >= 2 * 9, "each weight of the first update changes by itself"
    for layers, only, faint, faint_numbers, numbered, glowing in seen:
        changing = {(layer, k) for layer in layers for k in only}
        assert faint == every - changing
        assert faint_numbers == (every - changing) & numbered
        # each glows in the update's colour, the key's "changing", while it is read
        # (a glow there and back in 1.5 s left the key's colour nowhere on screen)
        assert glowing == len(changing)


def test_the_edges_a_forward_line_sums_over_are_bright_while_it_is_read():
    """h₂'s line lights x₁→h₂ and x₂→h₂ (white, the text's colour: the key's "in
    use") and no other edge; ŷ's line the three edges into ŷ; the loss's line none.
    While some edge is lit, or a node is ringed while its lines are read (σ′(h₂) and
    ∂L/∂h₂ read no edge: the whole network came back bright just then, a viewer's
    point), every other is set back (a viewer saw nothing dimmed), with the number
    on it; while neither, and when the loop ends as it began, every edge is whole."""
    from scenes.cycle import CycleScene

    lit_by_line, ringed_by_line, show = {}, {}, CycleScene.show_numbers
    faint_by_line, labelled = {}, {}

    def spy(self, lines, also, **kwargs):
        show(self, lines, also, **kwargs)
        diagram, white = self.net.diagram, self.theme["text"].lower()
        faint_by_line[lines[0][0].text] = {
            (layer, *pair) for layer in range(len(diagram.edges))
            for pair, edge in zip(diagram.edge_pairs(layer), diagram.layer_edges(layer))
            if edge.get_stroke_opacity() < SET_BACK}
        lit_by_line[lines[0][0].text] = {
            (layer, *pair) for layer in range(len(diagram.edges))
            for pair, edge in zip(diagram.edge_pairs(layer), diagram.layer_edges(layer))
            if edge.get_stroke_color().to_hex().lower() == white}
        labelled[lines[0][0].text] = {
            (layer, *pair): opacity(label) for layer, labels in self.layer_labels.items()
            for pair, label in zip(diagram.edge_pairs(layer), labels) if opacity(label) > 0}
        red = self.theme["gradient"].lower()
        ringed_by_line[lines[0][0].text] = {
            (layer, j) for layer, width in enumerate(self.trace.layers) for j in range(width)
            if self.net.node(layer, j).get_stroke_color().to_hex().lower() == red}

    CycleScene.show_numbers = spy
    try:
        scene = dry_run.run_example("cycle", POST, {"precision": 3, "loop": True}, "post")
    finally:
        CycleScene.show_numbers = show
    every = {(layer, *pair) for layer in range(len(scene.net.diagram.edges))
             for pair in scene.net.diagram.edge_pairs(layer)}
    for line, lit in lit_by_line.items():
        focus = lit or ringed_by_line[line]
        assert faint_by_line[line] == (every - lit if focus else set()), line
        # the numbers on the edges with them: a bright number on a faint edge still
        # drew the eye (a viewer's point)
        faint = {edge for edge, seen in labelled[line].items() if seen < SET_BACK}
        assert faint == faint_by_line[line] & set(labelled[line]), line
    assert all(edge.get_stroke_opacity() == 1 for layer in range(len(scene.net.diagram.edges))
               for edge in scene.net.diagram.layer_edges(layer))
    assert lit_by_line["h₁ = 1 × 0.8 + 1 × 0.2 = 1.0"] == {(0, 0, 0), (0, 1, 0)}
    assert lit_by_line["σ(h) = 1 / (1 + e^(−h))"] == {(0, 0, 0), (0, 1, 0)}
    assert lit_by_line["h₂ = 1 × 0.4 + 1 × 0.9 = 1.3"] == {(0, 0, 1), (0, 1, 1)}
    assert lit_by_line["h₃ = 1 × 0.3 + 1 × 0.5 = 0.8"] == {(0, 0, 2), (0, 1, 2)}
    assert lit_by_line["ŷ = 0.731 × 0.3 + 0.786 × 0.5 + 0.690 × 0.9 = 1.233"] == {
        (1, 0, 0), (1, 1, 0), (1, 2, 0)}
    assert lit_by_line["L = ½(ŷ − y)² = ½(1.233 − 0)² = 0.760"] == set()
    # one layer further back, each line lights the edge whose weight it reads: v₂₁'s
    # for ∂L/∂σ(h₂), none for σ' and ∂L/∂h₂, w₂₂'s for its gradient
    assert lit_by_line["∂L/∂σ(h₂) = ∂L/∂ŷ × v₂₁ = 1.233 × 0.5 = 0.617"] == {(1, 1, 0)}
    assert lit_by_line["σ'(h₂) = σ(h₂)(1 − σ(h₂)) = 0.786 × (1 − 0.786) = 0.168"] == set()
    assert lit_by_line["∂L/∂σ(h₂) = 0.617, σ'(h₂) = 0.168"] == set()
    assert lit_by_line["∂L/∂w₂₂ = ∂L/∂h₂ × x₂ = 0.104 × 1 = 0.104"] == {(0, 1, 1)}
    # a node's ∂L/∂h lights its edge to ŷ, whose weight the line takes, not the others'
    h1 = lit_by_line["σ'(h₁) = σ(h₁)(1 − σ(h₁)) = 0.731 × (1 − 0.731) = 0.197"]
    h3 = lit_by_line["σ'(h₃) = σ(h₃)(1 − σ(h₃)) = 0.690 × (1 − 0.690) = 0.214"]
    assert h1 == {(1, 0, 0)} and h3 == {(1, 2, 0)}, "the weights worked before are not"
    # nothing is lit while lines that read no one edge are read, nor is a worked weight
    # once its lines are gone: lit again when its update reads it
    assert lit_by_line["∂L/∂h₁ = 0.073, ∂L/∂h₂ = 0.104"] == set()
    assert lit_by_line["σ'(h₁) = 0.728 × (1 − 0.728) = 0.198"] == {(1, 0, 0)}
    assert (1, 1, 0) in lit_by_line["v₂₁ = 0.5, ∂L/∂v₂₁ = 0.969"]
    assert (0, 1, 1) in lit_by_line["w₂₂ = 0.9, ∂L/∂w₂₂ = 0.104"]
    # the node a line goes through (its σ(h) read, its gradient found) is ringed in
    # the gradients' colour while the line is read, and no other; a weight's is not
    for line in ("∂L/∂σ(h₂) = ∂L/∂ŷ × v₂₁ = 1.233 × 0.5 = 0.617",
                 "σ'(h₂) = σ(h₂)(1 − σ(h₂)) = 0.786 × (1 − 0.786) = 0.168",
                 "∂L/∂σ(h₂) = 0.617, σ'(h₂) = 0.168"):
        assert ringed_by_line[line] == {(1, 1)}, line
    assert ringed_by_line["∂L/∂w₂₂ = ∂L/∂h₂ × x₂ = 0.104 × 1 = 0.104"] == set()
    assert ringed_by_line["σ'(h₁) = σ(h₁)(1 − σ(h₁)) = 0.731 × (1 − 0.731) = 0.197"] == {(1, 0)}
    assert ringed_by_line["σ'(h₃) = σ(h₃)(1 − σ(h₃)) = 0.690 × (1 − 0.690) = 0.214"] == {(1, 2)}
    assert ringed_by_line["σ'(h₁) = 0.728 × (1 − 0.728) = 0.198"] == {(1, 0)}
    assert ringed_by_line["h₁ = 1 × 0.8 + 1 × 0.2 = 1.0"] == set()
    assert ringed_by_line["∂L/∂h₁ = 0.073, ∂L/∂h₂ = 0.104"] == set()


def test_the_lit_edges_are_named_while_their_lines_are_read(cycle):
    """While an update line is read, its lit edge carries its weight's name (v₃₁
    beside its edge), nearer its own edge than any other, where a name fits: most
    do. A name leaves with its line: the next line's edge is another."""
    diagram = cycle.net.diagram
    edges = {(layer, *pair): (edge.get_start()[:2], edge.get_end()[:2])
             for layer in range(len(diagram.edges))
             for pair, edge in zip(diagram.edge_pairs(layer), diagram.layer_edges(layer))}
    snaps = first_update(cycle)
    worked = {(1, 1, 0), (0, 1, 1)}  # v₂₁ and w₂₂: named with their own worked lines
    named = set()
    for layer, i, j in set(BY_HAND) - worked:
        name = f"{'vw'[1 - layer]}_{{{i + 1}{j + 1}}}"
        line = rf"{name} \leftarrow {OLD[layer, i, j]} - "
        reading = [k for k, (_, texts) in enumerate(snaps)
                   if any(text.startswith(line) for _, text, *_ in texts)]
        for k in reading:
            for _, text, _, _, shape in snaps[k][1]:
                if text == name or (text.startswith(f"{name} = ") and "," not in text):
                    centre = np.mean(np.array(shape), axis=0)
                    gaps = {key: distance(tuple(centre), *map(tuple, ends))
                            for key, ends in edges.items()}
                    assert min(gaps, key=gaps.get) == (layer, i, j), f"{text} by another edge"
                    named.add((layer, i, j))
        later = [texts for _, texts in snaps[reading[-1] + 1:]
                 if any(r"\leftarrow" in text for _, text, *_ in texts)]
        assert not any(text == name for texts in later for _, text, *_ in texts), \
            f"{name} stays after its line"
    assert len(named) >= 4, f"most of the seven lit edges named: {sorted(named)}"


def test_a_worked_weights_name_stands_by_its_edge_only_with_its_own_lines(cycle):
    """w₂₂, named while its gradient is worked out, leaves with those lines and comes
    back with its own update: staying, it stood beside w₁₂'s edge while the output
    layer's weights changed, and was read as w₁₂'s name."""
    def is_name(text: str) -> bool:
        return text == "w_{22}" or (text.startswith("w_{22} = ") and "," not in text)

    named_with_update = 0
    for _, texts in first_update(cycle):
        if any(is_name(text) for _, text, *_ in texts):
            assert any(text.startswith(r"w_{22} \leftarrow") for _, text, *_ in texts), \
                [text for _, text, *_ in texts if "leftarrow" in text]
            named_with_update += 1
    assert named_with_update, "named again with its update"


@pytest.mark.parametrize("weight", ["v_{21}", "w_{22}"])
def test_a_worked_weights_name_stands_by_its_edge_only_with_its_own_lines_ever(cycle, weight):
    """v₂₁ and w₂₂, each named while its gradient is worked out, leave with those
    lines and come back with their updates, in every iteration: standing between,
    through the other nodes' lines and the red numbers, a name read as left over."""
    def is_name(text: str) -> bool:
        return text == weight or (text.startswith(f"{weight} = ") and "," not in text)

    def own_line(text: str) -> bool:
        return rf"\partial {weight}" in text or rf"{weight} \leftarrow" in text

    named = 0
    for name, texts in cycle.snapshots:
        if any(is_name(text) for _, text, *_ in texts):
            assert any(own_line(text) for _, text, *_ in texts), name
            named += 1
    assert named, "named with its lines"
