"""What travels along an edge or a wire: a bright streak led by an arrowhead.

A streak alone is symmetric, so a still frame (a slide, a PDF page, a paused video)
cannot say which way it moves; the head can.
"""

import numpy as np
from manim import (
    PI,
    AnimationGroup,
    ShowPassingFlash,
    Triangle,
    UpdateFromAlphaFunc,
    VMobject,
    linear,
)
from manim.utils.space_ops import angle_of_vector

TAIL = 0.6  # the streak's length, as a share of the path
HEAD_SIZE = 0.13
STEP = 1e-3  # the least of the path cut to find where the head is and its way


def pulse(path: VMobject, colour: str, width: float = 8, reverse: bool = False,
          end_gap: float = 0.0) -> AnimationGroup:
    """A streak along ``path`` (from its end to its start when ``reverse``), its
    arrowhead at the front, pointing the way it goes; both leave when they arrive.
    The head stops ``end_gap`` short of the end (the rim of the node the path ends
    in, so that it never covers the node's name) and waits there, still pointing."""
    path = path.copy().set_stroke(colour, width=width, opacity=1)
    if reverse:
        path.reverse_points()
    track = path.copy()  # the flash cuts ``path`` down to its streak as it plays
    corners = track.get_anchors()
    length = float(np.sum(np.linalg.norm(np.diff(corners, axis=0), axis=1)))
    last = max(STEP, 1.0 - (end_gap + HEAD_SIZE) / length) if length > 0 else 1.0
    # unseen until it starts: a later pulse of a succession is on screen from the first
    head = Triangle(fill_color=colour, fill_opacity=0, stroke_width=0).scale(HEAD_SIZE)
    # above the node it arrives at (still pointing while the tail drains), below its name
    head.set_z_index(1.5)
    pointing = PI / 2  # a Triangle points up

    def lead(mobject, alpha: float) -> None:
        nonlocal pointing
        # the flash's front is at rate(alpha) * (1 + TAIL): the head rides on it
        at = min(flash.rate_func(alpha) * (1 + TAIL), last)
        # cut as the flash cuts (by curves, not by length), so head and front agree
        piece = VMobject().pointwise_become_partial(track, 0, max(at, STEP)).points
        direction = piece[-1] - next((p for p in piece[-2::-1]
                                      if np.linalg.norm(piece[-1] - p) > 1e-9), piece[0])
        angle = angle_of_vector(direction) if np.linalg.norm(direction) > 0 else pointing
        mobject.rotate(angle - pointing)
        pointing = angle
        # gone with its streak: in a succession it is removed only when all have played
        mobject.move_to(piece[-1]).set_fill(opacity=1 if alpha < 1 else 0)

    flash = ShowPassingFlash(path, time_width=TAIL)
    return AnimationGroup(flash, UpdateFromAlphaFunc(head, lead, rate_func=linear, remover=True))
