"""A tiny scalar autodiff engine for computational graphs (micrograd-sized).

One node per operation, with its value, the local derivative of its value with
respect to each input, and, after ``backward``, its gradient d out / d node. A node
used by several gates (a fork) keeps each gate's share in ``upstream_parts``: its
gradient is their sum. Each operation's forward and local derivatives stand side
by side in ``OPS``; scenes read the numbers and compute none.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from core.errors import ConfigError
from core.expression import Apply, Expr, Num, Var, variables


def _sigmoid(a: float) -> float:
    return 1 / (1 + math.exp(-a)) if a >= 0 else math.exp(a) / (1 + math.exp(a))


@dataclass(frozen=True)
class Op:
    """One kind of gate. ``forward(args, c)`` is its value and ``local(args, out, c)``
    the derivative of that value with respect to each argument; ``c`` is the number
    a gate holds (the 1 of x + 1). A scene recomputes a line's arithmetic with these,
    from the numbers as shown. ``tex``/``text`` label the gate; ``form`` writes its
    value from its inputs ($a, $b) and ``rule`` each local derivative ($a, $b, its
    output $out, $c), as (TeX, text); an empty rule: the gate routes its gradient (1
    or 0). ``lesson`` names the pattern it shows (add distributes, mul swaps, ...)."""

    arity: int
    forward: Callable
    local: Callable
    tex: str
    text: str
    form: tuple[str, str]
    rule: tuple[tuple[str, str], ...]
    lesson: str = ""


ONE, MINUS_ONE, ROUTE = ("1", "1"), ("-1", "−1"), ("", "")
OPS: dict[str, Op] = {
    "+": Op(2, lambda x, c: x[0] + x[1], lambda x, o, c: (1.0, 1.0), "+", "+",
            ("$a + $b", "$a + $b"), (ONE, ONE), "add"),
    "-": Op(2, lambda x, c: x[0] - x[1], lambda x, o, c: (1.0, -1.0), "-", "−",
            ("$a - $b", "$a − $b"), (ONE, MINUS_ONE)),
    "*": Op(2, lambda x, c: x[0] * x[1], lambda x, o, c: (x[1], x[0]), r"\times", "×",
            (r"$a \times $b", "$a × $b"), (("$b", "$b"), ("$a", "$a")), "mul"),
    "/": Op(2, lambda x, c: x[0] / x[1], lambda x, o, c: (1 / x[1], -x[0] / x[1] ** 2),
            "/", "/", ("$a / $b", "$a / $b"),
            (("1 / $b", "1 / $b"), ("-$a / $b^2", "−$a / $b²"))),
    "^": Op(2, lambda x, c: x[0] ** x[1],
            lambda x, o, c: (x[1] * x[0] ** (x[1] - 1), o * math.log(x[0])), r"\wedge", "^",
            ("$a^{$b}", "$a^($b)"), ((r"$b \times $a^{$b - 1}", "$b × $a^($b − 1)"),
                                     (r"$out \times \ln($a)", "$out × ln($a)"))),
    "+c": Op(1, lambda x, c: x[0] + c, lambda x, o, c: (1.0,), "+$c", "+$c",
             ("$a + $c", "$a + $c"), (ONE,)),
    "c-": Op(1, lambda x, c: c - x[0], lambda x, o, c: (-1.0,), r"$c -", "$c −",
             ("$c - $a", "$c − $a"), (MINUS_ONE,)),
    "*c": Op(1, lambda x, c: c * x[0], lambda x, o, c: (c,), r"\times $c", "×$c",
             (r"$c \times $a", "$c × $a"), (("$c", "$c"),)),
    "/c": Op(1, lambda x, c: x[0] / c, lambda x, o, c: (1 / c,), "/$c", "/$c",
             ("$a / $c", "$a / $c"), (("1 / $c", "1 / $c"),)),
    "c/": Op(1, lambda x, c: c / x[0], lambda x, o, c: (-c / x[0] ** 2,), r"$c/(\cdot)",
             "$c/(·)", ("$c / $a", "$c / $a"), (("-$c / $a^2", "−$c / $a²"),)),
    "^c": Op(1, lambda x, c: x[0] ** c, lambda x, o, c: (c * x[0] ** (c - 1),),
             r"(\cdot)^{$c}", "(·)^$c", ("$a^{$c}", "$a^$c"),
             ((r"$c \times $a^{$c - 1}", "$c × $a^($c − 1)"),)),
    "c^": Op(1, lambda x, c: c ** x[0], lambda x, o, c: (math.log(c) * o,),
             r"$c^{(\cdot)}", "$c^(·)", ("$c^{$a}", "$c^($a)"),
             ((r"\ln($c) \times $out", "ln($c) × $out"),)),
    "exp": Op(1, lambda x, c: math.exp(x[0]), lambda x, o, c: (o,), r"\exp", "exp",
              (r"\exp($a)", "exp($a)"), (("$out", "$out"),)),
    "log": Op(1, lambda x, c: math.log(x[0]), lambda x, o, c: (1 / x[0],), r"\ln", "ln",
              (r"\ln($a)", "ln($a)"), (("1 / $a", "1 / $a"),)),
    "sqrt": Op(1, lambda x, c: math.sqrt(x[0]), lambda x, o, c: (1 / (2 * o),),
               r"\sqrt{\cdot}", "√·", (r"\sqrt{$a}", "√$a"),
               ((r"1 / (2 \times $out)", "1 / (2 × $out)"),)),
    "sigmoid": Op(1, lambda x, c: _sigmoid(x[0]), lambda x, o, c: (o * (1 - o),), r"\sigma",
                  "σ", (r"\sigma($a)", "σ($a)"),
                  ((r"$out \times (1 - $out)", "$out × (1 − $out)"),)),
    "tanh": Op(1, lambda x, c: math.tanh(x[0]), lambda x, o, c: (1 - o * o,), r"\tanh",
               "tanh", (r"\tanh($a)", "tanh($a)"), (("1 - $out^2", "1 − $out²"),)),
    "relu": Op(1, lambda x, c: max(x[0], 0.0), lambda x, o, c: (1.0 if x[0] > 0 else 0.0,),
               r"\mathrm{relu}", "relu", (r"\mathrm{relu}($a)", "relu($a)"), (ROUTE,),
               "route"),
    "abs": Op(1, lambda x, c: abs(x[0]),
              lambda x, o, c: (1.0 if x[0] > 0 else -1.0 if x[0] < 0 else 0.0,), r"|\cdot|",
              "|·|", (r"|$a|", "|$a|"), (ROUTE,), "route"),
    "max": Op(2, lambda x, c: max(x[0], x[1]),
              lambda x, o, c: (1.0, 0.0) if x[0] >= x[1] else (0.0, 1.0), r"\max", "max",
              (r"\max($a, $b)", "max($a, $b)"), (ROUTE, ROUTE), "route"),
    "min": Op(2, lambda x, c: min(x[0], x[1]),
              lambda x, o, c: (1.0, 0.0) if x[0] <= x[1] else (0.0, 1.0), r"\min", "min",
              (r"\min($a, $b)", "min($a, $b)"), (ROUTE, ROUTE), "route"),
    # the squared error of one output, as one gate: a network unit's graph ends in it
    "halfsq": Op(1, lambda x, c: 0.5 * x[0] * x[0], lambda x, o, c: (x[0],),
                 r"\tfrac{1}{2}(\cdot)^2", "½(·)²", (r"\tfrac{1}{2}($a)^2", "½($a)²"),
                 (("$a", "$a"),)),
}
# a binary operator with a number on one side is a gate of one input holding it:
# (op, the number's side) -> that gate's op
HOLDING = {("+", 1): "+c", ("+", 0): "+c", ("-", 1): "+c", ("-", 0): "c-", ("*", 1): "*c",
           ("*", 0): "*c", ("/", 1): "/c", ("/", 0): "c/", ("^", 1): "^c", ("^", 0): "c^"}


@dataclass(eq=False)
class Node:
    """A value in the graph: an input (``op`` '') or a gate's output."""

    value: float
    name: str
    op: str = ""
    inputs: tuple["Node", ...] = ()
    local: tuple[float, ...] = ()  # d self / d input, per input
    const: float | None = None  # the number a gate holds (x + 1: 1)
    grad: float = 0.0
    upstream_parts: list[float] = field(default_factory=list)

    @property
    def kind(self) -> Op | None:
        return OPS.get(self.op)

    # the post's example is written with these
    def __add__(self, other: "Node") -> "Node":
        return gate("+", (self, other), name=f"({self.name}+{other.name})")

    def __mul__(self, other: "Node") -> "Node":
        return gate("*", (self, other), name=f"{self.name}*{other.name}")

    def square(self) -> "Node":
        return gate("^c", (self,), 2.0, name=f"{self.name}^2")


