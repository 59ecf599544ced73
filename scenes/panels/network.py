"""The network as it learns: edges by weight (or by gradient), nodes by the probe
sample's activations, hidden units as pictures of their own activation over the
input (maps of the plane, or curves over the line), names on the inputs and
outputs, and a key under it. Drawn by Cairo into one image per frame
(scenes/network_raster.py); edge labels are numbers set in place."""

import sys

import cairo
import numpy as np
from manim import DOWN, VGroup
from manim import config as manim_config

from core.activations import HIDDEN
from core.notation import SUBSCRIPTS
from scenes import layout
from scenes.edge_labels import place_along_edges
from scenes.glyphs import MonoNumber
from scenes.network_diagram import NetworkDiagram
from scenes.network_raster import NetworkRaster
from scenes.numerals import compact, minus_signs
from scenes.panels.base import Look, Panel, blend
from scenes.panels.heatmap import Heatmap
from scenes.panels.plane import class_palette, value_range
from scenes.raster import rgb

EDGE_MODES = ("weight", "gradient")
MAX_MAPPED = 6  # hidden layers up to this wide are drawn as maps (or curves): wider, too small
NAME_SIZE = 0.3  # the inputs' and outputs' names, in scene units of height
MAX_LABELLED = 12  # edges of a layer: more, and labels are not tried unless asked for
KEY_WIDTH = 6.5  # the key's colour rows: no wider than its lines of words (tiles: 6.3)
KEY_GAP = 0.3  # between a key row's entries


def unit_scales(values: np.ndarray) -> np.ndarray:
    """Per unit (last axis), the 95th percentile of |value| over everything else: an
    unbounded unit (a ReLU's far corners) then still shows where it is active, the
    few larger values drawn at full strength."""
    flat = np.abs(values.reshape(-1, values.shape[-1]).astype(np.float32))
    return np.maximum(np.percentile(flat, 95, axis=0), 1e-6).astype(np.float64)


def spread(ys: list[float], gap: float) -> list[float]:
    """Heights for names beside nodes at ``ys`` (top to bottom): the nodes' own where
    they are ``gap`` apart, else as many gaps apart about their middle, in order
    (a small panel's close nodes would stack their names)."""
    if len(ys) < 2 or min(a - b for a, b in zip(ys, ys[1:])) >= gap:
        return list(ys)
    middle = (ys[0] + ys[-1]) / 2
    return [middle + ((len(ys) - 1) / 2 - k) * gap for k in range(len(ys))]


def layout_box(centre: np.ndarray, half: float) -> tuple[float, float, float, float]:
    return centre[0] - half, centre[1] - half, centre[0] + half, centre[1] + half


def curve_tile(values: np.ndarray, side: int, heatmap: Heatmap, base: np.ndarray,
               line: np.ndarray) -> np.ndarray:
    """A unit's activation along the input line as a small picture (side, side, 3):
    the area between the curve and zero in the colour of its sign, the curve on top.
    ``values`` are scaled to [-1, 1]."""
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, side, side)
    ctx = cairo.Context(surface)
    ctx.set_source_rgb(*base)
    ctx.paint()
    xs = np.linspace(1, side - 1, len(values))
    ys = (1 - np.clip(values, -1, 1)) * (side - 2) / 2 + 1
    middle = (side - 1) / 2
    for sign in (1, -1):
        ctx.move_to(xs[0], middle)
        for x, y in zip(xs, ys):
            ctx.line_to(x, middle - max(sign * (middle - y), 0) * sign)
        ctx.line_to(xs[-1], middle)
        ctx.close_path()
        ctx.set_source_rgb(*heatmap.colour(0.8 * sign))
        ctx.fill()
    ctx.move_to(xs[0], ys[0])
    for x, y in zip(xs[1:], ys[1:]):
        ctx.line_to(x, y)
    ctx.set_source_rgb(*line)
    ctx.set_line_width(max(1.5, side / 30))
    ctx.stroke()
    surface.flush()
    data = np.ndarray((side, side, 4), np.uint8, buffer=surface.get_data())
    # Cairo keeps a pixel as the native-endian word 0x00RRGGBB
    order = [2, 1, 0] if sys.byteorder == "little" else [1, 2, 3]
    return data[..., order].copy()


