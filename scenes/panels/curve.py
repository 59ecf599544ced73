"""The output over the input line: the data as points, the network's output as a
curve (each class's probability, with the 0.5 line, for classification), and for
regression each training point's residual as a thin line to the curve. Drawn by
Cairo into one opaque image per frame; the axes and the key are drawn once."""

import sys

import cairo
import numpy as np
from manim import DOWN, UP, Circle, Line, VGroup
from manim import config as manim_config

from scenes.camera import OpaquePanel
from scenes.panels.axes import nice_ticks, scale, ticks_below, ticks_left
from scenes.panels.base import Look, Panel, blend, grid_index
from scenes.panels.plane import axis_names, class_palette
from scenes.raster import rgb


class CurvePanel(Panel):
    """One input x against the output: what a 1-D network computes, state by state."""

    def __init__(self, trace, box, look: Look, keyed: bool = True,
                 value_range: tuple[float, float] | None = None, probe: bool = True):
        """``keyed`` False: the picture alone, without axes or key (see PlanePanel);
        ``value_range``: the output axis (default: the data's, see value_range);
        ``probe`` False: no sight on the probe sample (see PlanePanel)."""
        super().__init__(trace, box, look)
        theme = look.theme
        x0, y0, x1, y1 = box
        self.classes = trace.meta["classes"]
        self.xmin, self.xmax = trace.grid_extent[:2]
        self.ymin, self.ymax = value_range or self.value_range()
        ppu = manim_config.pixel_height / manim_config.frame_height
        self.width, self.height = int(round((x1 - x0) * ppu)), int(round((y1 - y0) * ppu))
        self.unit = self.height / 400  # strokes scale with the panel
        self.surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, self.width, self.height)
        # as in the network raster: colours given red-blue swapped land as R, G, B, A
        self.swap = sys.byteorder == "little"
        self.pixels = np.ndarray((self.height, self.width, 4), np.uint8,
                                 buffer=self.surface.get_data())
        self.rgba = self.pixels if self.swap else np.empty_like(self.pixels)
        self.palette = class_palette(trace, theme)
        self.shows_probe = probe
        self.grid_x = np.linspace(self.xmin, self.xmax, trace.grids.shape[1])
        self.image = OpaquePanel(np.zeros((self.height, self.width, 4), np.uint8))
        self.image.stretch_to_fit_width(x1 - x0).stretch_to_fit_height(y1 - y0)
        self.image.move_to([(x0 + x1) / 2, (y0 + y1) / 2, 0])
        self.moving.append(self.image)
        if keyed:
            self.still += [self.axes(), self.key()]

    def value_range(self) -> tuple[float, float]:
        if self.classes:
            return -0.08, 1.08
        tr = self.trace
        targets = np.concatenate([np.ravel(tr.y), np.ravel(tr.y_val)])
        low, high = float(targets.min()), float(targets.max())
        span = max(high - low, 1e-6)
        # the final curve widens the range by at most the data's span: a diverged
        # run's curve leaves the panel rather than squashing the data to a line
        final = np.clip(np.ravel(tr.grids[-1]), low - span, high + span)
        low, high = min(low, float(final.min())), max(high, float(final.max()))
        pad = 0.1 * (high - low)
        return low - pad, high + pad

    def px(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates of points of the (x, output) plane."""
        px = (np.asarray(x) - self.xmin) / (self.xmax - self.xmin) * (self.width - 1)
        py = (self.ymax - np.asarray(y)) / (self.ymax - self.ymin) * (self.height - 1)
        return px, py

    def cairo_rgb(self, colour) -> tuple[float, float, float]:
        r, g, b = (float(c) for c in (rgb(colour) if isinstance(colour, str) else colour))
        return (b, g, r) if self.swap else (r, g, b)

    # --- what is drawn once ------------------------------------------------------------

    def axes(self) -> VGroup:
        look = self.look
        left, bottom = self.image.get_left()[0], self.image.get_bottom()[1]
        at_x = scale(self.xmin, self.xmax, left, self.image.get_right()[0])
        at_y = scale(self.ymin, self.ymax, bottom, self.image.get_top()[1])
        low, high = (0.0, 1.0) if self.classes else (self.ymin, self.ymax)
        below = ticks_below(look, nice_ticks(self.xmin, self.xmax), at_x, bottom)
        beside = ticks_left(look, nice_ticks(low, high), at_y, left)
        up = "p" if self.classes else "y, ŷ"  # the data's targets and the output share it
        return VGroup(below, beside, *axis_names(look, self.image, below, "x₁", up))

    def key(self) -> VGroup:
        look, labels, theme = self.look, self.look.labels, self.look.theme
        entries = []
        if self.classes:
            for k in range(max(self.classes, 2)):
                colour = "#" + "".join(f"{int(c * 255 + 0.5):02x}" for c in self.palette[k])
                entries.append((look.swatch(colour), labels["class_k"].format(k=k)))
            entries.append((look.swatch("text", "line"), labels["p_class1"]))
        else:
            entries.append((look.swatch("forward"), labels["targets"]))
            entries.append((look.swatch("text", "line"), labels["network_output"]))
            entries.append((Line(DOWN * 0.16, UP * 0.16, color=theme["muted"], stroke_width=4),
                            labels["residual"]))
        if len(self.trace.X_val):
            entries.append((Circle(0.075, color=theme["muted"], stroke_width=3),
                            labels["val_points"]))
        entries.append((Circle(0.09, color=theme["text"], stroke_width=2.5), labels["probe"]))
        name = look.words(labels["output_curve"], 22)
        width = self.image.width
        block = VGroup(name, look.key(entries, 20, 0.3, width)).arrange(DOWN, buff=0.14)
        return block.next_to(self.image, UP, buff=0.4)

    # --- every frame --------------------------------------------------------------------

    def curves(self, s: float) -> np.ndarray:
        """(size, curves) the network's output along the grid at state s."""
        values = blend(self.trace.grids, grid_index(self.trace, s))
        return values[:, None] if values.ndim == 1 else values

    def draw(self, s: float) -> None:
        tr, theme, unit = self.trace, self.look.theme, self.unit
        self.surface.mark_dirty()
        ctx = cairo.Context(self.surface)
        ctx.set_source_rgb(*self.cairo_rgb(theme["panel"]))
        ctx.paint()
        curves = self.curves(s)
        guide = 0.5 if self.classes else 0.0  # the 0.5 line, or zero
        _, gy = self.px(0, guide)
        ctx.set_source_rgb(*self.cairo_rgb(theme["muted"]))
        ctx.set_line_width(1.2 * unit)
        ctx.set_dash([6 * unit, 5 * unit])
        ctx.move_to(0, gy)
        ctx.line_to(self.width, gy)
        ctx.stroke()
        ctx.set_dash([])
        points = np.concatenate([tr.X[:, 0], tr.X_val[:, 0]])
        targets = np.concatenate([np.ravel(tr.y), np.ravel(tr.y_val)])
        validation = np.arange(len(points)) >= len(tr.X)
        if not self.classes:  # residuals: from each point to the curve above or below it
            fitted = np.interp(points, self.grid_x, curves[:, 0])
            xs, ys = self.px(points, targets)
            _, fs = self.px(points, fitted)
            ctx.set_line_width(1.2 * unit)
            for x, y, f in zip(xs.tolist(), ys.tolist(), fs.tolist()):
                ctx.move_to(x, y)
                ctx.line_to(x, f)
            ctx.stroke()
        self.draw_points(ctx, points, targets, validation)
        xs, _ = self.px(self.grid_x, 0)
        for c in range(curves.shape[1]):
            colour = theme["text"] if curves.shape[1] == 1 else self.palette[c]
            _, ys = self.px(0, curves[:, c])
            ctx.move_to(xs[0], ys[0])
            for x, y in zip(xs[1:].tolist(), ys[1:].tolist()):
                ctx.line_to(x, y)
            ctx.set_source_rgb(*self.cairo_rgb(colour))
            ctx.set_line_width(3.5 * unit)
            ctx.stroke()
        if self.shows_probe:
            self.draw_probe(ctx, points, targets)
        ctx.set_source_rgb(*self.cairo_rgb(theme["muted"]))
        ctx.set_line_width(2)
        ctx.rectangle(1, 1, self.width - 2, self.height - 2)
        ctx.stroke()
        self.surface.flush()
        if not self.swap:
            self.rgba[..., :3] = self.pixels[..., 1:]
            self.rgba[..., 3] = 255
        self.image.set_pixels(self.rgba)

    def draw_points(self, ctx, points, targets, validation) -> None:
        theme, unit = self.look.theme, self.unit
        radius = float(np.clip(self.height / (2.2 * np.sqrt(len(points))), 3.0, 7.0)) * unit
        xs, ys = self.px(points, targets)
        dark = self.cairo_rgb(theme["background"])
        for x, y, target, ring in zip(xs.tolist(), ys.tolist(), targets.tolist(),
                                      validation.tolist()):
            # a target is not a sign: data in a colour of their own
            colour = (self.palette[int(target)] if self.classes else rgb(theme["forward"]))
            ctx.arc(x, y, radius, 0, 2 * np.pi)
            ctx.set_source_rgb(*dark)
            ctx.fill()
            ctx.arc(x, y, radius - 1.5, 0, 2 * np.pi)
            ctx.set_source_rgb(*self.cairo_rgb(colour))
            ctx.fill()
            if ring:  # a hole, rimmed dark: validation
                ctx.arc(x, y, radius * 0.4 + 1.2, 0, 2 * np.pi)
                ctx.set_source_rgb(*dark)
                ctx.fill()
                ctx.arc(x, y, radius * 0.4, 0, 2 * np.pi)
                ctx.set_source_rgb(*self.cairo_rgb(theme["panel"]))
                ctx.fill()

    def draw_probe(self, ctx, points, targets) -> None:
        """The probe sample's sight: a light ring on a wider dark one."""
        probe = int(self.trace.probes[0])
        x, y = (float(v) for v in self.px(points[probe], targets[probe]))
        radius = 9 * self.unit
        for colour, width in (("background", 5.5), ("text", 2.4)):
            ctx.set_source_rgb(*self.cairo_rgb(self.look.theme[colour]))
            ctx.set_line_width(width * self.unit)
            ctx.arc(x, y, radius, 0, 2 * np.pi)
            ctx.stroke()
