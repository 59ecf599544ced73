"""Two to four runs side by side on one clock: one config with a key varied (the
optimizer, the learning rate, the initialisation, the activation), or several keys in
step, or several configs.

Each run has a column (scenes/run_column.py), headed by what sets it apart: its
output over the input (the training scene's plane or curve panel, small and without
a key) and its network.
Under them, one axis of losses with a curve per run, one of each update's step, and
a table that is both the curves' legend and, at the end, the runs' final loss and
accuracy; the title then names the run with the lowest. A run that diverges stops
where it did, with a note, while the others go on; hidden units that are all equal
(a zero or constant initialisation) are framed, layer by layer, and named while they
stay so. Under each network, the update that led to the state: its mean |∂L/∂w| and
its step, the mean |Δw| (how an optimizer's step follows its gradient); or, when the
initial weight scale is what varies, each hidden layer's spread and share of
saturated units, which pass almost no gradient (f′ ≈ 0).
"""

from dataclasses import replace

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, Line, ManimColor, VGroup

from core import compare, depth
from core.errors import ConfigError
from core.schedule import iteration_at, read_at
from scenes import layout
from scenes.glyphs import MonoNumber
from scenes.numerals import loss_text
from scenes.options import Option, resolve
from scenes.panels import Look, LossPanel, PanelScene
from scenes.panels.plane import class_palette
from scenes.run_column import RunColumn
from scenes.tex import Words
from scenes.training import PHASES, TrainingScene

PLOTS = (-5.8, -3.2, 0.5, -2.05)  # the shared loss axis, bottom left, and the steps'
STEP_GAP = 1.2  # between the loss axis and the steps', for the steps' values
TABLE_AT = (1.15, -1.75)  # the table's top left: run, loss, accuracy, saturated
ROW = 0.34  # the table's row pitch
LESSON_CLOCK = {"duration": 20.0, "hold": 8.0}  # compare's own defaults, in seconds
READINGS = 4  # a second: every number but the iteration, slow enough to read
COLUMN_GAP = 0.3  # between the table's columns
NOTE_FLOOR = -layout.FRAME_Y + 0.1  # the table's note ends above the frame's edge
COLUMNS = (-6.9, 6.9)  # the columns share this width


def run_colours(theme: dict) -> list[str]:
    """Four colours for runs, none of the two that mean a sign or a class and each of
    a different lightness: the loss colour, then three of the further class colours."""
    return [theme["loss"], theme["classes"][2], theme["classes"][4], theme["classes"][3]]


def edge_scale(runs) -> float:
    """The weight drawn widest in every column: the largest of the runs that did not
    diverge (a diverged run's weights, astronomically large, would thin every other
    edge to nothing; its own are drawn at full width)."""
    kept = [trace for _, trace in runs if trace.diverged_at is None] or [
        trace for _, trace in runs]
    largest = 0.0
    for trace in kept:
        for i in range(len(trace.layers) - 1):
            largest = max(largest, float(np.abs(trace.weight_history(i)).max()))
            if trace.config.network.bias:
                largest = max(largest, float(np.abs(trace.bias_history(i)).max()))
    return largest


def data_range(trace) -> tuple[float, float] | None:
    """The output axis every curve panel shares: a regression's targets (the runs share
    the data), padded; a curve that leaves it has left the data. None: classes (0-1)."""
    if trace.meta["classes"]:
        return None
    targets = np.concatenate([np.ravel(trace.y), np.ravel(trace.y_val)])
    low, high = float(targets.min()), float(targets.max())
    pad = 0.15 * max(high - low, 1e-6)
    return low - pad, high + pad