class NetworkPanel(Panel):
    """``edges``: "weight" (colour = sign of w, width = |w|) or "gradient" (of ∂L/∂w,
    the gradient the next update uses); both scaled over the whole run."""

    def __init__(self, trace, box, look: Look, edges: str = "weight",
                 maps: bool | None = None, labels: bool | None = None, keyed: bool = True,
                 max_abs: float | None = None, probe: bool = True):
        """``keyed`` False: no key under it (a comparison's small panels share one);
        ``max_abs``: the value drawn widest (default: this run's largest; larger ones
        are drawn as wide); ``probe`` False: nodes plain, not filled by the probe
        sample's values."""
        super().__init__(trace, box, look)
        theme = look.theme
        self.edges = edges
        layers = trace.layers
        self.bias = trace.config.network.bias
        self.values = self.edge_values()  # one (S, fan_in + bias, fan_out) stack per layer
        largest = max(float(np.abs(v).max()) for v in self.values)
        self.max_abs = max(largest if max_abs is None else max_abs, 1e-12)
        x0, y0, x1, y1 = box
        margin = 0.5  # the inputs' and outputs' names
        self.diagram = NetworkDiagram(layers, x1 - x0 - 2 * margin, y1 - y0, theme, look.font,
                                      self.max_abs, bias=self.bias)
        self.diagram.move_to([(x0 + x1) / 2, (y0 + y1) / 2, 0])
        self.line = trace.X.shape[1] == 1
        mappable = all(n <= MAX_MAPPED for n in layers[1:-1]) and trace.neuron_maps(1) is not None
        self.mapped_layers = mappable if maps is None else bool(maps) and mappable
        px_per_unit = manim_config.pixel_height / manim_config.frame_height
        # its texts are symbols (x₁, ŷ, 1), in every language: in the font that has
        # them, not the language's (NanumGothic has no ŷ)
        self.raster = NetworkRaster(self.diagram, theme, px_per_unit, pad=0.06,
                                    thumbnail_side=self.diagram.radius * 2.3, margin=margin,
                                    font=layout.FONTS["en"])
        self.moving += [self.raster.image, self.diagram.extras]
        # (rows, columns) of each layer's drawn edges in its stack, in edge order (bias
        # edges, the stack's last row, after the weights)
        self.edge_index = []
        for i in range(len(layers) - 1):
            pairs = self.diagram.edge_pairs(i)
            if self.bias:
                pairs += [(layers[i], b) for b in self.diagram.shown[i + 1]]
            self.edge_index.append(tuple(np.array(pairs).T))
        self.base_rgb = rgb(theme["panel"])
        self.unit_heatmap = Heatmap(self.base_rgb, rgb(theme["negative"]),
                                    rgb(theme["positive"]), -1.0, 1.0, strength=0.95)
        self.palette = class_palette(trace, theme)
        self.output_heatmap = Heatmap(self.base_rgb, *self.palette[:2], 0.0, 1.0)
        self.input_scale = np.maximum(np.abs(np.vstack([trace.X, trace.X_val])
                                             ).max(axis=0), 1e-9)
        self.stretched = HIDDEN[trace.config.network.activation].unit_interval
        self.hidden_scale: dict[int, np.ndarray] = {}  # per hidden layer, per unit
        self.thumbnails = self.build_thumbnails() if self.mapped_layers else []
        self.mapped = {(i + 1, k) for i, k, _ in self.thumbnails}
        self.thumbnail_frame = None
        self.probe = int(trace.probes[0])
        self.shows_probe = probe
        self.name_nodes()
        self.labels = self.build_labels(labels)
        if keyed:
            self.still.append(self.key())

    def edge_values(self) -> list[np.ndarray]:
        """Per weight layer, (S, fan_in [+ 1 bias row], fan_out) values the edges show."""
        tr, out = self.trace, []
        for i in range(len(tr.layers) - 1):
            if self.edges == "gradient":
                w, b = tr.weight_gradients(i), tr.bias_gradients(i)
            else:
                w, b = tr.weight_history(i), tr.bias_history(i)
            out.append(np.concatenate([w, b[:, None, :]], axis=1) if self.bias else w)
        return out

    def set_marker(self, at) -> None:
        """Ring the probe sample on every neuron map."""
        if self.thumbnails and not self.line:
            self.raster.set_marker(at)

    def name_nodes(self) -> None:
        """x₁, x₂ left of the inputs; ŷ (or ŷ₀, ŷ₁, … one per class) right of the outputs,
        each output ringed in its class colour when there are several classes."""
        diagram, raster, radius = self.diagram, self.raster, self.diagram.radius
        inputs = spread([node.get_y() for node in diagram.nodes[0]], NAME_SIZE * 0.9)
        for k, unit in enumerate(diagram.shown[0]):
            at = [diagram.nodes[0][k].get_x() - radius - 0.08, inputs[k], 0]
            raster.add_name(at, f"x{unit + 1}".translate(SUBSCRIPTS), NAME_SIZE, align=1.0)
        outputs = diagram.shown[-1]
        last = len(diagram.nodes) - 1
        heights = spread([node.get_y() for node in diagram.nodes[-1]], NAME_SIZE * 0.9)
        for k, unit in enumerate(outputs):
            at = [diagram.nodes[-1][k].get_x() + radius + 0.08, heights[k], 0]
            # one unit per class: numbered as the classes are, from 0
            name = "ŷ" if len(outputs) == 1 else f"ŷ{unit}".translate(SUBSCRIPTS)
            raster.add_name(at, name, NAME_SIZE, align=0.0)
            if self.trace.meta["classes"] > 2:
                raster.set_stroke(last, k, self.palette[unit % len(self.palette)])

    def build_thumbnails(self) -> list[tuple[int, int, int]]:
        """(hidden layer, drawn node, unit) of every map or curve."""
        tr, out = self.trace, []
        for i in range(len(tr.layers) - 2):
            self.hidden_scale[i] = unit_scales(tr.neuron_maps(i + 1))
            out += [(i, k, unit) for k, unit in enumerate(self.diagram.shown[i + 1])]
        return out

    def build_labels(self, wanted: bool | None) -> list[tuple[int, int, MonoNumber]]:
        """A number on every edge of a weight layer, turned along it; a layer gets none
        unless all of its labels fit clear of the nodes, the maps, each other's and
        other edges (or labels are asked for)."""
        if wanted is False:
            return []
        half = self.diagram.radius * 1.15  # a map's half side (see the raster's tiles)
        maps = [layout_box(self.diagram.nodes[i + 1][k].get_center(), half)
                for i, k, _ in self.thumbnails]
        out: list[tuple[int, int, MonoNumber]] = []
        for i, (rows, _) in enumerate(self.edge_index):
            if wanted is None and len(rows) > MAX_LABELLED:
                continue
            layer = [(i, k, MonoNumber("-0.000" if self.edges == "gradient" else "-0.00",
                                       font_size=17, color=self.look.theme["text"],
                                       halo=self.look.theme["background"]))
                     for k in range(len(rows))]
            if place_along_edges(self.diagram, list(layer), maps + [m for *_, m in out]) or wanted:
                out += layer
        self.moving += [label for *_, label in out]
        return out

    def key(self) -> VGroup:
        """Under the network: what an edge's colour, width (and number) mean, what the
        two colours mean for a value and, with two classes, for a class, and what the
        tiles and nodes show."""
        look, labels = self.look, self.look.labels
        symbol = labels["edge_gradient"] if self.edges == "gradient" else "w"
        widths = labels["edge_width_is"].format(v=symbol)
        if self.labels:  # what the numbers on the edges are
            widths += " · " + labels["edge_numbers"].format(v=symbol)
        # one row, as wide as the tiles' line: the numbers are the edges' too
        edges = look.key([(look.swatch("negative", "line"), f"{symbol} < 0"),
                          (look.swatch("positive", "line"), f"{symbol} > 0"),
                          (None, widths)], 20, buff=KEY_GAP, width=KEY_WIDTH)
        # two classes are coloured as the sign of their score: one palette, said so
        # (more classes have colours of their own, a regression none)
        classes = ([", " + labels["class_k"].format(k=k) for k in (0, 1)]
                   if 0 < self.trace.meta["classes"] <= 2 else ["", ""])
        values = look.key([(None, labels["value"] + ":"),
                           (look.swatch("negative", "square"), "< 0" + classes[0]),
                           (look.swatch("positive", "square"), "> 0" + classes[1])], 20,
                          buff=KEY_GAP, width=KEY_WIDTH)
        lines = [edges, values]
        if self.thumbnails:
            lines.append(look.words(labels["key_tiles_line" if self.line
                                           else "key_tiles_plane"], 19))
        nodes = labels["key_nodes"]
        if self.bias:  # the grey 1s: what they are and what their edges carry
            nodes += " · " + labels["key_bias"]
        lines.append(look.words(nodes, 19))
        block = VGroup(*lines).arrange(DOWN, buff=0.07, aligned_edge=[-1, 0, 0])
        return block.next_to(self.raster.image, DOWN, buff=0.06).align_to(
            self.raster.image, [-1, 0, 0]).shift([0.35, 0, 0])

    # --- every frame --------------------------------------------------------------------

    def draw(self, s: float) -> None:
        last = self.trace.n_states - 1
        at = min(s, len(self.values[0]) - 1)  # gradients: none after the last state
        values = [blend(v, at) for v in self.values]
        self.update_thumbnails(s)
        self.raster.draw(np.concatenate([v[rows, cols] for v, (rows, cols)
                                         in zip(values, self.edge_index)]) / self.max_abs,
                         self.probe_fills(min(s, last)) if self.shows_probe else None)
        decimals = 3 if self.edges == "gradient" else 2
        for i, k, label in self.labels:
            rows, cols = self.edge_index[i]
            label.set_text(minus_signs(compact(values[i][rows[k], cols[k]], decimals)))

    def probe_fills(self, s: float) -> dict[tuple[int, int], np.ndarray]:
        """Colour of every node drawn as a circle: its activation for the probe sample.
        Inputs and hidden units on the maps' scale, outputs as the boundary colours
        them: a sigmoid by its probability, a class by its own colour, a value as the
        value map does."""
        tr, layers, fills = self.trace, self.trace.layers, {}
        units = np.array(self.diagram.shown[0])
        x = tr.X[self.probe][units] / self.input_scale[units]
        for k, colour in enumerate(self.unit_heatmap.rgb(x) / 255):  # one look-up a layer
            fills[0, k] = colour
        for i in range(len(layers) - 1):  # diagram layer i + 1
            a = blend(tr.activations(i + 1)[:, 0], s)
            if i == len(layers) - 2:
                for k, unit in enumerate(self.diagram.shown[i + 1]):
                    fills[i + 1, k] = self.output_fill(a, unit)
                continue
            drawn = [(k, unit) for k, unit in enumerate(self.diagram.shown[i + 1])
                     if (i + 1, k) not in self.mapped]
            if not drawn:
                continue
            units = np.array([unit for _, unit in drawn])
            values = a[units] * 2 - 1 if self.stretched else a[units] / self.scales(i)[units]
            for (k, _), colour in zip(drawn, self.unit_heatmap.rgb(values) / 255):
                fills[i + 1, k] = colour
        return fills

    def output_fill(self, a: np.ndarray, unit: int) -> np.ndarray:
        classes = self.trace.meta["classes"]
        if classes == 0:  # a value: on the value map's scale (targets all 0: ŷ's start)
            return self.unit_heatmap.colour(a[unit] / value_range(self.trace))
        p = float(np.clip(a[unit], 0, 1))
        if len(a) == 1:
            return self.output_heatmap.colour(p)
        colour = self.palette[unit % len(self.palette)]
        return self.base_rgb + (colour - self.base_rgb) * p * 0.75

    def scales(self, i: int) -> np.ndarray:
        """Hidden layer i's units' scales over the run (over their maps, else over the
        probes): each unit on its own, so that each one shows."""
        if i not in self.hidden_scale:
            self.hidden_scale[i] = unit_scales(self.trace.activations(i + 1))
        return self.hidden_scale[i]

    def update_thumbnails(self, s: float) -> None:
        """Maps (or curves) at the nearest recorded grid: they are small, no blending."""
        tr = self.trace
        if not self.thumbnails:
            return
        f = int(np.argmin(np.abs(tr.grid_states - s)))
        if f == self.thumbnail_frame:
            return
        self.thumbnail_frame = f
        side = self.raster.thumb_side
        for i, k, unit in self.thumbnails:
            values = tr.neuron_maps(i + 1)[f, ..., unit].astype(np.float32)
            # activations in [-1, 1] (a (0, 1) activation's stretched)
            scaled = (values * 2 - 1) if self.stretched else values / self.scales(i)[unit]
            if self.line:
                tile = curve_tile(scaled, side, self.unit_heatmap, self.base_rgb,
                                  rgb(self.look.theme["text"]))
            else:
                tile = self.unit_heatmap.rgb(scaled[::-1])
            self.raster.set_map(i + 1, k, tile)
