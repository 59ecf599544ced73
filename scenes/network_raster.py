"""The training scene's network panel drawn straight with Cairo into one image.

manim draws each line and each image with a few milliseconds of Python around
it; here the whole panel (edges by weight, nodes, neuron maps) is one Cairo
surface per frame, which the panel camera copies into the frame as it is.
"""

import cairo
import numpy as np
from manim import ImageMobject

from scenes.network_diagram import NetworkDiagram
from scenes.raster import rgb

LINE_WIDTH_UNIT = 0.01  # manim's stroke_width 1 is 0.01 scene units wide
LEVELS = 24  # steps of |w| / max |w| for width and opacity


class NetworkRaster:
    """Geometry taken from a NetworkDiagram, drawn at ``px_per_unit``."""

    def __init__(self, diagram: NetworkDiagram, theme: dict, px_per_unit: float, pad: float,
                 thumbnail_side: float):
        self.diagram, self.scale = diagram, px_per_unit
        # the box of the node centres, grown by the largest node: the panel is opaque,
        # so it must not reach the texts around it (the ellipses are drawn on top)
        centres = np.array([node.get_center()[:2] for column in diagram.nodes
                            for node in column])
        grow = max(diagram.radius, thumbnail_side / 2) + pad
        (x0, y0), (x1, y1) = centres.min(axis=0) - grow, centres.max(axis=0) + grow
        self.origin = np.array([x0, y1])  # scene point at the image's top-left pixel
        self.width = int(round((x1 - x0) * px_per_unit))
        self.height = int(round((y1 - y0) * px_per_unit))
        self.surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, self.width, self.height)
        self.pixels = np.ndarray((self.height, self.width, 4), np.uint8,
                                 buffer=self.surface.get_data())
        self.rgba = np.empty_like(self.pixels)
        self.colours = {k: rgb(theme[k]) for k in ("background", "positive", "negative",
                                                    "node", "node_stroke")}
        starts, ends = diagram.edge_endpoints()
        self.starts, self.ends = self.to_px(starts), self.to_px(ends)
        self.nodes = [[self.to_px(node.get_center()[None])[0] for node in column]
                      for column in diagram.nodes]
        self.node_radius = diagram.radius * px_per_unit
        self.thumb_side = int(round(thumbnail_side * px_per_unit))
        self.maps: dict[tuple[int, int], np.ndarray] = {}  # (layer, k) -> RGB array
        self.image = ImageMobject(np.zeros((self.height, self.width, 4), np.uint8))
        self.image.opaque_panel = True
        self.image.stretch_to_fit_width(x1 - x0).stretch_to_fit_height(y1 - y0)
        self.image.move_to([(x0 + x1) / 2, (y0 + y1) / 2, 0])

    def to_px(self, points: np.ndarray) -> np.ndarray:
        return np.column_stack([(points[:, 0] - self.origin[0]) * self.scale,
                                (self.origin[1] - points[:, 1]) * self.scale])

    def set_map(self, layer: int, k: int, rgb_array: np.ndarray) -> None:
        """A neuron's map (h, w, 3 uint8), drawn over its node from now on."""
        side = self.thumb_side
        rows = (np.arange(side) * rgb_array.shape[0] // side)
        cols = (np.arange(side) * rgb_array.shape[1] // side)
        self.maps[layer, k] = rgb_array[rows][:, cols]

    def draw(self, signed: np.ndarray) -> None:
        """The panel for edge strengths ``signed`` in [-1, 1], one per drawn edge."""
        ctx = cairo.Context(self.surface)
        ctx.set_source_rgb(*self.colours["background"])
        ctx.paint()
        # edges of one colour and one of LEVELS strengths are stroked together: one
        # Cairo stroke per group instead of per edge (sub-pixel differences in width)
        level = np.minimum((np.abs(signed) * LEVELS).astype(int), LEVELS - 1)
        ctx.set_line_cap(cairo.LINE_CAP_BUTT)
        for positive in (True, False):
            colour = self.colours["positive" if positive else "negative"]
            side = (signed >= 0) == positive
            for k in np.unique(level[side]):
                strength = (k + 0.5) / LEVELS
                ctx.set_source_rgba(*colour, 0.35 + 0.65 * strength)
                ctx.set_line_width((0.6 + 7.4 * strength) * LINE_WIDTH_UNIT * self.scale)
                for i in np.flatnonzero(side & (level == k)):
                    ctx.move_to(*self.starts[i])
                    ctx.line_to(*self.ends[i])
                ctx.stroke()
        ctx.set_line_width(2 * LINE_WIDTH_UNIT * self.scale)
        for layer, column in enumerate(self.nodes):
            for k, (x, y) in enumerate(column):
                if (layer, k) in self.maps:
                    continue
                ctx.arc(x, y, self.node_radius, 0, 2 * np.pi)
                ctx.set_source_rgb(*self.colours["node"])
                ctx.fill_preserve()
                ctx.set_source_rgb(*self.colours["node_stroke"])
                ctx.stroke()
        self.surface.flush()
        # Cairo stores premultiplied BGRA; the panel is opaque, so only the order changes
        self.rgba[..., 0] = self.pixels[..., 2]
        self.rgba[..., 1] = self.pixels[..., 1]
        self.rgba[..., 2] = self.pixels[..., 0]
        self.rgba[..., 3] = 255
        half = self.thumb_side // 2
        border = (self.colours["node_stroke"] * 255).astype(np.uint8)
        for (layer, k), tile in self.maps.items():
            x, y = (int(round(v)) for v in self.nodes[layer][k])
            top, left = y - half, x - half
            view = self.rgba[top:top + self.thumb_side, left:left + self.thumb_side, :3]
            view[...] = tile[:view.shape[0], :view.shape[1]]
            view[[0, -1], :] = border
            view[:, [0, -1]] = border
        self.image.pixel_array = self.rgba
