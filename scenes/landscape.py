"""What gradient descent did, on the network's own loss: the loss over a plane of
weight space, and the run's path across it with the descent arrow at every state.

Two planes (core/landscape.py): by default the one through the final weights along
the run's two main directions, a slice that the scene says is one and whose distance
from the path it shows; with ``--weights w11,v21`` two parameters, where only they
learn, so that the surface is exact and the ball's loss is the run's loss. The
readouts beside it give the numbers at the ball.
"""

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, Line, ManimColor, VGroup

from core import landscape as core_landscape
from core.errors import ConfigError
from core.schedule import SCHEDULES, iteration_at
from scenes import layout
from scenes.glyphs import MonoNumber
from scenes.numerals import compact, loss_text, minus_signs
from scenes.options import Option, resolve
from scenes.panels import Look, PanelScene
from scenes.panels.landscape import LandscapePanel

PHASES = 4  # the descent in steps: slides in a deck, cues in captions
INTRO = 5.0  # seconds to read what the plane is before the run starts
SURFACE = (-5.9, -3.0, -0.55, 2.4)  # the plane (square), its colour bar to the right
READOUT_X = 1.0  # the right column's left edge
READOUT_WIDTH = 5.8


def weight_names(text: str | None) -> list[str]:
    """--weights w11,v21 (commas or spaces) as a list of names."""
    return [] if not text else [n for n in text.replace(",", " ").split() if n]


