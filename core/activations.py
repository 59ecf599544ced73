"""Activation functions and their derivatives, by name.

Derivatives are written in terms of the activation's output ``a`` where
scikit-learn does so (sigmoid, tanh, relu), so that training matches its
MLP to the last bits.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """An elementwise function, and the chain rule through it: ``backward(z, a, up)``
    is up * f'(z) given a = f(z), multiplied in scikit-learn's order."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _leaky(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


HIDDEN: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", expit, lambda z, a, up: up * a * (1 - a)),
    "tanh": Activation("tanh", np.tanh, lambda z, a, up: up * (1 - a**2)),
    "relu": Activation("relu", lambda z: np.maximum(z, 0),
                       lambda z, a, up: np.where(a > 0, up, 0.0)),
    "leaky_relu": Activation("leaky_relu", _leaky,
                             lambda z, a, up: up * np.where(z > 0, 1.0, LEAKY_SLOPE)),
    "linear": Activation("linear", lambda z: z, lambda z, a, up: up),
}


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax, computed as scikit-learn does (max subtracted first)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


OUTPUT: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda z: z,
    "sigmoid": expit,
    "softmax": softmax,
}


def output_vjp(output: str, a: np.ndarray, upstream: np.ndarray) -> np.ndarray:
    """dL/dZ from dL/dA through the output activation (a vector-Jacobian product)."""
    if output == "linear":
        return upstream
    if output == "sigmoid":
        return upstream * a * (1 - a)
    # softmax: J = diag(a) - a a^T, applied row by row
    return a * (upstream - np.sum(upstream * a, axis=1, keepdims=True))
