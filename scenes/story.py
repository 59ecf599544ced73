"""What the post's scenes share: settings, typography, captions and layout checks.

A story scene reads one probe sample of a trace (sample 0 of the post's example)
and writes its arithmetic on screen and into captions from the same formatted
strings, so the two always agree. Every text on screen is large enough for
digits 20 px tall at 480p (TEX_SIZE, MIN_TEXT_SIZE).
"""

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Circle,
    FadeOut,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    SurroundingRectangle,
    Text,
    VGroup,
    Wait,
    config,
)

from core.errors import ConfigError
from core.trace import Trace
from scenes import layout
from scenes.arith import Eq
from scenes.arith_backward import Arithmetic
from scenes.camera import PathCachingCamera
from scenes.edge_labels import opacity, outline
from scenes.numerals import fmt, minus_signs
from scenes.options import Option, resolve
from scenes.pacing import Paced
from scenes.redraw import LocalRedraw
from scenes.slides import StepScene
from scenes.story_network import GRADIENT_FRAME
from scenes.tex import TEMPLATE, Formula, Words
from scenes.tex_batch import STAND_IN_MARGIN, TypesetAhead, remeasure
from scenes.tweens import StyleTween, fade_in
from scenes.wrap import wrap

# Font sizes whose digits are 20 px tall at 480p (1/3 of a unit of the 8-unit frame)
TEX_SIZE = 46
MIN_TEXT_SIZE = 32
MAX_LAYERS, MAX_WIDTH = 4, 6
ROW_GAP = 0.16  # between stacked lines and rows
NOTE_GAP = 0.2  # between the rows of a note
NOTE_AGAIN = 60.0  # seconds (at pace 1) after which a line with ≈ brings its note back
INDENT = 0.8  # of a line's continued rows
MAX_SHOWN = 1e5  # numbers of up to 5 digits before the point fit where they are written
EDGE_KINDS = ("in_use", "changing")  # key entries of an edge's own colour: with a swatch
RING_KINDS = ("loss",)  # key entries of a node's ring (the cycle's output, ringed): a ring


class KeyEntry(VGroup):
    """The key's entry for one kind of number ("value", "gradient"): found by kind."""

    def __init__(self, kind: str, *parts: Mobject):
        super().__init__(*parts)
        self.kind = kind


