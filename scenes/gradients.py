"""Why deep networks learn slowly: the gradient's size in every layer, and the chain
of factors that makes it (core/depth.py).

Under each weight layer of the network, a bar of its mean |∂L/∂w| on a log axis.
The bars fill from the output back to the input, one layer at a time, as
backpropagation computes them; beside them one path through the network is written
out: at each layer, the path's ∂L/∂z is the next layer's times a weight times the
activation's slope f'(z). Then the run trains and the bars follow it; units that
pass almost no gradient (a dead ReLU, a saturated sigmoid) are ringed.
"""

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, Line, ManimColor, Rectangle, ValueTracker, VGroup

from core import depth
from core.activations import HIDDEN
from core.errors import ConfigError
from core.schedule import SCHEDULES, iteration_at
from scenes import layout
from scenes.glyphs import CHARSET, MonoNumber
from scenes.numerals import compact, loss_text, minus_signs, significant
from scenes.options import Option, resolve
from scenes.panels import Look, PanelScene
from scenes.panels.bars import LayerBars
from scenes.panels.path_network import PathNetwork

PHASES = 4  # the training in steps: slides in a deck, cues in captions
INTRO = 4.0  # seconds to read what the picture is before the backward pass
GROW, HOLD_STEP = 1.0, 3.5  # a layer's bar grows, then its numbers are read
NETWORK_BOX = (-6.7, 0.35, 2.5, 2.75)
BARS_Y = (-1.55, -0.2)  # the log axis; its numbers above, its layers' names below
CHAIN_Y = (-2.1, -2.48, -2.86, -3.22)  # the chain's heading, then w, f'(z), ∂L/∂z
STAGGER = 0.3  # every other ∂L/∂z this much lower: neighbours of three digits and an
# exponent would touch on one line
COLUMN_X, COLUMN_WIDTH = 2.95, 3.8  # the right column: readouts, key, notes
CHAIN_CHARSET = CHARSET + "≈"
NOTE_SIZE = 22
NOTES_BOTTOM = -3.65  # the notes end above the frame's safe edge
SMALL_LOSS = 0.05  # a loss this share of the first: small gradients because it learned


def value_of(text: str) -> float:
    """A number as shown (a real minus sign, e-notation) back to a float."""
    return float(text.replace("−", "-"))


def times(ratio: float) -> str:
    """A ratio as a reader says it: 170,000 rather than 1.7e5."""
    return f"{float(f'{ratio:.1e}'):,.0f}" if ratio >= 1000 else significant(ratio)


