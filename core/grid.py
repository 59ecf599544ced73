"""The network's output over a grid of the input plane, in float32.

A 200x200 grid costs as much as tens of training steps, so grids are
evaluated in float32 with buffers allocated once, and only for the
iterations that become frames.
"""

import numpy as np

from core.activations import HIDDEN, OUTPUT
from core.network import Network


def extent(X: np.ndarray, margin: float = 0.15) -> tuple[float, ...]:
    """(xmin, xmax[, ymin, ymax]) around the points of one or two inputs, padded by a
    fraction of their span."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = hi - lo
    pad = np.where(span > 0, span * margin, 1.0)  # a single point still gets a plane
    return tuple(float(v) for pair in zip(lo - pad, hi + pad) for v in pair)


def grid_points(box: tuple[float, ...], size: int) -> np.ndarray:
    """(size, 1) points of a line, or (size*size, 2) of a plane, float32; in the
    plane, row i is y = ys[i], column j is x = xs[j]."""
    xs = np.linspace(box[0], box[1], size, dtype=np.float32)
    if len(box) == 2:
        return xs[:, None]
    ys = np.linspace(box[2], box[3], size, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


class GridEvaluator:
    """Evaluates one network shape on fixed grid points, reusing its buffers."""

    def __init__(self, points: np.ndarray, layers: list[int]):
        self.points = points
        self.buffers = [np.empty((len(points), width), np.float32) for width in layers[1:]]

    def __call__(self, net: Network) -> list[np.ndarray]:
        """Activations of every layer at every point (views into the buffers)."""
        a = self.points
        last = len(self.buffers) - 1
        hidden, output = HIDDEN[net.activation].inplace, OUTPUT[net.output].inplace
        for i, (w, b, out) in enumerate(zip(net.weights, net.biases, self.buffers)):
            np.matmul(a, w.astype(np.float32), out=out)
            if net.bias:
                out += b.astype(np.float32)
            (hidden if i < last else output)(out)
            a = out
        return self.buffers
