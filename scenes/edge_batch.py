"""Many edges drawn as a few mobjects: edges of one colour and a similar weight
share a VMobject, one straight subpath each.

Drawing cost in Cairo is mostly per mobject, not per line: a 2-6-6-1 network has
72 edges, but at most 2 x LEVELS batches. Widths and opacities are quantised to
LEVELS steps of |w| / max|w|, finer than the eye separates in a moving picture.
"""

import numpy as np
from manim import VGroup, VMobject

LEVELS = 10


class EdgeBatches(VGroup):
    """Edges between fixed endpoints whose colour and width follow their weights."""

    def __init__(self, starts: np.ndarray, ends: np.ndarray, positive: str, negative: str):
        super().__init__()
        self.starts, self.ends = starts, ends
        # a straight cubic Bezier per edge: anchors and handles on the segment
        self.curves = np.stack([starts, starts + (ends - starts) / 3,
                                starts + 2 * (ends - starts) / 3, ends], axis=1)
        self.batches = {}
        for colour in (positive, negative):
            for level in range(LEVELS):
                strength = (level + 0.5) / LEVELS
                batch = VMobject(stroke_color=colour, stroke_width=0.6 + 7.4 * strength,
                                 stroke_opacity=0.35 + 0.65 * strength, fill_opacity=0)
                batch.set_points(np.zeros((0, 3)))
                self.batches[colour, level] = batch
                self.add(batch)
        self.positive, self.negative = positive, negative

    def set_strengths(self, signed: np.ndarray) -> None:
        """signed: one value per edge in [-1, 1] (weight / max |weight| of the run)."""
        levels = np.minimum((np.abs(signed) * LEVELS).astype(int), LEVELS - 1)
        positive = signed >= 0
        for (colour, level), batch in self.batches.items():
            chosen = (levels == level) & (positive if colour == self.positive else ~positive)
            batch.set_points(self.curves[chosen].reshape(-1, 3))
