"""The loss over a plane of weight space as filled contours, and the run crossing it:
its path so far, a ball at the current state and the descent arrow −∇L there.

The surface is painted once (it does not change); only the path, the ball and the
arrow move. Bands of equal loss run through viridis, dark purple (low) over blue
and green to yellow (high): lightness grows with the loss, readable without colour
vision, saturated enough for a projector, keyed by a colour bar. The ball is filled
with the colour of the run's own loss: on a slice it may differ from the band under
it. A loss that spans more than ``LOG_RANGE`` times is banded on a log scale, as the
loss panel draws it.
"""

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Dot,
    Group,
    ImageMobject,
    Line,
    VGroup,
    rgb_to_hex,
)
from manim import config as manim_config

from core.landscape import Landscape
from scenes.camera import Polyline
from scenes.panels.axes import nice_ticks, scale, tick_text, ticks_below, ticks_left
from scenes.panels.base import Look, Panel
from scenes.raster import ContourPainter, draw_border, rgb, upsample

LOG_RANGE = 30.0  # highest over lowest loss beyond which bands are spaced by ratio
MOST_LEVELS = 9
FLOOR_UNDER_RUN = 0.5  # the colours start at this share of the run's lowest loss at most
TOP_OVER_PATH = 3.0  # the colours stop at this many times the run's highest loss
LONGEST_ARROW = 0.3  # the run's longest descent arrow, as a share of the panel's side
SHORTEST_ARROW = 0.05  # scene units: shorter arrows are not drawn
VIRIDIS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")


def contour_levels(low: float, high: float) -> tuple[list[float], bool]:
    """Round loss values for the contour lines (at most MOST_LEVELS), and whether they
    are spaced by ratio: 1, 2 and 5 times powers of ten, or powers of ten alone, or
    every second one, whichever first gives few enough lines."""
    if low > 0 and high / low > LOG_RANGE:
        decades = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
        for marks, every in (((1, 2, 5), 1), ((1,), 1), ((1,), 2)):
            levels = [m * 10.0 ** k for k in decades[::every] for m in marks]
            levels = [v for v in levels if low < v < high]
            if len(levels) <= MOST_LEVELS:
                return levels, True
        return levels, True
    return [v for v in nice_ticks(low, high, MOST_LEVELS) if low < v < high], False


