"""How numbers are written on screen and in captions.

A number is rounded to the scene's precision. Trailing zeros are dropped only
when nothing was rounded away (0.8 stays 0.8, but sigma(0.8) = 0.68997... is
0.690), so the digits shown always say how precise the number is. Data values
that are whole numbers (inputs, labels) are written as integers, as the post does.
"""

import math
import re

MINUS = "−"  # U+2212: a real minus sign, for captions and Text
_HYPHEN_BEFORE_NUMBER = re.compile(r"(?<![\w.])-(?=\.?\d)")


def minus_signs(text: str) -> str:
    """Caption text with a real minus sign before every negative number (words such
    as "cross-entropy" keep their hyphen)."""
    return _HYPHEN_BEFORE_NUMBER.sub(MINUS, text)


def fmt(value: float, precision: int = 3, keep_integer: bool = False) -> str:
    """``value`` rounded to ``precision`` decimals, ASCII minus (for LaTeX)."""
    value = float(value)
    if keep_integer and value == round(value):
        return f"{int(round(value))}"
    text = f"{value:.{precision}f}"
    if abs(float(text) - value) < 1e-12 * max(1.0, abs(value)):
        text = text.rstrip("0")
        text = text + "0" if text.endswith(".") else text
    if float(text) == 0:
        text = text.lstrip("-")
    return text


def loss_text(value: float) -> str:
    """A loss at three decimals, or in scientific notation below 0.001, where three
    decimals would say 0.000 for a run that has in fact learned the most."""
    if value == 0 or abs(value) >= 0.001:
        return compact(value, 3)
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{MINUS if int(exponent) < 0 else ''}{abs(int(exponent))}"


def compact(value: float, decimals: int) -> str:
    """Fixed decimals for ordinary values, scientific notation from 1000 on (a
    diverging run's numbers must still fit their place); never a negative zero
    (−0.004 at two decimals is 0.00, not −0.00)."""
    text = f"{value:.{decimals}f}" if abs(value) < 1000 else f"{value:.1e}"
    return text.lstrip("-") if float(text) == 0 else text


def significant(value: float, digits: int = 2) -> str:
    """``value`` to ``digits`` significant digits: fixed from 0.001 to below 1000, in
    scientific notation (1.6e−5) outside, where a gradient's size spans many decades."""
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return compact(value, 0) if value == 0 else f"{value}"
    rounded = float(f"{value:.{digits - 1}e}")
    exponent = math.floor(math.log10(abs(rounded)))
    if -3 <= exponent < 3:
        return f"{rounded:.{max(digits - 1 - exponent, 0)}f}"
    mantissa, power = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa}e{MINUS if int(power) < 0 else ''}{abs(int(power))}"
