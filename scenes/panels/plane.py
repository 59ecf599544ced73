"""The output over the input plane, with the data on top, axes and a key.

Classification: the decision boundary (one sigmoid: p(class 1) from one class
colour to the other with its 0.5 contour; several classes: the likeliest class,
saturated by confidence). Regression: the value on a diverging palette with a
colour bar, the data coloured by their targets on the same scale. The raster has
the panel's size in output pixels, so the panel camera copies it as it is.
"""

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RESAMPLING_ALGORITHMS,
    RIGHT,
    UP,
    Circle,
    Group,
    ImageMobject,
    Line,
    VGroup,
)
from manim import config as manim_config

from core.depth import SAME_ANSWER
from scenes.camera import OpaquePanel
from scenes.panels.axes import nice_ticks, scale, tick_text, ticks_below, ticks_left
from scenes.panels.base import Look, Panel, blend, grid_index
from scenes.panels.heatmap import Heatmap
from scenes.raster import (
    SMALLEST_DOT,
    ContourPainter,
    LevelFrames,
    Overlay,
    boundary_mask,
    class_colours,
    disc_layer,
    draw_border,
    marker,
    rgb,
    upsample,
    words,
)


def class_palette(trace, theme: dict) -> np.ndarray:
    """Float RGB per class: the sign pair for two classes (a class is the sign of the
    output's score); beyond, the theme's class colours after its first two, which are
    the sign pair's, so that no class looks like a weight's sign."""
    if trace.meta["classes"] <= 2:
        return np.array([rgb(theme["negative"]), rgb(theme["positive"])])
    colours = list(theme["classes"])
    return np.array([rgb(c) for c in colours[2:] + colours[:2]])


def value_range(trace) -> float:
    """A regression map's half-range, so 0 sits in the middle: the largest |target|;
    where every target is 0, the network's largest |ŷ| over the plane where it starts
    (the post's one sample has y = 0: on a scale of ±1e−6 the map was one flat colour
    while ŷ fell from 1.233 to 0.15)."""
    targets = np.concatenate([np.ravel(trace.y), np.ravel(trace.y_val)])
    reach = float(np.abs(targets).max())
    if reach == 0:
        start = np.abs(trace.grids[0])
        reach = float(start[np.isfinite(start)].max(initial=0.0))
    return max(reach * 1.05, 1e-6)


def sight_symbol(theme: dict) -> VGroup:
    """The probe's mark on the plane, for a key: a ring with four ticks."""
    ticks = [Line(d * 0.09, d * 0.16, color=theme["text"], stroke_width=2.5)
             for d in (UP, DOWN, LEFT, RIGHT)]
    return VGroup(Circle(0.09, color=theme["text"], stroke_width=2.5), *ticks)


def axis_names(look: Look, image, below: VGroup, across: str, up: str) -> list:
    """The horizontal axis's name past its right end, the vertical one's over its
    top, left of the panel: each at the end its values grow to."""
    x_name = look.words(across, 22, "text")
    x_name.move_to(image.get_corner(DOWN + RIGHT) + [0.3, -0.22, 0])
    y_name = look.words(up, 22, "text")
    y_name.move_to(image.get_corner(UP + LEFT) + [-0.3, 0.2, 0])
    return [x_name, y_name]


