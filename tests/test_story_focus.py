"""Where the backward scene tells the eye to look: the edges in use stay bright while
the rest are dimmed at every step, and a node's value and gradient stand apart from
its neighbours' (value above-left, gradient below-right)."""

import pytest

from core import config, trainer
from scenes.forward import DIMMED
from scenes.registry import SCENES
from scenes.settings import Settings
from tests import dry_run


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

    Watched.seen = []
    trace = trainer.train(config.load("post"))
    return dry_run.run(Watched, Settings(trace, "post", "dark", "en", {"precision": 3}))


def bright_layers(seen, starts: str) -> list[list[list[bool]]]:
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


def test_values_sit_above_left_and_gradients_below_right_of_their_nodes(backward):
    net, layers = backward.net, backward.trace.layers
    hidden = [(1, j) for j in range(layers[1])]
    values = backward.value_labels[:len(hidden)]
    gradients = [g for g in backward.grad_labels][-len(hidden):]
    for (layer, j), value, gradient in zip(hidden, values, gradients):
        centre = net.node(layer, j).get_center()
        assert value.get_right()[0] < centre[0] and value.get_top()[1] > centre[1]
        assert gradient.get_left()[0] > centre[0] and gradient.get_bottom()[1] < centre[1]
