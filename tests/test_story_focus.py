"""Where the backward scene tells the eye to look: the edges in use stay bright while
the rest are dimmed at every step; a value alone at its node stands off the edges, and
values and gradients stand apart; the key says what the edges show."""

import math

import pytest
from manim import Polygon, VGroup

from core import config, trainer
from scenes.edge_labels import backing_frame, distance, opacity
from scenes.forward import DIMMED
from scenes.registry import SCENES
from scenes.settings import Settings
from tests import dry_run
from tests.test_story_numbers import EXAMPLES

STACKED = 0.6  # from its edge to the centre of a number stacked over one lying on it
# (two label heights, 0.5, and a little)


@pytest.fixture(scope="module")
def backward():
    """The post's backward scene, with each edge's stroke opacity after every play."""
    base = SCENES["backward"].load()

    class Watched(base):
        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            if self.captions and hasattr(self, "net"):
                layers = range(len(self.net.diagram.edges))
                self.seen.append((self.captions[-1][2], [
                    [float(e.get_stroke_opacity()) for e in self.net.diagram.layer_edges(k)]
                    for k in layers]))
                self.edge_colours.append((self.legend_symbol, {
                    e.get_stroke_color().to_hex().lower()
                    for k in layers for e in self.net.diagram.layer_edges(k)}))
                # the gradients written along edges for the update, as they stand now
                self.beside_edges.append((self.captions[-1][2], [
                    (m.tex_string, tuple(m.get_center()[:2]), str(m.get_color()).lower(),
                     backing_frame(m)[1]) for m in self.used_gradients if opacity(m) > 0.9]))

    Watched.seen, Watched.beside_edges, Watched.edge_colours = [], [], []
    trace = trainer.train(config.load("post"))
    return dry_run.run(Watched, Settings(trace, "post", "dark", "en", {"precision": 3}))


def test_no_edge_is_drawn_by_its_weight_under_a_key_of_gradients(backward):
    """While the key names ∂L/∂w in the backward pass, every edge is red (its
    gradient) or grey (its gradient still to come), the layers not reached yet too: a
    blue edge would have no key. (The update's first step brings back the weights'
    key with their colours.)"""
    theme = backward.theme
    signs = {theme["positive"].lower(), theme["negative"].lower()}
    update = next(k for k, (cue, _) in enumerate(backward.seen) if "←" in cue)
    under_gradients = [(cue.split("\n")[0], colours) for (cue, _), (symbol, colours)
                       in zip(backward.seen[:update], backward.edge_colours) if symbol != "w"]
    assert under_gradients
    assert not [(cue, colours) for cue, colours in under_gradients if colours & signs]


def bright_layers(seen, starts: str | tuple) -> list[list[list[bool]]]:
    """Per moment of a cue starting so, per weight layer, which edges are bright."""
    return [[[o > DIMMED + 0.05 for o in layer] for layer in opacities]
            for cue, opacities in seen if cue.startswith(starts)]


def test_every_backward_step_dims_what_it_does_not_use(backward):
    # the output's error: every edge waits
    assert [[False] * 6, [False] * 3] in bright_layers(backward.seen, "backward pass: ∂L/∂ŷ")
    # ∂L/∂w₁₁, ∂L/∂w₁₂, ∂L/∂w₁₃: the edges out of x₁, no others
    assert [[True] * 3 + [False] * 3, [False] * 3] in bright_layers(backward.seen, "∂L/∂w₁₁")
    # the update of w₁₁, w₁₂, w₁₃: the three edges out of x₁ only
    assert any(layers[1] == [False] * 3 and sum(layers[0]) == 3
               for layers in bright_layers(backward.seen, "w₁₁ ←"))


def test_focus_passes_from_node_to_node_without_a_bright_flash(backward):
    """Between two nodes of a layer the next node's focus takes over: the diagram
    never comes back to full brightness in between (a distracting flicker)."""
    moments = bright_layers(backward.seen, ("∂L/∂σ(h₁)", "∂L/∂σ(h₂)"))
    assert len(moments) >= 4
    assert not any(all(all(layer) for layer in layers) for layers in moments[1:])


