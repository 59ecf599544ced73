"""Checks that arithmetic written for people holds at the precision it is written.

Numbers are written at a precision p (decimals). One with p decimals is a true
value rounded, so it stands for an interval: at p = 3, 0.731 is [0.7305, 0.7315].
One with fewer decimals is exact (trailing zeros are dropped only when nothing
was rounded away), and so are whole numbers (data such as x = 1, constants such
as the 1 in 1 - sigma). A chain a = b = c holds when
the intervals of its numeric parts overlap pairwise in order. Parts with
letters (h₁, ∂L/∂w) are names, not arithmetic, and are skipped.
"""

import math
import re

SUPERSCRIPT_2 = "²"
FUNCTIONS = {
    "σ": lambda x: 1 / (1 + math.exp(-x)), "tanh": math.tanh, "exp": math.exp,
    "ln": math.log, "relu": lambda x: max(x, 0.0),
}
TOKEN = re.compile(r"\s*(\d+\.\d+|\d+|tanh|relu|exp|ln|[σ½()+×·/²−-])")


def interval(literal: str, precision: int) -> tuple[float, float]:
    value = float(literal)
    decimals = len(literal.split(".")[1]) if "." in literal else 0
    if decimals < precision:
        return value, value
    half = 0.5 * 10 ** -decimals
    return value - half, value + half


def _monotone(f, lo, hi):
    a, b = f(lo), f(hi)
    return (a, b) if a <= b else (b, a)


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
        while self.peek() == SUPERSCRIPT_2:
            self.take()
            squares = [lo * lo, hi * hi]
            lo, hi = (0.0 if lo <= 0 <= hi else min(squares)), max(squares)
        return lo, hi

    def atom(self):
        token = self.take()
        if token in ("−", "-"):
            lo, hi = self.power()
            return -hi, -lo
        if token == "½":
            return 0.5, 0.5
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
            return _monotone(FUNCTIONS[token], lo, hi)
        return interval(token, self.precision)


def is_numeric(part: str) -> bool:
    stripped = part
    for name in FUNCTIONS:
        stripped = stripped.replace(name, "")
    return bool(re.search(r"\d", part)) and not re.search(r"[^\d\s.½()+×·/²−\-]", stripped)


def check_line(line: str, precision: int = 3) -> list[str]:
    """Problems of one line: pairs of numeric parts of a chain that disagree."""
    problems, previous = [], None
    for part in line.split("="):
        part = part.split("←")[-1].split("→")[-1]
        if not is_numeric(part):
            continue
        lo, hi = Parser(part, precision).parse()
        if previous is not None:
            (plo, phi), ptext = previous
            if hi < plo - 1e-12 or lo > phi + 1e-12:
                problems.append(f"{ptext.strip()} = {part.strip()} does not hold "
                                f"([{plo:.6g}, {phi:.6g}] vs [{lo:.6g}, {hi:.6g}])")
        previous = ((lo, hi), part)
    return problems


def count_checked(line: str) -> int:
    """How many '=' of a line joined two numeric parts (to know a check happened)."""
    parts = [p.split("←")[-1].split("→")[-1] for p in line.split("=")]
    return sum(is_numeric(a) and is_numeric(b) for a, b in zip(parts, parts[1:]))
