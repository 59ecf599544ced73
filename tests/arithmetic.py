"""Checks arithmetic written for people the way a student with a calculator would.

"A = B" between two numeric parts holds when the calculator, given A's numbers
exactly as written, gets B rounded to B's decimals as a student rounds (an exact
tie away from zero: 0.7455 gives 0.746, never 0.745). "A ≈ B" says the calculator
does not get B from the rounded numbers, while the true values behind them do:
then every number with p decimals stands for the interval it was rounded from (at
p = 3, 0.731 is [0.7305, 0.7315]; one with fewer decimals is exact), and the
intervals of A and B must overlap, while the calculator must indeed disagree.
Parts with letters (h₁, ∂L/∂w) are names, not arithmetic, and are skipped.
"""

import math
import re

from core.activations import HIDDEN

SUPERSCRIPT_2 = "²"
# each function a line may apply, as a calculator has it (written here, not taken from
# the code under test); test_gradients checks every named activation has one
CALCULATOR = {
    "σ": lambda x: 1 / (1 + math.exp(-x)), "tanh": math.tanh, "exp": math.exp,
    "ln": lambda x: math.log(x) if x > 0 else -math.inf,  # a rounded 0 stands for (0, 0.05]
    "relu": lambda x: max(x, 0.0), "lrelu": lambda x: x if x > 0 else 0.01 * x,
    "gelu": lambda x: 0.5 * x * (1 + math.erf(x / math.sqrt(2))),
}
# where each turns: a non-monotone function's range over an interval includes its
# extrema (the registry's claim, checked in test_gradients)
FUNCTIONS = {name: (f, ()) for name, f in CALCULATOR.items()} | {
    a.text: (CALCULATOR[a.text], a.extrema) for a in HIDDEN.values() if a.text in CALCULATOR}
NAMES = "|".join(sorted((re.escape(name) for name in FUNCTIONS if len(name) > 1), key=len,
                        reverse=True))
TWO_ARGUMENTS = {"max": max, "min": min}  # monotone in both: the ends' images bound them
TOKEN = re.compile(rf"\s*(\d+\.\d+|\d+|max|min|{NAMES}|[σ½()+×·/²−^√|,-])")


def interval(literal: str, precision: int | None) -> tuple[float, float]:
    """The values a written number may stand for; precision None: itself only."""
    value = float(literal)
    decimals = len(literal.split(".")[1]) if "." in literal else 0
    if precision is None or decimals < precision:
        return value, value
    half = 0.5 * 10 ** -decimals
    return value - half, value + half


def image(function: str, lo: float, hi: float) -> tuple[float, float]:
    """The range of a function over [lo, hi]: its values at both ends and at every
    extremum between them."""
    f, extrema = FUNCTIONS[function]
    values = [f(lo), f(hi)] + [f(x) for x in extrema if lo < x < hi]
    return min(values), max(values)


class Parser:
    """Recursive descent over + − × · / ² and functions, evaluating intervals."""

    def __init__(self, text: str, precision: int):
        self.precision = precision
        self.tokens, pos = [], 0
        text = text.strip()
        while pos < len(text):
            m = TOKEN.match(text, pos)
            if not m:
                raise ValueError(f"cannot read {text[pos:]!r}")
            self.tokens.append(m.group(1))
            pos = m.end()
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self):
        self.i += 1
        return self.tokens[self.i - 1]

    def parse(self):
        value = self.expr()
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()!r}")
        return value

    def expr(self):
        lo, hi = self.term()
        while self.peek() in ("+", "−", "-"):
            op = self.take()
            a, b = self.term()
            lo, hi = (lo + a, hi + b) if op == "+" else (lo - b, hi - a)
        return lo, hi

    def term(self):
        lo, hi = self.power()
        while self.peek() in ("×", "·", "/", "(", "½") or (self.peek() or "") in FUNCTIONS:
            op = self.take() if self.peek() in ("×", "·", "/") else "×"  # implicit ×
            a, b = self.power()
            if op == "/":
                if a <= 0 <= b:
                    raise ValueError("division by an interval around 0")
                a, b = 1 / b, 1 / a
            products = [lo * a, lo * b, hi * a, hi * b]
            lo, hi = min(products), max(products)
        return lo, hi

    def power(self):
        lo, hi = self.atom()
        while self.peek() in (SUPERSCRIPT_2, "^"):
            exponent = 2.0 if self.take() == SUPERSCRIPT_2 else self.atom()[0]
            ends = [lo ** exponent, hi ** exponent]
            even = exponent % 2 == 0
            lo, hi = (0.0 if even and lo <= 0 <= hi else min(ends)), max(ends)
        return lo, hi

    def atom(self):
        token = self.take()
        if token in ("−", "-"):
            lo, hi = self.power()
            return -hi, -lo
        if token == "½":
            return 0.5, 0.5
        if token == "√":
            lo, hi = self.atom()
            return math.sqrt(max(lo, 0.0)), math.sqrt(max(hi, 0.0))
        if token == "|":
            lo, hi = self.expr()
            self.take()
            return (0.0 if lo <= 0 <= hi else min(abs(lo), abs(hi))), max(abs(lo), abs(hi))
        if token in TWO_ARGUMENTS:
            f = TWO_ARGUMENTS[token]
            self.take()  # (
            (alo, ahi), _, (blo, bhi) = self.expr(), self.take(), self.expr()
            self.take()  # )
            return f(alo, blo), f(ahi, bhi)
        if token == "(":
            value = self.expr()
            if self.take() != ")":
                raise ValueError("unbalanced parentheses")
            return value
        if token in FUNCTIONS:
            if self.take() != "(":
                raise ValueError(f"{token} needs parentheses")
            lo, hi = self.expr()
            self.take()
            return image(token, lo, hi)
        return interval(token, self.precision)


