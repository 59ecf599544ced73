"""Numpy pictures for image panels: probabilities to colours, the 0.5 contour,
and data points stamped as antialiased discs. No manim here, so it is cheap
to test and to run once per frame."""

import sys

import cairo
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


def contour_segments(grid: np.ndarray, level: float = 0.5) -> np.ndarray:
    """Marching squares: the ``level`` isoline of a (rows, cols) grid as straight
    segments (n, 2, 2) of (x = column, y = row) points, interpolated linearly along
    the cell edges. A saddle cell is split the way its centre value says."""
    above = grid > level
    # the cells whose corners are not all on one side, found before anything else is
    # computed: a boundary crosses a few hundred of a grid's ten thousand cells
    corners = (above[:-1, :-1].view(np.uint8) + above[:-1, 1:] + above[1:, 1:]
               + above[1:, :-1])
    rows, cols = np.nonzero((corners > 0) & (corners < 4))
    a, b = grid[rows, cols], grid[rows, cols + 1]
    d, c = grid[rows + 1, cols], grid[rows + 1, cols + 1]
    over = [corner > level for corner in (a, b, c, d)]
    # which of each cell's four edges the line crosses: top, right, bottom, left
    flags = np.stack([over[0] != over[1], over[1] != over[2], over[3] != over[2],
                      over[0] != over[3]], -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        points = np.stack([
            np.stack([cols + (level - a) / (b - a), rows], -1),
            np.stack([cols + 1, rows + (level - b) / (c - b)], -1),
            np.stack([cols + (level - d) / (c - d), rows + 1], -1),
            np.stack([cols, rows + (level - a) / (d - a)], -1)], 1)  # (n, 4 edges, 2)
    count = flags.sum(-1)
    two = count == 2
    first = np.argmax(flags[two], axis=-1)
    second = 3 - np.argmax(flags[two][:, ::-1], axis=-1)
    picked = points[two]
    index = np.arange(len(picked))
    segments = [np.stack([picked[index, first], picked[index, second]], 1)]
    saddle = count == 4
    if saddle.any():
        centre = (a + b + c + d)[saddle] / 4
        # the corners on the centre's side are joined through it: cut off the others
        joined = (a[saddle] > level) == (centre > level)
        pairs = np.where(joined[:, None, None], [[0, 1], [2, 3]], [[0, 3], [2, 1]])
        p = points[saddle]
        segments.append(p[np.arange(len(p))[:, None, None], pairs].reshape(-1, 2, 2))
    return np.concatenate(segments)


class ContourPainter:
    """Antialiased isolines painted onto (h, w, 4) uint8 opaque RGBA images.

    On a little-endian machine Cairo's ARGB32 words are the bytes B, G, R, A: with red
    and blue swapped in the colour it draws straight into an RGBA image. Elsewhere it
    draws into an alpha mask, blended into the image with numpy."""

    def __init__(self, size: int, width: float, colour: np.ndarray,
                 direct: bool | None = None):
        self.size, self.width = size, width
        self.direct = sys.byteorder == "little" if direct is None else direct
        self.colour = colour.astype(np.float32) * 255
        self.source = tuple(float(v) for v in (colour[::-1] if self.direct else colour))
        if not self.direct:
            self.mask = cairo.ImageSurface(cairo.FORMAT_A8, size, size)
            self.coverage = np.ndarray((size, self.mask.get_stride()), np.uint8,
                                       buffer=self.mask.get_data())

    def paint(self, image: np.ndarray, grid: np.ndarray, level: float = 0.5) -> None:
        """The ``level`` isoline of ``grid`` (row 0 at the top, spanning the image
        corner pixel to corner pixel) onto ``image``, in place."""
        if self.direct:
            target = cairo.ImageSurface.create_for_data(
                memoryview(image).cast("B"), cairo.FORMAT_ARGB32, self.size, self.size,
                self.size * 4)
        else:
            self.coverage[...] = 0
            self.mask.mark_dirty()
            target = self.mask
        ctx = cairo.Context(target)
        ctx.set_source_rgb(*self.source)
        ctx.set_line_width(self.width)
        ctx.set_line_cap(cairo.LINE_CAP_ROUND)
        # round caps flattened to within 0.3 px, not 0.1: the same pixels within one
        # level in 255 at 0.6 px wide, 13 at 1.6 px, and a fifth less time to stroke
        ctx.set_tolerance(0.3)
        scale = (self.size - 1) / (grid.shape[0] - 1)
        for (x0, y0), (x1, y1) in (contour_segments(grid, level) * scale + 0.5).tolist():
            ctx.move_to(x0, y0)
            ctx.line_to(x1, y1)
        ctx.stroke()
        target.flush()
        if not self.direct:
            cover = self.coverage[:, :self.size]
            where = np.flatnonzero(cover)
            alpha = (cover.ravel()[where] / 255.0)[:, None]
            flat = image.reshape(-1, image.shape[2])
            flat[where, :3] = (flat[where, :3] * (1 - alpha) + self.colour * alpha
                               + 0.5).astype(np.uint8)


def boundary_mask(labels: np.ndarray) -> np.ndarray:
    """Pixels where the predicted class differs from a right or lower neighbour."""
    edge = np.zeros(labels.shape, dtype=bool)
    edge[:, :-1] |= labels[:, 1:] != labels[:, :-1]
    edge[:-1, :] |= labels[1:, :] != labels[:-1, :]
    return edge


RING_SCALE = 1.25  # a ring's outer radius over a disc's
SMALL_RING = 6.0  # pixels: a ring with a smaller outer radius has one rim, not two
SMALLEST_DOT = 2.6  # pixels: the radius under which a dot is mostly its rim


def disc_layer(points: np.ndarray, colours: np.ndarray, size: int | tuple[int, int],
               radius: float, outline: np.ndarray, ring: np.ndarray | None = None
               ) -> np.ndarray:
    """A premultiplied RGBA float layer, square or (height, width), with one antialiased
    disc per point.

    points are pixel coordinates (x to the right, y down); ``ring`` marks points
    drawn as rings with a hole (validation data) instead of filled discs: a quarter
    wider than the discs and half hollow, so that the hole shows at a glance.
    """
    height, width = (size, size) if isinstance(size, int) else size
    layer = np.zeros((height, width, 4), np.float32)
    r = int(np.ceil(radius * RING_SCALE + 1.5))
    offsets = np.arange(-r, r + 1)
    ring = np.zeros(len(points), bool) if ring is None else ring
    for (x, y), colour, hollow in zip(points, colours, ring):
        cx, cy = int(round(x)), int(round(y))
        xs, ys = cx + offsets, cy + offsets
        if xs[-1] < 0 or ys[-1] < 0 or xs[0] >= width or ys[0] >= height:
            continue
        d = np.hypot(xs[None, :] - x, ys[:, None] - y)

        def disc(r: float, d=d) -> np.ndarray:  # antialiased coverage of a disc of radius r
            return np.clip(r + 0.5 - d, 0, 1)

        outer = radius * RING_SCALE
        if hollow and outer >= SMALL_RING:  # a band in the class colour between two dark
            # rims: seen on any colour
            hole = max(min(outer * 0.5, outer - 2.7), 0.0)  # the band never negative
            rims = disc(outer) - disc(outer - 1.5) + disc(hole + 1.2) - disc(hole)
            band = disc(outer - 1.5) - disc(hole + 1.2)
            rgb_px = outline * rims[..., None] + colour * band[..., None]
            alpha = disc(outer) - disc(hole)
        elif hollow:  # too small for two rims and a band (they would be all rim: a dark
            # dot): one thin rim, the band, and a hole as wide as the band
            hole, rim = outer * 0.4, max(0.8, outer * 0.22)
            rims = disc(outer) - disc(outer - rim)
            band = disc(outer - rim) - disc(hole)
            rgb_px = outline * rims[..., None] + colour * band[..., None]
            alpha = disc(outer) - disc(hole)
        else:  # a thinner rim on a small dot, which would otherwise be mostly rim
            inside = disc(radius - min(1.5, max(0.8, radius * 0.3)))
            rgb_px = outline * (disc(radius) - inside)[..., None] + colour * inside[..., None]
            alpha = disc(radius)
        ys_ok = (ys >= 0) & (ys < height)
        xs_ok = (xs >= 0) & (xs < width)
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


def stamp_segment(layer: np.ndarray, start: tuple[float, float], end: tuple[float, float],
                  width: float, colour: np.ndarray) -> np.ndarray:
    """An antialiased straight stroke with flat ends composited onto a premultiplied
    RGBA float layer, in place; returns the layer."""
    (x0, y0), (x1, y1) = start, end
    reach = width / 2 + 1.5
    ys = np.arange(max(int(min(y0, y1) - reach), 0),
                   min(int(np.ceil(max(y0, y1) + reach)) + 1, layer.shape[0]))
    xs = np.arange(max(int(min(x0, x1) - reach), 0),
                   min(int(np.ceil(max(x0, x1) + reach)) + 1, layer.shape[1]))
    dx, dy = x1 - x0, y1 - y0
    length = max(np.hypot(dx, dy), 1e-9)
    along = ((xs[None, :] - x0) * dx + (ys[:, None] - y0) * dy) / length
    across = np.abs((xs[None, :] - x0) * dy - (ys[:, None] - y0) * dx) / length
    cover = (np.clip(width / 2 + 0.5 - across, 0, 1)
             * np.clip(np.minimum(along, length - along) + 0.5, 0, 1))[..., None]
    window = np.ix_(ys, xs)
    layer[window] = np.concatenate([colour * cover, cover], axis=-1) + layer[window] * (
        1 - cover)
    return layer


def marker(layer: np.ndarray, centre: tuple[float, float], radius: float, width: float,
           light: np.ndarray, dark: np.ndarray) -> np.ndarray:
    """A sight (a ring with four ticks pointing out) onto ``layer``: light strokes on
    wider dark ones, visible on any colour, and unlike any data point."""
    x, y = centre
    ticks = [((x + radius * dx, y + radius * dy), (x + 1.8 * radius * dx, y + 1.8 * radius * dy))
             for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))]
    for colour, stroke in ((dark, width * 2.3), (light, width)):
        stamp_ring(layer, centre, radius, stroke, colour)
        for start, end in ticks:
            stamp_segment(layer, start, end, stroke, colour)
    return layer


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
    """Grids of values (n, g, g) as 8-bit level images at display size, blended
    between grids. Bilinear resizing is linear, so blending resized grids equals
    resizing the blend; each grid is resized once, when first needed, and only
    the two in use are kept. Row 0 of the result is the top of the picture (the
    grid's row 0 is y = ymin). ``to_levels`` turns values into uint8 levels; by
    default probabilities, [0, 1] onto 0..255, clipped."""

    def __init__(self, grids: np.ndarray, size: int, to_levels=None):
        self.grids, self.size = grids, size
        self.to_levels = to_levels or (
            lambda p: (np.clip(p, 0, 1) * 255 + 0.5).astype(np.uint8))
        self.cache: dict[int, Image.Image] = {}

    def level_image(self, k: int) -> Image.Image:
        if k not in self.cache:
            levels = self.to_levels(self.grids[k][::-1])
            # corner to corner: grid point k lands on pixel k (size - 1) / (g - 1), as
            # the data points do (PIL's default maps pixel edges, half a cell apart)
            g = levels.shape[0]
            step = (g - 1) / (self.size - 1)
            start = 0.5 - 0.5 * step
            end = start + self.size * step
            self.cache[k] = Image.fromarray(levels, mode="L").resize(
                (self.size, self.size), Image.Resampling.BILINEAR, box=(start, start, end, end))
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
