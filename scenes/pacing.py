"""How long a story scene gives each thing: a block is written row after row, as it
is read, and a finished block stays still long enough to read (at pace 1; the
scene's ``wait`` scales by its pace).

A mixin of ``StoryScene``, which supplies ``play`` and ``wait``."""

import re

from manim import Mobject

from scenes.arith import Eq
from scenes.tweens import rows, write

HOLD = 3.0  # seconds a finished block stays still on screen, at pace 1
END_HOLD = 8.0  # and the last one, where a viewer pauses and compares
READ_PER_LINE = 1.6  # seconds to read one line of equations, at pace 1
READ_CHARS_PER_SECOND = 15  # of a line's text, where a long line needs more than that
WRITE_PER_ROW, WRITE_LEAST = 0.8, 1.4  # seconds to write a block: a row, and at least
ROW_PAUSE = 1.0  # between two rows of a block written a row at a time
CHECK_PER_LINE = 4.0  # a block of worked lines, a line at least: each checked, not only read
CHECK_PER_PRODUCT = 2.5  # and a line of several products: each one a calculator's step
# a product a calculator makes: two numbers either side of ×
PRODUCT = re.compile(r"(\(?−?[\d.]+) × (?=(\(?−?[\d.]+))")


class Paced:
    """Holds and row-by-row writing, timed by the constants above."""

    def hold(self, seconds: float = HOLD) -> None:
        """Keep what was just finished still on screen (HOLD seconds): time to read it
        (nothing moves meanwhile, so the eye stays on it)."""
        self.wait(seconds)

    def write_rows(self, block: Mobject, also: list = ()) -> None:
        """A block written a row at a time, ROW_PAUSE between two rows: each read
        before the next comes (``also`` plays with the first). The block then stands
        as one, as ``write`` would have left it."""
        parts = rows(block)
        for k, row in enumerate(parts):
            if k:
                self.wait(ROW_PAUSE)
            self.play(write(row), *(also if k == 0 else []), run_time=WRITE_PER_ROW)
        self.remove(*parts)
        self.add(block)

    @staticmethod
    def write_time(block: Mobject) -> float:
        """How long a block of lines takes to be written, row after row: WRITE_PER_ROW
        a row, WRITE_LEAST at least (a one-line block as it always was)."""
        return max(WRITE_LEAST, WRITE_PER_ROW * len(rows(block)))

    @staticmethod
    def reading_time(lines: "int | list") -> float:
        """How long a finished block of equation lines stays still: HOLD, or longer
        for a block too long to read in it; READ_PER_LINE a line, or, given the lines
        themselves, as long as their characters take at READ_CHARS_PER_SECOND where
        that is longer (a long derivation is read slower than a short update)."""
        if isinstance(lines, int):
            return max(HOLD, READ_PER_LINE * lines)
        texts = [line.text if isinstance(line, Eq) else str(line) for line in lines]
        return max(HOLD, sum(max(READ_PER_LINE, len(text) / READ_CHARS_PER_SECOND)
                             for text in texts))

    def check_time(self, lines: list) -> float:
        """How long a finished block of worked lines stays still: time to read it, and
        to check each line with a calculator, CHECK_PER_LINE a line, or
        CHECK_PER_PRODUCT for each product it asks for where that is longer."""
        return max(self.reading_time(lines),
                   sum(max(CHECK_PER_LINE, CHECK_PER_PRODUCT * products(eq)) for eq in lines))


def products(eq: "Eq | str") -> int:
    """How many products of two numbers a line asks of a calculator (1 × 0.8 asks
    none)."""
    text = eq.text if isinstance(eq, Eq) else str(eq)
    return sum("1" not in (a.lstrip("(−"), b.lstrip("−")) for a, b in PRODUCT.findall(text))