def is_numeric(part: str) -> bool:
    stripped = part
    for name in FUNCTIONS:
        stripped = stripped.replace(name, "")
    two = any(name in stripped for name in TWO_ARGUMENTS)  # a comma only between arguments
    for name in TWO_ARGUMENTS:
        stripped = stripped.replace(name, "")
    allowed = r"[^\d\s.½()+×·/²−^√|,\-]" if two else r"[^\d\s.½()+×·/²−^√|\-]"
    return bool(re.search(r"\d", part)) and not re.search(allowed, stripped)


LITERAL = re.compile(r"[−-]?\d+(\.\d+)?")


def calculator(part: str) -> float:
    """The part evaluated from its numbers exactly as written."""
    lo, hi = Parser(part, None).parse()
    return (lo + hi) / 2


def calculator_agrees(left: str, right: str) -> bool:
    got = calculator(left)
    right = right.strip()
    if not LITERAL.fullmatch(right):  # two expressions: equal values
        return abs(got - calculator(right)) <= 1e-9 * max(1.0, abs(got))
    decimals = len(right.split(".")[1]) if "." in right else 0
    shown = float(right.replace("−", "-"))
    half, error = 0.5 * 10 ** -decimals, abs(got - shown)
    if math.isclose(error, half, rel_tol=1e-9, abs_tol=1e-12):  # a tie: away from zero
        return abs(shown) > abs(got)
    return error < half


def relations(line: str) -> list[tuple[str, str, str]]:
    """(left, relation, right) for each = or ≈ joining two numeric parts."""
    pieces = re.split(r"(=|≈)", line)
    parts = [p.split("←")[-1].split("→")[-1] for p in pieces[::2]]
    return [(a, rel, b) for a, rel, b in zip(parts, pieces[1::2], parts[1:])
            if is_numeric(a) and is_numeric(b)]


def check_line(line: str, precision: int = 3) -> list[str]:
    """Problems of one line: each = a calculator refutes, each ≈ whose true values
    cannot agree or where = would have held."""
    problems = []
    for left, rel, right in relations(line):
        said = f"{left.strip()} {rel} {right.strip()}"
        if rel == "=":
            if not calculator_agrees(left, right):
                problems.append(f"{said}: a calculator gets {calculator(left):.10g}")
            continue
        (lo, hi), (rlo, rhi) = Parser(left, precision).parse(), Parser(right, precision).parse()
        if hi < rlo - 1e-12 or lo > rhi + 1e-12:
            problems.append(f"{said} does not hold ([{lo:.6g}, {hi:.6g}] vs "
                            f"[{rlo:.6g}, {rhi:.6g}])")
        if calculator_agrees(left, right):
            problems.append(f"{said}: a calculator agrees, so it should say =")
    return problems


def count_checked(line: str) -> int:
    """How many relations of a line joined two numeric parts (to know a check happened)."""
    return len(relations(line))
