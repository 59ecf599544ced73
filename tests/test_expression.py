"""Typed formulas (core/expression.py) and their graphs (core/graph.py): gradients of random
formulas against finite differences of an evaluator of our own, published worked examples,
forks, parsing, and refusal of bad or hostile input."""

import math
import random

import pytest

from core.errors import ConfigError
from core.expression import Apply, Num, Var, parse, parse_values
from core.graph import build, square_of_sum


def run(text, values, expand=False):
    graph = build(parse(text), values, expand=expand)
    return graph.output.value, {node.name: node.grad for node in graph.inputs}, graph


# --- 1. random formulas: the engine against central differences of a separate evaluator ---


class Domain(Exception):
    """The reference met a point where the formula has no finite real value."""


def _need(ok, value):
    if not ok:
        raise Domain
    return value


def _sig(a):  # written as two branches so neither exp overflows
    return 1 / (1 + math.exp(-a)) if a >= 0 else math.exp(a) / (1 + math.exp(a))


UNARY = {"exp": math.exp, "log": lambda a: _need(a > 0, math.log(a) if a > 0 else 0),
         "sqrt": lambda a: _need(a > 0, math.sqrt(abs(a))), "sigmoid": _sig, "σ": _sig,
         "tanh": math.tanh, "relu": lambda a: max(a, 0.0), "abs": abs}
KINKED = {"relu", "abs"}
SPELL = {"+": ["+"], "-": ["-", "−"], "*": ["*", "×", "·"], "/": ["/", "÷"]}


def gen(rng, names, depth, pool):
    """(text, fn(env, branches), is_atom, variables): the formula as text, and how to
    evaluate it built from the same random choices, never from the parser's tree."""
    def wrap(part):
        return part[0] if part[2] else f"({part[0]})"

    if depth == 0 or rng.random() < 0.15:
        if rng.random() < 0.8:
            n = rng.choice(names)
            return n, lambda e, b: e[n], True, {n}
        c = rng.choice([0.5, 1, 2, 3, 1.5, 0.25])
        return f"{c:g}", lambda e, b: c, True, set()
    if pool and rng.random() < 0.15:  # the same subexpression written again
        return rng.choice(pool)
    kind = rng.choice(["+", "-", "*", "/", "+", "*", "^k", "^v", "neg", "max", "min",
                       *UNARY])
    a = gen(rng, names, depth - 1, pool)
    fa = a[1]
    if kind in UNARY:
        def call(e, b, op=UNARY[kind], kinked=kind in KINKED):
            arg = fa(e, b)
            if kinked:  # which side of the kink: finite differences must not cross it
                b.append(arg > 0)
            return op(arg)
        out = f"{kind}({a[0]})", call, True, a[3]
    elif kind == "neg":
        out = f"-{wrap(a)}", lambda e, b: -fa(e, b), False, a[3]
    elif kind == "^k":  # a small integer power of a part holding a variable
        while not a[3]:
            a = gen(rng, names, depth - 1, pool)
        k, fa = rng.choice([2, 3, -1, -2]), a[1]
        out = (f"{wrap(a)}{rng.choice(['^', '**'])}{k}",
               lambda e, b: _need(fa(e, b) != 0 or k > 0, fa(e, b) ** k), False, a[3])
    else:
        c = gen(rng, names, depth - 1, pool)
        while kind in ("^v", "max", "min") and not c[3]:  # a variable exponent; no numbers
            c = gen(rng, names, depth - 1, pool)          # in max/min (the engine refuses)
        while kind in ("max", "min") and not a[3]:
            a = gen(rng, names, depth - 1, pool)
        fa, fc = a[1], c[1]
        if kind in ("max", "min"):
            pick = max if kind == "max" else min
            def route(e, b):
                u, v = fa(e, b), fc(e, b)
                b.append(u >= v)
                return pick(u, v)
            out = f"{kind}({a[0]}, {c[0]})", route, True, a[3] | c[3]
        else:
            text = f"{wrap(a)} {rng.choice(SPELL.get(kind, ['^']))} {wrap(c)}"
            fns = {"+": lambda e, b: fa(e, b) + fc(e, b), "-": lambda e, b: fa(e, b) - fc(e, b),
                   "*": lambda e, b: fa(e, b) * fc(e, b),
                   "/": lambda e, b: fa(e, b) / _need(fc(e, b) != 0, fc(e, b) or 1),
                   "^v": lambda e, b: _need(fa(e, b) > 0, abs(fa(e, b))) ** fc(e, b)}
            out = text, fns[kind], False, a[3] | c[3]
    f = out[1]

    def checked(e, b):
        try:
            value = f(e, b)
        except (OverflowError, ZeroDivisionError):
            raise Domain from None
        return _need(math.isfinite(value), value)

    out = (out[0], checked, out[2], out[3])
    pool.append(out)
    return out


