"""Fast changing numbers: glyphs of a monospace font rendered once, then reused.

Creating a Text every frame costs tens of milliseconds. Here a line of text is one
path made of cached glyph outlines, set in place: nothing is allocated per frame
but the points, the mobject keeps the same children (manim decides at the start of
an animation what to redraw), and the camera draws one path, not one per character.
"""

import numpy as np
from manim import OUT, LineJointType, VectorizedPoint, VGroup

from scenes.camera import CachedPath
from scenes.tex import Words

CHARSET = "0123456789.-−+e%=/ naif–"  # with nan and inf, a real minus sign, a dash
MONO_FONT = "DejaVu Sans Mono"

REFERENCE_SIZE = 48  # glyphs are rendered once at this size; outlines scale exactly

# charset -> (glyph outlines relative to the left edge of their cell, advance), at
# REFERENCE_SIZE
_GLYPH_SETS: dict[str, tuple[dict[str, np.ndarray], float]] = {}


def glyph_set(font_size: float, charset: str = CHARSET) -> tuple[dict[str, np.ndarray], float]:
    """Outlines of ``charset`` at ``font_size``; one Text per charset and process."""
    if charset not in _GLYPH_SETS:
        drawn = charset.replace(" ", "")  # Text drops spaces: they have no outline
        # between two zeros, so that the advance comes from the same rendering
        reference = Words(f"0{drawn}0", font=MONO_FONT, font_size=REFERENCE_SIZE)
        advance = (reference[-1].get_center()[0] - reference[0].get_center()[0]) / (
            len(drawn) + 1)
        origin = reference[1].get_left()
        glyphs = {c: reference[i + 1].points - origin - [i * advance, 0, 0]
                  for i, c in enumerate(drawn)}
        glyphs.update({c: np.zeros((0, 3)) for c in charset if c == " "})
        _GLYPH_SETS[charset] = (glyphs, advance)
    glyphs, advance = _GLYPH_SETS[charset]
    scale = font_size / REFERENCE_SIZE
    return {c: outline * scale for c, outline in glyphs.items()}, advance * scale


class MonoNumber(VGroup):
    """A line of monospace characters from ``charset``, changed with ``set_text``."""

    def __init__(self, text: str, font_size: float, color, charset: str = CHARSET,
                 halo=None):
        """``halo``: a colour (the background's) drawn as a wide outline under the
        glyphs, so that a line the number sits on passes under it, not through it."""
        super().__init__()
        self.glyphs, self.advance = glyph_set(font_size, charset)
        # the left edge of the first cell: a point child, so the text moves with the group
        self.anchor = VectorizedPoint(np.zeros(3))
        # the panel camera fills it once per change; other cameras as any VMobject
        self.body = CachedPath(fill_color=color, fill_opacity=1.0, stroke_width=0)
        if halo is not None:
            self.body.set_stroke(halo, width=font_size * 1.1, background=True)
            self.body.joint_type = LineJointType.ROUND  # no miter spikes at glyph corners
        self.text = None
        self.angle = 0.0  # turned in the plane (a label along an edge): the text follows
        self.add(self.anchor, self.body)
        self.set_text(text)

    def set_text(self, text: str) -> "MonoNumber":
        if text == self.text:
            return self
        unknown = set(text) - set(self.glyphs)
        if unknown:
            raise ValueError(f"{text!r}: no glyph for {''.join(sorted(unknown))!r}")
        left = self.anchor.get_center()
        outlines = [self.glyphs[c] + [k * self.advance, 0, 0] for k, c in enumerate(text)]
        points = np.vstack(outlines) if outlines else np.zeros((0, 3))
        if self.angle:
            cos, sin = np.cos(self.angle), np.sin(self.angle)
            points = points @ np.array([[cos, sin, 0], [-sin, cos, 0], [0, 0, 1]])
        self.body.set_points(points + left)
        self.text = text
        return self

    def rotate(self, angle: float, axis=OUT, **kwargs) -> "MonoNumber":
        if np.allclose(axis, OUT):
            self.angle += angle
        return super().rotate(angle, axis, **kwargs)
