"""Typed formulas, read by a small parser of our own: nothing is ever evaluated as
Python, so a formula can name only numbers, variables and the functions below.

Grammar (lowest precedence first; ``^`` and ``**`` are the same power, right to left):

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | power
    power   := atom (("^" | "**") unary)?
    atom    := NUMBER | NAME | FUNCTION "(" sum ("," sum)* ")" | "(" sum ")"

so ``-x^2`` is ``-(x^2)`` and ``2^-1`` is one half, as in mathematics. Errors say
where, counting columns from 1.
"""

import re
from dataclasses import dataclass

from core.errors import ConfigError

# name -> how many arguments it takes; "σ" is sigmoid
FUNCTIONS = {"exp": 1, "log": 1, "sqrt": 1, "sigmoid": 1, "tanh": 1, "relu": 1, "abs": 1,
             "max": 2, "min": 2}
ALIASES = {"σ": "sigmoid", "ln": "log"}
MAX_LENGTH = 300  # characters: a formula longer than this would not fit the picture anyway

# what a user may type for an operator, as the operator we use
SPELLINGS = {"**": "^", "−": "-", "×": "*", "·": "*", "÷": "/"}
TOKEN = re.compile(r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
                   r"|(?P<name>[A-Za-z_σ][A-Za-z0-9_]*)"
                   r"|(?P<op>\*\*|[-+*/^(),−×·÷]))")


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Apply:
    """An operator or a function applied to its arguments: op is '+', '-', '*', '/',
    '^', 'neg' or a name of FUNCTIONS."""

    op: str
    args: tuple


Expr = Num | Var | Apply


def tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, column) of every token, then ("end", "", column)."""
    out, at = [], 0
    while at < len(text):
        if text[at:].strip() == "":
            break
        match = TOKEN.match(text, at)
        if match is None or match.end() == at:
            column = at + len(text[at:]) - len(text[at:].lstrip()) + 1
            raise ConfigError(f"--expr: unexpected {text[column - 1]!r} at column {column}; "
                              f"use numbers, names, + - * / ^, functions and parentheses")
        kind = match.lastgroup
        word = match.group(kind)
        out.append((kind, SPELLINGS.get(word, word), match.start(kind) + 1))
        at = match.end()
    out.append(("end", "", len(text) + 1))
    return out


class Parser:
    def __init__(self, text: str):
        self.toks, self.at = tokens(text), 0

    def peek(self) -> tuple[str, str, int]:
        return self.toks[self.at]

    def take(self) -> tuple[str, str, int]:
        self.at += 1
        return self.toks[self.at - 1]

    def expect(self, op: str, why: str) -> None:
        kind, word, column = self.take()
        if word != op or kind != "op":
            found = "the end" if kind == "end" else repr(word)
            raise ConfigError(f"--expr: expected {op!r} {why} at column {column}, "
                              f"found {found}")

    def sum(self) -> Expr:
        return self.left_to_right(("+", "-"), self.product)

    def product(self) -> Expr:
        return self.left_to_right(("*", "/"), self.unary)

    def left_to_right(self, ops: tuple[str, ...], operand) -> Expr:
        """operand (op operand)*, grouped from the left: x - y - z is (x - y) - z."""
        left = operand()
        while self.peek()[0] == "op" and self.peek()[1] in ops:
            op = self.take()[1]
            left = Apply(op, (left, operand()))
        return left

    def unary(self) -> Expr:
        if self.peek()[:2] == ("op", "-"):
            self.take()
            inner = self.unary()
            return Num(-inner.value) if isinstance(inner, Num) else Apply("neg", (inner,))
        return self.power()

    def power(self) -> Expr:
        base = self.atom()
        if self.peek()[:2] == ("op", "^"):
            self.take()
            return Apply("^", (base, self.unary()))
        return base

    def atom(self) -> Expr:
        kind, word, column = self.take()
        if kind == "number":
            return Num(float(word))
        if kind == "name":
            name = ALIASES.get(word, word)
            if self.peek()[:2] == ("op", "("):
                return self.call(name, word, column)
            if name in FUNCTIONS:
                raise ConfigError(f"--expr: {word} at column {column} is a function; "
                                  f"write {word}(...)")
            return Var(word)
        if (kind, word) == ("op", "("):
            inner = self.sum()
            self.expect(")", f"to close the '(' of column {column}")
            return inner
        found = "the end of the formula" if kind == "end" else repr(word)
        raise ConfigError(f"--expr: expected a number, a name or '(' at column {column}, "
                          f"found {found}")

    def call(self, name: str, word: str, column: int) -> Apply:
        if name not in FUNCTIONS:
            raise ConfigError(f"--expr: unknown function {word!r} at column {column}; "
                              f"functions: {', '.join(FUNCTIONS)}, σ")
        self.take()  # "("
        args = [self.sum()]
        while self.peek()[:2] == ("op", ","):
            self.take()
            args.append(self.sum())
        self.expect(")", f"to close {word}( of column {column}")
        if len(args) != FUNCTIONS[name]:
            raise ConfigError(f"--expr: {word} takes {FUNCTIONS[name]} argument(s), "
                              f"got {len(args)} at column {column}")
        return Apply(name, tuple(args))


def parse(text: str) -> Expr:
    """The formula as a tree of Num, Var and Apply; ConfigError naming the column."""
    if not text.strip():
        raise ConfigError("--expr is empty; give a formula such as \"(x + y) * z\"")
    if len(text) > MAX_LENGTH:
        raise ConfigError(f"--expr is {len(text)} characters long; at most {MAX_LENGTH}")
    parser = Parser(text)
    tree = parser.sum()
    kind, word, column = parser.peek()
    if kind != "end":
        raise ConfigError(f"--expr: unexpected {word!r} at column {column} (an operator "
                          f"missing before it?)")
    return tree


def variables(tree: Expr) -> list[str]:
    """The variables' names, in order of first appearance."""
    if isinstance(tree, Var):
        return [tree.name]
    if isinstance(tree, Apply):
        return list(dict.fromkeys(name for arg in tree.args for name in variables(arg)))
    return []


def parse_values(pairs: list[str] | str) -> dict[str, float]:
    """NAME=VALUE pairs (a list, or one string separated by spaces or commas)."""
    if isinstance(pairs, str):
        pairs = pairs.replace(",", " ").split()
    values = {}
    for pair in pairs:
        name, sep, number = pair.partition("=")
        name = name.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_σ][A-Za-z0-9_]*", name):
            raise ConfigError(f"--at takes NAME=VALUE pairs such as x=1.5, got {pair!r}")
        try:
            value = float(number.replace("−", "-"))
        except ValueError:
            raise ConfigError(f"--at {name}: {number.strip()!r} is not a number") from None
        if value != value or abs(value) == float("inf"):
            raise ConfigError(f"--at {name}: give a finite number, got {number.strip()!r}")
        if name in values:
            raise ConfigError(f"--at gives {name} twice")
        values[name] = value
    return values