def gate(op: str, inputs: tuple, const: float | None = None, name: str = "") -> Node:
    """A gate's output node: its value and local derivatives from its inputs'."""
    kind, args = OPS[op], tuple(node.value for node in inputs)
    check_domain(op, args, const)
    try:
        out = float(kind.forward(args, const))
        local = tuple(float(d) for d in kind.local(args, out, const))
    except OverflowError:
        raise ConfigError(f"--expr: {kind.text.replace('$c', fmt_const(const))} overflows at "
                          f"{', '.join(f'{a:g}' for a in args)}; use smaller values") from None
    if not all(map(math.isfinite, (out, *local))):
        raise ConfigError(f"--expr: {kind.text.replace('$c', fmt_const(const))} is not finite "
                          f"at {', '.join(f'{a:g}' for a in args)}; use smaller values")
    return Node(out, name, op, tuple(inputs), local, const)


def fmt_const(c: float | None) -> str:
    return "" if c is None else f"{c:g}"


def check_domain(op: str, args: tuple, c: float | None) -> None:
    """Values a gate has no (finite, real) value or derivative at: one line each."""
    a = args[0]
    problems = {
        "log": a <= 0 and f"log of {a:g}: log needs a positive number",
        "sqrt": a <= 0 and f"sqrt of {a:g}: sqrt needs a positive number (its derivative "
                           f"at 0 is infinite)",
        "/": len(args) > 1 and args[1] == 0 and "division by zero",
        "c/": a == 0 and "division by zero",
        "/c": c == 0 and "division by zero",
        "^": len(args) > 1 and a <= 0 and f"a power with a variable exponent needs a "
                                          f"positive base, got {a:g}",
        "^c": c is not None and (a < 0 and not float(c).is_integer() or a == 0 and c < 1)
        and f"{a:g} to the power {c:g} has no real value or derivative",
        "c^": c is not None and c <= 0 and f"a power of {c:g} needs a positive base",
    }
    problem = problems.get(op)
    if problem:
        raise ConfigError(f"--expr: {problem}; change the values of --at")


