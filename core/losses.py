"""Losses as scikit-learn defines them, with exact per-sample derivatives.

* ``mse``: mean over all elements of (y_hat - y)^2 / 2 (MLPRegressor's squared error)
* ``sse``: the textbook error, 1/2 sum over output units of (y_hat - y)^2, averaged
  over samples; its gradient is MLPRegressor's, which reports the loss divided by
  the number of outputs (for one output, sse is mse)
* ``bce``: mean binary log-loss of a single sigmoid output (MLPClassifier)
* ``ce``:  mean categorical cross-entropy of a softmax output, integer labels

Probabilities are clipped only for the reported value, never for the gradient.
"""

import numpy as np
from scipy.special import xlogy

from core.activations import OUTPUT

LOSSES = ("mse", "sse", "bce", "ce")
REGRESSION = ("mse", "sse")  # real targets, one per output unit


def targets(loss: str, y: np.ndarray, n_outputs: int) -> np.ndarray:
    """The target matrix (n, n_outputs): one-hot rows for class labels of k > 1 outputs."""
    if loss == "ce" or (n_outputs > 1 and np.ndim(y) == 1):
        return np.eye(n_outputs)[np.asarray(y).astype(np.int64)]
    return np.asarray(y, dtype=np.float64).reshape(len(y), n_outputs)


def loss_value(loss: str, a_out: np.ndarray, t: np.ndarray) -> float:
    """Mean loss over the batch (no regularisation)."""
    if loss == "mse":
        return float(0.5 * np.mean((t - a_out) ** 2))
    if loss == "sse":
        return float(0.5 * np.sum((t - a_out) ** 2) / len(t))
    eps = np.finfo(a_out.dtype).eps
    if loss == "bce":
        # xlogy(t, p) + xlogy(1 - t, 1 - p) for labels that are exactly 0 or 1, in
        # fewer passes: the probability given to the true label, clipped alike
        q = np.where(t == 1, a_out, 1 - a_out)
        np.clip(q, eps, 1 - eps, out=q)
        return -float(np.log(q, out=q).sum()) / len(q)
    p = np.clip(a_out, eps, 1 - eps)
    return float(-np.mean(xlogy(t, p), axis=0).sum())


def sample_losses(loss: str, a_out: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Each sample's own loss (n,), as a batch of one; their mean is ``loss_value``."""
    if loss == "mse":
        return 0.5 * np.mean((t - a_out) ** 2, axis=1)
    if loss == "sse":
        return 0.5 * np.sum((t - a_out) ** 2, axis=1)
    eps = np.finfo(a_out.dtype).eps
    p = np.clip(a_out, eps, 1 - eps)
    if loss == "bce":
        return -(xlogy(t, p) + xlogy(1 - t, 1 - p))[:, 0]
    return -np.sum(xlogy(t, p), axis=1)


def output_delta(loss: str, output: str, a_out: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Per-sample dL_i/dZ at the output, where L_i is sample i's own loss.

    The batch gradient divides the sum of these by the batch size. Canonical
    pairs (bce+sigmoid, ce+softmax, mse+linear with one output) reduce to
    a - t exactly, as in scikit-learn.
    """
    if loss in ("bce", "ce"):
        return a_out - t
    k = a_out.shape[1]
    upstream = (a_out - t) / k if loss == "mse" and k > 1 else a_out - t
    return OUTPUT[output].vjp(a_out, upstream)
