"""What every panel shares: the look it is drawn in, the panel protocol, and the
scene that runs panels on one clock with the panel camera's fast paths."""

import re
from dataclasses import dataclass
from functools import cache

import cairo
import numpy as np
from manim import DOWN, LEFT, RIGHT, Circle, Line, Mobject, Square, ValueTracker, VGroup, linear

from core.trace import Trace
from scenes.camera import PanelCamera
from scenes.glyphs import MonoNumber
from scenes.layout import FONTS, Box
from scenes.numerals import minus_signs
from scenes.slides import StepScene
from scenes.tex import Words


def blend(stack: np.ndarray, s: float) -> np.ndarray:
    """stack[s] with linear interpolation between whole indices."""
    i = min(int(np.floor(s)), len(stack) - 1)
    j = min(i + 1, len(stack) - 1)
    f = s - i
    return stack[i] if f == 0 or i == j else stack[i] * (1 - f) + stack[j] * f


def grid_index(trace: Trace, s: float) -> float:
    """Continuous index into the recorded grids at continuous state s."""
    return float(np.interp(s, trace.grid_states, np.arange(len(trace.grid_states))))


SYMBOL_RUN = re.compile("[₀-₉⁰¹²³⁴⁵⁶⁷⁸⁹⁻∂′≈σηŷ]+")  # in the Latin font whatever the language
MEASURED = "The quick brown fox jumps over the lazy dog, 0.123 × 4.5e−6"


def measure(font: str, text: str) -> float:
    """The advance of ``text`` in ``font`` at Cairo's size 1 (any unit: see text_scale)."""
    context = cairo.Context(cairo.ImageSurface(cairo.FORMAT_A8, 1, 1))
    context.select_font_face(font)
    return context.text_extents(text).x_advance


@cache
def text_scale(font: str, size: float) -> float:
    """Scene units per measured unit for words of ``font`` at ``size``, from one text."""
    return Words(MEASURED, font=font, font_size=size).width / measure(font, MEASURED)


@dataclass(frozen=True)
class Look:
    """The theme's colours, the language's words and its font."""

    theme: dict
    labels: dict
    font: str

    def words(self, text: str, size: float = 20, colour: str = "muted",
              parts: dict[str, str] | None = None) -> Words:
        """Words in the language's font; subscript digits (w₁₁) and the calculus' symbols
        (∂, σ′, ≈) in the Latin font, which has them at full size (NanumGothic draws
        subscripts as specks and ∂ small). ``parts``: substrings in colours of their
        own, on the same baseline."""
        symbols = {run: FONTS["en"] for run in SYMBOL_RUN.findall(text)}
        return Words(text, font=self.font, font_size=size,
                     color=self.theme.get(colour, colour),
                     t2f=symbols if self.font != FONTS["en"] else {},
                     t2c={part: self.theme.get(c, c) for part, c in (parts or {}).items()})

    def paragraph(self, text: str, size: float, width: float, colour: str = "text") -> VGroup:
        """Words broken into left-aligned lines no wider than ``width``, word by word.
        Lines are measured with Cairo's text extents, scaled to the words as drawn:
        building a text to measure each candidate line would cost a layout each."""
        scale = text_scale(self.font, size)
        lines, line = [], ""
        for word in text.split():
            longer = f"{line} {word}".strip()
            if line and measure(self.font, longer) * scale > width:
                lines.append(line)
                longer = word
            line = longer
        block = VGroup(*[self.words(one, size, colour) for one in lines + [line]])
        block.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        return block.scale_to_fit_width(width) if block.width > width else block

    def number(self, text: str, size: float = 18, colour: str = "muted") -> MonoNumber:
        """A number from the glyph cache: no text layout per number (an axis has many)."""
        return MonoNumber(text, font_size=size, color=self.theme.get(colour, colour))

    def key(self, entries: list[tuple[Mobject | None, str | None]], size: float = 20,
            buff: float = 0.4, width: float = 6.0) -> VGroup:
        """(symbol, words) pairs, what each colour or mark means (a symbol None: words
        alone; words None: a symbol that says it all), in rows no wider than ``width``,
        centred on each other. A pair is never split between rows."""
        pairs = [VGroup(self.words(text, size)) if symbol is None else VGroup(symbol)
                 if text is None else
                 VGroup(symbol, self.words(text, size)).arrange(RIGHT, buff=0.12)
                 for symbol, text in entries]
        rows, row = [], VGroup()
        for pair in pairs:
            if len(row) and row.width + buff + pair.width > width:
                rows.append(row)
                row = VGroup()
            row.add(pair)
            row.arrange(RIGHT, buff=buff)
        rows.append(row)
        return VGroup(*rows).arrange(DOWN, buff=0.12)

    def swatch(self, colour: str, kind: str = "dot") -> Mobject:
        """A key's symbol: a dot (a data point), a line (an edge) or a square (an area)."""
        colour = self.theme.get(colour, colour)
        if kind == "line":
            return Line([0, 0, 0], [0.4, 0, 0], color=colour, stroke_width=6)
        if kind == "square":
            return Square(0.2, stroke_width=0, fill_color=colour, fill_opacity=1)
        return Circle(0.08, stroke_width=1.5, color=self.theme["background"],
                      fill_color=colour, fill_opacity=1)


