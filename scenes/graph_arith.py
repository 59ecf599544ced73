"""The lines a computational graph's scene writes, as LaTeX and caption text.

Pure Python, from the graph's numbers: the same strings go on screen and into the
captions. A line ends in "=" only when a calculator, given its operands exactly as
shown, gets the result shown (rounded to the decimals shown); otherwise "≈". The
calculator here is the gate's own forward or local derivative (core.graph.OPS),
applied to the numbers as shown.
"""

import re
from string import Template

from core.expression import Apply, Expr, Num, Var
from core.graph import Graph, Node
from core.notation import SUBSCRIPTS
from scenes.arith import Eq, agrees, value
from scenes.numerals import MINUS, fmt

PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "^": 4}
FUNCTION_NAMES = {"sigmoid": (r"\sigma", "σ"), "log": (r"\ln", "ln"), "exp": (r"\exp", "exp"),
                  "tanh": (r"\tanh", "tanh"), "max": (r"\max", "max"), "min": (r"\min", "min"),
                  "relu": (r"\mathrm{relu}", "relu")}
GREEK = {"σ": r"\sigma"}


def name_tex(name: str) -> str:
    """x1, x_1 and w0 as x_{1} and w_{0}; a longer word upright."""
    base, index = re.fullmatch(r"(.*?)_?(\d*)", name).groups()
    base = GREEK.get(base, base)
    if len(base) > 1 and not base.startswith("\\"):
        base = rf"\mathit{{{base}}}"
    return f"{base}_{{{index}}}" if index else base


def name_text(name: str) -> str:
    base, index = re.fullmatch(r"(.*?)_?(\d*)", name).groups()
    return base + index.translate(SUBSCRIPTS)


def formula(tree: Expr, tex: bool = True, digits: int = 6, parent: int = 0,
            display: dict | None = None) -> str:
    """The formula as typed, in TeX or text (minus signs and × as a page writes them),
    its numbers to ``digits`` decimals; ``display`` names variables otherwise than
    by their names: {"a1": (TeX, text)}."""
    if isinstance(tree, Num):
        text = fmt(tree.value, digits, keep_integer=True)
        return text if tex else text.replace("-", MINUS)
    if isinstance(tree, Var):
        if display and tree.name in display:
            return display[tree.name][0 if tex else 1]
        return name_tex(tree.name) if tex else name_text(tree.name)
    args = [formula(a, tex, digits, PRECEDENCE.get(tree.op, 0), display) for a in tree.args]
    if tree.op not in PRECEDENCE:
        if tree.op == "sqrt":
            return rf"\sqrt{{{args[0]}}}" if tex else f"√({args[0]})"
        if tree.op == "abs":
            return f"|{args[0]}|"
        if tree.op == "halfsq":
            return rf"\tfrac{{1}}{{2}}({args[0]})^2" if tex else f"½({args[0]})²"
        fn = FUNCTION_NAMES[tree.op][0 if tex else 1]
        return f"{fn}({', '.join(args)})"
    minus = "-" if tex else MINUS
    if tree.op == "neg":
        text = minus + args[0]
    elif tree.op == "^":
        square = isinstance(tree.args[1], Num) and tree.args[1].value == 2
        text = (f"{args[0]}^{{{formula(tree.args[1], tex, digits, 0, display)}}}" if tex
                else f"{args[0]}²" if square else f"{args[0]}^{args[1]}")
    else:
        sign = {"*": r" \cdot " if tex else " · ", "-": f" {minus} "}.get(tree.op,
                                                                        f" {tree.op} ")
        # a right operand of - or / of the same rank keeps its parentheses
        right = args[1]
        if (tree.op in "-/" and isinstance(tree.args[1], Apply)
                and PRECEDENCE.get(tree.args[1].op, 9) == PRECEDENCE[tree.op]):
            right = f"({right})"
        text = args[0] + sign + right
    if PRECEDENCE[tree.op] < parent or (tree.op == "^" and parent == 4):
        return f"({text})"
    return text


