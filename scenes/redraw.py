"""Redraw, while something changes, only what it can touch.

manim's Cairo renderer draws the still part of a frame once per animation, then, every
frame, draws again each mobject from the first one that changes to the top of the stack.
The story scenes draw their network first, so dimming one edge redrew every label and
formula above it, every frame: most of a render's drawing time. An animation that only
restyles (an InPlace one) keeps every part where it stands. Above it, only what overlaps
it can look different, and above those, only what overlaps them; the rest of the frame
is the still picture.
"""

import numpy as np
from manim import AnimationGroup, Mobject, Scene

from scenes.tweens import InPlace

# Half the widest stroke an outline may have (a width of 20, in frame units), plus a pixel
STROKE_MARGIN = 0.12


def leaves(animations) -> list:
    """The animations themselves, with every group opened up."""
    found = []
    for animation in animations:
        if isinstance(animation, AnimationGroup):
            found += leaves(animation.animations)
        else:
            found.append(animation)
    return found


def footprint(mobject: Mobject) -> np.ndarray:
    """[[left, bottom], [right, top]] of what drawing the mobject can change."""
    margin = max(STROKE_MARGIN, 0.005 * max(mobject.get_stroke_width(),
                                            mobject.get_stroke_width(background=True)) + 0.02)
    points = mobject.points[:, :2]
    return np.array([points.min(axis=0) - margin, points.max(axis=0) + margin])


class LocalRedraw(Scene):
    """A Scene whose restyling animations redraw only the mobjects they can affect."""

    def get_moving_mobjects(self, *animations) -> list[Mobject]:
        moving = super().get_moving_mobjects(*animations)
        played = leaves(animations)
        if not moving or not played or not all(isinstance(a, InPlace) for a in played):
            return moving
        if self.foreground_mobjects or any(m.get_updaters() for m in moving):
            return moving  # those can go anywhere
        changing = {id(m) for a in played for m in a.mobject.get_family()}
        kept, boxes = [], np.empty((0, 2, 2))
        for mobject in moving:  # in drawing order, bottom first
            if not mobject.has_points():
                continue
            box = footprint(mobject)
            touches = np.any((box[0] <= boxes[:, 1]).all(axis=1)
                             & (box[1] >= boxes[:, 0]).all(axis=1))
            if id(mobject) in changing or touches:
                kept.append(mobject)
                boxes = np.concatenate([boxes, box[None]])
        return kept
