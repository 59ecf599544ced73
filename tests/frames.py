"""Decoding rendered videos for tests: frames as RGB arrays, and manim's
scene coordinates converted to pixel positions."""

import av
import numpy as np

FRAME_HEIGHT_UNITS = 8.0


def decode(path) -> tuple[list[np.ndarray], float]:
    """All frames (h, w, 3) uint8 and the duration in seconds."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        duration = float(stream.duration * stream.time_base) if stream.duration else 0.0
    return frames, duration


def to_pixel(point, shape) -> tuple[int, int]:
    """(row, column) of a scene point in a frame of the given shape."""
    h, w = shape[:2]
    scale = h / FRAME_HEIGHT_UNITS
    col = w / 2 + point[0] * scale
    row = h / 2 - point[1] * scale
    return int(round(row)), int(round(col))


def hex_rgb(colour: str) -> np.ndarray:
    colour = colour.lstrip("#")
    return np.array([int(colour[i:i + 2], 16) for i in (0, 2, 4)], dtype=float)