def diff(fn, env, name, h=1e-4):
    """A 5-point central difference; None if a kink or the domain's edge lies within, or
    if halving the step changes it (a pole close by: the estimate is not to be trusted)."""
    base, estimates = [], []
    fn(env, base)
    for step in (h, h / 2):
        total = 0.0
        for k, weight in ((-2, 1), (-1, -8), (1, 8), (2, -1)):
            branches = []
            try:
                total += weight * fn({**env, name: env[name] + k * step}, branches)
            except Domain:
                return None
            if branches != base:
                return None
        estimates.append(total / (12 * step))
    close = math.isclose(*estimates, rel_tol=1e-8, abs_tol=1e-10)
    return estimates[1] if close else None


def test_random_formulas_match_finite_differences_with_and_without_expansion():
    rng, checked, expanded = random.Random(2024), 0, 0
    for _ in range(200):
        names = rng.sample(["x", "y", "z", "w"], rng.randint(2, 4))
        text, fn, _, used = gen(rng, names, rng.randint(2, 4), [])
        while len(used) < 2 or len(text) > 300:
            text, fn, _, used = gen(rng, names, rng.randint(2, 4), [])
        tree = parse(text)
        for _attempt in range(8):  # values until one is in the domain and away from kinks
            env = {n: rng.choice([-1, 1, 1]) * rng.uniform(0.2, 1.5) for n in sorted(used)}
            try:
                want = fn(env, [])
            except Domain:
                want = None
            try:
                graph = build(tree, env)
            except ConfigError as err:  # refused only where the maths has no value, and
                assert want is None, (text, env, str(err))  # saying it is the values' fault
                assert any(w in str(err) for w in ("values of --at", "overflow", "finite"))
                continue
            assert want is not None, (text, env, "the engine gave a value the maths has not")
            fds = {n: diff(fn, env, n) for n in env}
            if None in fds.values():
                continue
            assert math.isclose(graph.output.value, want, rel_tol=1e-9, abs_tol=1e-12), text
            grads = {node.name: node.grad for node in graph.inputs}
            for n, fd in fds.items():
                assert math.isclose(grads[n], fd, rel_tol=1e-6, abs_tol=1e-8), (text, env, n)
            checked += 1
            try:
                big = build(tree, env, expand=True)
            except ConfigError as err:  # exp(2a) of a huge a may overflow when expanded
                assert "overflow" in str(err) or "finite" in str(err), (text, env, str(err))
                break
            assert math.isclose(big.output.value, want, rel_tol=1e-6, abs_tol=1e-9), text
            for node in big.inputs:
                assert math.isclose(node.grad, grads[node.name], rel_tol=1e-6, abs_tol=1e-8)
            expanded += 1
            break
    assert checked >= 150 and expanded >= 150, (checked, expanded)


# --- 2. worked examples, derived by hand and published ---------------------------------


def test_cs231n_add_then_multiply():
    f, g, _ = run("(x + y) * z", {"x": -2, "y": 5, "z": -4})
    assert f == -12 and g == {"x": -4, "y": -4, "z": 3}


@pytest.mark.parametrize("expand", [False, True])
def test_cs231n_sigmoid_neuron(expand):
    values = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
    f, g, graph = run("σ(w0*x0 + w1*x1 + w2)", values, expand)
    assert f == pytest.approx(0.73, abs=0.005)
    published = {"w0": -0.20, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.20}
    assert g == pytest.approx(published, abs=0.006)
    if expand:  # cs231n's drawing: *-1, exp, +1, 1/x
        held = {(n.op, n.const) for n in graph.gates}
        assert {("*c", -1), ("exp", None), ("+c", 1), ("c/", 1)} <= held
        assert "sigmoid" not in {n.op for n in graph.gates}