def topological(out: Node) -> list[Node]:
    """Nodes in an order where every node comes after its inputs."""
    order, seen = [], set()

    def visit(node: Node) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.inputs:
            visit(parent)
        order.append(node)

    visit(out)
    return order


def backward(out: Node) -> list[Node]:
    """Set every node's grad to d out / d node; returns the nodes, output last."""
    order = topological(out)
    for node in order:
        node.grad, node.upstream_parts = 0.0, []
    out.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.inputs, node.local):
            part = node.grad * local
            parent.upstream_parts.append(part)
            parent.grad += part
    return order


def square_of_sum(x: float, y: float) -> dict[str, Node]:
    """The post's example z = (x + y)^2 with t = x + y, after the backward pass."""
    nx, ny = Node(float(x), "x"), Node(float(y), "y")
    t = nx + ny
    t.name = "t"
    z = t.square()
    z.name = "z"
    backward(z)
    return {"x": nx, "y": ny, "t": t, "z": z}


# --- a typed formula as a graph -------------------------------------------------------

GATE_LETTERS = "tusqgabcdehijklmnoprvwxyz"  # the first no variable uses names the gates
OUTPUT_NAMES = ("f", "out", "F", "result")  # the first no variable uses names the output


@dataclass
class Graph:
    """A formula's graph after the backward pass: ``nodes`` in topological order
    (inputs first as they appear in the formula, the output last)."""

    nodes: list[Node]
    inputs: list[Node]

    @property
    def output(self) -> Node:
        return self.nodes[-1]

    @property
    def gates(self) -> list[Node]:
        return [node for node in self.nodes if node.op]

    def consumers(self, node: Node) -> list[Node]:
        """The gates a node feeds, once each, in topological order."""
        return [g for g in self.gates if any(i is node for i in g.inputs)]


