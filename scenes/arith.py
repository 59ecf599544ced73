"""The arithmetic the post's scenes show, as LaTeX and caption text, from a trace.

Pure Python: every number is read from the trace and formatted once; the same
string goes on screen and into the caption, so what a test checks in the
captions is what a viewer sees.

A line ends in "=" only when a calculator agrees: its operands exactly as shown
give, rounded to the decimals shown, the result shown (the trace's true value,
rounded). Where rounding the operands first moves the last digit, the line ends
in "≈" instead, and still shows the true value.
"""

import math
from string import Template

import numpy as np

from core.activations import HIDDEN, OUTPUT
from core.notation import sub
from core.trace import Trace
from scenes.numerals import MINUS, fmt

HIDDEN_NAMES = ["h", "g", "k"]


class Eq:
    """One line as LaTeX and as caption text, from templates with $name numbers.

    ``$eq`` in a template is the line's last relation: "=" when ``exact``, else "≈".
    ``local``: the line is an activation's own derivative (σ′), no gradient of L, so it
    is written in the text's colour, not the gradients'."""

    def __init__(self, tex: str, text: str, exact: bool = True, local: bool = False,
                 **numbers: str):
        self.exact, self.local = exact, local
        self.tex = Template(tex).substitute(numbers, eq="=" if exact else r"\approx")
        self.text = Template(text).substitute(
            {k: v.replace("-", MINUS) for k, v in numbers.items()}, eq="=" if exact else "≈")

    def __repr__(self) -> str:
        return f"Eq({self.text!r})"


def value(text: str) -> float:
    """A number as shown: '(-0.5)' and '0.731' read back as floats."""
    return float(text.strip("()"))


def agrees(calculated: float, shown: str) -> bool:
    """A calculator's result, rounded to the decimals of ``shown`` as a student rounds
    (an exact tie away from zero: 0.7455 to 0.746), gives ``shown``."""
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    half, target = 0.5 * 10 ** -decimals, value(shown)
    slack = half * 1e-9 + 1e-12  # (a calculator's own last bits)
    gap = abs(calculated - target)
    if gap < half - slack:
        return True
    return gap <= half + slack and abs(target) > abs(calculated)


def minus_log(p: float) -> float:
    """−ln(p) as a calculator gives it; infinite where it reports an error."""
    return -math.log(p) if p > 0 else math.inf


