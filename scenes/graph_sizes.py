"""The sizes of a graph's texts before anything is typeset, from their glyphs'
widths at TEX_SIZE (scene units): the layout checked before training and the one
rendered are then the same, whatever typesets the texts."""

from core.graph import Graph
from scenes.graph_arith import GraphArithmetic
from scenes.graph_layout import Sizes

# digits, the minus sign, the point; a name's least width
DIGIT, MINUS_WIDTH, POINT, NAME_WIDTH = 0.24, 0.35, 0.09, 0.55
NAME_CHAR = 0.25  # a longer name's width per character: σ(h₁)
NUMBER_HEIGHT, NAME_HEIGHT = 0.34, 0.38  # a name's subscript reaches lower than a digit
NARROW, WIDE, LETTER = 0.14, 0.33, 0.29  # a symbol's parentheses and dots; operators; letters


def title_width(text: str) -> float:
    """A title's width, as typeset, from its characters (a formula's operators come
    with space around them; a subscript is small)."""
    widths = {" ": 0.0, "+": 0.45, "−": 0.45, "=": 0.45, "·": 0.45, "×": 0.45, "/": 0.3,
              "(": 0.19, ")": 0.19, ".": 0.09, ",": 0.15}
    return sum(widths.get(ch, 0.17 if ch in "₀₁₂₃₄₅₆₇₈₉" else DIGIT if ch.isdigit()
                                 else LETTER) for ch in text)


def symbol_width(text: str) -> float:
    """A gate's symbol, as its caption text: ×(−1), exp, 1/(·)."""
    return sum(NARROW if ch in "()·|." else WIDE if ch in "×−+" else LETTER if ch.isalpha()
               else 0.0 if ch == "^" else DIGIT for ch in text)


def number_width(text: str) -> float:
    return sum(MINUS_WIDTH if ch == "-" else POINT if ch == "." else DIGIT for ch in text)


def estimate(graph: Graph, arith: GraphArithmetic, i: int) -> Sizes:
    """A node's text sizes before typesetting, from the glyphs' widths."""
    node = graph.nodes[i]
    symbol = (symbol_width(arith.gate_label(node)[1]), NAME_HEIGHT) if node.op else (0.0, 0.0)
    return Sizes((number_width(arith.n(node.value)), NUMBER_HEIGHT),
                 (number_width(arith.grad_text(node)), NUMBER_HEIGHT),
                 (max(NAME_WIDTH, NAME_CHAR * len(arith.names(node)[1])), NAME_HEIGHT), symbol)