class Panel:
    """One view of a trace inside a box, drawn at any fractional state.

    ``still``: mobjects drawn once; ``moving``: mobjects that ``draw`` changes."""

    def __init__(self, trace: Trace, box: Box, look: Look):
        self.trace, self.box, self.look = trace, box, look
        self.still: list[Mobject] = []
        self.moving: list[Mobject] = []

    def draw(self, s: float) -> None:
        raise NotImplementedError


class PanelScene(StepScene):
    """Panels on one clock, rendered with the panel camera.

    manim redraws every frame only what comes after the first mobject with an
    updater, and draws what comes before it once, as a background. ``mount`` adds
    the panels' still parts first, then the clock (the one mobject with an
    updater), then their moving parts; ``update_mobjects`` visits only mobjects with
    updaters, where manim's would walk every glyph of every text each frame."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("camera_class", PanelCamera)
        super().__init__(*args, **kwargs)
        self.captions: list[list] = []  # [start, end, text]: the WebVTT cues

    def cue(self, text: str) -> None:
        """A caption from now on (ending the one before) and a step: a slide in a deck."""
        now = self.renderer.time
        if self.captions:
            self.captions[-1][1] = now
        text = minus_signs(text)
        self.captions.append([now, now, text])
        self.step(text)

    def end_captions(self) -> None:
        """The last caption lasts to the end of the video."""
        self.captions[-1][1] = self.renderer.time

    def mount(self, panels: list[Panel], state_at, extra_still=(), extra_moving=()) -> None:
        """Add the panels, drawn at ``state_at(u)`` for the clock's progress u."""
        self.panels, self.state_at = panels, state_at
        self.progress = ValueTracker(0.0)
        self.clock = Mobject()
        self.clock.add_updater(lambda m: self.draw_panels(self.progress.get_value()))
        self.draw_panels(0.0)
        still = [m for panel in panels for m in panel.still] + list(extra_still)
        moving = [m for panel in panels for m in panel.moving] + list(extra_moving)
        self.add(*still, self.clock, *moving)

    def draw_panels(self, u: float) -> None:
        s = self.state_at(u)
        for panel in self.panels:
            panel.draw(s)
        self.on_state(s)

    def on_state(self, s: float) -> None:
        """What the scene itself shows at state s (its readouts); nothing by default."""

    def advance(self, to: float, run_time: float) -> None:
        """Run the clock to progress ``to`` at a steady pace."""
        self.play(self.progress.animate.set_value(to), run_time=run_time, rate_func=linear)

    def stop_clock(self) -> None:
        self.clock.clear_updaters()

    def update_mobjects(self, dt: float) -> None:
        for mobject in self.mobjects:
            if mobject.updaters:
                mobject.update(dt)
