"""Losses as scikit-learn defines them, one record each, with exact per-sample
derivatives.

* ``mse``: mean over all elements of (y_hat - y)^2 / 2 (MLPRegressor's squared error)
* ``sse``: the textbook error, 1/2 sum over output units of (y_hat - y)^2, averaged
  over samples; its gradient is MLPRegressor's, which reports the loss divided by
  the number of outputs (for one output, sse is mse)
* ``bce``: mean binary log-loss of a single sigmoid output (MLPClassifier)
* ``ce``:  mean categorical cross-entropy of a softmax output, integer labels

Probabilities are clipped only for the reported value, never for the gradient.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import xlogy

from core.activations import OUTPUT


def _clipped(a_out: np.ndarray) -> np.ndarray:
    eps = np.finfo(a_out.dtype).eps
    return np.clip(a_out, eps, 1 - eps)


def _bce_mean(a_out: np.ndarray, t: np.ndarray) -> float:
    # xlogy(t, p) + xlogy(1 - t, 1 - p) for labels that are exactly 0 or 1, in fewer
    # passes: the probability given to the true label, clipped alike
    eps = np.finfo(a_out.dtype).eps
    q = np.where(t == 1, a_out, 1 - a_out)
    np.clip(q, eps, 1 - eps, out=q)
    return -float(np.log(q, out=q).sum()) / len(q)


@dataclass(frozen=True)
class Loss:
    """One loss. ``per_sample(a, t)`` is each sample's own loss (n,), whose mean is
    ``mean(a, t)``; ``upstream(a, t)`` is each sample's dL_i/dA at the output.
    ``output`` and ``units`` (a range) say which output layer it needs (None: any),
    ``regression`` whether targets are real numbers (one per output unit) rather than
    labels."""

    name: str
    mean: Callable[[np.ndarray, np.ndarray], float]
    per_sample: Callable[[np.ndarray, np.ndarray], np.ndarray]
    upstream: Callable[[np.ndarray, np.ndarray], np.ndarray]
    regression: bool
    output: str | None = None
    units: range = range(1, 1 << 31)
    units_text: str = ""  # the units it needs, in words

    def fits(self, output: str, units: int) -> bool:
        return self.output in (None, output) and units in self.units


LOSS: dict[str, Loss] = {loss.name: loss for loss in [
    Loss("mse", lambda a, t: float(0.5 * np.mean((t - a) ** 2)),
         lambda a, t: 0.5 * np.mean((t - a) ** 2, axis=1),
         lambda a, t: (a - t) / a.shape[1] if a.shape[1] > 1 else a - t, regression=True),
    Loss("sse", lambda a, t: float(0.5 * np.sum((t - a) ** 2) / len(t)),
         lambda a, t: 0.5 * np.sum((t - a) ** 2, axis=1), lambda a, t: a - t, regression=True),
    Loss("bce", _bce_mean,
         lambda a, t: -(xlogy(t, _clipped(a)) + xlogy(1 - t, 1 - _clipped(a)))[:, 0],
         lambda a, t: (a - t) / (a * (1 - a)), regression=False, output="sigmoid",
         units=range(1, 2), units_text="one output unit (layers ending in 1)"),
    Loss("ce", lambda a, t: float(-np.mean(xlogy(t, _clipped(a)), axis=0).sum()),
         lambda a, t: -np.sum(xlogy(t, _clipped(a)), axis=1),
         lambda a, t: -t / a, regression=False, output="softmax",
         units=range(2, 1 << 31), units_text="one output unit per class (at least 2)"),
]}
LOSSES = tuple(LOSS)
REGRESSION = tuple(name for name, loss in LOSS.items() if loss.regression)


def targets(loss: str, y: np.ndarray, n_outputs: int) -> np.ndarray:
    """The target matrix (n, n_outputs): one-hot rows for class labels of k > 1 outputs."""
    if loss == "ce" or (n_outputs > 1 and np.ndim(y) == 1):
        return np.eye(n_outputs)[np.asarray(y).astype(np.int64)]
    return np.asarray(y, dtype=np.float64).reshape(len(y), n_outputs)


def loss_value(loss: str, a_out: np.ndarray, t: np.ndarray) -> float:
    """Mean loss over the batch (no regularisation)."""
    return LOSS[loss].mean(a_out, t)


def sample_losses(loss: str, a_out: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Each sample's own loss (n,), as a batch of one; their mean is ``loss_value``."""
    return LOSS[loss].per_sample(a_out, t)


def output_delta(loss: str, output: str, a_out: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Per-sample dL_i/dZ at the output, where L_i is sample i's own loss.

    The batch gradient divides the sum of these by the batch size. A loss paired
    with the output it needs (bce with sigmoid, ce with softmax) gives a - t
    exactly, as in scikit-learn, without dividing by probabilities."""
    record = LOSS[loss]
    if record.output == output:
        return a_out - t
    return OUTPUT[output].vjp(a_out, record.upstream(a_out, t))