class ForwardArithmetic:
    """Equations of one probe sample of a trace at state t: its names, values, the
    forward pass and the loss (the gradients' and the update's lines extend it, in
    ``scenes/arith_backward.py``)."""

    def __init__(self, trace: Trace, precision: int = 3, probe: int = 0):
        self.tr, self.prec, self.p = trace, precision, probe
        self.net = trace.config.network
        self.f = HIDDEN[self.net.activation]  # the hidden layers' activation
        self.layers = trace.layers
        self.last = len(self.layers) - 1  # index of the output layer in the diagram

    def n(self, v: float) -> str:
        return fmt(v, self.prec)

    def data(self, v: float) -> str:
        return fmt(v, self.prec, keep_integer=True)

    def o(self, v: float, data: bool = False) -> str:
        """An operand: a negative one goes in parentheses, 2 x (-0.5)."""
        text = self.data(v) if data else self.n(v)
        return f"({text})" if text.startswith("-") else text

    # --- names -------------------------------------------------------------------------

    def pre_name(self, layer: int, j: int) -> tuple[str, str]:
        """LaTeX and text name of a node's pre-activation (diagram layer >= 1)."""
        if layer == self.last:
            if self.net.output == "linear":
                return self.out_name(j)
            return (f"z_{{{j + 1}}}", f"z{sub(j + 1)}") if self.layers[-1] > 1 else ("z", "z")
        letter = HIDDEN_NAMES[layer - 1]
        return f"{letter}_{{{j + 1}}}", f"{letter}{sub(j + 1)}"

    def out_name(self, j: int) -> tuple[str, str]:
        if self.layers[-1] == 1:
            return r"\hat{y}", "ŷ"
        return rf"\hat{{y}}_{{{j + 1}}}", f"ŷ{sub(j + 1)}"

    def act_name(self, layer: int, j: int) -> tuple[str, str]:
        """Name of a node's output: x_i for inputs, f(h_j) for hidden, y-hat for outputs."""
        if layer == 0:
            return f"x_{{{j + 1}}}", f"x{sub(j + 1)}"
        if layer == self.last:
            return self.out_name(j)
        tex_f, text_f = self.f.tex, self.f.text
        tex_h, text_h = self.pre_name(layer, j)
        if not tex_f:
            return tex_h, text_h
        return f"{tex_f}({tex_h})", f"{text_f}({text_h})"

    def hidden_symbols(self) -> dict[str, str]:
        """What the numbers of each colour are, without indices, for the colour key:
        {"value": x, σ(h), ŷ (inputs, hidden outputs, outputs), "gradient": ∂L/∂(·)
        (every gradient the scenes write is of L: of ŷ, of h, of a weight)}; none
        without a hidden layer."""
        if len(self.layers) < 3:
            return {}
        tex_f = self.f.tex
        h = HIDDEN_NAMES[0]
        hidden = f"{tex_f}({h})" if tex_f else h
        return {"value": rf"x,\ {hidden},\ \hat{{y}}", "gradient": r"\partial L/\partial(\cdot)"}

    def hidden_gradient_symbols(self) -> str:
        """What a framed gradient by a hidden node is, without indices, for the colour
        key: ∂L/∂ of the node's sum (∂L/∂h: the one by h₁ is ∂L/∂h₁, not ∂L/∂σ(h₁));
        the output's is named where it stands."""
        return r",\ ".join(rf"\partial L/\partial {HIDDEN_NAMES[layer - 1]}"
                            for layer in range(1, self.last))

    def derivative_name(self, layer: int, j: int) -> tuple[str, str]:
        """The activation's derivative at a hidden node: σ'(h₁), tanh'(h₁), f'(h₁)."""
        tex_f, text_f = self.f.tex or "f", self.f.text or "f"
        h_tex, h_text = self.pre_name(layer, j)
        return f"{tex_f}'({h_tex})", f"{text_f}'({h_text})"

    # --- values ------------------------------------------------------------------------

    def activation(self, layer: int, j: int, t: int) -> float:
        if layer == 0:
            return float(self.tr.X[self.tr.probes[self.p], j])
        return float(self.tr.activations(layer)[t, self.p, j])

    def act_text(self, layer: int, j: int, t: int) -> str:
        """A node's output as an operand."""
        return self.o(self.activation(layer, j, t), data=layer == 0)

    def weight(self, layer: int, a: int, b: int, t: int) -> float:
        return float(self.tr.weight_history(layer)[t][a, b])

    # --- forward -----------------------------------------------------------------------

    def weighted_sum(self, layer: int, j: int, t: int, rounded_to: int | None = None) -> Eq:
        """h_j = a_1 x w_1j + ... (+ b_j) = h_j for diagram layer >= 1. With
        ``rounded_to``, the previous layer's outputs are rounded to that many decimals
        first (as a worked example by hand does) and the result is what a calculator
        gets from the numbers shown."""
        tex_name, text_name = self.pre_name(layer, j)
        nums, tex_terms, text_terms, calc = {}, [], [], 0.0
        for i in range(self.layers[layer - 1]):
            if rounded_to is None or layer == 1:
                nums[f"a{i}"] = self.act_text(layer - 1, i, t)
            else:
                rounded = fmt(self.activation(layer - 1, i, t), rounded_to)
                nums[f"a{i}"] = f"({rounded})" if rounded.startswith("-") else rounded
            nums[f"w{i}"] = self.o(self.weight(layer - 1, i, j, t))
            calc += value(nums[f"a{i}"]) * value(nums[f"w{i}"])
            tex_terms.append(rf"$a{i} \times $w{i}")
            text_terms.append(f"$a{i} × $w{i}")
        if self.net.bias:
            nums["b"] = self.o(float(self.tr.bias_history(layer - 1)[t][j]))
            calc += value(nums["b"])
            tex_terms.append("$b")
            text_terms.append("$b")
        z = float(self.tr.pre_activations(layer)[t, self.p, j])
        nums["z"] = (self.n(z) if rounded_to is None
                     else self.n(calc))
        return Eq(f"{tex_name} = " + " + ".join(tex_terms) + " $eq $z",
                  f"{text_name} = " + " + ".join(text_terms) + " $eq $z",
                  agrees(calc, nums["z"]), **nums)

    def layer_values_eq(self, layer: int, t: int) -> Eq:
        """A layer's outputs in one line: (σ(h₁), σ(h₂)) = (0.731, 0.786)."""
        count = self.layers[layer]
        names = [self.act_name(layer, j) for j in range(count)]
        nums = {f"a{j}": self.n(self.activation(layer, j, t)) for j in range(count)}
        values_tex = ", ".join(f"$a{j}" for j in range(count))
        if count == 1:
            return Eq(f"{names[0][0]} = {values_tex}", f"{names[0][1]} = {values_tex}", **nums)
        return Eq(rf"\left({', '.join(tex for tex, _ in names)}\right) = "
                  rf"\left({values_tex}\right)",
                  f"({', '.join(text for _, text in names)}) = ({values_tex})", **nums)

    def function_at(self, layer: int) -> str:
        """The name of the function a node of this diagram layer applies."""
        return self.net.output if layer == self.last else self.net.activation

    @staticmethod
    def definition_eq(kind: str) -> Eq | None:
        """What the function is, e.g. σ(h) = 1 / (1 + e^(−h)); None for one without
        a name on screen (linear, softmax's own line)."""
        f = HIDDEN.get(kind)
        if f is None or not f.definition_tex:
            return None
        return Eq(f.definition_tex, f.definition_text)

    def activation_eq(self, layer: int, j: int, t: int) -> Eq | None:
        """sigma(h_j) = sigma(1.0) = 0.731; None where the activation is linear."""
        z = self.n(float(self.tr.pre_activations(layer)[t, self.p, j]))
        a = self.n(self.activation(layer, j, t))
        tex_h, text_h = self.pre_name(layer, j)
        if layer == self.last:
            out = self.net.output
            name_tex, name_text = self.out_name(j)
            if out == "sigmoid":
                return Eq(rf"{name_tex} = \sigma({tex_h}) = \sigma($z) $eq $a",
                          f"{name_text} = σ({text_h}) = σ($z) $eq $a",
                          agrees(OUTPUT["sigmoid"](value(z)), a), z=z, a=a)
            if out == "softmax":
                return self.softmax_eq(j, t)
            return None
        if not self.f.tex:  # the identity: h is its own output
            return None
        tex_f, text_f = self.f.tex, self.f.text
        return Eq(rf"{tex_f}({tex_h}) = {tex_f}($z) $eq $a",
                  f"{text_f}({text_h}) = {text_f}($z) $eq $a",
                  agrees(self.f(value(z)), a), z=z, a=a)

    def softmax_eq(self, j: int, t: int) -> Eq:
        zs = self.tr.pre_activations(self.last)[t, self.p]
        nums = {f"z{k}": self.o(float(v)) for k, v in enumerate(zs)}
        nums["zj"] = nums[f"z{j}"]
        nums["a"] = self.n(self.activation(self.last, j, t))
        denominator_tex = " + ".join(f"e^{{$z{k}}}" for k in range(len(zs)))
        denominator_text = " + ".join(f"exp($z{k})" for k in range(len(zs)))
        name_tex, name_text = self.out_name(j)
        calc = math.exp(value(nums["zj"])) / sum(math.exp(value(nums[f"z{k}"]))
                                                  for k in range(len(zs)))
        return Eq(rf"{name_tex} = \frac{{e^{{$zj}}}}{{{denominator_tex}}} $eq $a",
                  f"{name_text} = exp($zj) / ({denominator_text}) $eq $a",
                  agrees(calc, nums["a"]), **nums)

    def target(self, j: int) -> float:
        """What output unit j is compared with: the sample's target for it, its label
        for one output, else 1 for the sample's class and 0 for the others."""
        y = self.tr.y[self.tr.probes[self.p]]
        if np.ndim(y) == 1:
            return float(y[j])
        if self.layers[-1] == 1:
            return float(y)
        return float(int(y) == j)

    def target_name(self, j: int) -> tuple[str, str]:
        return ("y", "y") if self.layers[-1] == 1 else (f"t_{{{j + 1}}}", f"t{sub(j + 1)}")

    def loss_eq(self, t: int) -> Eq:
        """The probe's own loss with its numbers."""
        loss, k = self.net.loss, self.layers[-1]
        loss_text = self.n(float(self.tr.probe_losses[t, self.p]))
        yhat = [self.o(self.activation(self.last, j, t)) for j in range(k)]
        if loss == "bce":
            if int(self.target(0)) == 1:
                return Eq(r"L = -\ln(\hat{y}) = -\ln($p) $eq $L", "L = −ln(ŷ) = −ln($p) $eq $L",
                          agrees(minus_log(value(yhat[0])), loss_text), p=yhat[0], L=loss_text)
            return Eq(r"L = -\ln(1 - \hat{y}) = -\ln(1 - $p) $eq $L",
                      "L = −ln(1 − ŷ) = −ln(1 − $p) $eq $L",
                      agrees(minus_log(1 - value(yhat[0])), loss_text), p=yhat[0], L=loss_text)
        if loss == "ce":
            c = int(self.tr.y[self.tr.probes[self.p]])
            return Eq(rf"L = -\ln(\hat{{y}}_{{{c + 1}}}) = -\ln($p) $eq $L",
                      f"L = −ln(ŷ{sub(c + 1)}) = −ln($p) $eq $L",
                      agrees(minus_log(value(yhat[c])), loss_text), p=yhat[c], L=loss_text)
        nums = {f"p{j}": yhat[j] for j in range(k)} | {
            f"t{j}": self.o(self.target(j), data=True) for j in range(k)}
        squares = sum((value(nums[f"p{j}"]) - value(nums[f"t{j}"])) ** 2 for j in range(k))
        terms = " + ".join(f"($p{j} - $t{j})^2" for j in range(k))
        terms_text = terms.replace("-", "−").replace("^2", "²")
        if k == 1:  # mse and sse agree
            return Eq(r"L = \tfrac{1}{2}(\hat{y} - y)^2 = \tfrac{1}{2}" + terms + " $eq $L",
                      "L = ½(ŷ − y)² = ½" + terms_text + " $eq $L",
                      agrees(0.5 * squares, loss_text), L=loss_text, **nums)
        if loss == "sse":
            return Eq(r"L = \tfrac{1}{2}\sum_j (\hat{y}_j - t_j)^2 = \tfrac{1}{2}[" + terms
                      + "] $eq $L", "L = ½ Σⱼ (ŷⱼ − tⱼ)² = ½[" + terms_text + "] $eq $L",
                      agrees(0.5 * squares, loss_text), L=loss_text, **nums)
        return Eq(rf"L = \tfrac{{1}}{{2}} \cdot \frac{{{terms}}}{{{k}}} $eq $L",
                  f"L = ½ × ({terms_text}) / {k} $eq $L",
                  agrees(0.5 * squares / k, loss_text), L=loss_text, **nums)

    def loss_formula(self) -> str:
        """The loss as a formula, without numbers (TeX)."""
        loss, k = self.net.loss, self.layers[-1]
        if loss == "bce":
            return r"L = -[\,y \ln \hat{y} + (1 - y)\ln(1 - \hat{y})\,]"
        if loss == "ce":
            return r"L = -\ln \hat{y}_{\text{class}}"
        if k == 1:
            return r"L = \tfrac{1}{2}(\hat{y} - y)^2"
        if loss == "sse":
            return r"L = \tfrac{1}{2}\sum_j (\hat{y}_j - t_j)^2"
        return rf"L = \tfrac{{1}}{{2 \cdot {k}}}\sum_j (\hat{{y}}_j - t_j)^2"
