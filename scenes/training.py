"""The post's last figure, done properly: a network learning a 2-D problem.

Three panels follow one clock: the network (edges by weight, hidden neurons as
maps of their own activation), the decision boundary with the data on top,
and the loss curve growing with the iteration. Everything drawn comes from
the trace; between recorded states the scene interpolates for smooth motion.
"""

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RESAMPLING_ALGORITHMS,
    RIGHT,
    UP,
    Axes,
    Circle,
    ImageMobject,
    Line,
    ManimColor,
    Mobject,
    Text,
    ValueTracker,
    VGroup,
    config,
    linear,
)

from core.activations import HIDDEN
from core.errors import ConfigError
from core.losses import REGRESSION
from core.setup import build
from scenes import layout
from scenes.camera import PanelCamera, Polyline
from scenes.glyphs import MonoNumber
from scenes.network_diagram import NetworkDiagram, place_on_edges
from scenes.network_raster import NetworkRaster
from scenes.numerals import compact, minus_signs
from scenes.options import Option, resolve
from scenes.raster import (
    ContourPainter,
    LevelFrames,
    Overlay,
    binary_lut,
    boundary_mask,
    class_colours,
    disc_layer,
    draw_border,
    marker,
    rgb,
    upsample,
    words,
)
from scenes.slides import StepScene
from scenes.tex import Words

PHASES = 4  # the training animation in steps: early, ..., late


def iteration_at(u: float, last: int, schedule: str) -> float:
    """Continuous iteration shown at animation progress u in [0, 1]."""
    if schedule == "log":
        return float((last + 1) ** u - 1)
    return float(u * last)


def blend(stack: np.ndarray, s: float) -> np.ndarray:
    """stack[s] with linear interpolation between whole indices."""
    i = min(int(np.floor(s)), len(stack) - 1)
    j = min(i + 1, len(stack) - 1)
    f = s - i
    return stack[i] if f == 0 or i == j else stack[i] * (1 - f) + stack[j] * f


