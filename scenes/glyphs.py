"""Fast changing numbers: glyphs of a monospace font rendered once, then reused.

Creating a Text every frame costs tens of milliseconds. Here a line of text is one
path made of cached glyph outlines, set in place: nothing is allocated per frame
but the points, the mobject keeps the same children (manim decides at the start of
an animation what to redraw), and the camera draws one path, not one per character.
"""

import numpy as np
from manim import Text, VectorizedPoint, VGroup, VMobject

CHARSET = "0123456789.-+e%=/ naif"  # with nan and inf
MONO_FONT = "DejaVu Sans Mono"

# (font size, charset) -> (glyph outlines relative to the left edge of their cell, advance)
_GLYPH_SETS: dict[tuple[float, str], tuple[dict[str, np.ndarray], float]] = {}


def glyph_set(font_size: float, charset: str = CHARSET) -> tuple[dict[str, np.ndarray], float]:
    """Outlines of ``charset`` at ``font_size``, rendered once per process."""
    key = (font_size, charset)
    if key not in _GLYPH_SETS:
        drawn = charset.replace(" ", "")  # Text drops spaces: they have no outline
        reference = Text(drawn, font=MONO_FONT, font_size=font_size)
        pair = Text("00", font=MONO_FONT, font_size=font_size)
        advance = pair[1].get_center()[0] - pair[0].get_center()[0]
        origin = reference[0].get_left()
        glyphs = {c: reference[i].points - origin - [i * advance, 0, 0]
                  for i, c in enumerate(drawn)}
        glyphs.update({c: np.zeros((0, 3)) for c in charset if c == " "})
        _GLYPH_SETS[key] = (glyphs, advance)
    return _GLYPH_SETS[key]


class MonoNumber(VGroup):
    """A line of monospace characters from ``charset``, changed with ``set_text``."""

    def __init__(self, text: str, font_size: float, color, charset: str = CHARSET):
        super().__init__()
        self.glyphs, self.advance = glyph_set(font_size, charset)
        # the left edge of the first cell: a point child, so the text moves with the group
        self.anchor = VectorizedPoint(np.zeros(3))
        self.body = VMobject(fill_color=color, fill_opacity=1.0, stroke_width=0)
        self.text = None
        self.add(self.anchor, self.body)
        self.set_text(text)

    def set_text(self, text: str) -> "MonoNumber":
        if text == self.text:
            return self
        unknown = set(text) - set(self.glyphs)
        if unknown:
            raise ValueError(f"{text!r}: no glyph for {''.join(sorted(unknown))!r}")
        left = self.anchor.get_center()
        outlines = [self.glyphs[c] + left + [k * self.advance, 0, 0]
                    for k, c in enumerate(text)]
        self.body.set_points(np.vstack(outlines) if outlines else np.zeros((0, 3)))
        self.text = text
        return self