@pytest.mark.parametrize("expand", [False, True])
def test_micrograd_tanh_neuron(expand):
    values = {"x1": 2, "x2": 0, "w1": -3, "w2": 1, "b": 6.8813735870195432}
    o, g, _ = run("tanh(x1*w1 + x2*w2 + b)", values, expand)
    assert o == pytest.approx(0.7071, abs=1e-4)
    assert g == pytest.approx({"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5},
                              abs=1e-4)


def test_the_posts_square_of_sum():
    z, g, graph = run("(x + y)^2", {"x": 3, "y": -1})
    assert z == 4 and g == {"x": 4, "y": 4}  # dz/dx = 2(x + y)
    assert [(n.op, n.const) for n in graph.gates] == [("+", None), ("^c", 2)]
    nodes = square_of_sum(3, -1)
    assert nodes["z"].value == z and nodes["x"].grad == g["x"] and nodes["t"].grad == 4


# --- 3. forks: one node used twice sums its upstream parts ------------------------------


def test_a_variable_used_three_times():
    _, g, graph = run("x*x + x", {"x": 1.5})
    (x,) = graph.inputs
    assert len(x.upstream_parts) == 3 and sum(x.upstream_parts) == x.grad == 2 * 1.5 + 1
    assert len(graph.consumers(x)) == 2  # the * gate (twice) and the + gate


def test_a_repeated_subexpression_is_one_node():
    _, g, graph = run("(a + b) * (a + b)", {"a": 1, "b": 2})
    assert [n.op for n in graph.gates] == ["+", "*"] and g == {"a": 6, "b": 6}
    assert len(graph.gates[0].upstream_parts) == 2
    _, g, graph = run("(a + b) * c + (a + b)", {"a": 1, "b": 2, "c": 4})
    (s,) = [n for n in graph.gates if n.op == "+" and graph.inputs[0] in n.inputs]
    assert len(graph.consumers(s)) == 2 and s.grad == 5 and g["a"] == 5


def test_expanded_tanh_makes_exp_a_fork():
    _, _, graph = run("tanh(x)", {"x": 0.5}, expand=True)
    (e,) = [n for n in graph.gates if n.op == "exp"]
    assert len(graph.consumers(e)) == 2 and len(e.upstream_parts) == 2
    assert graph.inputs[0].grad == pytest.approx(1 - math.tanh(0.5) ** 2, rel=1e-12)


# --- 4. parsing -------------------------------------------------------------------------

x, y, z = Var("x"), Var("y"), Var("z")


@pytest.mark.parametrize("text,tree", [
    ("-x^2", Apply("neg", (Apply("^", (x, Num(2))),))),
    ("2^-1", Apply("^", (Num(2), Num(-1)))),
    ("x - y - z", Apply("-", (Apply("-", (x, y)), z))),
    ("x^y^z", Apply("^", (x, Apply("^", (y, z))))),
    ("x**y", Apply("^", (x, y))),
    ("x − y × z", Apply("-", (x, Apply("*", (y, z))))),
    ("x · y ÷ z", Apply("/", (Apply("*", (x, y)), z))),
    ("σ(x) + ln(y)", Apply("+", (Apply("sigmoid", (x,)), Apply("log", (y,))))),
    ("max(x, y)", Apply("max", (x, y))),
])
def test_precedence_and_spellings(text, tree):
    assert parse(text) == tree


def test_numbers_fold_into_one_gate():
    _, g, graph = run("2*3*x", {"x": 1})
    assert [(n.op, n.const) for n in graph.gates] == [("*c", 6)] and g == {"x": 6}
    assert run("2^-1 * x", {"x": 4})[0] == 2


def test_folding_a_power_of_a_negative_number():  # (-2)^2 is 4 in any calculator
    assert run("(-2)^2 * x", {"x": 1})[0] == 4
    assert run("(-1)^3 + x", {"x": 1})[0] == 0


@pytest.mark.parametrize("text,op,const,value,grad", [
    ("x + 1", "+c", 1, 3, 1), ("x - 1", "+c", -1, 1, 1), ("1 - x", "c-", 1, -1, -1),
    ("2 / x", "c/", 2, 1, -0.5), ("x / 2", "/c", 2, 1, 0.5),
    ("2^x", "c^", 2, 4, 4 * math.log(2)), ("x^3", "^c", 3, 8, 12),
])
def test_a_number_on_one_side_is_held_by_the_gate(text, op, const, value, grad):
    f, g, graph = run(text, {"x": 2})
    assert [(n.op, n.const) for n in graph.gates] == [(op, const)]
    assert f == pytest.approx(value) and g["x"] == pytest.approx(grad)


@pytest.mark.parametrize("names", [["t", "u", "s", "q", "g"], ["f", "out"]])
def test_gate_names_never_clash_with_variables(names):  # a label drawn twice would mislead
    _, _, graph = run(" * ".join(names), dict.fromkeys(names, 1.0))
    assert len({n.name for n in graph.nodes}) == len(graph.nodes)


# --- 5. errors: one line, naming the column; nothing is ever run ------------------------


def refused(text, values=None):
    with pytest.raises(ConfigError) as err:
        build(parse(text), values if values is not None else {"x": 1.0})
    message = str(err.value)
    assert "\n" not in message and message
    return message


@pytest.mark.parametrize("text,column", [
    ("x + * y", 5), ("(x + y", 7), ("x y", 3), ("2x", 2), ("x +", 4), ("foo(x)", 1),
    ("x + bar(x)", 5), ("max(x)", 1), ("x + exp(x, x)", 5), ("x $ 2", 3),
])
def test_syntax_errors_name_the_column(text, column):
    assert f"column {column}" in refused(text)


@pytest.mark.parametrize("text,values,words", [
    ("x * y", {"x": 1}, "value for y"), ("x", {"x": 1, "z": 2}, "z"), ("2 * 3", {}, "no variable"),
    ("x", {"x": 1}, "single"), ("log(x)", {"x": 0}, "log"), ("log(x)", {"x": -1}, "log"),
    ("sqrt(x)", {"x": -4}, "sqrt"), ("sqrt(x) + log(-1)", {"x": 4}, "log"),
    ("x / y", {"x": 1, "y": 0}, "zero"), ("1 / (x - x)", {"x": 3}, "zero"),
    ("exp(1000) * x", {"x": 1}, "overflow"), ("exp(x)", {"x": 1000}, "overflow"),
    ("x * y", {"x": 1e200, "y": 1e200}, "finite"), ("", {}, "empty"), ("   ", {}, "empty"),
    ("x" + " + x" * 100, {"x": 1}, "at most"),
])
def test_bad_formulas_and_values_are_refused(text, values, words):
    assert words in refused(text, values)


HOSTILE = ["__import__('os').system('touch {p}')", "x.__class__", "eval('1')", "exec(x)",
           "exec", "lambda x: x", "[x]", "x; import os", "open('f')", "x if y else z",
           'f"{x}"', "x @ y", "x % y", "x == y", "~x", "x & y", "`x`", "x # y", "{x}",
           "globals()", "1.__class__", "x\ny"]


@pytest.mark.parametrize("text", HOSTILE)
def test_code_is_refused_without_running(text, tmp_path):
    target = tmp_path / "pwned"
    with pytest.raises(ConfigError):
        build(parse(text.replace("{p}", str(target))), {"x": 1.0, "y": 2.0, "z": 3.0})
    assert not target.exists()


# --- 6. --at values ---------------------------------------------------------------------


def test_values_as_a_list_or_one_string():
    assert parse_values(["x=1", "y=-2.5", "σ=3"]) == {"x": 1.0, "y": -2.5, "σ": 3.0}
    assert parse_values("x=1, y=2e-3 z=−4") == {"x": 1.0, "y": 0.002, "z": -4.0}
    assert parse_values("") == {}


@pytest.mark.parametrize("pairs,words", [
    (["x"], "NAME=VALUE"), (["=1"], "NAME=VALUE"), (["1x=2"], "NAME=VALUE"),
    ("x:1", "NAME=VALUE"), ("x = 1", "NAME=VALUE"), ("x=1 x=2", "twice"),
    (["x=abc"], "not a number"), (["x="], "not a number"), (["x=1,5"], "not a number"),
    (["x=nan"], "finite"), (["x=inf"], "finite"), (["x=-inf"], "finite"), (["x=1e999"], "finite"),
])
def test_bad_values_are_refused(pairs, words):
    with pytest.raises(ConfigError) as err:
        parse_values(pairs)
    assert words in str(err.value) and "\n" not in str(err.value)
