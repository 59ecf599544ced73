"""Fast changing numbers: glyphs of a monospace font rendered once, then reused.

Creating a Text every frame costs tens of milliseconds. Here a line of text is
a fixed row of character cells whose outlines are set from cached glyphs, in
place: nothing is allocated per frame, and the mobject keeps the same children,
which manim needs when it decides at the start of an animation what to redraw.
"""

import numpy as np
from manim import Text, VectorizedPoint, VGroup, VMobject

CHARSET = "0123456789.-+e%=/"
MONO_FONT = "DejaVu Sans Mono"


class MonoNumber(VGroup):
    """A line of up to ``cells`` monospace characters, changed with ``set_text``."""

    def __init__(self, text: str, font_size: float, color, cells: int = 16,
                 charset: str = CHARSET):
        super().__init__()
        reference = Text(charset, font=MONO_FONT, font_size=font_size, color=color)
        pair = Text("00", font=MONO_FONT, font_size=font_size)
        self.advance = pair[1].get_center()[0] - pair[0].get_center()[0]
        origin = reference[0].get_left()
        # glyph outlines relative to the left edge of their own cell
        self.glyphs = {c: reference[i].points - origin - [i * self.advance, 0, 0]
                       for i, c in enumerate(charset)}
        self.style = reference[0]
        self.cells = [VMobject().match_style(self.style) for _ in range(cells)]
        for cell in self.cells:
            cell.set_points(np.zeros((0, 3)))
        # left edge of the first cell: a point child, so it moves with the group
        self.anchor = VectorizedPoint(origin)
        self.text = None
        self.add(self.anchor, *self.cells)
        self.set_text(text)

    def set_text(self, text: str) -> "MonoNumber":
        if text == self.text:
            return self
        if len(text) > len(self.cells):
            raise ValueError(f"{text!r} is longer than {len(self.cells)} cells")
        for k, cell in enumerate(self.cells):
            c = text[k] if k < len(text) else " "
            if c in self.glyphs:
                cell.set_points(self.glyphs[c] + self.anchor.get_center()
                                + [k * self.advance, 0, 0])
            else:
                cell.set_points(np.zeros((0, 3)))
        self.text = text
        return self