class PlanePanel(Panel):
    """The input plane at state s: output colours, the data, the probe's sight."""

    def __init__(self, trace, box, look: Look, keyed: bool = True, probe: bool = True):
        """``keyed`` False: the picture alone, without axes, key or colour bar (a
        comparison's small panels share one key); ``probe`` False: no sight on the
        probe sample (a comparison follows no sample: its networks' nodes are plain)."""
        super().__init__(trace, box, look)
        theme = look.theme
        self.shows_probe = probe
        x0, y0, x1, y1 = box
        self.side = side = min(x1 - x0, y1 - y0)
        centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2, 0.0])
        self.regression = trace.meta["classes"] == 0
        self.base_rgb = rgb(theme["panel"])
        xmin, xmax, ymin, ymax = trace.grid_extent
        self.extent = (xmin, xmax, ymin, ymax)
        # the raster has the panel's size in output pixels: the camera copies it as is
        self.px = size = int(round(side * manim_config.pixel_height
                                   / manim_config.frame_height))
        self.unit = size / 576  # strokes scale with the panel
        self.palette = class_palette(trace, theme)
        if self.regression:
            reach = value_range(trace)
            self.heatmap = Heatmap(self.base_rgb, rgb(theme["negative"]),
                                   rgb(theme["positive"]), -reach, reach, strength=1.0)
        else:
            self.heatmap = Heatmap(self.base_rgb, *self.palette[:2], 0.0, 1.0)
        self.points_layer = Overlay(self.data_layer())
        if trace.grids.ndim == 3:  # one value per grid point
            self.levels = LevelFrames(trace.grids, size, self.heatmap.levels)
            if not self.regression:
                self.contour = ContourPainter(size, 1.8 * self.unit, rgb(theme["text"]))
        self.line_word = words(rgb(theme["text"])[None] * 255 + 0.5)[0]
        self.border = (rgb(theme["muted"]) * 255).astype(np.uint8)
        self.rgba = np.full((size, size, 4), 255, np.uint8)
        self.image = OpaquePanel(np.zeros((size, size, 4), np.uint8))
        self.image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
        self.image.height = side
        self.image.move_to(centre)
        self.moving.append(self.image)
        if keyed:
            self.still += [self.axes(), self.key()]
        if keyed and trace.grids.ndim == 3:  # one value per point: regression, p(class 1)
            self.still.append(self.colour_bar())

    # --- what is drawn once ------------------------------------------------------------

    def data_layer(self) -> np.ndarray:
        """Training points as discs, validation points as rings, and the probe's sight."""
        tr, theme, size = self.trace, self.look.theme, self.px
        xmin, xmax, ymin, ymax = self.extent
        points = np.vstack([tr.X, tr.X_val])
        targets = np.concatenate([np.ravel(tr.y), np.ravel(tr.y_val)])
        px = (points[:, 0] - xmin) / (xmax - xmin) * (size - 1)
        py = (ymax - points[:, 1]) / (ymax - ymin) * (size - 1)
        if self.regression:  # a point's colour is its target, on the map's own scale,
            # but grey at 0 (not the panel's colour): a filled dot never reads as a ring
            strong = Heatmap(rgb(theme["muted"]), rgb(theme["negative"]),
                             rgb(theme["positive"]), self.heatmap.low, self.heatmap.high,
                             strength=1.0)
            colours = strong.rgb(targets) / 255
        else:
            colours = self.palette[targets.astype(int)]
        ring = np.arange(len(points)) >= len(tr.X)
        radius = float(np.clip(size / (2.2 * np.sqrt(len(points))), 2.2, 6.0) * size / 420)
        radius = max(radius, SMALLEST_DOT)  # a small panel's dots: coloured, not all rim
        rim = rgb(theme["background"])
        discs = disc_layer(np.column_stack([px, py]), colours, size, radius, rim, ring)
        if not self.shows_probe:
            return discs
        probe = int(tr.probes[0])
        self.marker_radius = max(1.9 * radius, 5 * self.unit)  # pixels of the panel
        return marker(discs, (px[probe], py[probe]), self.marker_radius,
                      2.4 * self.unit, rgb(theme["text"]), rgb(theme["background"]))

    def to_scene(self):
        """Scene x of an input x₁, scene y of an input x₂."""
        x0 = self.image.get_left()[0]
        y0 = self.image.get_bottom()[1]
        xmin, xmax, ymin, ymax = self.extent
        return (scale(xmin, xmax, x0, x0 + self.side), scale(ymin, ymax, y0, y0 + self.side))

    def axes(self) -> VGroup:
        """Ticks under and left of the panel, and the names of the inputs."""
        look = self.look
        at_x, at_y = self.to_scene()
        xmin, xmax, ymin, ymax = self.extent
        below = ticks_below(look, nice_ticks(xmin, xmax), at_x, self.image.get_bottom()[1])
        left = ticks_left(look, nice_ticks(ymin, ymax), at_y, self.image.get_left()[0])
        return VGroup(below, left, *axis_names(look, self.image, below, "x₁", "x₂"))

    def key(self) -> VGroup:
        """Above the panel: its name, then what a colour, a disc, a ring and the sight mean."""
        look, labels, theme = self.look, self.look.labels, self.look.theme
        entries = []
        if not self.regression:
            for k in range(max(self.trace.meta["classes"], 2)):
                colour = "#" + "".join(f"{int(c * 255 + 0.5):02x}" for c in self.palette[k])
                entries.append((look.swatch(colour), labels["class_k"].format(k=k)))
        if len(self.trace.X_val):
            ring = Circle(0.075, color=theme["muted"], stroke_width=3)
            entries.append((ring, labels["val_points"]))
        entries.append((sight_symbol(theme), labels["probe"]))
        if self.regression:  # the dots' colour: their targets, grey at 0 (see data_layer)
            low, high = (tick_text(float(f"{v:.2g}")) for v in (self.heatmap.low,
                                                                 self.heatmap.high))
            steps = (("negative", low), ("muted", "0"), ("positive", high))
            dot_scale = VGroup(*[VGroup(look.swatch(colour), look.number(text, 20)).arrange(
                RIGHT, buff=0.08) for colour, text in steps]).arrange(RIGHT, buff=0.25)
            entries[:0] = [(None, labels["dot_is_target"]), (dot_scale, None)]
        row = look.key(entries, 20, 0.35, self.side + 0.5)  # over the axes a little
        if self.regression:
            title = labels["value_map"]
        else:
            title = labels["decision_boundary"] + " · " + labels[
                "p_class1" if self.trace.meta["classes"] <= 2 else "likeliest_class"]
        name = look.words(title, 22)
        block = VGroup(name, row).arrange(DOWN, buff=0.14)
        return block.next_to(self.image, UP, buff=0.4)  # room for x₂ below it

    def colour_bar(self) -> Group:
        """Right of the panel, from its top: the map's palette from its lowest value to
        its highest (-reach to reach, or p from 0 to 1), the middle named too."""
        look, hm = self.look, self.heatmap
        steps = np.linspace(hm.high, hm.low, 256)
        strip = np.repeat(hm.rgb(steps)[:, None, :], 8, axis=1)
        image = ImageMobject(np.dstack([strip, np.full(strip.shape[:2], 255, np.uint8)]))
        image.stretch_to_fit_height(self.side * 0.6).stretch_to_fit_width(0.18)
        image.next_to(self.image, RIGHT, buff=0.15).align_to(self.image, UP)
        at = scale(hm.low, hm.high, image.get_bottom()[1], image.get_top()[1])
        values = VGroup(*[look.number(tick_text(float(f"{v:.2g}")), 18).move_to(
            [0, float(at(v)), 0]).next_to(image, RIGHT, buff=0.1).set_y(float(at(v)))
            for v in (hm.low, (hm.low + hm.high) / 2, hm.high)])
        name = look.words("ŷ" if self.regression else "p", 22, "text").next_to(image, UP,
                                                                             buff=0.1)
        return Group(image, values, name)

    # --- every frame --------------------------------------------------------------------

    def draw(self, s: float) -> None:
        tr, rgba = self.trace, self.rgba
        f = grid_index(tr, s)
        if tr.grids.ndim == 3:
            self.heatmap.paint(self.levels.at(f), rgba)
            grid = blend(tr.grids, f)
            # one answer everywhere (a network whose signal has faded): no boundary,
            # though its 0.5 contour exists, within a hair
            if not self.regression and np.ptp(grid) >= SAME_ANSWER:
                self.contour.paint(rgba, grid[::-1])  # between grid points
        else:
            probs = np.clip(upsample(blend(tr.grids, f), self.px), 0, 1)
            palette = self.palette[:probs.shape[-1]]
            rgba[..., :3] = (np.clip(class_colours(probs, self.base_rgb, palette), 0, 1) * 255
                             + 0.5).astype(np.uint8)
            edge = np.flatnonzero(boundary_mask(probs.argmax(axis=-1)))
            rgba.view(np.uint32).ravel()[edge] = self.line_word
        self.points_layer.blend(rgba)
        draw_border(rgba, self.border, 2)
        self.image.set_pixels(rgba)

    @property
    def probe_on_map(self) -> tuple[float, float]:
        """The probe sample as fractions (across, down) of the plane."""
        x, y = self.trace.X[int(self.trace.probes[0])]
        xmin, xmax, ymin, ymax = self.extent
        return (x - xmin) / (xmax - xmin), (ymax - y) / (ymax - ymin)
