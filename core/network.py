"""A multilayer perceptron as plain arrays: forward pass, backward pass, gradients.

Convention as scikit-learn: ``Z = A_prev @ W + b`` with ``W`` shaped
(fan_in, fan_out) and samples in rows. Layer ``i`` maps layer ``i`` of the
diagram to layer ``i + 1``; the last layer is the output.
"""

from dataclasses import dataclass, field

import numpy as np

from core.activations import HIDDEN, OUTPUT
from core.losses import loss_value, output_delta


@dataclass
class Network:
    """Weights and biases of an MLP plus the functions that define it."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    activation: str = "sigmoid"
    output: str = "linear"
    loss: str = "mse"
    bias: bool = True
    l2: float = 0.0

    @property
    def layers(self) -> list[int]:
        return [self.weights[0].shape[0]] + [w.shape[1] for w in self.weights]

    def copy(self) -> "Network":
        return Network(
            [w.copy() for w in self.weights], [b.copy() for b in self.biases],
            self.activation, self.output, self.loss, self.bias, self.l2,
        )


@dataclass
class Pass:
    """Everything one forward and backward pass computes, layer by layer."""

    Z: list[np.ndarray]
    A: list[np.ndarray]  # A[i] is the output of layer i (A[-1] is the prediction)
    deltas: list[np.ndarray] = field(default_factory=list)  # per-sample dL_i/dZ
    dW: list[np.ndarray] = field(default_factory=list)
    db: list[np.ndarray] = field(default_factory=list)
    loss: float = float("nan")


def forward(net: Network, X: np.ndarray) -> Pass:
    """Pre-activations and activations of every layer for the rows of X."""
    hidden = HIDDEN[net.activation].forward
    Zs, As = [], []
    a = X
    last = len(net.weights) - 1
    for i, (w, b) in enumerate(zip(net.weights, net.biases)):
        z = a @ w
        if net.bias:
            z += b
        a = OUTPUT[net.output].forward(z) if i == last else hidden(z)
        Zs.append(z)
        As.append(a)
    return Pass(Zs, As)


def l2_penalty(net: Network, n: int) -> float:
    """scikit-learn's alpha term: 0.5 * alpha * sum ||W||^2 / n (biases are free)."""
    if net.l2 == 0:
        return 0.0
    total = sum(float(np.dot(w.ravel(), w.ravel())) for w in net.weights)
    return 0.5 * net.l2 * total / n


def backprop_deltas(net: Network, t: np.ndarray, p: Pass) -> list[np.ndarray]:
    """Per-sample dL_i/dZ of every layer, indexed like the weights."""
    through = HIDDEN[net.activation].backward
    delta = output_delta(net.loss, net.output, p.A[-1], t)
    deltas = [delta]
    for i in range(len(net.weights) - 1, 0, -1):
        delta = through(p.Z[i - 1], p.A[i - 1], delta @ net.weights[i].T)
        deltas.insert(0, delta)
    return deltas


def backward(net: Network, X: np.ndarray, t: np.ndarray, p: Pass) -> Pass:
    """Fill in p's per-sample deltas, the batch-mean gradients and the loss.

    The operation order follows scikit-learn's ``_backprop`` so that the two
    agree to rounding: grad = (A^T delta + alpha W) / n.
    """
    n = X.shape[0]
    p.deltas = backprop_deltas(net, t, p)
    p.dW, p.db = [], []
    for a_in, d, w in zip([X] + p.A[:-1], p.deltas, net.weights):
        g = a_in.T @ d
        if net.l2:
            g += net.l2 * w
        p.dW.append(g / n)
        p.db.append(d.sum(axis=0) / n if net.bias else np.zeros(d.shape[1]))
    p.loss = loss_value(net.loss, p.A[-1], t) + l2_penalty(net, n)
    return p


def evaluate(net: Network, X: np.ndarray, t: np.ndarray) -> Pass:
    """Forward and backward pass on one batch."""
    return backward(net, X, t, forward(net, X))


def total_loss(net: Network, X: np.ndarray, t: np.ndarray) -> float:
    """Loss of the whole set, L2 included, without computing gradients."""
    return loss_value(net.loss, forward(net, X).A[-1], t) + l2_penalty(net, X.shape[0])