class LandscapeScene(PanelScene):
    """The loss surface with the path of descent, and the numbers at the ball."""

    OPTIONS = (
        Option("weights", None, "two parameters named as in the notation key (w11,v21): only "
               "they learn, and the surface over them is exact (default: the plane of the "
               "run's two main directions)", str, pattern="NAME,NAME"),
        Option("window", None, "the side of the square window, in the axes' units (default: "
               "the path and a margin around it)", float, 0.001, 1000),
        Option("grid", core_landscape.GRID, "points per side at which the loss is evaluated",
               int, 10, core_landscape.MOST_GRID),
        Option("duration", 20.0, "seconds of descent animation", float, 1, 300),
        Option("hold", 5.0, "seconds the last frame is held", float, 0, 60),
        Option("schedule", "log", "iterations against time; log gives the fast first steps "
               "as much time as the slow later ones", str, choices=SCHEDULES),
        Option("updates", None, "how many updates the run makes (default: the config's "
               "train.iterations)", int, 2, 100_000),
    )

    @classmethod
    def adapt_config(cls, config: dict, options: dict) -> dict:
        """--weights: only the two named parameters learn (train.trainable);
        --updates: the run's length (train.iterations)."""
        train = dict(config["train"])
        if weight_names(options["weights"]):
            train["trainable"] = weight_names(options["weights"])
        if options["updates"] is not None:
            train["iterations"] = options["updates"]
        return config | {"train": train}

    @classmethod
    def check_config(cls, config: dict, options: dict) -> None:
        """The names, or a run long enough for two directions: before training."""
        net = config["network"]
        names = weight_names(options["weights"])
        if names:
            core_landscape.exact_parameters(names, net["layers"], net["bias"])
        else:
            core_landscape.check_pca(config["train"]["iterations"])
        count = sum(i * o + (o if net["bias"] else 0)
                    for i, o in zip(net["layers"][:-1], net["layers"][1:]))
        if count < 2:
            raise ConfigError(f"network.layers = {net['layers']} has {count} parameter; a "
                              f"landscape needs at least two")

    @classmethod
    def check_trace(cls, trace, options: dict) -> None:
        """A run that moved along one line has no plane (diverged runs draw to their cut)."""
        if not weight_names(options["weights"]):
            core_landscape.principal_directions(core_landscape.flatten(trace))

    def construct(self) -> None:
        settings = self.settings_or_default()
        self.trace = trace = settings.trace
        self.look = Look(settings.theme, settings.labels, layout.font(settings.lang))
        opts = resolve(self.OPTIONS, settings.options)
        self.check_config(trace.config.as_dict(), opts)
        self.land = core_landscape.landscape(trace, weight_names(opts["weights"]) or None,
                                             opts["grid"], opts["window"])
        self.last = trace.n_states - 1
        self.schedule = opts["schedule"]
        self.camera.background_color = ManimColor(self.look.theme["background"])
        surface = LandscapePanel(trace, SURFACE, self.look, self.land)
        self.surface = surface
        still, moving = self.readouts()
        self.mount([surface], lambda u: float(iteration_at(u, self.last, self.schedule)),
                   still, moving)
        self.cue(self.intro_text())
        self.wait(INTRO)
        for k in range(PHASES):
            self.phase_cue(k)
            self.advance((k + 1) / PHASES, opts["duration"] / PHASES)
        self.stop_clock()
        self.draw_panels(1.0)
        # the intro gives way to how far the path left the plane, or how far each moved
        note = self.note_block(self.end_lines()).move_to(self.notes, aligned_edge=UP + LEFT)
        self.remove(self.notes)
        self.add(note)
        self.cue(self.summary())
        self.wait(max(opts["hold"], 1 / 30))
        self.end_captions()

    # --- the right column -------------------------------------------------------------

    def run_text(self) -> str:
        """The run in a line: its data, network, loss, optimizer and length."""
        c, labels = self.trace.config, self.look.labels
        n = len(self.trace.X)
        data = labels["one_sample"] if n == 1 else labels["n_samples"].format(n=n)
        if c.data.dataset not in ("inline", "csv"):
            data = f"{c.data.dataset}, {data}"
        network = "-".join(map(str, c.network.layers)) + f" {c.network.activation}"
        step = f"{c.train.optimizer} η = {c.train.learning_rate:g}"
        return " · ".join([data, network, f"{labels['loss']} {c.network.loss}", step,
                           labels["n_iterations"].format(n=c.train.iterations)])

    def title_text(self) -> str:
        labels = self.look.labels
        if self.land.mode == "exact":
            return labels["landscape_exact"].format(a=self.land.names[0], b=self.land.names[1])
        return labels["landscape_pca"]

    def intro_lines(self) -> list[str]:
        labels, land = self.look.labels, self.land
        if land.mode == "exact":
            return [line.format(a=land.names[0], b=land.names[1])
                    for line in labels["intro_exact"]]
        return [line.format(p=land.origin.size) for line in labels["intro_pca"]]

    def intro_text(self) -> str:
        return " ".join(self.intro_lines())

    def rows(self) -> list[tuple[str, str, str]]:
        """(key, words, theme colour) of each readout row under the iteration: over two
        weights, the two partial derivatives the arrow is made of (it is minus them)."""
        labels = self.look.labels
        rows = [("run_loss", labels["run_loss"], "text")]
        if self.land.mode == "exact":
            return rows + [(name, f"∂L/∂{name}", "gradient") for name in self.land.names]
        return rows + [("slice_loss", labels["slice_loss"], "muted"),
                       ("gradient_size", labels["gradient_size"], "gradient"),
                       ("off_plane", labels["off_plane"], "muted")]

    def readouts(self) -> tuple[list, list]:
        """Title over the plane; the iteration and the numbers at the ball, the key and
        the intro on the right."""
        look, labels, theme = self.look, self.look.labels, self.look.theme
        title = look.words(self.title_text(), 30, "text").to_corner(UP + LEFT, buff=0.3)
        what = look.words(self.run_text(), 20).next_to(title, DOWN, buff=0.12)
        what.align_to(title, LEFT)
        head = look.words(labels["iteration"], 28, "text")
        head.move_to([READOUT_X, 2.3, 0], aligned_edge=LEFT)
        self.iteration = MonoNumber("0", 30, theme["text"])
        self.iteration.next_to(head, RIGHT, buff=0.2).align_to(head[0], DOWN)
        still, self.numbers = [title, what, head], []
        above = head
        if self.schedule == "log":  # the ball's speed on screen is not the step's size
            above = look.words(labels["log_clock"], 20).next_to(head, DOWN, buff=0.12)
            still.append(above.align_to(head, LEFT))
        for key, text, colour in self.rows():
            words = look.words(text, 25, colour if colour != "text" else "muted")
            words.next_to(above, DOWN, buff=0.2).align_to(head, LEFT)
            number = MonoNumber("0.000", 28, theme[colour])
            number.move_to([READOUT_X + 4.55, words.get_y(), 0], aligned_edge=LEFT)
            number.align_to(words[0], DOWN)
            still.append(words)
            self.numbers.append((key, number))
            above = words
        key = self.key().next_to(above, DOWN, buff=0.4).align_to(head, LEFT)
        self.notes = self.note_block(self.intro_lines()).next_to(key, DOWN, buff=0.4)
        self.notes.align_to(head, LEFT)
        still += [key, self.notes]  # drawn once: a text redrawn every frame costs a glyph each
        return still, [self.iteration] + [n for _, n in self.numbers]

    def note_block(self, lines: list[str]) -> VGroup:
        block = VGroup(*[self.look.words(line, 22, "text") for line in lines])
        block.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        if block.width > READOUT_WIDTH:  # a long translation still fits the column
            block.scale_to_fit_width(READOUT_WIDTH)
        return block

    def key(self) -> VGroup:
        look, theme = self.look, self.look.theme
        ball = self.surface.ball_symbol(0.12)
        ring = Circle(0.1, color=theme["text"], stroke_width=3)
        path = Line([0, 0, 0], [0.4, 0, 0], color=theme["text"], stroke_width=3.5)
        arrow = self.surface.make_arrow(np.array([0, 0, 0]), np.array([0.45, 0, 0]))
        arrow_words = look.labels["key_arrow" if self.land.mode == "pca" else "key_arrow_exact"]
        ball_words = look.labels["key_ball" if self.land.mode == "pca" else "key_ball_exact"]
        rows = [[(ball, ball_words)],
                [(ring, look.labels["key_start"]), (path, look.labels["key_path"])],
                [(arrow, arrow_words)]]
        return VGroup(*[look.key(row, 21, 0.35, READOUT_WIDTH) for row in rows]).arrange(
            DOWN, aligned_edge=LEFT, buff=0.14)

    def values_at(self, t: int) -> dict[str, str]:
        """Each readout's number at state t, as shown."""
        land = self.land
        values = {"run_loss": loss_text(float(self.trace.loss[t]))}
        if land.mode == "exact":
            return values | {name: compact(-float(d), 3)
                             for name, d in zip(land.names, land.descent[t])}
        return values | {"slice_loss": loss_text(float(land.slice_loss[t])),
                         "gradient_size": compact(float(np.linalg.norm(land.descent[t])), 3),
                         "off_plane": compact(float(land.off_plane[t]), 3)}

    def on_state(self, s: float) -> None:
        t = min(int(round(s)), self.last)
        self.iteration.set_text(str(t))
        values = self.values_at(t)
        for key, number in self.numbers:
            number.set_text(values[key])

    # --- words ------------------------------------------------------------------------

    def phase_cue(self, k: int) -> None:
        first = round(iteration_at(k / PHASES, self.last, self.schedule))
        last = round(iteration_at((k + 1) / PHASES, self.last, self.schedule))
        labels, loss = self.look.labels, self.trace.loss
        self.cue(f"{labels['iteration']} {first}–{last}: {labels['run_loss']} "
                 f"{loss_text(loss[first])} → {loss_text(loss[last])}")

    def slice_numbers(self) -> tuple[str, str]:
        return (compact(float(self.land.off_plane.max()), 2),
                compact(self.land.path_length, 2))

    def end_lines(self) -> list[str]:
        labels, land = self.look.labels, self.land
        if land.mode == "pca":
            d, length = self.slice_numbers()
            return [line.format(d=d, l=length) for line in labels["slice_note"]]
        return [minus_signs(labels["moved"].format(name=name, a=compact(start, 3),
                                                   b=compact(end, 3)))
                for name, start, end in zip(land.names, land.path[0], land.path[-1])]

    def summary(self) -> str:
        labels, t = self.look.labels, self.last
        head = (f"{labels['iteration']} {t}: {labels['run_loss']} "
                f"{loss_text(float(self.trace.loss[t]))}")
        lines = self.end_lines()  # the slice note is one sentence; each weight its own
        return "; ".join([head, *([" ".join(lines)] if self.land.mode == "pca" else lines)])

