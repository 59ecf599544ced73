"""The training scene's network panel drawn straight with Cairo into one image.

manim draws each line and each image with a few milliseconds of Python around
it; here the whole panel (edges by weight, nodes, neuron maps) is one Cairo
surface per frame, which the panel camera copies into the frame as it is.
"""

import sys

import cairo
import numpy as np

from scenes.camera import OpaquePanel
from scenes.network_diagram import NetworkDiagram
from scenes.raster import marker, rgb

LINE_WIDTH_UNIT = 0.01  # manim's stroke_width 1 is 0.01 scene units wide
# changes not worth a new drawing: an edge's strength by under this (its width by 0.02
# of a pixel at 720p, 0.06 at 4K; its colour by half of one of 255 levels) and a
# node's fill by one level at most (fills come in levels: see panels/heatmap.py)
UNSEEN_EDGE = 0.003
UNSEEN_FILL = 1.5 / 255


class NetworkRaster:
    """Geometry taken from a NetworkDiagram, drawn at ``px_per_unit``."""

    def __init__(self, diagram: NetworkDiagram, theme: dict, px_per_unit: float, pad: float,
                 thumbnail_side: float, margin: float = 0.0, font: str = "DejaVu Sans"):
        """``margin``: room left and right of the nodes for the names drawn there."""
        self.diagram, self.scale, self.theme, self.font = diagram, px_per_unit, theme, font
        self.marker: np.ndarray | None = None  # premultiplied RGBA ring over every map
        # the box of the node centres, grown by the largest node: the panel is opaque,
        # so it must not reach the texts around it (the ellipses are drawn on top)
        centres = np.array([node.get_center()[:2] for node in diagram.all_nodes()])
        grow = max(diagram.radius, thumbnail_side / 2) + pad
        (x0, y0), (x1, y1) = centres.min(axis=0) - grow, centres.max(axis=0) + grow
        x0, x1 = x0 - margin, x1 + margin
        self.origin = np.array([x0, y1])  # scene point at the image's top-left pixel
        self.width = int(round((x1 - x0) * px_per_unit))
        self.height = int(round((y1 - y0) * px_per_unit))
        self.surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, self.width, self.height)
        # Cairo keeps a pixel as the native-endian word 0xAARRGGBB. On a little-endian
        # machine its bytes read B, G, R, A: colours given with red and blue swapped
        # then land as R, G, B, A, the order of the frame (the panel is opaque, so
        # premultiplying changes nothing). Elsewhere the bytes are reordered per frame.
        self.swap = sys.byteorder == "little"
        self.pixels = np.ndarray((self.height, self.width, 4), np.uint8,
                                 buffer=self.surface.get_data())
        self.rgba = self.pixels if self.swap else np.empty_like(self.pixels)
        self.colours = {k: self.cairo_rgb(rgb(theme[k])) for k in
                        ("background", "positive", "negative", "node", "node_stroke", "muted",
                         "text")}
        self.border = (rgb(theme["node_stroke"]) * 255 + 0.5).astype(np.uint8)
        # per weight layer, its edges then its bias edges: the order ``draw`` takes
        lines = [line for i in range(len(diagram.edges)) for line in diagram.layer_edges(i)]
        starts = np.array([line.get_start() for line in lines])
        ends = np.array([line.get_end() for line in lines])
        self.segments = [(*a, *b) for a, b in zip(self.to_px(starts).tolist(),
                                                  self.to_px(ends).tolist())]
        self.nodes = [[tuple(self.to_px(node.get_center()[None])[0]) for node in column]
                      for column in diagram.nodes]
        self.bias_nodes = [tuple(self.to_px(unit[0].get_center()[None])[0])
                           for unit in diagram.bias_units]
        self.strokes: dict[tuple[int, int], tuple] = {}  # (layer, k) -> a node's own ring
        self.names: list[tuple] = []  # (x, y, text, size, colour, align) in pixels
        self.node_radius = diagram.radius * px_per_unit
        self.thumb_side = int(round(thumbnail_side * px_per_unit))
        self.maps: dict[tuple[int, int], np.ndarray] = {}  # (layer, k) -> RGB tile
        self.drawn: tuple | None = None  # what the image shows: see ``unchanged``
        self.edits = 0  # maps and names set since the start: the image shows them or not
        self.image = OpaquePanel(np.zeros((self.height, self.width, 4), np.uint8))
        self.image.stretch_to_fit_width(x1 - x0).stretch_to_fit_height(y1 - y0)
        self.image.move_to([(x0 + x1) / 2, (y0 + y1) / 2, 0])

    def set_stroke(self, layer: int, k: int, colour: np.ndarray) -> None:
        """Ring node k of a layer in its own colour (an output unit's class)."""
        self.strokes[layer, k] = self.cairo_rgb(colour)

    def add_name(self, at: np.ndarray, text: str, size: float, colour: str = "text",
                 align: float = 0.5) -> None:
        """Words drawn at scene point ``at``; ``align`` 0 puts their left end there,
        1 their right end, 0.5 their middle. ``size`` in scene units of height."""
        x, y = self.to_px(np.array([at]))[0]
        self.edits += 1
        self.names.append((x, y, text, size * self.scale, self.colours[colour], align))

    def to_px(self, points: np.ndarray) -> np.ndarray:
        return np.column_stack([(points[:, 0] - self.origin[0]) * self.scale,
                                (self.origin[1] - points[:, 1]) * self.scale])

    def cairo_rgb(self, colour: np.ndarray) -> tuple[float, float, float]:
        r, g, b = (float(c) for c in colour)
        return (b, g, r) if self.swap else (r, g, b)

    def set_marker(self, at: tuple[float, float] | None) -> None:
        """Ring a point of the input plane, as fractions (across, down) of a neuron map,
        on every map set from now on."""
        self.marker = None
        if at is not None:
            side = self.thumb_side
            layer = np.zeros((side, side, 4), np.float32)
            # small tiles get a smaller, thinner sight: it must not hide the map
            marker(layer, (at[0] * (side - 1), at[1] * (side - 1)), max(2.5, side * 0.1),
                   min(2.0 * self.scale / 90, side / 18), rgb(self.theme["text"]),
                   rgb(self.theme["background"]))
            rows, cols = np.nonzero(layer[..., 3])  # composited only where it covers
            self.marker_box = np.s_[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
            self.marker = layer[self.marker_box]

    def set_map(self, layer: int, k: int, rgb_array: np.ndarray) -> None:
        """A neuron's map (h, w, 3 uint8), drawn over its node, framed, from now on."""
        side = self.thumb_side
        rows = (np.arange(side) * rgb_array.shape[0] // side)
        cols = (np.arange(side) * rgb_array.shape[1] // side)
        tile = rgb_array[rows][:, cols]
        if self.marker is not None:
            under = tile[self.marker_box]
            under[...] = (self.marker[..., :3] * 255 + under * (1 - self.marker[..., 3:])
                          + 0.5).astype(np.uint8)
        tile[[0, -1], :] = self.border
        tile[:, [0, -1]] = self.border
        self.maps[layer, k] = tile
        self.edits += 1

    def draw(self, signed: np.ndarray, fills: dict | None = None) -> None:
        """The panel for edge strengths ``signed`` in [-1, 1], one per drawn edge (per
        weight layer, its bias edges after its weights);
        ``fills`` maps (layer, k) to the RGB fill of a node drawn as a circle.
        Not drawn again when nothing would visibly change (late in a run, most frames)."""
        fills = fills or {}
        if self.unchanged(signed, fills):
            return
        self.drawn = (signed.copy(), {k: np.array(v) for k, v in fills.items()},
                      dict(self.strokes), self.edits)
        self.surface.mark_dirty()  # the tiles of the last frame were written past Cairo
        ctx = cairo.Context(self.surface)
        ctx.set_source_rgb(*self.colours["background"])
        ctx.paint()
        # one opaque stroke per edge, weakest first. Weak edges fade into the background
        # by mixing their colour with it, not by translucency: Cairo strokes opaque
        # colour about twice as fast, and where edges cross the stronger one is shown
        # as it is. Cairo composites a stroke over the box of its path, so a stroke
        # per edge also costs less than grouped edges that span the panel.
        strengths = np.minimum(np.abs(signed), 1.0)
        background = np.array(self.colours["background"])
        ends = np.where((signed < 0)[:, None], self.colours["negative"], self.colours["positive"])
        colours = (background + (ends - background) * (0.35 + 0.65 * strengths)[:, None]).tolist()
        widths = ((0.6 + 7.4 * strengths) * LINE_WIDTH_UNIT * self.scale).tolist()
        ctx.set_line_cap(cairo.LINE_CAP_BUTT)
        for i in np.argsort(strengths, kind="stable").tolist():
            ctx.set_source_rgb(*colours[i])
            ctx.set_line_width(widths[i])
            x0, y0, x1, y1 = self.segments[i]
            ctx.move_to(x0, y0)
            ctx.line_to(x1, y1)
            ctx.stroke()
        ctx.set_line_width(2 * LINE_WIDTH_UNIT * self.scale)
        for layer, column in enumerate(self.nodes):
            for k, (x, y) in enumerate(column):
                if (layer, k) in self.maps:
                    continue
                ctx.arc(x, y, self.node_radius, 0, 2 * np.pi)
                fill = fills.get((layer, k))
                ctx.set_source_rgb(*(self.cairo_rgb(fill) if fill is not None
                                     else self.colours["node"]))
                ctx.fill_preserve()
                own = self.strokes.get((layer, k))
                if own is None:
                    ctx.set_source_rgb(*self.colours["node_stroke"])
                    ctx.stroke()
                    continue
                ctx.set_source_rgb(*own)  # a ring to be seen: three times as wide
                ctx.set_line_width(6 * LINE_WIDTH_UNIT * self.scale)
                ctx.stroke()
                ctx.set_line_width(2 * LINE_WIDTH_UNIT * self.scale)
        for x, y in self.bias_nodes:  # a constant 1, muted: it takes no input
            ctx.arc(x, y, self.node_radius, 0, 2 * np.pi)
            ctx.set_source_rgb(*self.colours["node"])
            ctx.fill_preserve()
            ctx.set_source_rgb(*self.colours["muted"])
            ctx.stroke()
            self.write(ctx, x, y, "1", self.node_radius * 1.2, self.colours["muted"], 0.5)
        for name in self.names:
            self.write(ctx, *name)
        self.surface.flush()
        self.paste_maps()
        if not self.swap:  # 0xAARRGGBB words stored big-endian: bytes A, R, G, B
            self.rgba[..., :3] = self.pixels[..., 1:]
            self.rgba[..., 3] = 255
        self.image.set_pixels(self.rgba)

    def unchanged(self, signed: np.ndarray, fills: dict) -> bool:
        """Whether the image already shows these strengths and fills, within what an eye
        can tell (UNSEEN_EDGE, UNSEEN_FILL), with the same rings, maps and names. Each
        state is compared with the one last drawn, so small changes add up to a drawing."""
        if self.drawn is None:
            return False
        edges, old_fills, strokes, edits = self.drawn
        return (edits == self.edits and strokes == self.strokes
                and edges.shape == signed.shape
                and float(np.abs(edges - signed).max(initial=0.0)) < UNSEEN_EDGE
                and old_fills.keys() == fills.keys()
                and all(float(np.abs(old_fills[k] - np.asarray(fill)).max()) < UNSEEN_FILL
                        for k, fill in fills.items()))

    def write(self, ctx: cairo.Context, x: float, y: float, text: str, size: float,
              colour: tuple, align: float) -> None:
        """Text centred vertically on y (on its digits' height), aligned on x."""
        ctx.select_font_face(self.font)
        ctx.set_font_size(size)
        extents = ctx.text_extents(text)
        ctx.move_to(x - extents.x_advance * align, y + size * 0.36)
        ctx.set_source_rgb(*colour)
        ctx.show_text(text)
        ctx.new_path()  # show_text leaves a current point: an arc would join it

    def map_box(self, layer: int, k: int) -> tuple[int, int]:
        """Top-left pixel of a neuron map."""
        x, y = (int(round(v)) for v in self.nodes[layer][k])
        return x - self.thumb_side // 2, y - self.thumb_side // 2

    def paste_maps(self) -> None:
        """Neuron maps into Cairo's pixels, in its byte order."""
        rgb_bytes = slice(0, 3) if self.swap else slice(1, 4)
        side = self.thumb_side
        for (layer, k), tile in self.maps.items():
            left, top = self.map_box(layer, k)
            view = self.pixels[top:top + side, left:left + side, rgb_bytes]
            view[...] = tile[:view.shape[0], :view.shape[1]]
