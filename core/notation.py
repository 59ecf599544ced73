"""The notation key's parameter names, as a user types them and as the screen shows them.

Weights of the first layer are w, then v, then u: w₁₂ joins node 1 of one layer to
node 2 of the next. Biases are b, then c, then d: b₂ is node 2's. A user types
``w12`` (or ``w1_12`` where a layer has ten nodes or more, or ``w₁₂``); the screen
shows subscripts. Networks with more than three weight layers have no names here.
"""

import re
from dataclasses import dataclass

from core.errors import ConfigError

WEIGHT_LETTERS = ("w", "v", "u")
BIAS_LETTERS = ("b", "c", "d")
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_FROM_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def sub(i: int) -> str:
    """An index as subscript digits: 12 -> ₁₂."""
    return str(i).translate(SUBSCRIPTS)


@dataclass(frozen=True)
class Parameter:
    """One weight or bias: which array of the trace holds it and where (0-based)."""

    kind: str  # "W" (a weight) or "b" (a bias)
    layer: int  # weight layer: 0 joins the inputs to the first hidden layer
    row: int  # a weight's source node; 0 for a bias
    col: int  # the node it feeds

    @property
    def label(self) -> str:
        """The name on screen: w₁₂, b₂."""
        if self.kind == "b":
            return f"{BIAS_LETTERS[self.layer]}{sub(self.col + 1)}"
        a, b = self.row + 1, self.col + 1
        gap = "," if max(a, b) > 9 else ""
        return f"{WEIGHT_LETTERS[self.layer]}{sub(a)}{gap}{sub(b)}"

    def of(self, weights: list, biases: list):
        """This parameter's value(s) in lists of per-layer arrays, state axes first."""
        if self.kind == "b":
            return biases[self.layer][..., self.col]
        return weights[self.layer][..., self.row, self.col]


def every_name(layers: list[int], bias: bool = True) -> list[str]:
    """The typed names of all parameters that have one, layer by layer."""
    names = []
    for layer, (fan_in, fan_out) in enumerate(zip(layers[:3], layers[1:4])):
        gap = "_" if max(fan_in, fan_out) > 9 else ""
        names += [f"{WEIGHT_LETTERS[layer]}{a + 1}{gap}{b + 1}"
                  for a in range(fan_in) for b in range(fan_out)]
        if bias:
            names += [f"{BIAS_LETTERS[layer]}{b + 1}" for b in range(fan_out)]
    return names


def parameter(name: str, layers: list[int], bias: bool = True) -> Parameter:
    """The parameter a typed name means in a network of these layer sizes; a
    ConfigError names the valid ones."""
    typed = name.strip().translate(_FROM_SUBSCRIPTS).replace(",", "_")
    match = re.fullmatch(r"([a-z])(\d+)(?:_(\d+))?", typed)
    found = None
    if match:
        letter, first, second = match.groups()
        if letter in WEIGHT_LETTERS:
            found = _weight(WEIGHT_LETTERS.index(letter), first, second, layers)
        elif letter in BIAS_LETTERS and bias and second is None:
            layer = BIAS_LETTERS.index(letter)
            if layer < len(layers) - 1 and 1 <= int(first) <= layers[layer + 1]:
                found = Parameter("b", layer, 0, int(first) - 1)
    if found is None:
        names = every_name(layers, bias)
        shown = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")
        raise ConfigError(f"{name!r} is not a parameter of this network (layers {layers}); "
                          f"its names: {shown}")
    return found


def _weight(layer: int, first: str, second: str | None, layers: list[int]) -> Parameter | None:
    if layer >= len(layers) - 1:
        return None
    fan_in, fan_out = layers[layer], layers[layer + 1]
    if second is None:  # w12: one digit each, unless a layer has ten nodes or more
        if len(first) != 2 or max(fan_in, fan_out) > 9:
            return None
        first, second = first[0], first[1]
    a, b = int(first), int(second)
    if 1 <= a <= fan_in and 1 <= b <= fan_out:
        return Parameter("W", layer, a - 1, b - 1)
    return None
