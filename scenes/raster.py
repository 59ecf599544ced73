"""Numpy pictures for image panels: probabilities to colours, the 0.5 contour,
and data points stamped as antialiased discs. No manim here, so it is cheap
to test and to run once per frame."""

import numpy as np


def rgb(hex_colour: str) -> np.ndarray:
    """'#rrggbb' as float RGB in [0, 1]."""
    h = hex_colour.lstrip("#")
    return np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)], dtype=np.float32) / 255


def upsample(grid: np.ndarray, size: int) -> np.ndarray:
    """Bilinear resize of a (g, g[, k]) grid to (size, size[, k]); rows flipped so
    that row 0 is the top of the picture (the grid's row 0 is y = ymin)."""
    g = grid.shape[0]
    pos = np.linspace(0, g - 1, size, dtype=np.float32)
    i0 = np.minimum(pos.astype(np.int64), g - 2)
    f = (pos - i0).astype(np.float32)
    rows = grid[i0] * _bcast(1 - f, grid) + grid[i0 + 1] * _bcast(f, grid)
    cols = (rows[:, i0] * _bcast(1 - f, grid, axis=1)
            + rows[:, i0 + 1] * _bcast(f, grid, axis=1))
    return cols[::-1]


def _bcast(weights: np.ndarray, grid: np.ndarray, axis: int = 0) -> np.ndarray:
    shape = [1] * grid.ndim
    shape[axis] = len(weights)
    return weights.reshape(shape)


def binary_colours(p: np.ndarray, base: np.ndarray, negative: np.ndarray,
                   positive: np.ndarray, strength: float = 0.75) -> np.ndarray:
    """p -> colour: negative at 0, the panel's base at 0.5, positive at 1."""
    t = (2 * p - 1)[..., None]
    side = np.where(t > 0, positive, negative)
    return base + (side - base) * np.abs(t) * strength


def class_colours(probs: np.ndarray, base: np.ndarray, palette: np.ndarray,
                  strength: float = 0.75) -> np.ndarray:
    """(h, w, k) probabilities -> the argmax class's colour, saturated by confidence."""
    k = probs.shape[-1]
    best = probs.argmax(axis=-1)
    confidence = (probs.max(axis=-1) - 1 / k) / (1 - 1 / k)
    return base + (palette[best] - base) * (confidence[..., None] * strength)


def boundary_mask(labels: np.ndarray) -> np.ndarray:
    """Pixels where the predicted class differs from a right or lower neighbour."""
    edge = np.zeros(labels.shape, dtype=bool)
    edge[:, :-1] |= labels[:, 1:] != labels[:, :-1]
    edge[:-1, :] |= labels[1:, :] != labels[:-1, :]
    return edge


def disc_layer(points: np.ndarray, colours: np.ndarray, size: int, radius: float,
               outline: np.ndarray, ring: np.ndarray | None = None) -> np.ndarray:
    """A premultiplied RGBA float layer with one antialiased disc per point.

    points are pixel coordinates (x to the right, y down); ``ring`` marks points
    drawn as hollow rings (validation data) instead of filled discs.
    """
    layer = np.zeros((size, size, 4), np.float32)
    r = int(np.ceil(radius + 1.5))
    offsets = np.arange(-r, r + 1)
    ring = np.zeros(len(points), bool) if ring is None else ring
    for (x, y), colour, hollow in zip(points, colours, ring):
        cx, cy = int(round(x)), int(round(y))
        xs, ys = cx + offsets, cy + offsets
        if xs[-1] < 0 or ys[-1] < 0 or xs[0] >= size or ys[0] >= size:
            continue
        d = np.hypot(xs[None, :] - x, ys[:, None] - y)
        cover = np.clip(radius + 0.5 - d, 0, 1)           # whole disc
        inner = np.clip(radius - 1.0 - d, 0, 1)           # inside the outline
        fill = inner * (0.25 if hollow else 1.0)
        rgb_px = outline * (cover - inner)[..., None] + colour * fill[..., None]
        alpha = cover - inner + fill
        ys_ok = (ys >= 0) & (ys < size)
        xs_ok = (xs >= 0) & (xs < size)
        sub = layer[ys[ys_ok][:, None], xs[xs_ok][None, :]]
        a = alpha[np.ix_(ys_ok, xs_ok)][..., None]
        sub[..., :3] = rgb_px[np.ix_(ys_ok, xs_ok)] + sub[..., :3] * (1 - a)
        sub[..., 3:] = a + sub[..., 3:] * (1 - a)
        layer[ys[ys_ok][:, None], xs[xs_ok][None, :]] = sub
    return layer


def binary_lut(base: np.ndarray, negative: np.ndarray, positive: np.ndarray,
               strength: float = 0.75) -> np.ndarray:
    """binary_colours for 256 probability levels, as uint8 RGB: colouring a frame
    is then one table look-up."""
    levels = np.linspace(0, 1, 256, dtype=np.float32)
    return np.clip(binary_colours(levels, base, negative, positive, strength) * 255 + 0.5,
                   0, 255).astype(np.uint8)


class Overlay:
    """A premultiplied RGBA layer reduced to its non-transparent pixels, blended
    onto uint8 frames in place. Fully opaque pixels are copied, the antialiased
    rims blended: both through flat indices, the cheapest numpy gather/scatter."""

    def __init__(self, layer: np.ndarray):
        alpha = layer[..., 3].ravel()
        colour = layer[..., :3].reshape(-1, 3) * 255
        solid = alpha > 1 - 1e-4
        rim = (alpha > 1e-4) & ~solid
        self.solid = np.flatnonzero(solid)
        self.solid_colour = (colour[self.solid] + 0.5).astype(np.uint8)
        self.rim = np.flatnonzero(rim)
        self.rim_alpha = alpha[self.rim][:, None]
        self.rim_colour = colour[self.rim]

    def blend(self, image: np.ndarray) -> None:
        """Onto the RGB channels of a contiguous (h, w, 3 or 4) uint8 image."""
        flat = image.reshape(-1, image.shape[2])
        under = np.take(flat, self.rim, axis=0)[:, :3].astype(np.float32)
        flat[self.rim, :3] = (under * (1 - self.rim_alpha) + self.rim_colour + 0.5).astype(
            np.uint8)
        flat[self.solid, :3] = self.solid_colour


def draw_border(rgba: np.ndarray, colour: np.ndarray, width: int) -> None:
    """A frame of ``width`` pixels around an RGB(A) image, in place."""
    for edge in (rgba[:width], rgba[-width:], rgba[:, :width], rgba[:, -width:]):
        edge[..., :3] = colour