class CompareScene(PanelScene):
    """Runs side by side: what a choice changes, on one clock."""

    OPTIONS = (
        Option("vary", None, "one config key and its values, a run each (e.g. "
               "train.optimizer=sgd,momentum,adam), or several keys in step, run i taking "
               "each key's i-th value; without it, each --config is a run",
               str, pattern="SECTION.KEY=V1,V2[,V3,V4] [SECTION.KEY=…]", many=True),
        Option("set", None, "config keys every run takes, one value each (e.g. "
               "train.learning_rate=0.02 to compare optimizers at one small η)",
               str, pattern="SECTION.KEY=V [SECTION.KEY=V …]", many=True),
        # the same clock as training's, slower, and a longer hold for the table at the
        # end: several runs to follow at once
        *[replace(option, default=LESSON_CLOCK.get(option.name, option.default))
          for option in TrainingScene.OPTIONS
          if option.name in ("duration", "hold", "schedule")],
    )

    @classmethod
    def runs_to_train(cls, loaded: list[tuple[str, dict]], options: dict
                      ) -> list[tuple[str, dict]]:
        if options["set"] is not None:
            loaded = [(name, compare.set_keys(resolved, options["set"], options["vary"]))
                      for name, resolved in loaded]
        if options["vary"] is not None:
            if len(loaded) > 1:
                raise ConfigError("--vary varies one config; give --config one config with it")
            runs = compare.vary(loaded[0][1], options["vary"])
        else:
            if len(loaded) == 1:
                raise ConfigError("compare needs two to four runs: give --vary "
                                  "SECTION.KEY=V1,V2 or several configs to --config")
            runs = list(zip(compare.named([name for name, _ in loaded]),
                            [resolved for _, resolved in loaded]))
        compare.check_comparable(runs)
        return runs

    @classmethod
    def adapt_config(cls, config: dict, options: dict) -> dict:
        return TrainingScene.adapt_config(config, options)

    @classmethod
    def check_config(cls, config: dict, options: dict) -> None:
        TrainingScene.check_config(config, options)

    def construct(self) -> None:
        settings = self.settings_or_default()
        self.look = Look(settings.theme, settings.labels, layout.font(settings.lang))
        opts = resolve(self.OPTIONS, settings.options)
        self.runs = settings.runs
        # the varied keys' names (["optimizer"]), or none for several configs
        self.vary_keys = compare.varied_keys(opts["vary"])
        theme = self.look.theme
        self.camera.background_color = ManimColor(theme["background"])
        first = self.runs[0][1]
        self.schedule = opts["schedule"] or first.config.trace.schedule
        self.last = max(trace.n_states for _, trace in self.runs) - 1
        colours = run_colours(theme)[:len(self.runs)]
        x0, x1 = COLUMNS
        width = (x1 - x0) / len(self.runs)
        scale, shared = edge_scale(self.runs), data_range(first)
        # every number but the iteration is read READINGS times a second of training
        readings = opts["duration"] * READINGS
        self.read = lambda s: read_at(s, self.last, self.schedule, readings)
        self.columns = [RunColumn(name, trace, x0 + width * (k + 0.5), width, self.look,
                                  colour, scale, shared, flat=self.shows_flat(trace),
                                  read=self.read)
                        for k, ((name, trace), colour) in enumerate(zip(self.runs, colours))]
        self.plots = self.plot_panels(colours)
        title, counter = self.title()
        self.title_words = title[0]
        self.ending = self.verdict(colours)  # at the end, in the title's place
        if self.ending is not None:  # both start with a capital
            self.ending.move_to(self.title_words, aligned_edge=LEFT + UP)
        table, self.readouts = self.table(colours)
        self.mount([*self.columns, *self.plots],
                   lambda u: float(iteration_at(u, self.last, self.schedule)),
                   [title, self.key(), table], [counter, *[n for row in self.readouts
                                                            for n in row]])
        self.cue(self.phase_text(0))
        self.wait(0.5)
        for k in range(PHASES):
            if k:
                self.cue(self.phase_text(k))
            self.advance((k + 1) / PHASES, opts["duration"] / PHASES)
        self.stop_clock()
        self.draw_panels(1.0)
        if self.ending is not None:
            self.remove(self.title_words)
            self.add(self.ending)
        self.cue(self.summary())
        self.wait(max(opts["hold"], 1 / 30))
        self.end_captions()

    # --- what is drawn once ------------------------------------------------------------

    def title(self):
        labels, theme = self.look.labels, self.look.theme
        names = [labels["compare_keys"].get(key, key.replace("_", " "))
                 for key in self.vary_keys]
        what = labels["compare_and"].join(names) if names else labels["compare_configs"]
        title = self.look.words(labels["compare_title"].format(what=what), 28, "text")
        title.to_corner(UP + LEFT, buff=0.3)
        name = self.look.words(labels["iteration"], 24)
        # placed at its widest, so that it grows to the right edge, not past it
        self.counter = MonoNumber("0" * len(str(self.last)), 26, theme["text"])
        VGroup(name, self.counter).arrange(RIGHT, buff=0.15).to_corner(UP + RIGHT, buff=0.3)
        self.counter.align_to(name, DOWN)
        return VGroup(title, name), self.counter

    def plot_panels(self, colours: list[str]) -> list[LossPanel]:
        """The runs' losses on one axis; beside it each update's step (the mean |Δw|)
        on one axis too: how an optimizer crosses a plateau where plain SGD's step
        shrinks with its gradient, how a tiny initialisation leaves nothing to learn."""
        log, first = self.schedule == "log", self.runs[0][1]
        names = [name for name, _ in self.runs]
        losses = [trace.loss for _, trace in self.runs]
        steps = [column.steps for column in self.columns]
        x0, y0, x1, y1 = PLOTS
        middle = (x0 + x1 - STEP_GAP) / 2
        return [LossPanel(first, (x0, y0, middle, y1), self.look, log,
                          list(zip(names, losses, colours))),
                LossPanel(first, (middle + STEP_GAP, y0, x1, y1), self.look, log,
                          list(zip(names, steps, colours)), self.look.labels["step_axis"])]

    def verdict(self, colours: list[str]) -> Words | None:
        """The title at the end: the run with the lowest final loss, named in its
        colour; none when the lowest two read the same or every run diverged."""
        finals = [(trace.loss[-1], k) for k, (_, trace) in enumerate(self.runs)
                  if trace.diverged_at is None and np.isfinite(trace.loss[-1])]
        if not finals:
            return None
        finals.sort()
        if len(finals) > 1 and loss_text(finals[0][0]) == loss_text(finals[1][0]):
            return None
        name, colour = self.runs[finals[0][1]][0], colours[finals[0][1]]
        return self.look.words(self.look.labels["lowest_loss"].format(name=name), 28,
                               "text", parts={name: colour})

    def key(self) -> VGroup:
        """One key for every column: the data's colours, validation, the edges."""
        look, labels, trace = self.look, self.look.labels, self.runs[0][1]
        entries = []
        classes = trace.meta["classes"]
        if classes:
            palette = class_palette(trace, look.theme)
            for k in range(max(classes, 2)):
                colour = "#" + "".join(f"{int(c * 255 + 0.5):02x}" for c in palette[k])
                entries.append((look.swatch(colour), labels["class_k"].format(k=k)))
        theme, line = look.theme, trace.X.shape[1] == 1
        if line:  # the curve panel's marks
            if not classes:
                entries.append((look.swatch("forward"), labels["targets"]))
            entries.append((look.swatch("text", "line"), labels[
                "p_class1" if classes else "network_output"]))
            if not classes:
                entries.append((Line(DOWN * 0.14, UP * 0.14, color=theme["muted"],
                                     stroke_width=4), labels["residual"]))
        elif not classes:  # the plane's dots, on the value map's scale
            entries.append((look.swatch("positive"), labels["dot_is_target"].rstrip(":")))
        if len(trace.X_val):
            entries.append((Circle(0.075, color=theme["muted"], stroke_width=3),
                            labels["val_points"]))
        # no probe sample: the columns follow none (their networks' nodes are plain)
        entries += [(None, labels["edges_key"]),
                    (look.swatch("negative", "line"), "w < 0"),
                    (look.swatch("positive", "line"), "w > 0")]
        row = look.key(entries, 18, 0.3, 13.0)
        return row.move_to([0, 3.15, 0])

    def shows_flat(self, trace) -> bool:
        """Whether a run's share of f′ ≈ 0 is shown: in the lesson it is for, the initial
        weight scale (a run that has learned also saturates, confidently), and for an
        activation that saturates (a ReLU's off units are its sparsity: "–")."""
        return "init_scale" in self.vary_keys and depth.saturates(
            trace.config.network.activation)

    def table(self, colours: list[str]):
        """Run, loss, accuracy and the share of saturated units (f′ ≈ 0), a row per run
        in its curve's colour: the curves' legend, the runs' final figures at the end;
        a note under it says what the rows under the networks are."""
        look, labels = self.look, self.look.labels
        x, top = TABLE_AT
        accuracy = self.runs[0][1].accuracy is not None
        # saturated units (f′ ≈ 0) in the lesson they are for, the initial weight scale
        # (a run that has learned also saturates its units, confidently); "–" for a
        # ReLU, whose off units are its sparsity
        self.flat = [column.flat_overall for column in self.columns]
        flat = "init_scale" in self.vary_keys
        header = [look.words(labels["run"], 18), look.words(labels["loss"], 18)]
        # the numbers each column holds at its widest: the losses the runs reach
        widest = [max((loss_text(value) for _, trace in self.runs for value in trace.loss),
                      key=len)]
        if accuracy:
            header.append(look.words(labels["accuracy"], 18))
            widest.append("100%")
        if flat:
            header.append(look.words(labels["flat_header"], 18))
            widest.append("100%")
        # the numbers' columns from the frame's right edge, each as wide as its header
        # or its widest number; the room they leave goes to the runs' names
        columns, right = [], layout.FRAME_X - 0.25
        for word, text in zip(header[:0:-1], widest[::-1]):
            right -= max(word.width, MonoNumber(text, 20, "#ffffff").width)
            columns.insert(0, right)
            right -= COLUMN_GAP
        columns.insert(0, x)
        name_room = right - (x + 0.45)  # after their swatches
        still, readouts, self.header = [], [], header
        for word, at in zip(header, columns):  # on one baseline: their first letters'
            word.move_to([at, top, 0], aligned_edge=LEFT)
            word.shift(UP * (header[0][0].get_bottom()[1] - word[0].get_bottom()[1]))
            still.append(word)
        names = [look.words(name, 20, colour) for (name, _), colour in zip(self.runs, colours)]
        fit = min([1.0] + [name_room / words.width for words in names])  # one size for all
        for k, (words, colour) in enumerate(zip(names, colours)):
            y = top - ROW * (k + 1)
            swatch = Line([x, y, 0], [x + 0.35, y, 0], color=colour, stroke_width=5)
            words.scale(fit).move_to([x + 0.45, y, 0], aligned_edge=LEFT)
            numbers = [MonoNumber("0.000", 20, colour).move_to([columns[1], y, 0],
                                                               aligned_edge=LEFT)]
            for at in columns[2:]:  # accuracy, if any, and saturated
                numbers.append(MonoNumber("100%", 20, colour).move_to([at, y, 0],
                                                                       aligned_edge=LEFT))
            still += [swatch, words]
            readouts.append(numbers)
        lines = [line.format(p=f"{depth.FLAT * 100:g}") for line in labels["flat_note"]
                 ] if flat else []
        if any(column.motion is not None for column in self.columns):
            lines.append(labels["motion_note"])
        lines.append(labels["same_for_all"].format(what=compare.describe(
            [trace.config.as_dict() for _, trace in self.runs], labels["n_iterations"])))
        room = layout.FRAME_X - 0.1 - x  # within the frame
        rows = [row for line in lines
                for row in fit_rows(line, room, lambda text: look.words(text, 16).width)]
        note = VGroup(*[look.words(row, 16) for row in rows]).arrange(
            DOWN, aligned_edge=LEFT, buff=0.06)
        note.next_to([x, top - ROW * (len(self.runs) + 0.4), 0], DOWN, buff=0.05,
                     aligned_edge=LEFT)
        tall = note.get_top()[1] - NOTE_FLOOR
        if note.height > tall or note.width > room:  # too many rows: smaller
            note.scale(min(tall / note.height, room / note.width), about_edge=UP + LEFT)
        still.append(note)
        return VGroup(*still), readouts

    # --- every frame --------------------------------------------------------------------

    def on_state(self, s: float) -> None:
        self.counter.set_text(str(int(round(s))))
        for (_, trace), numbers, flat in zip(self.runs, self.readouts, self.flat):
            last = trace.n_states - 1  # a diverged run's numbers: its last, once there
            k = last if s >= last else min(self.read(s), last)
            numbers[0].set_text(loss_text(trace.loss[k]))
            if trace.accuracy is not None:
                numbers[1].set_text(f"{trace.accuracy[k] * 100:.0f}%")
            if len(numbers) > 1 + (trace.accuracy is not None):
                numbers[-1].set_text("–" if flat is None else f"{flat[k] * 100:.0f}%")

    # --- captions and steps ------------------------------------------------------------

    def phase_text(self, k: int) -> str:
        """The runs ranked by their loss where the phase ends, lowest first (a run that
        has diverged by then last): who is ahead, in one line."""
        last = round(float(iteration_at((k + 1) / PHASES, self.last, self.schedule)))
        labels = self.look.labels
        ranked = []
        for name, trace in self.runs:
            gone = trace.diverged_at is not None and last >= trace.n_states - 1
            loss = float(trace.loss[min(last, trace.n_states - 1)])
            text = (f"{name} ({labels['diverged_short'].format(k=trace.diverged_at)})"
                    if gone else f"{name}: {loss_text(loss)}")
            ranked.append((gone, loss, text))
        parts = [text for *_, text in sorted(ranked)]
        return (labels["by_iteration"].format(k=last) + f", {labels['loss']} "
                + " < ".join(parts))

    def summary(self) -> str:
        """Each run's final figures, as its own trace has them."""
        labels, parts = self.look.labels, []
        for name, trace in self.runs:
            t = trace.n_states - 1
            text = f"{name}: {labels['loss']} {loss_text(trace.loss[t])}"
            if trace.accuracy is not None:
                text += f", {labels['accuracy']} {trace.accuracy[t] * 100:.0f}%"
            if trace.diverged_at is not None:
                text += f" ({labels['diverged_short'].format(k=trace.diverged_at)})"
            parts.append(text)
        return "; ".join(parts)


def fit_rows(line: str, room: float, width) -> list[str]:
    """A line broken into rows no wider than ``room`` (as ``width`` measures them),
    between the parts of a list (" · ") where it is one, else between words; a word
    wider than the room is a row by itself."""
    glue = " · " if " · " in line else " "
    parts = line.split(glue)
    # each part measured once (a measure typesets), a row as its parts and glues
    sizes = {part: width(part) for part in set(parts)}
    gap = width(f"a{glue}a") - width("aa")
    rows: list[list[str]] = []
    for part in parts:
        if rows and sum(sizes[p] + gap for p in rows[-1]) + sizes[part] <= room:
            rows[-1].append(part)
        else:
            rows.append([part])
    return [glue.join(row) for row in rows]
