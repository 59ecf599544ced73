"""Fast changing numbers: glyphs of a monospace font rendered once, then copied.

Creating a Text every frame costs tens of milliseconds; copying a few cached
glyphs costs microseconds, and a monospace font keeps digits from jittering.
"""

import numpy as np
from manim import Text, VectorizedPoint, VGroup

CHARSET = "0123456789.-%=/"
MONO_FONT = "DejaVu Sans Mono"


class MonoNumber(VGroup):
    """A line of monospace text whose content can change every frame.

    An invisible anchor point moves with the group, so ``set_text`` keeps the
    text where it was put (left-aligned on the first character cell).
    """

    def __init__(self, text: str, font_size: float, color, charset: str = CHARSET):
        super().__init__()
        reference = Text(charset, font=MONO_FONT, font_size=font_size, color=color)
        pair = Text("00", font=MONO_FONT, font_size=font_size)
        self.advance = pair[1].get_center()[0] - pair[0].get_center()[0]
        self.glyphs = {c: (reference[i], i) for i, c in enumerate(charset)}
        self.reference_anchor = reference[0].get_left()
        self.anchor = VectorizedPoint(self.reference_anchor.copy())
        self.text = None
        self.set_text(text)

    def set_text(self, text: str) -> "MonoNumber":
        if text == self.text:
            return self
        offset = self.anchor.get_center() - self.reference_anchor
        parts = [self.anchor]
        for k, c in enumerate(text):
            if c in self.glyphs:  # other characters (spaces) leave their cell empty
                glyph, j = self.glyphs[c]
                parts.append(glyph.copy().shift(offset + np.array([(k - j) * self.advance,
                                                                    0, 0])))
        self.submobjects = parts
        self.text = text
        return self