class GraphArithmetic:
    """The graph's numbers as shown at ``precision`` decimals, and its lines."""

    def __init__(self, graph: Graph, precision: int, display: dict | None = None):
        self.graph, self.prec, self.display = graph, precision, display or {}

    def n(self, v: float) -> str:
        return fmt(v, self.prec, keep_integer=True)

    def o(self, v: float | str) -> str:
        """An operand: a negative one in parentheses."""
        text = self.n(v) if not isinstance(v, str) else v
        return f"({text})" if text.startswith("-") else text

    def names(self, node: Node) -> tuple[str, str]:
        if node.name in self.display:
            return self.display[node.name]
        return name_tex(node.name), name_text(node.name)

    def partial(self, top: Node, bottom: Node) -> tuple[str, str]:
        (tt, tx), (bt, bx) = self.names(top), self.names(bottom)
        return rf"\partial {tt}/\partial {bt}", f"∂{tx}/∂{bx}"

    def const(self, node: Node) -> str:
        return self.n(node.const) if node.const is not None else ""

    def gate_label(self, node: Node) -> tuple[str, str]:
        """The gate's symbol: +, ×, exp, +1 (a held number with its sign)."""
        kind, c = node.kind, self.const(node)
        if node.op == "+c" and c.startswith("-"):
            return f"-{c[1:]}", f"{MINUS}{c[1:]}"
        if node.op == "*c" and c.startswith("-"):
            return rf"\times ({c})", f"×({MINUS}{c[1:]})"
        return kind.tex.replace("$c", c), kind.text.replace("$c", c.replace("-", MINUS))

    def fill(self, template: str, node: Node, tex: bool, numbers: bool) -> str:
        """A gate's form or rule with its inputs ($a, $b), its output ($out) and its
        constant ($c), as names or as the numbers shown."""
        def word(n: Node, key: str) -> str:
            if not numbers:
                return self.names(n)[0 if tex else 1]
            # an operand already in a function's parentheses needs none of its own
            bare = any(f"{before}${key}{after}" in template
                       for before, after in (("(", ")"), ("(", ","), (", ", ")")))
            return self.n(n.value) if bare else self.o(n.value)

        if node.op == "+c" and node.const < 0:  # t − 1, not t + (−1)
            template = template.replace("+ $c", "- $c" if tex else "− $c")
        words = {"a": word(node.inputs[0], "a"), "out": word(node, "out"),
                 "c": self.o(abs(node.const) if node.op == "+c" else node.const or 0)}
        if len(node.inputs) > 1:
            words["b"] = word(node.inputs[1], "b")
        text = Template(template).substitute(words)
        return text if tex else text.replace("-", MINUS)

    def forward_eq(self, node: Node) -> Eq:
        """t₁ = x + y = −2 + 5 = 3"""
        kind = node.kind
        shown = [value(self.n(i.value)) for i in node.inputs]
        result = self.n(node.value)
        exact = agrees(kind.forward(shown, node.const if node.const is None
                                    else value(self.n(node.const))), result)
        tex_name, text_name = self.names(node)
        form_tex, form_text = (self.fill(kind.form[k], node, k == 0, False) for k in (0, 1))
        if form_text == text_name:  # a gate named by its form, σ(h₁): said once
            form_tex = form_text = None
        return Eq(" = ".join(filter(None, (tex_name, form_tex, self.fill(
                      kind.form[0], node, True, True)))) + " $eq $r",
                  " = ".join(filter(None, (text_name, form_text, self.fill(
                      kind.form[1], node, False, True)))) + " $eq $r", exact, r=result)

    def local_eq(self, node: Node, slot: int) -> Eq:
        """∂t₂/∂t₁ = t₂ × (1 − t₂) = 0.73 × (1 − 0.73) = 0.20; a routing gate's
        1 or 0 with the comparison that decides it."""
        kind, source = node.kind, node.inputs[slot]
        result = self.n(node.local[slot])
        tex_d, text_d = self.partial(node, source)
        rule_tex, rule_text = kind.rule[slot]
        if node.op == "^c" and node.const == 2:  # 2 × t, not 2 × t^(2 − 1)
            rule_tex, rule_text = r"2 \times $a", "2 × $a"
        if not rule_tex:  # relu, abs, max, min: which way the gradient is routed
            why_tex, why_text = self.routing(node)
            return Eq(rf"{tex_d} = $r \quad ({why_tex})", f"{text_d} = $r ({why_text})",
                      r=result)
        symbols = self.fill(rule_tex, node, True, False)
        if "$" not in rule_tex:  # a constant: 1, −1
            return Eq(f"{tex_d} = $r", f"{text_d} = $r", r=result)
        numbers_tex = self.fill(rule_tex, node, True, True)
        shown = [value(self.n(i.value)) for i in node.inputs]
        c = None if node.const is None else value(self.n(node.const))
        calculated = kind.local(shown, value(self.n(node.value)), c)[slot]
        if symbols == numbers_tex:  # a held number: ∂(2x)/∂x = 2
            return Eq(f"{tex_d} = $r", f"{text_d} = $r", r=result)
        if numbers_tex == result or numbers_tex == f"({result})":  # ∂(x·y)/∂x = y = 3
            return Eq(f"{tex_d} = {symbols} $eq $r",
                      f"{text_d} = {self.fill(rule_text, node, False, False)} $eq $r",
                      agrees(calculated, result), r=result)
        return Eq(f"{tex_d} = {symbols} = {numbers_tex} $eq $r",
                  f"{text_d} = {self.fill(rule_text, node, False, False)} = "
                  f"{self.fill(rule_text, node, False, True)} $eq $r",
                  agrees(calculated, result), r=result)

    def routing(self, node: Node) -> tuple[str, str]:
        """Why a relu, |·|, max or min passes its gradient one way: x = 0.5 > 0."""
        a = node.inputs[0]
        (at, ax), va = self.names(a), self.n(a.value)
        b = node.inputs[1] if len(node.inputs) > 1 else None
        other = 0.0 if b is None else b.value
        sign = ">" if a.value > other else "<" if a.value < other else "="
        if b is None:
            return f"{at} = {va} {sign} 0", f"{ax} = {va} {sign} 0".replace("-", MINUS)
        (bt, bx), vb = self.names(b), self.n(b.value)
        return (f"{at} = {va} {sign} {vb} = {bt}",
                f"{ax} = {va} {sign} {vb} = {bx}".replace("-", MINUS))

    def grad_text(self, node: Node) -> str:
        return self.n(node.grad)

    def downstream_eq(self, node: Node, slot: int, part: float, whole: bool) -> Eq:
        """∂f/∂x = ∂f/∂t₁ · ∂t₁/∂x = 2 × 3 = 6: upstream × local; for one of a fork's
        wires (``whole`` False), the part it brings, without a name of its own."""
        out, source = self.graph.output, node.inputs[slot]
        whole = whole and node is not out  # ∂f/∂t₁ = ∂f/∂f · ∂f/∂t₁ would define itself
        g, local, result = self.n(node.grad), self.n(node.local[slot]), self.n(part)
        exact = agrees(value(g) * value(local), result)
        (up_t, up_x), (lo_t, lo_x) = self.partial(out, node), self.partial(node, source)
        lead_t, lead_x = self.partial(out, source)
        head_t, head_x = (f"{lead_t} = ", f"{lead_x} = ") if whole else ("", "")
        return Eq(rf"{head_t}{up_t} \cdot {lo_t} = {self.o(g)} \times {self.o(local)} $eq $r",
                  f"{head_x}{up_x} · {lo_x} = {self.o(g)} × {self.o(local)} $eq $r".replace(
                      "-", MINUS), exact, r=result)

    def fork_eq(self, node: Node) -> Eq:
        """∂f/∂x = 6 + (−2) = 4: a fork's gradient is the sum of its wires' parts."""
        parts = [self.n(p) for p in node.upstream_parts]
        result = self.n(node.grad)
        exact = agrees(sum(value(p) for p in parts), result)
        tex_d, text_d = self.partial(self.graph.output, node)
        terms = " + ".join(self.o(p) for p in parts)
        return Eq(f"{tex_d} = {terms} $eq $r", f"{text_d} = {terms} $eq $r".replace("-", MINUS),
                  exact, r=result)

    def start_eq(self) -> Eq:
        tex_d, text_d = self.partial(self.graph.output, self.graph.output)
        return Eq(f"{tex_d} = 1", f"{text_d} = 1")
