"""Where panels sit on the 16:9 frame (14.2 x 8 units), and the fonts per language."""

import numpy as np

FONTS = {"en": "DejaVu Sans", "ko": "NanumGothic"}

NETWORK_CENTER = np.array([-3.7, 0.75, 0.0])
NETWORK_WIDTH, NETWORK_HEIGHT = 5.6, 3.7
LOSS_CENTER = np.array([-3.55, -2.75, 0.0])
LOSS_WIDTH, LOSS_HEIGHT = 5.6, 1.7
BOUNDARY_CENTER = np.array([3.65, -0.35, 0.0])
BOUNDARY_SIZE = 6.4

# the post's scenes: a network above, the arithmetic below
STORY_NETWORK_CENTER = np.array([0.3, 0.55, 0.0])
STORY_NETWORK_WIDTH, STORY_NETWORK_HEIGHT = 9.6, 5.4
EQ_CENTER = np.array([0.0, -2.95, 0.0])
EQ_WIDTH = 12.8


def font(lang: str) -> str:
    return FONTS.get(lang, FONTS["en"])


def overlap(mobject, others, pad: float = 0.0) -> float:
    """Total area shared by mobject's bounding box, grown by pad, and the others' boxes."""
    (x0, y0, _), (x1, y1, _) = mobject.get_corner([-1, -1, 0]), mobject.get_corner([1, 1, 0])
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    total = 0.0
    for other in others:
        (a0, b0, _), (a1, b1, _) = other.get_corner([-1, -1, 0]), other.get_corner([1, 1, 0])
        total += max(0.0, min(x1, a1) - max(x0, a0)) * max(0.0, min(y1, b1) - max(y0, b0))
    return total


def gap(a, b) -> float:
    """Clearance between two bounding boxes (negative when they overlap)."""
    (ax0, ay0, _), (ax1, ay1, _) = a.get_corner([-1, -1, 0]), a.get_corner([1, 1, 0])
    (bx0, by0, _), (bx1, by1, _) = b.get_corner([-1, -1, 0]), b.get_corner([1, 1, 0])
    return max(bx0 - ax1, ax0 - bx1, by0 - ay1, ay0 - by1)
