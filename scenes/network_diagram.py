"""A layered network diagram whose edges follow the weights of a trace.

Edges are coloured by sign (theme's positive/negative) and widened by |w|,
scaled over the whole run so that widths compare across iterations. Layers
wider than MAX_SHOWN show their first and last nodes around an ellipsis and
the true count, as 3Blue1Brown does. With biases, each layer that feeds another
has a bias unit on top, a "1" whose edges carry the next layer's biases, as
textbooks draw it: h = sum of w x + b x 1 reads off the picture.
"""

import numpy as np
from manim import DOWN, Circle, Line, Mobject, VGroup

from scenes.tex import Formula, Words

MAX_SHOWN = 8
HEAD, TAIL = 4, 3  # nodes kept on each side of the ellipsis


def shown_nodes(width: int) -> list[int]:
    """Indices of the nodes drawn for a layer of ``width`` units."""
    if width <= MAX_SHOWN:
        return list(range(width))
    return list(range(HEAD)) + list(range(width - TAIL, width))


class NetworkDiagram(VGroup):
    """Nodes (circles) and edges (lines) laid out left to right inside a box."""

    def __init__(self, layers: list[int], width: float, height: float, theme: dict,
                 font: str, max_abs_weight: float, max_spacing: float = 1.3,
                 bias: bool = False, solid: bool = False):
        """``solid``: every edge in its full colour, at least 2 wide, only the width
        telling |w| (a lecture's projector washes out faint edges); else weak
        weights also fade."""
        super().__init__()
        self.layers, self.theme, self.solid = layers, theme, solid
        self.max_abs = max(max_abs_weight, 1e-12)
        self.shown = [shown_nodes(n) for n in layers]
        # a bias unit takes a slot on top of each layer but the last
        tops = [1 if bias and i < len(layers) - 1 else 0 for i in range(len(layers))]
        slots = max(top + len(s) + (1 if len(s) < n else 0)
                    for top, s, n in zip(tops, self.shown, layers))
        self.spacing = min(height / max(slots, 1), max_spacing)
        self.radius = min(0.3, self.spacing * 0.36)
        xs = np.linspace(-width / 2 + self.radius, width / 2 - self.radius, len(layers))
        positions: list[list[np.ndarray]] = []
        bias_at: list[np.ndarray] = []
        self.extras = VGroup()
        for x, top, shown, n in zip(xs, tops, self.shown, layers):
            count = top + len(shown) + (1 if len(shown) < n else 0)
            ys = (np.arange(count) - (count - 1) / 2) * -self.spacing
            if top:
                bias_at.append(np.array([x, ys[0], 0.0]))
                ys = ys[1:]
            if len(shown) < n:  # leave the slot after HEAD for the ellipsis
                dots = Words("⋮", font=font, font_size=28, color=theme["muted"])
                dots.move_to([x, ys[HEAD], 0])
                label = Words(f"{n}", font=font, font_size=18, color=theme["muted"])
                self.extras.add(dots, label.next_to([x, ys[-1], 0], DOWN, buff=self.radius + 0.1))
                ys = np.delete(ys, HEAD)
            positions.append([np.array([x, y, 0.0]) for y in ys])
        self.edges = [
            VGroup(*[Line(positions[i][a], positions[i + 1][b], stroke_width=1)
                     for a in range(len(self.shown[i])) for b in range(len(self.shown[i + 1]))])
            for i in range(len(layers) - 1)
        ]
        self.nodes = [VGroup(*[Circle(self.radius, color=theme["node_stroke"], stroke_width=2,
                                      fill_color=theme["node"], fill_opacity=1).move_to(p)
                               for p in column]) for column in positions]
        # bias units: edges to every drawn node of the next layer, in node order
        self.bias_edges = [VGroup(*[Line(at, p, stroke_width=1) for p in positions[i + 1]])
                           for i, at in enumerate(bias_at)]
        self.bias_units = VGroup(*[self.bias_unit(at, font) for at in bias_at])
        self.add(*self.edges, *self.bias_edges, *self.nodes, self.bias_units, self.extras)

    def bias_unit(self, at: np.ndarray, font: str) -> VGroup:
        """A node holding the constant 1 that a bias multiplies, in the muted colour:
        it takes no input."""
        circle = Circle(self.radius, color=self.theme["muted"], stroke_width=2,
                        fill_color=self.theme["node"], fill_opacity=1).move_to(at)
        one = Formula("1", font_size=46, color=self.theme["muted"])
        one.scale(min(1.0, 1.2 * self.radius / one.height)).move_to(at)
        return VGroup(circle, one)

    def layer_edges(self, layer: int) -> list[Line]:
        """A weight layer's edges, then its bias edges: the order of its labels."""
        biases = list(self.bias_edges[layer]) if self.bias_edges else []
        return list(self.edges[layer]) + biases

    def edge_pairs(self, layer: int) -> list[tuple[int, int]]:
        """(from unit, to unit) of each drawn edge of a weight layer, in edge order."""
        return [(a, b) for a in self.shown[layer] for b in self.shown[layer + 1]]

    def set_weights(self, weights: list[np.ndarray], biases: list[np.ndarray] | None = None
                    ) -> None:
        """Colour and width of every edge from the current weight matrices (and of
        every bias edge from the bias vectors)."""
        for i, group in enumerate(self.edges):
            for line, (a, b) in zip(group, self.edge_pairs(i)):
                self.paint(line, weights[i][a, b])
        for i, group in enumerate(self.bias_edges if biases is not None else []):
            for line, b in zip(group, self.shown[i + 1]):
                self.paint(line, biases[i][b])

    def sign_colour(self, value: float) -> str:
        """An edge's colour for a weight of this value."""
        return self.theme["positive"] if value >= 0 else self.theme["negative"]

    def paint(self, line: Line, value: float) -> None:
        strength = min(abs(value) / self.max_abs, 1.0)
        thinnest, faintest = (2.0, 1.0) if self.solid else (0.6, 0.35)
        line.set_stroke(self.sign_colour(value), width=thinnest + (8.0 - thinnest) * strength,
                        opacity=faintest + (1.0 - faintest) * strength)

    def edge_midpoint(self, layer: int, k: int, fraction: float = 0.3) -> np.ndarray:
        """A point along edge k of a weight layer (its bias edges counted after it)."""
        return self.layer_edges(layer)[k].point_from_proportion(fraction)

    def all_nodes(self) -> list[Mobject]:
        """Every node drawn, bias units included: what labels keep clear of."""
        return [n for column in self.nodes for n in column] + list(self.bias_units)