class StoryScene(Paced, LocalRedraw, StepScene, TypesetAhead):
    """Base of the post's scenes: call ``setup_story`` first in ``construct``."""

    # keep a record of the texts on screen after every step (``snapshots``), which the
    # layout tests read; off in a render, where it would cost a twentieth of the time
    records_layout = False
    OPTIONS = (
        Option("precision", 3, "decimals of the numbers shown", int, 1, 6),
        Option("pace", 1.0, "time of every step and hold, times this: 2 = twice as long",
               float, 0.25, 4),
    )
    SHOWN_ARRAYS = ("W", "b", "Z", "A")  # the trace's per-layer arrays written on screen
    NOTE_RECALLED = True  # a ≈ long after the note on ≈ brings a line that recalls it
    APPROX_NOTE = "approx_note"  # the label of the note on ≈, the first time
    FRAMES_GRADIENTS = True  # gradients' numbers on the diagram are framed (StoryNetwork)
    EQ_ZONE = layout.EQ_ZONE  # where the lines of arithmetic and the notes go

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("camera_class", PathCachingCamera)
        super().__init__(*args, **kwargs)

    @classmethod
    def check_config(cls, config: dict, options: dict) -> None:
        """Story scenes draw every node and write every number: small networks only.
        Checked before training."""
        layers = config["network"]["layers"]
        if len(layers) > MAX_LAYERS or max(layers) > MAX_WIDTH:
            raise ConfigError(f"network.layers = {layers} is too large for this scene: at most "
                              f"{MAX_LAYERS} layers of up to {MAX_WIDTH} nodes (use the "
                              f"training scene for larger networks)")
        if config["train"]["trainable"]:  # their update lines say every weight moves
            raise ConfigError("train.trainable keeps some weights still, but this scene writes "
                              "every weight's update w ← w − η·∂L/∂w; remove train.trainable "
                              "(the landscape scene uses it)")

    @classmethod
    def check_trace(cls, trace: Trace, options: dict) -> None:
        """Every number the scene writes must fit its place on screen. Checked after
        training (small networks train in moments), before rendering."""
        states = cls.states_shown(options)
        if trace.n_states < states:
            raise ConfigError(f"the run diverged at iteration {trace.diverged_at}, before this "
                              f"scene's {states - 1} update(s); lower train.learning_rate")
        probe = 0
        shown = [trace.X[int(trace.probes[probe])], trace.probe_losses[:states, probe]]
        shown += [values[:states] for name, values in trace.arrays.items()
                  if name.rstrip("0123456789") in cls.SHOWN_ARRAYS]
        largest = max(float(np.abs(v).max()) for v in shown if np.size(v))
        if largest >= MAX_SHOWN:
            raise ConfigError(f"this example computes a value of {largest:.3g}; the story scenes "
                              f"write numbers below {MAX_SHOWN:g} in size: use smaller inputs "
                              f"or weights")

    @classmethod
    def states_shown(cls, options: dict) -> int:
        """How many states of the trace the scene writes numbers of."""
        return 1

    def setup_story(self) -> None:
        config.tex_template = TEMPLATE
        settings = self.settings_or_default()
        self.options = resolve(self.OPTIONS, settings.options)
        self.check_config(settings.trace.config.as_dict(), self.options)
        self.check_trace(settings.trace, self.options)
        self.trace, self.theme, self.labels = settings.trace, settings.theme, settings.labels
        self.lang = settings.lang
        self.config_name = settings.config_name
        self.font = layout.font(settings.lang)
        self.precision = self.options["precision"]
        self.arith = Arithmetic(self.trace, self.precision)
        self.camera.background_color = ManimColor(self.theme["background"])
        self.captions: list[list] = []  # [start, end, text]
        # made by lines(), while they may be on screen; whether one of its lines says ≈
        self.eq_groups: list[tuple[VGroup, bool]] = []
        self.approx_seen = self.approx_explained = False
        self.first_approx: Eq | None = None  # the first line with ≈, which its note quotes
        self.note_time = 0.0  # when the note on ≈ last came
        # (moment, [(kind, text, box, font size, outline)])
        self.snapshots: list[tuple[str, list[tuple]]] = []
        self.snapshot_times: list[float] = []  # when each was taken, in seconds
        self.snapshot_still: list[bool] = []  # whether nothing moved since the one before

    @property
    def has_bias(self) -> bool:
        return bool(self.trace.config.network.bias)

    def biases(self, t: int) -> list | None:
        """The bias vectors at state t when the network has biases (drawn on the
        diagram's bias edges)."""
        return self.trace.biases(t) if self.has_bias else None

    def parameters(self, states: tuple[int, ...] | None = None) -> np.ndarray:
        """Every weight (and bias, where drawn) of these recorded states (all), flat."""
        picked = slice(None) if states is None else list(states)
        tr = self.trace
        arrays = [tr.weight_history(i) for i in range(tr.n_weight_layers)]
        arrays += [tr.bias_history(i) for i in range(tr.n_weight_layers)] if self.has_bias else []
        return np.concatenate([values[picked].ravel() for values in arrays])

    def largest_parameter(self) -> float:
        """The largest |weight| or |bias| of the run: edges are widened against it."""
        return float(np.abs(self.parameters()).max())

    # --- numbers and type ------------------------------------------------------------

    def n(self, value: float) -> str:
        return fmt(value, self.precision)

    def data(self, value: float) -> str:
        """Inputs and labels: whole numbers as integers, as the post writes x = 1."""
        return fmt(value, self.precision, keep_integer=True)

    def tex(self, eq: "Eq | str", color: str | None = None, size: float = TEX_SIZE) -> MathTex:
        source = eq.tex if isinstance(eq, Eq) else eq
        return Formula(source, font_size=size, color=color or self.theme["text"])

    def text(self, words: str, size: float = 34, color: str | None = None) -> Text:
        return Words(words, font=self.font, font_size=size, color=color or self.theme["text"])

    def number_key(self, kinds, symbols: dict[str, str] | None = None) -> VGroup:
        """The colour of each kind of number the scene writes, as its word in that
        colour: ((labels key, theme colour), ...), in a row; a kind in ``symbols`` also
        shows what its numbers are (value σ(h): the number by h₁ is σ(h₁), not h₁)."""
        entries = VGroup()
        for kind, colour in kinds:
            word = self.text(self.labels[kind], size=32, color=self.theme[colour])
            if kind in (symbols or {}):
                symbol = Formula(symbols[kind], font_size=TEX_SIZE, color=self.theme[colour])
                word = VGroup(word, symbol.next_to(word, RIGHT, buff=0.2))
            if kind in EDGE_KINDS:  # not a number: an edge's colour (read, or changing)
                swatch = Line(ORIGIN, 0.5 * RIGHT, color=self.theme[colour], stroke_width=6)
                word = VGroup(swatch, word.next_to(swatch, RIGHT, buff=0.15))
            elif kind in RING_KINDS:  # not a number: a node's ring
                # (filled with the background: a key fading in brings fill up too)
                swatch = Circle(0.15, color=self.theme[colour], stroke_width=6,
                                fill_color=self.theme["background"], fill_opacity=1)
                word = VGroup(swatch, word.next_to(swatch, RIGHT, buff=0.15))
            if kind == "gradient" and self.frames_gradients():  # framed as its numbers are
                word = VGroup(word, SurroundingRectangle(
                    word, color=self.theme[colour], buff=0.06, stroke_width=GRADIENT_FRAME))
            entries.add(KeyEntry(kind, word))
        return entries.arrange(RIGHT, buff=0.4)

    def key_entry(self, kind: str) -> "KeyEntry":
        """The entry of one kind of number in the key on screen."""
        return next(m for m in self.legend.get_family()
                    if isinstance(m, KeyEntry) and m.kind == kind)

    def frames_gradients(self) -> bool:
        """Whether the key frames its gradients' entry, as the gradients on screen are."""
        return self.FRAMES_GRADIENTS

    def title(self, key: str) -> Text:
        return self.title_text(self.labels[key])

    def title_text(self, words: str) -> Text:
        return self.text(words, size=40).to_corner(UP + LEFT, buff=0.35)

    def lines(self, eqs: list, color: str | None = None) -> VGroup:
        """Equations (Eq, TeX, or a Text as it is) stacked in the bottom area,
        left-aligned. A line too wide for it is broken into rows (see ``wrap``),
        continued rows indented; only a piece that cannot be broken is shrunk."""
        return self.stack(eqs, [self.line(e, color) for e in eqs])

    def stack(self, eqs: list, shown: list[Mobject]) -> VGroup:
        group = VGroup(*shown).arrange(DOWN, aligned_edge=LEFT, buff=ROW_GAP)
        self.track_lines(group, eqs)
        return self.in_eq_zone(group)

    def in_eq_zone(self, group: Mobject) -> Mobject:
        """A block of lines or a note where the arithmetic goes: the middle of EQ_ZONE,
        from its left edge."""
        middle = (self.EQ_ZONE[1] + self.EQ_ZONE[3]) / 2
        return group.move_to([0, middle, 0]).align_to([self.EQ_ZONE[0], 0, 0], LEFT)

    def track_lines(self, group: VGroup, eqs: list) -> None:
        """Keep track of a group of lines while it may be on screen: whether a line of
        it says ≈, and the first such line of the scene, which the note on ≈ quotes."""
        inexact = [e for e in eqs if isinstance(e, Eq) and not e.exact]
        self.eq_groups.append((group, bool(inexact)))
        if inexact and self.approx_explained and self.NOTE_RECALLED and (
                self.renderer.time - self.note_time > NOTE_AGAIN * self.options["pace"]):
            # long after the note: it comes again, on this line
            self.approx_explained = self.approx_seen = False
            self.first_approx = None
        self.first_approx = self.first_approx or next(iter(inexact), None)

    def line(self, eq: "Eq | str | Text", color: str | None) -> Mobject:
        return eq if isinstance(eq, Text) else self.wrapped(eq, color)

    def wrapped(self, eq: "Eq | str", color: str | None, room: float = layout.EQ_WIDTH
                ) -> Mobject:
        """One line as a MathTex, or as rows of MathTex when it is wider than ``room``."""
        line = self.tex(eq, color)
        if line.width > room * STAND_IN_MARGIN:  # its rows, if any, depend on its real size
            remeasure(self.wrapped, eq, color, room)
        if line.width <= room:
            return line
        room -= INDENT
        rows = [self.tex(row, color) for row in wrap(line.tex_string, self.extents, room)]
        for row in rows:
            if row.width > room:
                row.scale_to_fit_width(room)
        block = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=ROW_GAP)
        for row in rows[1:]:
            row.shift(RIGHT * INDENT)
        zone = self.EQ_ZONE[3] - self.EQ_ZONE[1]
        if block.height > zone:  # only a very long line of a wide network at 6 decimals
            block.scale_to_fit_height(zone)
        return block

    @staticmethod
    def extents(pieces: list[str]) -> list[tuple[float, float]]:
        """Left and right ends of each piece of a line, typeset once as a whole."""
        line = Formula(*pieces, font_size=TEX_SIZE)
        return [(part.get_left()[0], part.get_right()[0]) for part in line.submobjects]

    def pages(self, eqs: list, most: int, color: str | None = None) -> list[tuple[list, VGroup]]:
        """The equations in order, in groups of at most ``most`` that each fit the
        bottom area (a wrapped line takes several rows); each with its stacked group."""
        zone = self.EQ_ZONE[3] - self.EQ_ZONE[1]
        runs: list[tuple[list, list[Mobject]]] = []
        for eq in eqs:
            shown = self.line(eq, color)
            if runs and len(runs[-1][0]) < most and (
                    sum(m.height for m in runs[-1][1]) + shown.height
                    + ROW_GAP * len(runs[-1][1]) <= zone):
                runs[-1][0].append(eq)
                runs[-1][1].append(shown)
            else:
                runs.append(([eq], [shown]))
        return [(page, self.stack(page, shown)) for page, shown in runs]

    def loss_lines(self, t: int) -> tuple[VGroup, list[str]]:
        """The sample's loss at state t, named as this sample's when the data has more
        than one (the training loss is another number); with its caption lines. In the
        text colour: the loss is neither a node's value nor a gradient."""
        eq = self.arith.loss_eq(t)
        if len(self.trace.X) == 1:
            return self.lines([eq]), [eq.text]
        words = f"({self.labels['sample_loss']})"
        return self.lines([eq, self.text(words, size=34)]), [eq.text, words]

    def explain_approx(self) -> None:
        """Once per scene, when the first line ending in ≈ has been made and the bottom
        area is free: what ≈ means, as a step of its own."""
        # the first time in full; when it comes back, a line that recalls it
        words = self.labels["approx_again" if self.note_time else self.APPROX_NOTE]
        self.approx_explained, self.note_time = True, self.renderer.time
        muted = self.theme["muted"]
        rows = [self.text(line, color=muted) for line in words]
        # the line it speaks of, again, where the bottom area has room for it too: its
        # own place may have been taken meanwhile
        quoted = [self.wrapped(self.first_approx, muted)] if self.first_approx else []
        zone = self.EQ_ZONE[3] - self.EQ_ZONE[1]
        if sum(m.height for m in quoted + rows) + NOTE_GAP * len(rows) > zone:
            quoted = []
        note = VGroup(*quoted, *rows).arrange(DOWN, aligned_edge=LEFT, buff=NOTE_GAP)
        if note.width > layout.EQ_WIDTH:  # a language whose words run long
            note.scale_to_fit_width(layout.EQ_WIDTH)
        self.place_note(note)
        self.cue(*([self.first_approx.text] if quoted else []), " ".join(words))
        aside = self.aside_for_note()
        if aside:
            self.play(*[StyleTween(m, opacity=0) for m in aside], run_time=0.3)
        self.play(fade_in(note), run_time=0.5)
        self.hold(self.reading_time(([self.first_approx] if quoted else []) + list(words)))
        self.play(FadeOut(note), run_time=0.4)
        if aside:
            self.play(*[StyleTween(m, opacity=1) for m in aside], run_time=0.3)

    def place_note(self, note: VGroup) -> None:
        """Where a note of words goes: the equations' place."""
        self.in_eq_zone(note)

    def note_may_come(self) -> bool:
        """Whether a note may come now (the bottom area is free of equations)."""
        return True

    def aside_for_note(self) -> list:
        """What is set aside (faded) while a note stands where it is."""
        return []

    # --- captions and layout snapshots -------------------------------------------------

    def cue(self, *parts) -> None:
        """Start a caption cue now with these lines (Eq or str); ends the previous one."""
        now = self.renderer.time
        if self.captions:
            self.captions[-1][1] = now
        text = minus_signs("\n".join(p.text if isinstance(p, Eq) else p for p in parts))
        self.captions.append([now, now, text])
        self.step(text)

    def play(self, *args, run_time: float | None = None, **kwargs) -> None:
        # a wait comes here too, as a Wait already paced: its run_time is its own
        if run_time is not None:
            kwargs["run_time"] = run_time * self.options["pace"]
        super().play(*args, **kwargs)
        self.snapshot(self.captions[-1][2].split("\n")[0] if self.captions else "",
                      still=len(args) == 1 and isinstance(args[0], Wait))
        if self.approx_explained:
            return
        shown = self.equations_on_screen()
        self.approx_seen = self.approx_seen or any(approx for _, approx in shown)
        if self.approx_seen and not shown and self.note_may_come():
            self.explain_approx()

    def wait(self, duration: float = 1.0, **kwargs) -> None:
        super().wait(duration * self.options["pace"], **kwargs)

    def equations_on_screen(self) -> list[tuple[VGroup, bool]]:
        """The groups made by ``lines`` that are on screen now."""
        on_screen = {id(m) for top in self.mobjects for m in top.get_family()}
        return [(g, approx) for g, approx in self.eq_groups if id(g) in on_screen]

    def end_captions(self) -> None:
        if self.approx_seen and not self.approx_explained:  # its lines stayed to the end
            last = [group for group, _ in self.equations_on_screen()]
            self.play(*[FadeOut(group) for group in last], run_time=0.4)
            self.explain_approx()
            self.play(*[fade_in(group) for group in last], run_time=0.4)
            self.hold()
        if self.captions:
            self.captions[-1][1] = self.renderer.time

    def snapshot(self, name: str, still: bool = False) -> None:
        """Boxes, sizes and outlines (turned with a label that lies along its edge)
        of the texts on screen now, for the layout tests (with ``records_layout``)."""
        if not self.records_layout:
            return
        self.snapshot_times.append(self.renderer.time)
        self.snapshot_still.append(still)
        self.snapshots.append((name, [
            ("Text" if isinstance(m, Text) else "MathTex",
             getattr(m, "tex_string", None) or getattr(m, "text", ""),
             layout.box(m), float(m.font_size), outline(m))
            for m in self.mobjects_on_screen() if opacity(m) > 0.5]))

    def mobjects_on_screen(self) -> list[Mobject]:
        out = []
        for top in self.mobjects:
            out.extend(m for m in top.get_family() if isinstance(m, (Text, MathTex)))
        # a MathTex's parts are MathTex too: keep the outermost only; a mobject both in a
        # group and added on its own (by a replacing animation) counts once
        inner = {id(p) for m in out for p in m.get_family()[1:]}
        return list({id(m): m for m in out if id(m) not in inner}.values())