class GradientsScene(PanelScene):
    """The network, a bar per layer of its gradient's size, one path's chain of factors."""

    OPTIONS = (
        Option("duration", 20.0, "seconds of training animation", float, 1, 300),
        Option("hold", 5.0, "seconds the last frame is held", float, 0, 60),
        Option("schedule", "log", "iterations against time; log gives the fast first steps "
               "as much time as the slow later ones", str, choices=SCHEDULES),
        Option("updates", None, "how many updates the run makes (default: the config's "
               "train.iterations)", int, 1, 100_000),
        Option("activation", None, "the hidden layers' activation (default: the config's "
               "network.activation), e.g. relu beside the deep preset's sigmoid", str,
               choices=tuple(HIDDEN)),
    )

    @classmethod
    def adapt_config(cls, config: dict, options: dict) -> dict:
        """--updates: the run's length (train.iterations); --activation: the hidden
        layers' (network.activation)."""
        train, network = dict(config["train"]), dict(config["network"])
        if options["updates"] is not None:
            train["iterations"] = options["updates"]
        if options["activation"] is not None:
            network["activation"] = options["activation"]
        return config | {"train": train, "network": network}

    @classmethod
    def check_config(cls, config: dict, options: dict) -> None:
        layers = config["network"]["layers"]
        if len(layers) < 3:
            raise ConfigError(f"network.layers = {layers} has no hidden layer, so no chain "
                              f"of layers to follow; give it one or more, e.g. "
                              f"[{layers[0]}, 8, 8, {layers[-1]}]")

    def construct(self) -> None:
        settings = self.settings_or_default()
        self.trace = trace = settings.trace
        self.look = look = Look(settings.theme, settings.labels, layout.font(settings.lang))
        self.opts = opts = resolve(self.OPTIONS, settings.options)
        self.check_config(trace.config.as_dict(), opts)
        self.schedule = opts["schedule"]
        self.sizes = depth.layer_sizes(trace)
        self.last = len(self.sizes) - 1  # the last state with an update after it
        self.chain = depth.path_chain(trace, depth.strongest_path(trace))
        self.camera.background_color = ManimColor(look.theme["background"])
        self.network = PathNetwork(trace, NETWORK_BOX, look, self.chain.path,
                                   depth.stuck_units(trace))
        self.columns = [column[0].get_center()[0] for column in self.network.diagram.nodes]
        middles = [(a + b) / 2 for a, b in zip(self.columns, self.columns[1:])]
        self.bars = LayerBars(trace, (self.columns[0] + 0.05, BARS_Y[0], self.columns[-1] + 0.3,
                                      BARS_Y[1]), look, self.sizes, middles,
                              names=self.layer_names())
        self.bars.filled = 0.0
        self.grow = ValueTracker(0.0)
        self.revealed = -1  # chain columns shown: -1 none, 0 the output's δ, k the k-th back
        self.shown = None  # (state, revealed) the readouts show
        still, moving = self.texts(middles)
        self.mount([self.network, self.bars],
                   lambda u: float(iteration_at(u, self.last, self.schedule)), still, moving)
        self.cue(self.intro_text())
        self.wait(INTRO)
        self.backward_pass()
        self.train()
        self.end_captions()

    # --- the story ----------------------------------------------------------------------

    def backward_pass(self) -> None:
        """Output first: its δ, then per weight layer its bar and the path's factors."""
        layers = self.trace.n_weight_layers
        self.revealed = 0
        self.focus_on(self.columns[-1], self.columns[-1])
        self.replace_notes(self.delta_cue())
        self.cue(self.delta_cue())
        self.wait(HOLD_STEP)
        for i in range(layers - 1, -1, -1):
            self.focus_on(self.columns[i], self.columns[i + 1])
            self.replace_notes(self.layer_cue(i))
            self.cue(self.layer_cue(i))
            self.revealed = layers - i if i >= 1 else self.revealed  # with its bar
            self.play(self.grow.animate.set_value(layers - i), run_time=GROW)
            self.wait(HOLD_STEP)
        self.focus.set_stroke(opacity=0)
        self.bars.show_start_marks()
        self.replace_notes(self.ratio_text())
        self.cue(self.ratio_text())
        self.wait(2 * HOLD_STEP)

    def train(self) -> None:
        duration = self.opts["duration"]
        for k in range(PHASES):
            self.phase_cue(k)
            self.advance((k + 1) / PHASES, duration / PHASES)
        self.stop_clock()
        self.draw_panels(1.0)
        self.replace_notes(self.end_text())
        self.cue(self.end_text())
        self.wait(max(self.opts["hold"], 1 / 30))

    def focus_on(self, left: float, right: float) -> None:
        """Frame the columns from ``left`` to ``right``: the layer being computed."""
        pad = self.network.diagram.radius + 0.12  # short of the next bars' numbers
        top, bottom = NETWORK_BOX[3] + 0.05, BARS_Y[0]  # the layer and its bar
        self.focus.become(Rectangle(width=right - left + 2 * pad, height=top - bottom,
                                    color=self.look.theme["gradient"], stroke_width=3)
                          .move_to([(left + right) / 2, (top + bottom) / 2, 0]))

    def draw_panels(self, u: float) -> None:
        self.bars.filled = self.grow.get_value()
        super().draw_panels(u)

    # --- what is on screen ---------------------------------------------------------------

    def symbol(self) -> str:
        """The activation's letter in the formulas: σ for the sigmoid, else f."""
        return "σ" if self.trace.config.network.activation == "sigmoid" else "f"

    def texts(self, middles: list[float]) -> tuple[list, list]:
        """Title and run line; the chain's rows under the bars; the right column."""
        look, labels, theme = self.look, self.look.labels, self.look.theme
        title = look.words(labels["gradients_title"], 30, "text").to_corner(UP + LEFT, buff=0.33)
        run = look.words(self.run_text(), 20).next_to(title, DOWN, buff=0.12)
        still = [title, run.align_to(title, LEFT)]
        probe = int(self.trace.probes[0]) + 1
        heading = look.words(labels["chain_heading"].format(n=probe, f=self.symbol()), 20,
                             "text")
        if heading.width > COLUMN_X - 0.3 + 6.78:  # a long translation: short of the column
            heading.scale_to_fit_width(COLUMN_X - 0.3 + 6.78)
        heading.move_to([-6.78, CHAIN_Y[0], 0], aligned_edge=LEFT)
        still.append(heading)
        rows = [("w", "text"), (f"{self.symbol()}′(z)", "local"), ("∂L/∂z ≈", "gradient")]
        for (name, colour), y in zip(rows, CHAIN_Y[1:]):
            still.append(look.words(name, 21, colour).move_to([-6.78, y, 0], aligned_edge=LEFT))
        # per column back from the output: (w, f'(z), ∂L/∂z) numbers
        self.chain_numbers = []
        last = len(self.columns) - 1
        for layer in range(last, 0, -1):
            at = [None, None, self.columns[layer]] if layer == last else [
                middles[layer], self.columns[layer], self.columns[layer]]
            cells = []
            for row, (x, (_, colour)) in enumerate(zip(at, rows)):
                number = MonoNumber("", 19, theme[colour], charset=CHAIN_CHARSET)
                y = CHAIN_Y[row + 1] - (STAGGER if row == 2 and (last - layer) % 2 else 0)
                cells.append(None if x is None else (x, number.move_to([x, y, 0])))
            self.chain_numbers.append(cells)
        self.iteration = MonoNumber("0", 28, theme["text"])
        self.loss = MonoNumber("0.000", 26, theme["text"])
        head = look.words(labels["iteration"], 26, "text").move_to([COLUMN_X, 2.85, 0],
                                                                  aligned_edge=LEFT)
        loss = look.words(labels["loss"], 24).next_to(head, DOWN, buff=0.25).align_to(head, LEFT)
        self.iteration.next_to(head, RIGHT, buff=0.2).align_to(head[0], DOWN)
        self.loss.move_to([self.iteration.get_x(), loss.get_y(), 0]).align_to(
            self.iteration, LEFT).align_to(loss[0], DOWN)
        stuck = look.words(labels["stuck_count"].format(f=self.symbol()), 22).next_to(
            loss, DOWN, buff=0.2).align_to(head, LEFT)
        self.stuck_count = MonoNumber("0/0", 24, theme["text"])
        self.stuck_count.next_to(stuck, RIGHT, buff=0.25).align_to(stuck[-1], DOWN)
        still += [head, loss, stuck]
        above = stuck
        if self.schedule == "log":
            above = look.words(labels["log_clock"], 20).next_to(stuck, DOWN, buff=0.15)
            if above.width > COLUMN_WIDTH:
                above.scale_to_fit_width(COLUMN_WIDTH)
            still.append(above.align_to(head, LEFT))
        key = self.key().next_to(above, DOWN, buff=0.35).align_to(head, LEFT)
        self.notes_top = None  # set once the intro stands: later notes start there
        intro = self.note_block(self.intro_text()).next_to(key, DOWN, buff=0.35)
        self.notes = VGroup(intro.align_to(head, LEFT))  # holds whichever notes stand
        self.notes_top = self.notes.get_top()
        still += [key, self.notes]
        self.focus = Rectangle(width=0.1, height=0.1, stroke_width=0)
        numbers = [n for cells in self.chain_numbers for cell in cells if cell for n in cell[1:]]
        return still, [self.iteration, self.loss, self.stuck_count, *numbers, self.focus]

    def key(self) -> VGroup:
        look, labels, theme = self.look, self.look.labels, self.look.theme
        mark = Line([0, 0, 0], [0.35, 0, 0], color=theme["muted"], stroke_width=3)
        path = Line([0, 0, 0], [0.4, 0, 0], color=theme["text"], stroke_width=5)
        ring = Circle(0.09, color=theme["error"], stroke_width=4)
        rows = [[(look.swatch("gradient", "square"), labels["key_bar"])],
                [(mark, labels["key_first"])],
                [(path, labels["key_chain_path"])],
                [(ring, labels["key_stuck"].format(p=f"{depth.STUCK * 100:g}",
                                                   f=self.symbol()))],
                [(look.swatch("negative", "line"), "w < 0"),
                 (look.swatch("positive", "line"), "w > 0")]]
        key = VGroup(*[look.key(row, 20, 0.35, COLUMN_WIDTH) for row in rows]).arrange(
            DOWN, aligned_edge=LEFT, buff=0.12)
        return key.scale_to_fit_width(COLUMN_WIDTH) if key.width > COLUMN_WIDTH else key

    def note_block(self, text: str) -> VGroup:
        """The notes in the column, shrunk where a long one would leave the frame."""
        block = self.look.paragraph(text, NOTE_SIZE, COLUMN_WIDTH)
        if self.notes_top is not None and block.height > self.notes_top[1] - NOTES_BOTTOM:
            block.scale_to_fit_height(self.notes_top[1] - NOTES_BOTTOM)
        return block

    def replace_notes(self, text: str) -> None:
        """New notes in the old ones' place in the scene's list, before the clock: drawn
        once as the background, not again every frame."""
        notes = self.note_block(text).move_to(self.notes_top, aligned_edge=UP)
        self.notes.submobjects = [notes.align_to(self.notes, LEFT)]

    def chain_texts(self, t: int) -> list[tuple[str, str, str]]:
        """(w, f'(z), ∂L/∂z) of each column back from the output at state t, as shown:
        the output's δ, then each product of the numbers shown, rounded (≈ in the row's
        name); it stays within a few parts in a thousand of the path's true one."""
        chain = self.chain
        shown = significant(chain.delta[t], 3)
        out = [("", "", shown)]
        for k in range(len(chain.products[t]) - 1, -1, -1):
            # from the numbers as shown, so that a calculator agrees at every step
            w, slope = significant(chain.weights[t, k], 3), significant(chain.slopes[t, k], 3)
            shown = significant(value_of(shown) * value_of(w) * value_of(slope), 3)
            out.append((w, slope, shown))
        return [tuple(minus_signs(text) for text in cells) for cells in out]

    def on_state(self, s: float) -> None:
        t = min(int(round(s)), self.last)
        if (t, self.revealed) == self.shown:  # most frames of a hold or a slow stretch
            return
        self.shown = (t, self.revealed)
        self.iteration.set_text(str(t))
        self.loss.set_text(loss_text(float(self.trace.loss[t])))
        self.stuck_count.set_text(f"{sum(int(layer[t].sum()) for layer in self.network.stuck)}"
                                  f"/{sum(self.trace.layers[1:-1])}")
        for k, (cells, texts) in enumerate(zip(self.chain_numbers, self.chain_texts(t))):
            for cell, text in zip(cells, texts):
                if cell is None:
                    continue
                x, number = cell
                shown = text if k <= self.revealed else ""
                if shown != number.text:
                    number.set_text(shown).move_to([x, number.get_y(), 0])

    # --- words --------------------------------------------------------------------------

    def run_text(self) -> str:
        c, labels = self.trace.config, self.look.labels
        network = "-".join(map(str, c.network.layers)) + f" {c.network.activation}"
        return " · ".join([c.data.dataset, network, f"{c.train.optimizer} η = "
                           f"{c.train.learning_rate:g}",
                           labels["n_iterations"].format(n=c.train.iterations)])

    def intro_text(self) -> str:
        return self.look.labels["gradients_intro"]

    def delta_cue(self) -> str:
        """The output's ∂L/∂z for the probe; ŷ − y written out where it is that, with
        classes as targets (whole numbers: the subtraction is exact as shown)."""
        trace, labels = self.trace, self.look.labels
        n, d = int(trace.probes[0]) + 1, self.chain_texts(0)[0][2]
        if not (depth.delta_is_error(trace) and trace.meta["classes"]) or "e" in d:
            return labels["delta_cue"].format(n=n, d=d)
        unit = self.chain.path[-1]
        y_hat = float(trace.activations(trace.n_weight_layers)[0, 0, unit])
        target = round(y_hat - float(self.chain.delta[0]))
        decimals = len(d.partition(".")[2])  # ŷ to δ's decimals: y is whole, so exact
        return minus_signs(labels["delta_error_cue"].format(
            n=n, d=d, a=compact(y_hat, decimals), y=target))

    def layer_cue(self, i: int) -> str:
        """Weight layer i's bar, and the path's factors at its input side."""
        labels = self.look.labels
        bar = self.bars.value_texts(0)[i]
        text = labels["layer_cue" if i else "layer_cue_inputs"].format(a=i, b=i + 1, v=bar)
        if i >= 1:
            w, slope, product = self.chain_texts(0)[self.trace.n_weight_layers - i]
            before = self.chain_texts(0)[self.trace.n_weight_layers - i - 1][2]
            w = f"({w})" if w.startswith("−") else w
            text += " " + labels["chain_cue"].format(l=i, before=before, w=w, f=self.symbol(),
                                                      s=slope, p=product)
        return minus_signs(text)

    def ratio_text(self) -> str:
        """How much smaller (or larger) the first layer's bar is than the last's, and
        the largest slope the activation multiplies by."""
        labels, first = self.look.labels, self.sizes[0]
        text = labels["ratio_shrank" if first[0] < first[-1] else "ratio_grew"]
        # from the two numbers as shown, so that a calculator agrees
        ends = sorted(abs(value_of(significant(v))) for v in (first[0], first[-1]))
        ratio = ends[1] / max(ends[0], 1e-300)
        slope = depth.peak_slope(HIDDEN[self.trace.config.network.activation])
        text = text.format(a=significant(first[-1]), b=significant(first[0]), r=times(ratio))
        why = "why_switch" if self.trace.config.network.activation == "relu" else "why_capped"
        text += " " + labels[why].format(f=self.symbol(), p=significant(slope))
        stuck = sum(int(layer[0].sum()) for layer in self.network.stuck)
        if stuck:  # the rings, said where they first matter
            text += " " + labels["stuck_note"].format(k=stuck, m=sum(self.trace.layers[1:-1]))
        return minus_signs(text)

    def phase_cue(self, k: int) -> None:
        """The stretch's note, said as its caption too, with the loss's lowest point
        where it went down and back up on the way."""
        first = round(iteration_at(k / PHASES, self.last, self.schedule))
        last = round(iteration_at((k + 1) / PHASES, self.last, self.schedule))
        loss, note = self.trace.loss, self.phase_note(first, last)
        closed = self.path_closes()
        if closed is not None and first < closed[0] <= last:  # said where it happens
            note += " " + self.look.labels["path_closes"].format(t=closed[0], l=closed[1])
        low = first + int(np.argmin(loss[first:last + 1]))
        if loss[low] < 0.9 * min(loss[first], loss[last]):
            note += " " + self.look.labels["lowest"].format(l=loss_text(loss[low]), t=low)
        self.replace_notes(note)
        self.cue(minus_signs(note))

    def path_closes(self) -> tuple[int, int] | None:
        """(state, node layer) where the white path first meets a unit whose slope is
        0 for sample 1, after iteration 0: from there every ∂L/∂z left of it is 0."""
        shut = np.argwhere(self.chain.slopes[1:self.last + 1] == 0)
        if not len(shut):
            return None
        return int(shut[0][0]) + 1, int(shut[0][1]) + 1

    def phase_note(self, first: int, last: int) -> str:
        """The stretch in the notes: its loss, and the first and last layers' bars."""
        before, after = self.bars.value_texts(first), self.bars.value_texts(last)
        loss = self.trace.loss
        return minus_signs(self.look.labels["phase_note"].format(
            a=first, b=last, l0=loss_text(loss[first]), l1=loss_text(loss[last]),
            f0=before[0], f1=after[0], e0=before[-1], e1=after[-1]))

    def layer_names(self) -> list[str]:
        """Each weight layer by the node layers it joins: x→1, 1→2, …"""
        return [f"{'x' if i == 0 else i}→{i + 1}" for i in range(self.trace.n_weight_layers)]

    def end_text(self) -> str:
        """The loss then and now, and how far the first and last layers' weights moved."""
        t, labels = self.last, self.look.labels
        moves = depth.layer_moves(self.trace, t)
        text = labels["gradients_end"].format(
            t=t, l0=loss_text(self.trace.loss[0]), l=loss_text(self.trace.loss[t]),
            first=significant(moves[0]), last=significant(moves[-1]))
        if self.trace.loss[t] < SMALL_LOSS * self.trace.loss[0]:  # not vanishing: done
            text += " " + labels["small_loss"]
        mean, spread = depth.output_spread(self.trace, t)
        if self.trace.meta["classes"] and depth.one_answer(self.trace, spread):  # a guess
            text += " " + labels["same_answer"].format(p=significant(mean), s=significant(spread))
        return minus_signs(text)
