"""Style changes animated in place: an edge's stroke, a label's opacity, a text
coming in (faded or written).

manim animates ``mobject.animate.set_stroke(...)`` as a Transform, which deep-copies
the mobject twice (a target and a start) before the first frame. The story scenes dim
and restore whole networks at every step, and those copies were most of their render
time. A StyleTween reads the few numbers it changes at the start and sets them each
frame on the mobject itself: no copies.
"""

import numpy as np
from manim import Animation, AnimationGroup, ManimColor, Mobject, VMobject, interpolate_color

from scenes.edge_labels import opacity as current_opacity


class InPlace(Animation):
    """An animation that changes a mobject's style only, never its points: whatever
    it animates stays where it stands, so a frame needs drawing again only where it
    is (see scenes.redraw)."""


class StyleTween(InPlace):
    """Tween a mobject's stroke (colour, width, opacity) or its overall opacity to new
    values; what is not given keeps its value."""

    def __init__(self, mobject: Mobject, *, stroke_color=None, stroke_width: float | None = None,
                 stroke_opacity: float | None = None, opacity: float | None = None, **kwargs):
        self.targets = {"color": stroke_color, "width": stroke_width,
                        "stroke_opacity": stroke_opacity, "opacity": opacity}
        super().__init__(mobject, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return self.mobject  # the start is read as numbers in begin(), nothing is copied

    def begin(self) -> None:
        m = self.mobject
        self.start = {"color": ManimColor(m.get_stroke_color()), "width": m.get_stroke_width(),
                      "stroke_opacity": m.get_stroke_opacity(),
                      "opacity": current_opacity(m)}
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)
        start, end = self.start, self.targets
        if end["opacity"] is not None:
            self.mobject.set_opacity(start["opacity"] + (end["opacity"] - start["opacity"]) * a)
        stroke = {}
        if end["color"] is not None:
            stroke["color"] = interpolate_color(start["color"], ManimColor(end["color"]), a)
        for key, name in (("width", "width"), ("stroke_opacity", "opacity")):
            if end[key] is not None:
                stroke[name] = start[key] + (end[key] - start[key]) * a
        if stroke:
            self.mobject.set_stroke(**stroke)


def fade_out(mobject: Mobject) -> StyleTween:
    """FadeOut without its copies, for a mobject that is not shown again (its
    opacity ends at 0)."""
    return StyleTween(mobject, opacity=0.0, remover=True)


class Reveal(InPlace):
    """A mobject comes in where it stands: every part's fill and stroke opacity rises
    from 0 to its own, with no copies (manim's FadeIn and Write copy the whole
    mobject, twice for FadeIn, which for a block of equations costs more than its
    frames). With ``lag`` > 0 the parts come one after another, left to right, as
    a line is written; 0 brings them all in together."""

    def __init__(self, mobject: Mobject, lag: float = 0.0, **kwargs):
        self.lag = lag
        super().__init__(mobject, introducer=True, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return self.mobject

    def begin(self) -> None:
        if self.lag:  # written as read: row after row, each left to right
            parts = [m for row in rows(self.mobject)
                     for m in sorted(visible_parts(row), key=lambda m: m.get_left()[0])]
        else:
            parts = visible_parts(self.mobject)
        self.parts = [(m, m.fill_rgbas[:, 3].copy(), m.stroke_rgbas[:, 3].copy(),
                       m.background_stroke_rgbas[:, 3].copy()) for m in parts]
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        a, count = self.rate_func(alpha), len(self.parts)
        for k, (m, fill, stroke, back) in enumerate(self.parts):
            if self.lag and count > 1:  # part k comes in over its share of the run
                start = k / (count - 1) * (1 - self.lag)
                share = float(np.clip((a - start) / self.lag, 0.0, 1.0))
            else:
                share = a
            m.fill_rgbas[:, 3] = fill * share
            m.stroke_rgbas[:, 3] = stroke * share
            m.background_stroke_rgbas[:, 3] = back * share


class Withheld(Reveal):
    """A part of what stands on screen kept unseen from its making until this is
    played, when it comes in as Reveal brings it in: a key's entry for numbers still
    to come stays out of sight until they come."""

    def __init__(self, mobject: Mobject, **kwargs):
        super().__init__(mobject, **kwargs)
        self.parts = [(m, m.fill_rgbas[:, 3].copy(), m.stroke_rgbas[:, 3].copy(),
                       m.background_stroke_rgbas[:, 3].copy()) for m in visible_parts(mobject)]
        for m, *_ in self.parts:
            m.fill_rgbas[:, 3] = m.stroke_rgbas[:, 3] = m.background_stroke_rgbas[:, 3] = 0

    def begin(self) -> None:
        InPlace.begin(self)  # (the parts' own opacities were kept when they were hidden)


def visible_parts(mobject: Mobject) -> list[VMobject]:
    return [m for m in mobject.family_members_with_points() if isinstance(m, VMobject)]


def rows(mobject: Mobject) -> list[Mobject]:
    """The rows of a block, top to bottom: its parts where they stand one above the
    other (lines, and the rows a long line breaks into), else the block itself."""
    parts = sorted((m for m in mobject.submobjects if m.family_members_with_points()),
                   key=lambda m: -m.get_top()[1])
    if len(parts) > 1 and all(upper.get_bottom()[1] >= lower.get_top()[1]
                              for upper, lower in zip(parts, parts[1:])):
        return [row for part in parts for row in rows(part)]
    return [mobject]


WRITE_LAG = 0.3  # each glyph of a written line takes this share of the run to come in


def replace(olds: list, news: list) -> AnimationGroup:
    """The old texts fade out, then the new ones fade in: two numbers faded into each
    other in one place read as neither."""
    return AnimationGroup(AnimationGroup(*map(fade_out, olds)),
                          AnimationGroup(*map(fade_in, news)), lag_ratio=1)


def fade_in(mobject: Mobject, **kwargs) -> Reveal:
    """FadeIn without its copies."""
    return Reveal(mobject, **kwargs)


def write(mobject: Mobject) -> Reveal:
    """A line written glyph after glyph, left to right, without Write's copies."""
    return Reveal(mobject, lag=WRITE_LAG)