class TrainingScene(StepScene):
    """Network, decision boundary and loss curve learning together."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("camera_class", PanelCamera)
        super().__init__(*args, **kwargs)

    OPTIONS = (
        Option("duration", 12.0, "seconds of training animation", float, 1, 300),
        Option("hold", 1.5, "seconds the last frame is held", float, 0, 60),
        Option("schedule", "linear", "iterations against time; log keeps the fast early "
               "learning visible", str, choices=("linear", "log")),
        Option("neuron_maps", None, "each hidden neuron drawn as a map of its activation "
               "(default: on for layers of up to 8)", bool),
        Option("weight_labels", None, "each edge labelled with its weight, 2 decimals "
               "(default: when all labels fit apart)", bool),
    )

    @classmethod
    def check_config(cls, config: dict, options: dict) -> None:
        """The panels draw the input plane: two inputs. Checked before training."""
        inputs, outputs = config["network"]["layers"][0], config["network"]["layers"][-1]
        if inputs != 2:
            raise ConfigError(f"the training scene draws 2-D inputs, but network.layers "
                              f"starts with {inputs}; use data with two features")
        if outputs > 1 and config["network"]["loss"] in REGRESSION and not build(config).classes:
            raise ConfigError(f"the training scene draws one output, or one unit per class; "
                              f"this config has {outputs} real-valued outputs (the story "
                              f"scenes show them)")

    def construct(self) -> None:
        settings = self.settings_or_default()
        self.trace, self.theme, self.labels = settings.trace, settings.theme, settings.labels
        self.font = layout.font(settings.lang)
        opts = resolve(self.OPTIONS, settings.options)
        self.check_config(self.trace.config.as_dict(), opts)
        self.last = self.trace.n_states - 1
        self.schedule = opts["schedule"]
        self.camera.background_color = ManimColor(self.theme["background"])
        self.still, self.moving = [], []
        self.build_boundary_panel()
        self.build_network_panel(opts)
        self.build_loss_panel()
        self.build_titles()
        tracker = ValueTracker(0.0)
        clock = Mobject()
        clock.add_updater(lambda m: self.show(iteration_at(tracker.get_value(), self.last,
                                                          opts["schedule"])))
        self.show(0.0)
        # manim redraws every frame only what comes after the first mobject with an
        # updater: the still parts go before the clock, all that changes after it
        self.add(*self.still, clock, *self.moving)
        self.captions: list[list] = []
        self.phase_cue(0)
        self.wait(0.5)
        for k in range(PHASES):  # phases are steps: slides in a deck, cues in captions
            if k:
                self.phase_cue(k)
            self.play(tracker.animate.set_value((k + 1) / PHASES),
                      run_time=opts["duration"] / PHASES, rate_func=linear)
        clock.clear_updaters()
        self.show(float(self.last))
        if self.trace.diverged_at is not None:
            self.add(self.divergence_note())
        self.cue(self.summary(self.last))
        self.wait(max(opts["hold"], 1 / 30))
        self.captions[-1][1] = self.renderer.time

    def phase_cue(self, k: int) -> None:
        """Captions say which iterations a phase covers and how the loss moves."""
        first = round(iteration_at(k / PHASES, self.last, self.schedule))
        last = round(iteration_at((k + 1) / PHASES, self.last, self.schedule))
        loss = self.trace.loss
        self.cue(f"{self.labels['iteration']} {first}–{last}: {self.labels['loss']} "
                 f"{compact(loss[first], 3)} → {compact(loss[last], 3)}")

    def summary(self, t: int) -> str:
        loss = compact(self.trace.loss[t], 3)
        text = f"{self.labels['iteration']} {t}: {self.labels['loss']} {loss}"
        if self.trace.accuracy is not None:
            text += f", {self.labels['accuracy']} {self.trace.accuracy[t] * 100:.0f}%"
        if self.trace.diverged_at is not None:
            text += " — " + self.labels["diverged"].format(k=self.trace.diverged_at)
        return text

    def update_mobjects(self, dt: float) -> None:
        """Only mobjects with updaters of their own (the clock): manim's default walks
        every glyph of every text each frame to find none."""
        for mobject in self.mobjects:
            if mobject.updaters:
                mobject.update(dt)

    def cue(self, text: str) -> None:
        now = self.renderer.time
        if self.captions:
            self.captions[-1][1] = now
        text = minus_signs(text)
        self.captions.append([now, now, text])
        self.step(text)

    # --- panels -------------------------------------------------------------------------

    def build_boundary_panel(self) -> None:
        tr, theme = self.trace, self.theme
        self.base_rgb = rgb(theme["panel"])
        xmin, xmax, ymin, ymax = tr.grid_extent
        self.extent = (xmin, xmax, ymin, ymax)
        points = np.vstack([tr.X, tr.X_val])
        labels = np.concatenate([tr.y, tr.y_val]).astype(int)
        # the raster has the panel's size in output pixels: the camera copies it as is
        self.panel_px = size = int(round(layout.BOUNDARY_SIZE * config.pixel_height
                                         / config.frame_height))
        px = (points[:, 0] - xmin) / (xmax - xmin) * (size - 1)
        py = (ymax - points[:, 1]) / (ymax - ymin) * (size - 1)
        palette = self.class_palette()
        ring = np.arange(len(points)) >= len(tr.X)
        radius = float(np.clip(size / (2.2 * np.sqrt(len(points))), 2.2, 6.0) * size / 420)
        discs = disc_layer(np.column_stack([px, py]), palette[labels], size, radius,
                           rgb(theme["background"]), ring)
        # the probe sample (the trace's first): a light ring in a dark one, as on the maps
        self.probe = int(tr.probes[0])
        centre, unit = (px[self.probe], py[self.probe]), size / 576
        self.marker_radius = max(1.9 * radius, 5 * unit)  # pixels of the panel
        self.points_layer = Overlay(marker(discs, centre, self.marker_radius, 2.4 * unit,
                                           rgb(theme["text"]), rgb(theme["background"])))
        x, y = tr.X[self.probe]
        self.probe_on_map = ((x - xmin) / (xmax - xmin), (ymax - y) / (ymax - ymin))
        self.lut_words = words(binary_lut(self.base_rgb, *palette[:2]))
        self.line_word = words(rgb(theme["text"])[None] * 255 + 0.5)[0]
        if tr.grids.ndim == 3:  # binary: one probability per grid point
            self.levels = LevelFrames(tr.grids, size)
            self.contour = ContourPainter(size, 1.8 * unit, rgb(theme["text"]))
        self.frame_rgba = np.full((size, size, 4), 255, np.uint8)
        self.boundary = ImageMobject(np.zeros((size, size, 4), np.uint8))
        self.boundary.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
        self.boundary.opaque_panel = True
        self.boundary.height = layout.BOUNDARY_SIZE
        self.boundary.move_to(layout.BOUNDARY_CENTER)
        self.border_colour = (rgb(theme["muted"]) * 255).astype(np.uint8)
        caption = Words(self.labels["decision_boundary"], font=self.font, font_size=22,
                        color=theme["muted"])
        caption.next_to(self.boundary, UP, buff=0.12)
        self.still += [caption, self.point_legend(len(tr.X_val) > 0)]
        self.moving += [self.boundary]

    def point_legend(self, validation: bool) -> VGroup:
        """Below the boundary panel: what a dot, a ring and the sight mean."""
        theme, size = self.theme, 0.075
        dot = Circle(size, color=theme["background"], stroke_width=1.5,
                     fill_color=theme["muted"], fill_opacity=1)
        ring = Circle(size, color=theme["muted"], stroke_width=3)
        ticks = [Line(d * size * 1.2, d * size * 2.1, color=theme["text"], stroke_width=2.5)
                 for d in (UP, DOWN, LEFT, RIGHT)]
        sight = VGroup(Circle(size * 1.2, color=theme["text"], stroke_width=2.5), *ticks)
        entries = [(dot, "train_points"), (ring, "val_points"), (sight, "probe")]
        legend = VGroup(*[VGroup(symbol, Words(self.labels[key], font=self.font, font_size=20,
                                               color=theme["muted"])).arrange(RIGHT, buff=0.12)
                          for symbol, key in entries if validation or key != "val_points"])
        legend.arrange(RIGHT, buff=0.45).next_to(self.boundary, DOWN, buff=0.1)
        return legend

    def class_palette(self) -> np.ndarray:
        theme = self.theme
        if self.trace.meta["classes"] <= 2:
            return np.array([rgb(theme["negative"]), rgb(theme["positive"])])
        return np.array([rgb(c) for c in theme["classes"]])

    def boundary_pixels(self, s: float) -> np.ndarray:
        """The boundary raster at continuous iteration s, blended between grid frames."""
        tr = self.trace
        grid_iter = tr.grid_states
        f = float(np.interp(s, grid_iter, np.arange(len(grid_iter))))
        rgba = self.frame_rgba
        grid = blend(tr.grids, f)
        if grid.ndim == 2:
            np.take(self.lut_words, self.levels.at(f), out=rgba.view(np.uint32)[..., 0])
            self.contour.paint(rgba, grid[::-1])  # antialiased, between grid points
        else:
            probs = np.clip(upsample(grid, self.panel_px), 0, 1)
            palette = self.class_palette()[:probs.shape[-1]]
            rgba[..., :3] = (np.clip(class_colours(probs, self.base_rgb, palette), 0, 1) * 255
                             + 0.5).astype(np.uint8)
            edge = np.flatnonzero(boundary_mask(probs.argmax(axis=-1)))
            rgba.view(np.uint32).ravel()[edge] = self.line_word
        self.points_layer.blend(rgba)
        draw_border(rgba, self.border_colour, 2)
        return rgba

    def build_network_panel(self, opts: dict) -> None:
        tr, theme = self.trace, self.theme
        layers = tr.layers
        max_abs = max(float(np.abs(tr.weight_history(i)).max()) for i in range(len(layers) - 1))
        self.diagram = NetworkDiagram(layers, layout.NETWORK_WIDTH, layout.NETWORK_HEIGHT,
                                      theme, self.font, max_abs)
        self.diagram.move_to(layout.NETWORK_CENTER)
        hidden_ok = all(n <= 8 for n in layers[1:-1]) and tr.neuron_maps(1) is not None
        maps = hidden_ok if opts["neuron_maps"] is None else opts["neuron_maps"] and hidden_ok
        n_edges = sum(len(g) for g in self.diagram.edges)
        labels = n_edges <= 24 if opts["weight_labels"] is None else opts["weight_labels"]
        # edges, nodes and neuron maps: one Cairo image per frame (scenes/network_raster.py)
        self.panel = NetworkRaster(self.diagram, theme, config.pixel_height / config.frame_height,
                                   pad=0.06, thumbnail_side=self.diagram.radius * 2.3)
        self.moving += [self.panel.image, self.diagram.extras]
        # (rows, columns) of each layer's drawn edges in its weight matrix, in edge order
        self.edge_index = [tuple(np.array(self.diagram.edge_pairs(i)).T)
                           for i in range(len(layers) - 1)]
        self.node_lut = binary_lut(self.base_rgb, rgb(theme["negative"]), rgb(theme["positive"]),
                                   strength=0.95)
        self.output_lut = binary_lut(self.base_rgb, *self.class_palette()[:2]) / 255
        x_all = np.vstack([tr.X, tr.X_val])
        self.input_scale = np.maximum(np.abs(x_all).max(axis=0), 1e-9)
        self.hidden_scale: dict[int, float] = {}
        self.thumbnails = self.build_thumbnails() if maps else []
        self.mapped = {(i + 1, k) for i, k, _ in self.thumbnails}
        if self.thumbnails:
            self.panel.set_marker(self.probe_on_map)
        self.weight_labels = (self.build_weight_labels(bool(opts["weight_labels"]))
                              if labels else [])

    def build_thumbnails(self) -> list[tuple[int, int, int]]:
        """(hidden layer, drawn node, unit) of every neuron map."""
        tr, out = self.trace, []
        for i in range(len(tr.layers) - 2):
            self.hidden_scale[i] = max(float(np.abs(tr.neuron_maps(i + 1)).max()), 1e-6)
            out += [(i, k, unit) for k, unit in enumerate(self.diagram.shown[i + 1])]
        return out

    def build_weight_labels(self, forced: bool) -> list[tuple[int, int, int, MonoNumber]]:
        """A label per edge; unless forced, none when they cannot all be placed apart."""
        out = [(i, a, b, MonoNumber("-0.00", font_size=17, color=self.theme["text"],
                                    halo=self.theme["background"]))
               for i in range(len(self.trace.layers) - 1)
               for a, b in self.diagram.edge_pairs(i)]
        items = [(i, k, label) for i in range(len(self.trace.layers) - 1)
                 for k, (*_, label) in enumerate(x for x in out if x[0] == i)]
        if not place_on_edges(self.diagram, items, []) and not forced:
            return []
        self.moving += [label for *_, label in out]
        return out

    def build_loss_panel(self) -> None:
        tr, theme = self.trace, self.theme
        curves = [("loss", theme["loss"])]
        if tr.val_loss is not None:
            curves.append(("val_loss", theme["val_loss"]))
        top = max(float(np.max(getattr(tr, name))) for name, _ in curves) * 1.1
        # a diverging run would flatten everything else: cut the axis at 5x the start
        top = min(top, 5 * max(float(tr.loss[0]), 1e-9))
        x_step = max(1, int(np.ceil(self.last / 4)))
        self.axes = Axes(x_range=[0, max(self.last, 1), x_step], y_range=[0, top, top / 2],
                         x_length=layout.LOSS_WIDTH, y_length=layout.LOSS_HEIGHT, tips=False,
                         axis_config={"color": theme["muted"], "include_numbers": False})
        self.axes.move_to(layout.LOSS_CENTER)
        self.curves = []
        for name, colour in curves:
            xs = np.arange(self.last + 1)
            ys = np.minimum(getattr(tr, name), top)
            points = np.array([self.axes.c2p(x, y) for x, y in zip(xs, ys)])
            curve = Polyline(stroke_color=colour, stroke_width=3)
            self.curves.append((points, curve))
        legend = VGroup(*[Words(self.labels["train_loss" if name == "loss" else "val_loss"],
                                font=self.font, font_size=22, color=colour)
                          for name, colour in curves]).arrange(RIGHT, buff=0.4)
        legend.next_to(self.axes, UP, buff=0.25).align_to(self.axes, LEFT).shift(0.3 * RIGHT)
        axis_name = self.labels["iteration"]
        if self.schedule == "log":  # the axis is linear; the animation's clock is not
            axis_name += f" ({self.labels['log_time']})"

        def tick(text: str, at, direction, buff=0.1) -> Text:
            return Words(text, font=self.font, font_size=20, color=theme["muted"]).next_to(
                at, direction, buff=buff)

        ticks = VGroup(tick("0", self.axes.c2p(0, 0), DOWN),
                       tick(f"{self.last}", self.axes.c2p(self.last, 0), DOWN),
                       tick(axis_name, self.axes.c2p(self.last / 2, 0), DOWN),
                       tick(f"{top:.2f}", self.axes.c2p(0, top), LEFT, 0.2),
                       tick(f"{top / 2:.2f}", self.axes.c2p(0, top / 2), LEFT, 0.2),
                       tick("0", self.axes.c2p(0, 0), LEFT, 0.2))
        self.still += [self.axes, legend, ticks]
        self.moving += [c for _, c in self.curves]

    def build_titles(self) -> None:
        theme = self.theme
        title = Words(self.labels["weights_after"], font=self.font, font_size=30,
                      color=theme["text"]).to_corner(UP + LEFT, buff=0.35)
        self.iteration = MonoNumber("0", font_size=30, color=theme["text"])
        # on the title's baseline: the bottom of its first glyph, not of a descender
        self.iteration.next_to(title, RIGHT, buff=0.25).align_to(title[0], DOWN)
        self.readout = MonoNumber("0.000", font_size=24, color=theme["text"])
        accuracy = self.trace.accuracy is not None
        name = self.labels["loss"] + (" / " + self.labels["accuracy"] if accuracy
                                      else "")
        self.readout_name = Words(name, font=self.font, font_size=22, color=theme["muted"])
        self.readout_name.next_to(title, DOWN, buff=0.18).align_to(title, LEFT)
        self.readout.next_to(self.readout_name, RIGHT, buff=0.25)
        self.still += [title, self.readout_name]
        self.moving += [self.iteration, self.readout]

    def divergence_note(self) -> Text:
        text = self.labels["diverged"].format(k=self.trace.diverged_at)
        note = Words(text, font=self.font, font_size=24, color=self.theme["gradient"])
        return note.next_to(self.axes, UP, buff=0.5).align_to(self.axes, LEFT)

    # --- one frame ----------------------------------------------------------------------

    def show(self, s: float) -> None:
        """Put every panel at continuous iteration s."""
        tr = self.trace
        weights = [blend(tr.weight_history(i), s) for i in range(len(tr.layers) - 1)]
        self.update_thumbnails(s)
        self.panel.draw(np.concatenate([w[rows, cols] for w, (rows, cols)
                                        in zip(weights, self.edge_index)])
                        / self.diagram.max_abs, self.probe_fills(s))
        for i, a, b, label in self.weight_labels:
            label.set_text(compact(weights[i][a, b], 2))
        self.boundary.pixel_array = self.boundary_pixels(s)
        for points, curve in self.curves:
            upto = min(int(np.floor(s)), self.last)
            frac = s - upto
            pts = points[: upto + 1]
            if frac > 0 and upto < self.last:
                pts = np.vstack([pts, points[upto] + (points[upto + 1] - points[upto]) * frac])
            curve.set_corners(pts)
        k = int(round(s))
        self.iteration.set_text(str(k))
        loss = tr.loss[k]
        text = compact(loss, 3)
        if tr.accuracy is not None:
            text += f" / {tr.accuracy[k] * 100:.0f}%"
        self.readout.set_text(text)

    def probe_fills(self, s: float) -> dict[tuple[int, int], np.ndarray]:
        """Colour of every node drawn as a circle: its activation for the probe sample.
        Inputs and hidden units in the maps' palette (scaled over the whole run), outputs
        as the boundary colours them: a sigmoid by its probability, a class by its own."""
        tr, layers, fills = self.trace, self.trace.layers, {}
        x = tr.X[self.probe] / self.input_scale
        for k, unit in enumerate(self.diagram.shown[0]):
            fills[0, k] = self.node_colour(x[unit])
        stretched = HIDDEN[tr.config.network.activation].unit_interval  # (0, 1) to [-1, 1]
        palette = self.class_palette()
        for i in range(len(layers) - 1):  # A{i}: the activations of diagram layer i + 1
            a = blend(tr.activations(i + 1)[:, 0], s)
            for k, unit in enumerate(self.diagram.shown[i + 1]):
                if i == len(layers) - 2:
                    p = float(np.clip(a[unit], 0, 1))
                    fills[i + 1, k] = (self.output_lut[int(p * 255 + 0.5)] if layers[-1] == 1
                                       else self.base_rgb + (palette[unit % len(palette)]
                                                             - self.base_rgb) * p * 0.75)
                elif (i + 1, k) not in self.mapped:
                    scale = self.activation_scale(i)
                    fills[i + 1, k] = self.node_colour(a[unit] * 2 - 1 if stretched
                                                       else a[unit] / scale)
        return fills

    def node_colour(self, value: float) -> np.ndarray:
        """A value in [-1, 1] in the maps' palette, as float RGB."""
        return self.node_lut[int(np.clip((value + 1) * 127.5 + 0.5, 0, 255))] / 255

    def activation_scale(self, i: int) -> float:
        """The largest |activation| of hidden layer i over the run (maps or probes)."""
        if i not in self.hidden_scale:
            self.hidden_scale[i] = max(float(np.abs(self.trace.activations(i + 1)).max()), 1e-6)
        return self.hidden_scale[i]

    def update_thumbnails(self, s: float) -> None:
        """Neuron maps at the nearest recorded grid (they are small: no blending)."""
        tr = self.trace
        if not self.thumbnails:
            return
        f = int(np.argmin(np.abs(tr.grid_states - s)))
        if f == getattr(self, "thumbnail_frame", None):
            return
        self.thumbnail_frame = f
        stretched = HIDDEN[tr.config.network.activation].unit_interval  # (0, 1) to [-1, 1]
        for i, k, unit in self.thumbnails:
            values = tr.neuron_maps(i + 1)[f, ::-1, :, unit].astype(np.float32)
            # activations in [-1, 1] (a (0, 1) activation's stretched) as LUT levels
            scaled = (values * 2 - 1) if stretched else values / self.hidden_scale[i]
            levels = np.clip((scaled + 1) * 127.5 + 0.5, 0, 255).astype(np.uint8)
            self.panel.set_map(i + 1, k, self.node_lut[levels])
