"""One unit of a trained network as a formula, down to the loss of one sample: the
link between the gate view and the network view.

A hidden unit hⱼ: its inputs and weights, the weighted sum, the activation, its
weight to the output, the output, the loss. The other hidden units reach the output
too; for hⱼ they are a number held by a gate (their weighted outputs and the
output's bias, from the trace). The output unit: every hidden unit's output σ(hₖ), the
weights, the output and the loss. The values are the
trace's at one state and probe sample, so the graph's gradients are the trace's own
(the backward scene's numbers). Names follow the notation key: x₁, w₁₁, b₁, h₁, v₁₁,
c₁, y.
"""

from core.errors import ConfigError
from core.expression import Apply, Expr, parse
from core.graph import Graph
from core.notation import SUBSCRIPTS
from core.trace import Trace

# a hidden activation as the formula's function ("" for none)
ACTIVATIONS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu", "linear": ""}
OUTPUTS = {"linear": "", "sigmoid": "sigmoid"}
LOSSES = ("mse", "sse", "bce")


def check(config: dict, unit: str) -> None:
    """Whether ``unit`` names a unit this network can be drawn from: before training."""
    net = config["network"]
    layers = net["layers"]
    if len(layers) != 3:
        raise ConfigError(f"--unit draws networks of one hidden layer; network.layers = "
                          f"{layers} has {len(layers) - 2}")
    if layers[-1] != 1 or net["loss"] not in LOSSES or net["output"] not in OUTPUTS:
        raise ConfigError("--unit draws networks with one output unit and loss mse, sse or "
                          f"bce; this one has {layers[-1]} output(s) and loss {net['loss']}")
    if net["activation"] not in ACTIVATIONS:
        raise ConfigError(f"--unit draws the activations {', '.join(ACTIVATIONS)}; this "
                          f"network uses {net['activation']}")
    hidden = [f"h{j + 1}" for j in range(layers[1])]
    if unit not in hidden + ["y", "ŷ"]:
        raise ConfigError(f"--unit {unit!r} is not a unit of this network; its units: "
                          f"{', '.join(hidden)}, y")


def output_names(trace: Trace) -> dict[str, tuple[str, str]]:
    """What the output unit's inputs are, as TeX and text: a₁ is σ(h₁) (h₁ without
    an activation)."""
    f = trace.config.network.activation
    tex, text = {"sigmoid": (r"\sigma", "σ"), "tanh": (r"\tanh", "tanh"),
                 "relu": (r"\mathrm{relu}", "relu")}.get(f, ("", ""))
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    return {f"a{k}": (f"{tex}(h_{{{k}}})" if tex else f"h_{{{k}}}",
                      f"{text}(h{str(k).translate(sub)})" if text else f"h{str(k).translate(sub)}")
            for k in range(1, trace.layers[1] + 1)}


def gate_names(trace: Trace, unit: str, graph: Graph) -> dict[str, tuple[str, str]]:
    """The gates of a unit's graph that the network has names for, as TeX and text:
    a hidden unit's sum hⱼ and its output σ(hⱼ), and the network's output ŷ (the gate
    the loss reads beside y), so the graph speaks the backward scene's notation."""
    net, names = trace.config.network, {}
    f, out = ACTIVATIONS[net.activation], OUTPUTS[net.output]
    if unit.startswith("h") and f:  # the hidden activation comes first, the output's after
        j = int(unit[1:])
        act = next(g for g in graph.gates if g.op == f)
        names[act.name] = output_names(trace)[f"a{j}"]
        if act.inputs[0].op:
            names[act.inputs[0].name] = (f"h_{{{j}}}", f"h{str(j).translate(SUBSCRIPTS)}")
    if out:
        y_hat = [g for g in graph.gates if g.op == out][-1]
    elif graph.output.op == "halfsq":  # ½(ŷ − y)²
        y_hat = graph.output.inputs[0].inputs[0]
    else:
        return names
    if y_hat.op:
        names[y_hat.name] = (r"\hat{y}", "ŷ")
    return names


def others(trace: Trace, unit: str, state: int = 0, probe: int = 0
           ) -> list[tuple[int, float, float]]:
    """What the hidden units other than ``unit`` bring to the output: (k, vₖ₁, aₖ),
    k counted from 1, with aₖ = σ(hₖ); the output's bias comes on top."""
    j = int(unit[1:]) - 1
    v, a = trace.weight_history(1)[state], trace.activations(1)[state, probe]
    return [(k + 1, float(v[k, 0]), float(a[k])) for k in range(trace.layers[1]) if k != j]


def formula(trace: Trace, unit: str, state: int = 0, probe: int = 0
            ) -> tuple[Expr, dict[str, float]]:
    """The loss of probe sample ``probe`` at ``state`` as a formula in ``unit``'s
    variables, and their values. The output unit's inputs aₖ are the hidden units'
    outputs (``output_names`` says what to call them)."""
    check(trace.config.as_dict(), unit)
    net, n_hidden = trace.config.network, trace.layers[1]  # (one hidden layer: checked)
    sample = int(trace.probes[probe])
    f = ACTIVATIONS[net.activation]
    w, v = trace.weight_history(0)[state], trace.weight_history(1)[state]
    b = trace.bias_history(0)[state] if net.bias else None
    c = float(trace.bias_history(1)[state][0]) if net.bias else 0.0
    values = {"y": float(trace.y[sample])}

    def act(inner: str) -> str:
        return f"{f}({inner})" if f else f"({inner})"

    if unit.startswith("h"):
        j = int(unit[1:]) - 1
        terms = [f"w{i + 1}{j + 1} * x{i + 1}" for i in range(len(w))]
        values |= {f"x{i + 1}": float(x) for i, x in enumerate(trace.X[sample])}
        values |= {f"w{i + 1}{j + 1}": float(w[i, j]) for i in range(len(w))}
        if b is not None:
            terms.append(f"b{j + 1}")
            values[f"b{j + 1}"] = float(b[j])
        # what the other hidden units and the output's bias bring: a number
        rest = c + sum(vk * ak for _, vk, ak in others(trace, unit, state, probe))
        output = f"v{j + 1}1 * {act(' + '.join(terms))}" + (f" + {rest!r}" if rest else "")
        values[f"v{j + 1}1"] = float(v[j, 0])
    else:  # the output unit reads the hidden units' outputs, a₁ = σ(h₁), ...
        post = trace.activations(1)[state, probe]
        output = " + ".join(f"v{k + 1}1 * a{k + 1}" for k in range(n_hidden))
        values |= {f"v{k + 1}1": float(v[k, 0]) for k in range(n_hidden)}
        values |= {f"a{k + 1}": float(post[k]) for k in range(n_hidden)}
        if net.bias:
            output += " + c1"
            values["c1"] = c
    if OUTPUTS[net.output]:
        output = f"{OUTPUTS[net.output]}({output})"
    if net.loss == "bce":  # the sample's own term: its label picks it
        loss = f"-log({output})" if values.pop("y") == 1 else f"-log(1 - {output})"
        return parse(loss), values
    # ½(ŷ − y)² as one gate, so the graph stays narrow enough to read
    return Apply("halfsq", (parse(f"{output} - y"),)), values

