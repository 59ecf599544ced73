"""Activation functions: one record each, the only place an activation is defined.

A record holds what every part of the program needs of it: the function and the
chain rule through it for training, an in-place float32 version for decision grids,
its name in TeX and text for the scenes, its definition and local-derivative line,
and its shape (bounded to (0, 1), where its extrema are) for colour scales and the
tests' interval arithmetic. Adding one is one entry in ``HIDDEN`` plus its test.

Derivatives are written in terms of the activation's output ``a`` where
scikit-learn does so (sigmoid, tanh, relu), so that training matches its
MLP to the last bits.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import erf, expit

LEAKY_SLOPE = 0.01
SQRT_HALF = math.sqrt(0.5)


@dataclass(frozen=True)
class Activation:
    """An elementwise function of a hidden layer, and the chain rule through it.

    ``backward(z, a, up)`` is up * f'(z) given a = f(z), multiplied in scikit-learn's
    order. ``inplace(z)`` overwrites a float32 array with f(z). ``tex``/``text``
    name f on screen ("" for the identity, which needs no name). ``local_tex`` and
    ``local_text`` write f'(h) through f's own output where that is how it is taught
    ({f} the name, {h} the argument, $a the number), with ``local_from_output``
    computing it from a as shown. ``extrema`` are the points where f' = 0 (a
    non-monotone f's range over an interval needs them)."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    inplace: Callable[[np.ndarray], np.ndarray]
    tex: str
    text: str
    definition_tex: str = ""
    definition_text: str = ""
    local_tex: str = ""
    local_text: str = ""
    local_from_output: Callable[[float], float] | None = None
    unit_interval: bool = False  # values in (0, 1): drawn on a probability's scale
    extrema: tuple[float, ...] = ()

    def __call__(self, z: float) -> float:
        """f at one number, as a calculator gives it."""
        return float(self.forward(np.array([z], dtype=np.float64))[0])

    def derivative(self, z: float) -> float:
        """f'(z) at one number, by the training's own rule."""
        zs = np.array([z], dtype=np.float64)
        return float(self.backward(zs, self.forward(zs), np.ones(1))[0])


def _leaky(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _gelu(z: np.ndarray) -> np.ndarray:
    return 0.5 * z * (1 + erf(z * SQRT_HALF))


def _gelu_backward(z: np.ndarray, a: np.ndarray, up: np.ndarray) -> np.ndarray:
    cdf = 0.5 * (1 + erf(z * SQRT_HALF))
    return up * (cdf + z * np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi))


def _gelu_inplace(z: np.ndarray) -> np.ndarray:
    half = erf(z * np.float32(SQRT_HALF))
    half += 1
    half *= 0.5
    return np.multiply(z, half, out=z)


HIDDEN: dict[str, Activation] = {a.name: a for a in [
    Activation("sigmoid", expit, lambda z, a, up: up * a * (1 - a),
               lambda z: expit(z, out=z), r"\sigma", "σ",
               r"\sigma(h) = 1 / (1 + e^{-h})", "σ(h) = 1 / (1 + e^(−h))",
               r"{f}({h})(1 - {f}({h})) = $a \times (1 - $a)",
               "{f}({h})(1 − {f}({h})) = $a × (1 − $a)", lambda a: a * (1 - a),
               unit_interval=True),
    Activation("tanh", np.tanh, lambda z, a, up: up * (1 - a**2),
               lambda z: np.tanh(z, out=z), r"\tanh", "tanh",
               r"\tanh(h) = (e^{h} - e^{-h}) / (e^{h} + e^{-h})",
               "tanh(h) = (e^h − e^(−h)) / (e^h + e^(−h))",
               r"1 - \tanh^2({h}) = 1 - $a^2", "1 − tanh²({h}) = 1 − $a²", lambda a: 1 - a * a),
    Activation("relu", lambda z: np.maximum(z, 0), lambda z, a, up: np.where(a > 0, up, 0.0),
               lambda z: np.maximum(z, 0, out=z), r"\mathrm{relu}", "relu",
               r"\mathrm{relu}(h) = \max(0, h)", "relu(h) = max(0, h)"),
    Activation("leaky_relu", _leaky, lambda z, a, up: up * np.where(z > 0, 1.0, LEAKY_SLOPE),
               lambda z: np.multiply(z, np.where(z > 0, 1, LEAKY_SLOPE).astype(z.dtype), out=z),
               r"\mathrm{lrelu}", "lrelu",
               rf"\mathrm{{lrelu}}(h) = \max({LEAKY_SLOPE}\,h,\ h)",
               f"lrelu(h) = max({LEAKY_SLOPE}·h, h)"),
    Activation("gelu", _gelu, _gelu_backward, _gelu_inplace, r"\mathrm{gelu}", "gelu",
               r"\mathrm{gelu}(h) = h\,\Phi(h)", "gelu(h) = h·Φ(h), Φ the normal CDF",
               extrema=(-0.7517915241,)),
    Activation("linear", lambda z: z, lambda z, a, up: up, lambda z: z, "", ""),
]}


@dataclass(frozen=True)
class Output:
    """The output layer's function: ``vjp(a, up)`` is dL/dZ from dL/dA (a
    vector-Jacobian product), ``inplace`` the float32 version for grids."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    vjp: Callable[[np.ndarray, np.ndarray], np.ndarray]
    inplace: Callable[[np.ndarray], np.ndarray]
    tex: str = ""
    text: str = ""
    unit_interval: bool = False

    def __call__(self, z: float) -> float:
        return float(self.forward(np.array([[z]], dtype=np.float64))[0, 0])


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax, computed as scikit-learn does (max subtracted first)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _softmax_inplace(z: np.ndarray) -> np.ndarray:
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


OUTPUT: dict[str, Output] = {o.name: o for o in [
    Output("linear", lambda z: z, lambda a, up: up, lambda z: z),
    Output("sigmoid", expit, lambda a, up: up * a * (1 - a), lambda z: expit(z, out=z),
           r"\sigma", "σ", unit_interval=True),
    # J = diag(a) - a a^T, applied row by row
    Output("softmax", softmax, lambda a, up: a * (up - np.sum(up * a, axis=1, keepdims=True)),
           _softmax_inplace, r"\mathrm{softmax}", "softmax", unit_interval=True),
]}
