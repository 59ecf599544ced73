"""The post's last figure, done properly: a network learning, drawn as panels on
one clock (scenes/panels): the network, the output over the input (a plane for two
inputs, a line for one) and the loss curve. Everything drawn comes from the trace;
between recorded states the panels interpolate for smooth motion."""

from manim import DOWN, LEFT, RIGHT, UP, ManimColor, Text, VGroup

from core.errors import ConfigError
from core.losses import REGRESSION
from core.schedule import SCHEDULES, iteration_at
from core.setup import build
from scenes import layout
from scenes.glyphs import MonoNumber
from scenes.numerals import compact
from scenes.options import Option, resolve
from scenes.panels import CurvePanel, Look, LossPanel, NetworkPanel, PanelScene, PlanePanel
from scenes.panels.network import EDGE_MODES

PHASES = 4  # the training animation in steps: early, ..., late


class TrainingScene(PanelScene):
    """Network, output and loss curve learning together."""

    OPTIONS = (
        Option("duration", 12.0, "seconds of training animation", float, 1, 300),
        Option("hold", 3.0, "seconds the last frame is held: long enough to read it", float,
               0, 60),
        Option("schedule", None, "iterations against time; log keeps the fast early "
               "learning visible (and draws iterations on a log axis); auto: the config's "
               "trace.schedule", str, choices=SCHEDULES),
        Option("edges", "weight", "what the edges show: each weight, or the gradient "
               "∂L/∂w the next update uses (colour = sign, width = size, over the run)",
               str, choices=EDGE_MODES),
        Option("neuron_maps", None, "each hidden unit drawn as a map (2-D) or curve (1-D) "
               "of its activation (default: on for layers of up to 6)", bool),
        Option("weight_labels", None, "each edge labelled with its number, turned along it "
               "(default: when all fit clear of each other and of other edges)", bool),
    )

    @classmethod
    def adapt_config(cls, config: dict, options: dict) -> dict:
        """--schedule also spreads the recorded grids, so that the pictures change as
        evenly as the clock runs."""
        if options["schedule"] is None:
            return config
        return config | {"trace": config["trace"] | {"schedule": options["schedule"]}}

    @classmethod
    def check_config(cls, config: dict, options: dict) -> None:
        """The panels draw one or two inputs. Checked before training."""
        inputs, outputs = config["network"]["layers"][0], config["network"]["layers"][-1]
        if inputs not in (1, 2):
            raise ConfigError(f"the training scene draws 1-D or 2-D inputs, but "
                              f"network.layers starts with {inputs}; use data with one "
                              f"or two features")
        if outputs > 1 and config["network"]["loss"] in REGRESSION and not build(config).classes:
            raise ConfigError(f"the training scene draws one output, or one unit per class; "
                              f"this config has {outputs} real-valued outputs (the story "
                              f"scenes show them)")

    def construct(self) -> None:
        settings = self.settings_or_default()
        self.trace = settings.trace
        self.look = Look(settings.theme, settings.labels, layout.font(settings.lang))
        opts = resolve(self.OPTIONS, settings.options)
        self.check_config(self.trace.config.as_dict(), opts)
        self.last = self.trace.n_states - 1
        self.schedule = opts["schedule"] or self.trace.config.trace.schedule
        self.camera.background_color = ManimColor(self.look.theme["background"])
        network = NetworkPanel(self.trace, layout.TRAINING_NETWORK, self.look, opts["edges"],
                               opts["neuron_maps"], opts["weight_labels"])
        if self.trace.X.shape[1] == 1:
            output = CurvePanel(self.trace, layout.TRAINING_CURVE, self.look)
        else:
            output = PlanePanel(self.trace, layout.TRAINING_PLANE, self.look)
            network.set_marker(output.probe_on_map)
        loss = LossPanel(self.trace, layout.TRAINING_LOSS, self.look, self.schedule == "log")
        self.network_panel, self.output_panel, self.loss_panel = network, output, loss
        titles, readouts = self.titles(opts["edges"])
        self.mount([network, output, loss],
                   lambda u: float(iteration_at(u, self.last, self.schedule)), titles, readouts)
        self.phase_cue(0)
        self.wait(0.5)
        for k in range(PHASES):  # phases are steps: slides in a deck, cues in captions
            if k:
                self.phase_cue(k)
            self.advance((k + 1) / PHASES, opts["duration"] / PHASES)
        self.stop_clock()
        self.draw_panels(1.0)
        if self.trace.diverged_at is not None:
            self.add(self.divergence_note())
        self.cue(self.summary(self.last))
        self.wait(max(opts["hold"], 1 / 30))
        self.end_captions()

    def phase_cue(self, k: int) -> None:
        """Captions say which iterations a phase covers and how the loss moves."""
        first = round(iteration_at(k / PHASES, self.last, self.schedule))
        last = round(iteration_at((k + 1) / PHASES, self.last, self.schedule))
        loss, labels = self.trace.loss, self.look.labels
        self.cue(f"{labels['iteration']} {first}–{last}: {labels['loss']} "
                 f"{compact(loss[first], 3)} → {compact(loss[last], 3)}")

    def summary(self, t: int) -> str:
        labels = self.look.labels
        text = f"{labels['iteration']} {t}: {labels['loss']} {compact(self.trace.loss[t], 3)}"
        if self.trace.accuracy is not None:
            text += f", {labels['accuracy']} {self.trace.accuracy[t] * 100:.0f}%"
        if self.trace.diverged_at is not None:
            text += " — " + labels["diverged"].format(k=self.trace.diverged_at)
        return text

    def titles(self, edges: str) -> tuple[list, list]:
        """The iteration in the title (which names what the edges show); under it a row
        of the training set's loss (and accuracy), and one of the validation set's."""
        look, trace = self.look, self.trace
        theme = look.theme
        name = look.labels["gradients_at" if edges == "gradient" else "weights_after"]
        title = look.words(name, 30, "text").to_corner(UP + LEFT, buff=0.35)
        self.iteration = MonoNumber("0", font_size=30, color=theme["text"])
        # on the title's baseline: the bottom of its first glyph, not of a descender
        self.iteration.next_to(title, RIGHT, buff=0.25).align_to(title[0], DOWN)
        still, self.readouts = [title], []
        sets = [("train_set", trace.loss, trace.accuracy, "text")]
        if trace.val_loss is not None:
            sets.append(("validation_set", trace.val_loss, trace.val_accuracy, "val_loss"))
        above = title
        for key, loss, accuracy, colour in sets:
            words = [look.words(look.labels[key], 22, colour),
                     look.words(look.labels["loss"], 22)]
            numbers = [MonoNumber("0.000", 24, theme[colour])]
            if accuracy is not None:
                words.append(look.words(look.labels["accuracy"], 22))
                numbers.append(MonoNumber("100%", 24, theme[colour]))
            parts = words[:2] + [numbers[0]] + words[2:] + numbers[1:]
            row = VGroup(*parts).arrange(RIGHT, buff=0.18)
            row.next_to(above, DOWN, buff=0.12).align_to(title, LEFT)
            for number in numbers:  # on the baseline of the words
                number.align_to(words[1][0], DOWN)
            still += words
            self.readouts.append((numbers, loss, accuracy))
            above = row
        return still, [self.iteration] + [n for numbers, *_ in self.readouts for n in numbers]

    def on_state(self, s: float) -> None:
        k = int(round(s))
        self.iteration.set_text(str(k))
        for numbers, loss, accuracy in self.readouts:
            numbers[0].set_text(compact(loss[k], 3))
            if accuracy is not None:
                numbers[1].set_text(f"{accuracy[k] * 100:.0f}%")

    def divergence_note(self) -> Text:
        text = self.look.labels["diverged"].format(k=self.trace.diverged_at)
        note = self.look.words(text, 24, "gradient")
        x0, _, _, y1 = layout.TRAINING_LOSS
        return note.move_to([x0, y1 + 0.75, 0], aligned_edge=LEFT)