class LandscapePanel(Panel):
    """The plane, banded by loss, with the path, ball and arrow at state s."""

    def __init__(self, trace, box, look: Look, land: Landscape):
        super().__init__(trace, box, look)
        theme = look.theme
        x0, y0, x1, y1 = box
        self.land, self.side = land, min(x1 - x0, y1 - y0)
        # a valley that reaches 0 would spend every band on losses the run never has
        self.low = max(float(np.nanmin(land.loss)), FLOOR_UNDER_RUN * float(np.min(trace.loss)))
        run_top = float(np.max(trace.loss))
        self.high = float(min(np.nanmax(land.loss), TOP_OVER_PATH * run_top))
        if self.high <= self.low:
            self.high = self.low + 1e-6
        self.levels, self.log = contour_levels(self.low, self.high)
        self.px = int(round(self.side * manim_config.pixel_height / manim_config.frame_height))
        self.ramp = np.array([rgb(c) for c in VIRIDIS])
        self.image = ImageMobject(self.picture())
        self.image.height = self.side
        self.image.move_to([x0 + self.side / 2, y0 + self.side / 2, 0])
        self.at_a, self.at_b = self.to_scene()
        self.path_points = np.column_stack([self.at_a(land.path[:, 0]),
                                            self.at_b(land.path[:, 1]),
                                            np.zeros(len(land.path))])
        self.arrow_scale = self.arrow_unit()
        text, background = theme["text"], theme["background"]
        self.under = Polyline(stroke_color=background, stroke_width=7)  # a rim on any band
        self.ball_colours = self.band_colour(np.asarray(trace.loss, dtype=float))
        self.line = Polyline(stroke_color=text, stroke_width=3.5)
        self.ball = self.ball_symbol(0.2)
        self.start_ring = Circle(0.11, color=text, stroke_width=3).move_to(self.path_points[0])
        self.arrow = self.make_arrow(self.path_points[0], self.path_points[0] + RIGHT)
        self.still += [self.image, self.axes(), self.colour_bar(), self.start_ring]
        self.moving += [self.under, self.line, self.arrow, self.ball]

    # --- drawn once -------------------------------------------------------------------

    def fraction(self, values: np.ndarray) -> np.ndarray:
        """Where a loss sits between the lowest and the highest colour, 0 to 1."""
        values = np.clip(values, self.low, self.high)
        if self.log:
            return np.log(values / self.low) / np.log(self.high / self.low)
        return (values - self.low) / (self.high - self.low)

    def band_colour(self, values: np.ndarray) -> np.ndarray:
        """Float RGB of each value's band: the colour of the band's middle."""
        edges = np.array([self.low, *self.levels, self.high])
        band = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
        middle = self.fraction(edges[:-1]) / 2 + self.fraction(edges[1:]) / 2
        return self.ramp_colour(middle[band])

    def ramp_colour(self, f: np.ndarray) -> np.ndarray:
        """Float RGB along the ramp at fractions f in [0, 1]."""
        stops = np.linspace(0, 1, len(self.ramp))
        return np.stack([np.interp(f, stops, self.ramp[:, c]) for c in range(3)], axis=-1)

    def picture(self) -> np.ndarray:
        """The bands and contour lines as an opaque RGBA image, row 0 at the top."""
        values = upsample(np.nan_to_num(self.land.loss, nan=self.high, posinf=self.high),
                          self.px)
        rgba = np.full((self.px, self.px, 4), 255, np.uint8)
        rgba[..., :3] = (self.band_colour(values) * 255 + 0.5).astype(np.uint8)
        theme = self.look.theme
        lines = ContourPainter(self.px, 1.4 * self.px / 576, rgb(theme["muted"]))
        grid = self.land.loss[::-1]
        for level in self.levels:
            lines.paint(rgba, grid, level)
        draw_border(rgba, (rgb(theme["muted"]) * 255).astype(np.uint8), 2)
        return rgba

    def to_scene(self):
        """Scene x of a first coordinate, scene y of a second."""
        land, left, bottom = self.land, self.image.get_left()[0], self.image.get_bottom()[1]
        return (scale(land.a[0], land.a[-1], left, left + self.side),
                scale(land.b[0], land.b[-1], bottom, bottom + self.side))

    def axes(self) -> VGroup:
        """Ticks under and left of the panel; each axis's name at its growing end."""
        look, land = self.look, self.land
        below = ticks_below(look, nice_ticks(land.a[0], land.a[-1]), self.at_a,
                            self.image.get_bottom()[1], 22)
        left = ticks_left(look, nice_ticks(land.b[0], land.b[-1]), self.at_b,
                          self.image.get_left()[0], 22)
        names = self.axis_names()
        across = look.words(names[0], 22, "text")
        across.next_to(below, DOWN, buff=0.08).align_to(self.image, RIGHT)
        up = look.words(names[1], 22, "text")
        up.next_to(self.image, UP, buff=0.12).align_to(left, LEFT)
        return VGroup(below, left, across, up)

    def axis_names(self) -> list[str]:
        """PC1 and PC2 in words, or the two parameters' names."""
        land = self.land
        if land.mode == "exact":
            return list(land.names)
        return [f"{name}: {words}" for name, words in zip(land.names,
                                                          self.look.labels["pc_axes"])]

    def colour_bar(self) -> Group:
        """Right of the panel: the bands from the lowest loss to the highest, each
        contour's value beside it."""
        look = self.look
        values = np.linspace(self.high, self.low, 256)
        if self.log:
            values = np.geomspace(self.high, self.low, 256)
        strip = np.repeat((self.band_colour(values) * 255 + 0.5).astype(np.uint8)[:, None],
                          8, axis=1)
        image = ImageMobject(np.dstack([strip, np.full(strip.shape[:2], 255, np.uint8)]))
        image.stretch_to_fit_height(self.side * 0.7).stretch_to_fit_width(0.2)
        image.next_to(self.image, RIGHT, buff=0.15).align_to(self.image, DOWN)
        bottom, top = image.get_bottom()[1], image.get_top()[1]
        at = lambda v: bottom + float(self.fraction(np.array(v))) * (top - bottom)  # noqa: E731
        shown = self.levels[::max(1, int(np.ceil(len(self.levels) / 6)))]
        ticks = VGroup()
        for v in [self.low, *shown, self.high]:
            if ticks and abs(at(v) - ticks[-1].get_y()) < 0.28:
                continue
            mark = Line([0, 0, 0], [0.08, 0, 0], color=look.theme["muted"], stroke_width=2)
            mark.next_to(image, RIGHT, buff=0).set_y(at(v))
            ticks.add(VGroup(mark, look.number(contour_text(v), 22).next_to(mark, RIGHT,
                                                                         buff=0.12)))
        name = VGroup(look.words(look.labels["loss"], 22, "text"))
        if self.log:  # bands spaced by ratio: said under the name
            name.add(look.words(look.labels["log_axis"], 18))
        name.arrange(DOWN, aligned_edge=LEFT, buff=0.06).next_to(image, UP, buff=0.3)
        name.align_to(image, LEFT)
        return Group(image, ticks, name)

    def arrow_unit(self) -> float:
        """Scene units per unit of gradient on the plane: one scale for the whole run,
        its longest arrow LONGEST_ARROW of the side, so that lengths compare."""
        largest = float(np.linalg.norm(self.land.descent, axis=1).max())
        return LONGEST_ARROW * self.side / largest if largest > 0 else 0.0

    def ball_symbol(self, radius: float) -> Dot:
        """The ball: a ring in the text colour around the colour of a loss (over two
        weights, where that is the band under it, solid)."""
        theme = self.look.theme
        fill = (theme["text"] if self.land.mode == "exact"
                else rgb_to_hex(self.ramp_colour(np.array(0.5))))
        return Dot(radius=radius, stroke_width=4, stroke_color=theme["text"],
                   fill_color=fill, fill_opacity=1)

    def make_arrow(self, start, end) -> Arrow:
        return Arrow(start, end, buff=0, color=self.look.theme["gradient"], stroke_width=6,
                     max_tip_length_to_length_ratio=0.35, max_stroke_width_to_length_ratio=12)

    # --- every frame ------------------------------------------------------------------

    def at_state(self, s: float) -> np.ndarray:
        """The scene point of continuous state s, between recorded states."""
        points = self.path_points
        i = min(int(np.floor(s)), len(points) - 1)
        f = s - i
        return points[i] if f == 0 or i == len(points) - 1 else (
            points[i] * (1 - f) + points[i + 1] * f)

    def draw(self, s: float) -> None:
        points = self.path_points
        upto = min(int(np.floor(s)), len(points) - 1)
        here = self.at_state(s)
        trail = np.vstack([points[:upto + 1], here[None]])
        self.under.set_corners(trail)
        self.line.set_corners(trail)
        self.ball.move_to(here)
        k = min(int(round(s)), len(points) - 1)
        if self.land.mode == "pca":
            self.ball.set_fill(rgb_to_hex(self.ball_colours[k]), opacity=1)
        push = np.append(self.land.descent[k], 0.0) * self.arrow_scale
        if np.linalg.norm(push) < SHORTEST_ARROW:
            push = np.zeros(3)
        self.arrow.become(self.make_arrow(here, here + push))
        self.arrow.set_opacity(1.0 if push.any() else 0.0)


def contour_text(value: float) -> str:
    """A contour's loss: two significant digits, as a tick says it."""
    return tick_text(float(f"{value:.2g}"))