def test_each_update_has_its_gradient_on_its_edge(backward):
    """While ``w₁₁ ← w₁₁ − η·∂L/∂w₁₁ = 0.8 − 0.1 × 0.073 = 0.793`` is on screen, 0.073
    comes to stand along w₁₁'s edge, turned with it, over or under the weight that
    lies on it (end to end they read as a subtraction), in the gradient colour: the
    number the update takes is where the student looks for it, for every line."""
    net, gradient = backward.net.diagram, backward.theme["gradient"].lower()
    ends = {(layer, k): (edge.get_start()[:2], edge.get_end()[:2])
            for layer in range(len(net.edges)) for k, edge in enumerate(net.layer_edges(layer))}
    names = {f"{letter}{i}{j}": (layer, k) for layer, letter in enumerate(("w", "v"))
             for k, (i, j) in enumerate((a + 1, b + 1) for a, b in net.edge_pairs(layer))}
    subscripts = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
    chunks = 0
    for cue in dict.fromkeys(cue for cue, _ in backward.beside_edges
                             if "←" in cue and "×" in cue):  # an update line, with numbers
        lines = cue.split("\n")
        wanted = {line.split(" ")[0].translate(subscripts): line.split("× ")[1].split(" ")[0]
                  for line in lines}
        # all at once, or one edge after another where they do not fit together
        shown = list(dict.fromkeys(label for c, labels in backward.beside_edges if c == cue
                                   for label in labels))
        assert {text for text, *_ in shown} == set(wanted.values()), cue
        for text, centre, colour, angle in shown:
            assert colour == gradient
            own = [names[name] for name, number in wanted.items() if number == text]
            # beside its edge (a label's height off it, no more), turned with it: the
            # edges it may be read with cross its own at an angle
            assert any(distance(centre, *ends[key]) < STACKED and abs(math.remainder(
                angle - math.atan2(*(ends[key][1] - ends[key][0])[::-1]), math.pi)) < 1e-3
                for key in own), f"{text} is not along its own edge"
        chunks += 1
    assert chunks == 3  # w₁ⱼ, w₂ⱼ, vⱼ₁


def edge_runs_through(box, start, end) -> bool:
    """Whether the segment from start to end passes through the box (Liang-Barsky)."""
    (x0, y0, x1, y1), (ax, ay), (bx, by) = box, start[:2], end[:2]
    low, high = 0.0, 1.0
    for p, q in ((-(bx - ax), ax - x0), (bx - ax, x1 - ax), (-(by - ay), ay - y0),
                 (by - ay, y1 - ay)):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        low, high = (max(low, r), high) if p < 0 else (low, min(high, r))
        if low > high:
            return False
    return True


def label_box(m) -> tuple:
    return m.get_left()[0], m.get_bottom()[1], m.get_right()[0], m.get_top()[1]


def test_forward_values_stand_clear_of_the_edges():
    """A number lying on a line reads as that line's: where a node carries only its
    value, the value sits where no edge runs."""
    forward = dry_run.run_example("forward", config.load("post"), {"precision": 3}, "post")
    net, layers = forward.net, forward.trace.layers
    edges = [(e.get_start(), e.get_end()) for k in range(len(layers) - 1)
             for e in net.diagram.layer_edges(k)]
    assert len(forward.value_labels) == sum(layers[1:])
    for label in forward.value_labels:
        box = label_box(label)
        assert not any(edge_runs_through(box, *edge) for edge in edges), label.tex_string


def test_backward_node_labels_stand_apart(backward):
    """Each node's value and gradient stand apart from each other and from the other
    nodes' (a column alternates them: value above-left, gradient below-right)."""
    layers = backward.trace.layers
    hidden = sum(layers[1:-1])
    outputs = layers[-1]  # their gradients come first, then the hidden layers'
    labels = backward.value_labels + backward.grad_labels[:outputs + hidden]
    assert len(labels) == 2 * (hidden + outputs)
    boxes = [label_box(m) for m in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert max(b[0] - a[2], a[0] - b[2], b[1] - a[3], a[1] - b[3]) > 0


def test_the_outputs_gradient_is_named_unlike_its_value(backward):
    """ŷ = 1.233 above the output and its gradient, also 1.233 here, must not read alike."""
    value, gradient = backward.value_labels[-1], backward.grad_labels[0]
    assert value.tex_string.startswith(r"\hat{y} =")
    assert gradient.tex_string.startswith(r"\partial L/\partial \hat{y} =")


def legend_colours(scene) -> set[str]:
    """The colours of the key's swatches: each a wedge, thin to thick."""
    wedges = [part[0] for part in scene.legend.get_family() if isinstance(part, VGroup)
              and len(part) and isinstance(part[0], Polygon)]
    for wedge in wedges:
        v = wedge.get_vertices()
        assert abs(v[2][1] - v[1][1]) > 4 * abs(v[3][1] - v[0][1]), "thick at one end"
    return {str(wedge.get_fill_color()).lower() for wedge in wedges}


def test_the_key_shows_the_signs_on_screen_and_widens_with_the_size(backward):
    theme = backward.theme
    # the post's weights are all positive, before the update and after it
    assert legend_colours(backward) == {theme["positive"].lower()}
    mixed = dry_run.run_example("forward", config.resolve(EXAMPLES["full-batch"]),
                                {"precision": 3})
    assert legend_colours(mixed) == {theme["positive"].lower(), theme["negative"].lower()}
