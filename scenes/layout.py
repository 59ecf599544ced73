"""Where panels sit on the 16:9 frame (14.2 x 8 units), and the fonts per language."""

import numpy as np

FONTS = {"en": "DejaVu Sans", "ko": "NanumGothic"}
FRAME_X = 8 * 16 / 9 / 2  # half the frame's width in scene units
FRAME_Y = 4.0
# text keeps this far from the frame's edges (27 px at 720p): projectors and players
# crop a little, and a line touching the edge reads as cut off
SAFE_MARGIN = 0.3

# the training scene's panels (x0, y0, x1, y1): the network above its key and the
# loss (its legend inside) on the left; the input plane (square) or the input line
# on the right, with their keys above and axes below
TRAINING_NETWORK = (-6.8, -0.45, -0.9, 2.3)
TRAINING_LOSS = (-6.1, -3.1, -0.9, -2.1)
TRAINING_PLANE = (0.7, -3.05, 6.0, 2.25)  # its key above it, clear of the frame top
TRAINING_CURVE = (0.9, -2.9, 6.4, 2.2)

# the post's scenes: a network above, the arithmetic below
STORY_NETWORK_X = 0.3  # the middle of the network, left to right
STORY_NETWORK_WIDTH = 9.6
# where node centres may sit: a label fits below the lowest, above EQ_ZONE, and one
# above the highest, below the title; a bias unit on top has no label above it
STORY_NODES_BOTTOM, STORY_NODES_TOP, STORY_BIAS_TOP = -0.95, 2.3, 2.75
EQ_ZONE = (-6.4, -FRAME_Y + SAFE_MARGIN, 6.4, -1.8)  # kept free of the network's labels
EQ_CENTER = np.array([0.0, (EQ_ZONE[1] + EQ_ZONE[3]) / 2, 0.0])
EQ_WIDTH = EQ_ZONE[2] - EQ_ZONE[0]


def font(lang: str) -> str:
    return FONTS.get(lang, FONTS["en"])


Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def box(mobject) -> Box:
    (x0, y0, _), (x1, y1, _) = mobject.get_corner([-1, -1, 0]), mobject.get_corner([1, 1, 0])
    return x0, y0, x1, y1


def overlap(a: Box, others: list[Box], pad: float = 0.0) -> float:
    """Total area shared by box a, grown by pad, and the other boxes."""
    x0, y0, x1, y1 = a[0] - pad, a[1] - pad, a[2] + pad, a[3] + pad
    return sum(max(0.0, min(x1, b[2]) - max(x0, b[0])) * max(0.0, min(y1, b[3]) - max(y0, b[1]))
               for b in others)


def inside_safe_area(b: Box) -> bool:
    x, y = FRAME_X - SAFE_MARGIN, FRAME_Y - SAFE_MARGIN
    return -x <= b[0] and b[2] <= x and -y <= b[1] and b[3] <= y


def segment_meets_box(start, end, b: Box) -> bool:
    """Whether the segment from start to end has a point inside box b: the part of
    the segment within each slab x0..x1 and y0..y1, intersected, is not empty."""
    low, high = 0.0, 1.0
    for axis, (lo, hi) in enumerate(((b[0], b[2]), (b[1], b[3]))):
        a, d = float(start[axis]), float(end[axis] - start[axis])
        if d == 0:
            if not lo <= a <= hi:
                return False
            continue
        t0, t1 = sorted(((lo - a) / d, (hi - a) / d))
        low, high = max(low, t0), min(high, t1)
    return low <= high
