"""The network of the gradients scene: edges by weight, one path through it drawn in
white (the path whose chain of factors the scene writes out), and rings on the units
that pass almost no gradient at the state drawn."""

import numpy as np
from manim import Line

from scenes.panels.base import Look
from scenes.panels.network import NetworkPanel
from scenes.raster import rgb


class PathNetwork(NetworkPanel):
    """The network by its weights, plain nodes, one path drawn over it in white and the
    units that pass almost no gradient ringed (``stuck``: per hidden layer, (S, width))."""

    def __init__(self, trace, box, look: Look, path: list[int], stuck: list[np.ndarray]):
        super().__init__(trace, box, look, maps=False, labels=False, keyed=False)
        self.stuck, self.ringed = stuck, 0  # the state whose stuck units are ringed
        self.ring = rgb(look.theme["error"])
        self.path_lines = []
        units = [0] + path  # the input side of the first drawn path edge is not used
        for layer in range(1, len(path)):  # node layer l to l + 1, both on the path
            start, end = self.centre(layer, units[layer]), self.centre(layer + 1, units[layer + 1])
            if start is None or end is None:
                continue
            along = (end - start) / np.linalg.norm(end - start) * self.diagram.radius
            self.path_lines.append(Line(start + along, end - along, color=look.theme["text"],
                                        stroke_width=5))
        self.moving += self.path_lines

    def centre(self, layer: int, unit: int) -> np.ndarray | None:
        """Where a unit is drawn (None: hidden behind the ellipsis of a wide layer)."""
        shown = self.diagram.shown[layer]
        return self.diagram.nodes[layer][shown.index(unit)].get_center() if unit in shown \
            else None

    def probe_fills(self, s: float) -> dict:
        return {}  # plain nodes: the rings and the path are what they show here

    def draw(self, s: float) -> None:
        """At whole states, with the rings of that state (the raster draws again only
        when they or an edge visibly change)."""
        t = self.ringed = min(int(round(s)), self.trace.n_states - 1)
        self.raster.strokes.clear()
        for i, stuck in enumerate(self.stuck):
            for k, unit in enumerate(self.diagram.shown[i + 1]):
                if stuck[t, unit]:
                    self.raster.set_stroke(i + 1, k, self.ring)
        super().draw(t)
