"""One bar per weight layer, under the layer it measures, on a log axis: how large
the gradient is in each layer (core/depth.py's mean |∂L/∂w|).

The bars fill from the output back to the input (``filled``, in layers, fractional
while one grows), as backpropagation computes them; after that they follow the
clock. A short mark keeps each bar's first height, so that a bar that shrinks over
training shows from where.
"""

import math

import numpy as np
from manim import DOWN, LEFT, UP, Line, Polygon

from scenes.glyphs import MonoNumber
from scenes.numerals import significant
from scenes.panels.base import Look, Panel

MIN_DECADES, MAX_DECADES = 8, 12  # the axis spans at least / at most this many


def decades(sizes: np.ndarray) -> tuple[int, int]:
    """(low, high) powers of ten around every positive size, from 10⁰ (or above) down
    at least MIN_DECADES: two runs of one network get the same axis, so that their
    bars compare at a glance. A zero is drawn at the floor (log 0 has no place)."""
    positive = sizes[np.isfinite(sizes) & (sizes > 0)]
    if positive.size == 0:
        return -MIN_DECADES, 0
    high = max(math.ceil(math.log10(positive.max()) - 1e-9), 0)
    low = math.floor(math.log10(positive.min()) + 1e-9)
    low = max(min(low, high - MIN_DECADES), high - MAX_DECADES)
    return low, high


def power_of_ten(exponent: int) -> str:
    """10⁻⁸ as the axis writes it."""
    return "10" + str(exponent).replace("-", "⁻").translate(str.maketrans("0123456789",
                                                                            "⁰¹²³⁴⁵⁶⁷⁸⁹"))


class LayerBars(Panel):
    """``sizes`` (updates, layers); ``centres``: each bar's x; ``box``'s y range is the
    axis (the value labels go above its top)."""

    def __init__(self, trace, box, look: Look, sizes: np.ndarray, centres: list[float],
                 bar_width: float = 0.5, names: list[str] | None = None):
        """``names``: each bar's layer, written under it."""
        super().__init__(trace, box, look)
        self.sizes = sizes
        self.low, self.high = decades(sizes)
        self.filled = float(len(centres))  # layers shown, from the output
        self.drawn = None  # (update, filled) last drawn
        theme = look.theme
        x0, y0, x1, y1 = box
        self.base, self.top = y0, y1
        axis_x = x0
        self.still.append(Line([axis_x, y0, 0], [axis_x, y1, 0], color=theme["muted"],
                               stroke_width=2))
        step = max(1, math.ceil((self.high - self.low) / 6))  # at most ~7 labelled ticks
        for exponent in range(self.high, self.low - 1, -step):
            y = self.y_of(10.0 ** exponent)
            tick = Line([axis_x - 0.08, y, 0], [x1, y, 0], color=theme["panel"],
                        stroke_width=1.5)
            label = look.words(power_of_ten(exponent), 17).next_to(
                [axis_x - 0.1, y, 0], LEFT, buff=0.05)
            self.still += [tick, label]
        self.bars, self.labels, self.marks = [], [], []
        for x, name in zip(centres, names or []):
            self.still.append(look.words(name, 17).next_to([x, y0, 0], DOWN, buff=0.08))
        for x in centres:
            bar = Polygon(*self.corners(x, bar_width, y0), stroke_width=0,
                          fill_color=theme["gradient"], fill_opacity=1)
            label = MonoNumber("0", 18, theme["text"], halo=theme["background"])
            mark = Line([x - bar_width * 0.7, y0, 0], [x + bar_width * 0.7, y0, 0],
                        color=theme["muted"], stroke_width=3).set_opacity(0)
            self.bars.append((x, bar_width, bar))
            self.labels.append(label)
            self.marks.append(mark)
        # the marks under the numbers: a bar that shrank has its number below its mark
        self.moving += [bar for *_, bar in self.bars] + self.marks + self.labels

    def corners(self, x: float, width: float, y: float) -> list[np.ndarray]:
        return [np.array(p) for p in ([x - width / 2, self.base, 0], [x + width / 2, self.base, 0],
                                      [x + width / 2, y, 0], [x - width / 2, y, 0])]

    def y_of(self, size: float) -> float:
        """The height of a size on the log axis; zero (or below the floor) at the base."""
        if not size > 0:
            return self.base
        f = (math.log10(size) - self.low) / (self.high - self.low)
        return self.base + (self.top - self.base) * min(max(f, 0.0), 1.0)

    def state(self, s: float) -> int:
        """The update whose gradient the bars show at state s (none after the last)."""
        return min(int(round(s)), len(self.sizes) - 1)

    def show_start_marks(self) -> None:
        """From now on, a mark at each bar's height at the first update."""
        for mark, size in zip(self.marks, self.sizes[0]):
            y = self.y_of(float(size))
            mark.put_start_and_end_on(mark.get_start() * [1, 0, 0] + [0, y, 0],
                                      mark.get_end() * [1, 0, 0] + [0, y, 0])
            mark.set_opacity(1)

    def draw(self, s: float) -> None:
        if (self.state(s), self.filled) == self.drawn:
            return
        self.drawn = (self.state(s), self.filled)
        values = self.sizes[self.state(s)]
        count = len(values)
        for j, ((x, width, bar), label) in enumerate(zip(self.bars, self.labels)):
            grown = min(max(self.filled - (count - 1 - j), 0.0), 1.0)  # the output's first
            y = self.base + (self.y_of(float(values[j])) - self.base) * grown
            bar.set_points_as_corners([*self.corners(x, width, y), self.corners(x, width, y)[0]])
            label.set_text(significant(float(values[j])) if grown >= 1 else "")
            under = self.marks[j].get_y() if self.marks[j].get_stroke_opacity() else None
            if under is not None and 0 <= under - y < 0.4:  # just under its first height
                y = under  # above the mark, not struck through by it
            label.next_to([x, max(y, self.base), 0], UP, buff=0.08)
            label.set_opacity(1 if grown >= 1 else 0)

    def value_texts(self, s: float) -> list[str]:
        """Each bar's label at state s, as shown (input layer first)."""
        return [significant(float(v)) for v in self.sizes[self.state(s)]]