def build(tree: Expr, values: dict[str, float], expand: bool = False) -> Graph:
    """The formula's graph at these values, after the backward pass. A variable or a
    subexpression written twice is one node (a fork). With ``expand``, sigmoid and
    tanh are drawn as their primitive gates, as cs231n draws the sigmoid neuron."""
    names = variables(tree)
    missing = [name for name in names if name not in values]
    if missing:
        raise ConfigError(f"--at: give a value for {', '.join(missing)} (e.g. --at "
                          f"{' '.join(f'{n}=1' for n in missing)})")
    unused = [name for name in values if name not in names]
    if unused:
        raise ConfigError(f"--at gives {', '.join(unused)}, which the formula does not use; "
                          f"its variables: {', '.join(names) or 'none'}")
    if not names:
        raise ConfigError("--expr has no variable: there is nothing to differentiate")
    made: dict[Expr, Node] = {}
    inputs = {name: Node(float(values[name]), name) for name in names}
    if expand:
        tree = expanded(tree)
    out = _node(fold(tree), inputs, made)
    if not out.op:
        raise ConfigError("--expr is a single variable: there is no gate to draw; "
                          "write a formula such as \"x * y\"")
    order = backward(out)
    gates = [node for node in order if node.op]
    free = [x for x in GATE_LETTERS if not any(n.startswith(x) for n in names)]
    last = [x for x in OUTPUT_NAMES if x not in names]
    if not free or not last:
        raise ConfigError("--expr: rename a variable; its names leave none to name the gates")
    for number, node in enumerate(gates[:-1], 1):
        node.name = f"{free[0]}{number}"
    gates[-1].name = last[0]
    first = sorted((node for node in order if not node.op), key=lambda n: names.index(n.name))
    return Graph(first + gates, first)


def fold(tree: Expr) -> Expr:
    """Subexpressions of numbers only become their number (2 * 3: 6)."""
    if not isinstance(tree, Apply):
        return tree
    args = tuple(fold(a) for a in tree.args)
    if all(isinstance(a, Num) for a in args):
        if tree.op == "neg":
            return Num(-args[0].value)
        if tree.op == "^":  # (-2)^2: a power of a number, whatever its sign
            return Num(gate("^c", (Node(args[0].value, ""),), args[1].value).value)
        return Num(gate(tree.op, tuple(Node(a.value, "") for a in args)).value)
    return Apply(tree.op, args)


def expanded(tree: Expr) -> Expr:
    """sigmoid(a) as 1 / (1 + exp(-a)); tanh(a) as (exp(2a) - 1) / (exp(2a) + 1)."""
    if not isinstance(tree, Apply):
        return tree
    args = tuple(expanded(a) for a in tree.args)
    if tree.op == "sigmoid":
        return Apply("/", (Num(1.0), Apply("+", (Apply("exp", (Apply(
            "*", (args[0], Num(-1.0))),)), Num(1.0)))))
    if tree.op == "tanh":
        e = Apply("exp", (Apply("*", (args[0], Num(2.0))),))
        return Apply("/", (Apply("-", (e, Num(1.0))), Apply("+", (e, Num(1.0)))))
    return Apply(tree.op, args)


def _node(tree: Expr, inputs: dict[str, Node], made: dict) -> Node:
    if isinstance(tree, Var):
        return inputs[tree.name]
    if isinstance(tree, Num):
        raise AssertionError("numbers are held by gates")  # fold() leaves none alone
    if tree in made:
        return made[tree]
    if tree.op == "neg":
        node = gate("*c", (_node(tree.args[0], inputs, made),), -1.0)
    else:
        numbers = [i for i, a in enumerate(tree.args) if isinstance(a, Num)]
        if numbers:
            side = numbers[0]
            c = tree.args[side].value
            op = HOLDING.get((tree.op, side))
            if op is None:  # max(x, 0) and the like: the number is an input of its own
                raise ConfigError(f"--expr: write {tree.op}(...) of two variables or "
                                  f"subexpressions (a number there: use relu for max(x, 0))")
            if tree.op == "-" and side == 1:
                c = -c
            other = _node(tree.args[1 - side], inputs, made)
            node = gate(op, (other,), c)
        else:
            node = gate(tree.op, tuple(_node(a, inputs, made) for a in tree.args))
    made[tree] = node
    return node
