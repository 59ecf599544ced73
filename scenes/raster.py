"""Numpy pictures for image panels: probabilities to colours, the 0.5 contour,
and data points stamped as antialiased discs. No manim here, so it is cheap
to test and to run once per frame."""

import numpy as np
from PIL import Image


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


def stamp_ring(layer: np.ndarray, centre: tuple[float, float], radius: float, width: float,
               colour: np.ndarray) -> np.ndarray:
    """An antialiased ring of ``width`` pixels composited onto a premultiplied RGBA float
    layer, in place (only the ring's own window is touched); returns the layer."""
    x, y = centre
    reach = radius + width / 2 + 1.5
    ys = np.arange(max(int(y - reach), 0), min(int(np.ceil(y + reach)) + 1, layer.shape[0]))
    xs = np.arange(max(int(x - reach), 0), min(int(np.ceil(x + reach)) + 1, layer.shape[1]))
    d = np.hypot(xs[None, :] - x, ys[:, None] - y)
    cover = np.clip(width / 2 + 0.5 - np.abs(d - radius), 0, 1)[..., None]
    window = np.ix_(ys, xs)
    ring = np.concatenate([colour * cover, cover], axis=-1)
    layer[window] = ring + layer[window] * (1 - cover)
    return layer


def marker(layer: np.ndarray, centre: tuple[float, float], radius: float, width: float,
           light: np.ndarray, dark: np.ndarray) -> np.ndarray:
    """A light ring inside a wider dark one, visible on any colour, onto ``layer``."""
    stamp_ring(layer, centre, radius, width * 2.3, dark)
    return stamp_ring(layer, centre, radius, width, light)


def binary_lut(base: np.ndarray, negative: np.ndarray, positive: np.ndarray,
               strength: float = 0.75) -> np.ndarray:
    """binary_colours for 256 probability levels, as uint8 RGB: colouring a frame
    is then one table look-up."""
    levels = np.linspace(0, 1, 256, dtype=np.float32)
    return np.clip(binary_colours(levels, base, negative, positive, strength) * 255 + 0.5,
                   0, 255).astype(np.uint8)


class Overlay:
    """A premultiplied RGBA layer reduced to its non-transparent pixels, blended
    onto opaque uint8 RGBA frames in place. Pixels are handled as whole 32-bit
    words through flat indices (the cheapest numpy gather/scatter): fully opaque
    ones are copied, the antialiased rims blended."""

    def __init__(self, layer: np.ndarray):
        alpha = layer[..., 3].ravel()
        colour = layer[..., :3].reshape(-1, 3) * 255
        solid = alpha > 1 - 1e-4
        rim = (alpha > 1e-4) & ~solid
        self.solid = np.flatnonzero(solid)
        self.solid_words = words(colour[self.solid] + 0.5)
        self.rim = np.flatnonzero(rim)
        # per channel: under * keep + add; alpha stays 255 (keep 1, add 0)
        self.rim_keep = np.ones((len(self.rim), 4), np.float32)
        self.rim_keep[:, :3] = 1 - alpha[self.rim][:, None]
        self.rim_add = np.full((len(self.rim), 4), 0.5, np.float32)
        self.rim_add[:, :3] += colour[self.rim]

    def blend(self, image: np.ndarray) -> None:
        """Onto a contiguous, opaque (h, w, 4) uint8 image."""
        flat = image.view(np.uint32).ravel()
        under = flat[self.rim].view(np.uint8).reshape(-1, 4)
        flat[self.rim] = (under * self.rim_keep + self.rim_add).astype(np.uint8).view(
            np.uint32).ravel()
        flat[self.solid] = self.solid_words


def words(rgb_values: np.ndarray) -> np.ndarray:
    """(n, 3) colours in [0, 255] as opaque RGBA pixels, one uint32 word each (the
    byte order of an (h, w, 4) uint8 image viewed as uint32)."""
    rgba = np.full((len(rgb_values), 4), 255, np.uint8)
    rgba[:, :3] = np.clip(rgb_values, 0, 255).astype(np.uint8)
    return rgba.view(np.uint32).ravel()


class LevelFrames:
    """Probability grids (n, g, g) as 8-bit level images at display size, blended
    between grids. Bilinear resizing is linear, so blending resized grids equals
    resizing the blend; each grid is resized once, when first needed, and only
    the two in use are kept. Row 0 of the result is the top of the picture (the
    grid's row 0 is y = ymin); values outside [0, 1] are clipped."""

    def __init__(self, grids: np.ndarray, size: int):
        self.grids, self.size = grids, size
        self.cache: dict[int, Image.Image] = {}

    def level_image(self, k: int) -> Image.Image:
        if k not in self.cache:
            levels = (np.clip(self.grids[k][::-1], 0, 1) * 255 + 0.5).astype(np.uint8)
            self.cache[k] = Image.fromarray(levels, mode="L").resize(
                (self.size, self.size), Image.Resampling.BILINEAR)
        return self.cache[k]

    def at(self, f: float) -> np.ndarray:
        """The (size, size) uint8 levels at continuous grid index f."""
        i = min(int(np.floor(f)), len(self.grids) - 1)
        j = min(i + 1, len(self.grids) - 1)
        for k in [k for k in self.cache if k not in (i, j)]:
            del self.cache[k]
        w = f - i
        if w <= 0 or i == j:
            return np.asarray(self.level_image(i))
        return np.asarray(Image.blend(self.level_image(i), self.level_image(j), w))


def draw_border(rgba: np.ndarray, colour: np.ndarray, width: int) -> None:
    """A frame of ``width`` pixels around an RGB(A) image, in place."""
    for edge in (rgba[:width], rgba[-width:], rgba[:, :width], rgba[:, -width:]):
        edge[..., :3] = colour
