"""Ticks for a panel's axes: a few round numbers inside a range, and where they go."""

import math

import numpy as np
from manim import DOWN, LEFT, Line, VGroup

from scenes.numerals import MINUS, minus_signs


def nice_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Round values (1, 2 or 5 times a power of ten apart) inside [low, high]: as
    many as fit in ``most``, at least two where the range allows."""
    span = high - low
    if span <= 0:
        return [low]
    top = int(math.floor(math.log10(span))) + 1
    for power in range(top - 3, top + 1):  # the finest step that gives few enough
        for mantissa in (1, 2, 5):
            step = mantissa * 10.0 ** power
            first = math.ceil(low / step - 1e-9)
            count = math.floor(high / step + 1e-9) - first + 1
            if 2 <= count <= most:
                return [round((first + i) * step, 12) + 0.0 for i in range(count)]
    return [low, high]


def tick_text(value: float) -> str:
    """A tick's number, short: 0.001, 250, 1e−7 (not 1e-07)."""
    mantissa, e, exponent = f"{value:g}".partition("e")
    if e:
        mantissa += "e" + str(int(exponent)).replace("-", MINUS)
    return minus_signs(mantissa)


def ticks_below(look, values: list[float], at, y: float, size: float = 18) -> VGroup:
    """Tick marks hanging from y and their numbers, at scene x = at(value)."""
    group = VGroup()
    for v in values:
        x = at(v)
        mark = Line([x, y, 0], [x, y - 0.08, 0], color=look.theme["muted"], stroke_width=2)
        group.add(mark, look.number(tick_text(v), size).next_to(mark, DOWN, buff=0.05))
    return group


def ticks_left(look, values: list[float], at, x: float, size: float = 18) -> VGroup:
    """Tick marks left of x and their numbers, at scene y = at(value)."""
    group = VGroup()
    for v in values:
        y = at(v)
        mark = Line([x, y, 0], [x - 0.08, y, 0], color=look.theme["muted"], stroke_width=2)
        group.add(mark, look.number(tick_text(v), size).next_to(mark, LEFT, buff=0.05))
    return group


def scale(low: float, high: float, start: float, end: float):
    """The affine map from [low, high] onto scene coordinates [start, end]."""
    span = (high - low) or 1.0
    return lambda v: start + (np.asarray(v) - low) / span * (end - start)

