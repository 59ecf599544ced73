"""The loss over a plane in weight space, and a run's path across it.

After Li et al. 2018, "Visualizing the loss landscape of neural nets": every weight
and bias as one vector θ. Two kinds of plane, both through the run's last state:

* ``pca``: spanned by the two directions along which the run moved most, the first
  two right singular vectors of the displacements θ_t − θ_last. The surface is the
  loss on that slice; each state is drawn at its projection, and its distance from
  the plane says how much of the path the picture leaves out.
* ``exact``: two named parameters, in a run where only they learn
  (``train.trainable``). Every state lies on the plane, the surface is the loss
  the run descended, and each state's loss on it is the trace's.

The grid is evaluated in float64, a chunk of plane points at a time: a batched
forward pass whose weights differ per point. The descent arrows are the whole
training set's gradient (L2 included), projected onto the plane.
"""

from dataclasses import dataclass

import numpy as np

from core.activations import HIDDEN, OUTPUT
from core.errors import ConfigError
from core.losses import LOSS, targets
from core.network import evaluate
from core.notation import Parameter, parameter
from core.trace import Trace

GRID = 60  # points per side of the evaluated plane
MOST_GRID = 100
CHUNK_VALUES = 2_000_000  # floats per batched forward pass: a chunk of plane points
MARGIN = 0.35  # the window reaches this share of the path's extent beyond it, each side
EXACT_SIDE = 2.0  # the least window over two weights: a short run still shows the bowl
FLAT = 1e-9  # a second direction this small next to the first: the path is a line


@dataclass
class Landscape:
    """A plane through ``origin`` spanned by the rows of ``directions``, the loss
    over a square window of it, and the run's states on it.

    Coordinates (a, b) of θ are (θ − origin)·directions + offsets: in the exact mode
    the offsets make them the two parameters' own values."""

    mode: str  # "pca" or "exact"
    names: tuple[str, str]  # the axes: "PC1", "PC2", or two parameters' labels
    origin: np.ndarray  # (P,)
    directions: np.ndarray  # (2, P) orthonormal
    offsets: np.ndarray  # (2,)
    explained: np.ndarray  # (2,) share of the path's squared movement along each axis
    a: np.ndarray  # (G,) the window's coordinates along the first axis
    b: np.ndarray  # (G,) along the second
    loss: np.ndarray  # (G, G): row i at b[i], column j at a[j]
    path: np.ndarray  # (S, 2) every state's coordinates
    off_plane: np.ndarray  # (S,) each state's distance from the plane
    slice_loss: np.ndarray  # (S,) the loss at each state's projection onto the plane
    descent: np.ndarray  # (S, 2) −∇L at each state, projected onto the plane
    gradient_norm: np.ndarray  # (S,) |∇L| over all the weights and biases
    states: np.ndarray  # (S, P) every state's θ

    def point(self, a: float, b: float) -> np.ndarray:
        """The weight vector θ at plane coordinates (a, b)."""
        return self.origin + (np.array([a, b]) - self.offsets) @ self.directions

    @property
    def path_length(self) -> float:
        """The length of the run's path in weight space, state to state."""
        return float(np.linalg.norm(np.diff(self.states, axis=0), axis=1).sum())


def flatten(trace: Trace) -> np.ndarray:
    """(S, P) every state's weights, then its biases (with biases), as one vector."""
    n = trace.n_weight_layers
    parts = [trace[f"W{i}"].reshape(trace.n_states, -1) for i in range(n)]
    if trace.config.network.bias:
        parts += [trace[f"b{i}"] for i in range(n)]
    return np.hstack(parts)


def gradients(trace: Trace, thetas: np.ndarray) -> np.ndarray:
    """(S, P) the whole training set's gradient at each θ, flattened as θ is."""
    net, T = trace.network(0), targets_of(trace)
    out = np.empty_like(thetas)
    for t, theta in enumerate(thetas):
        net.weights, net.biases = unflatten(theta, trace.layers, net.bias)
        step = evaluate(net, trace.X, T)
        out[t] = np.concatenate([g.ravel() for g in step.dW + (step.db if net.bias else [])])
    return out


def unflatten(theta: np.ndarray, layers: list[int], bias: bool) -> tuple[list, list]:
    """Weight matrices and bias vectors from θ (a leading batch axis is kept)."""
    lead, at = theta.shape[:-1], 0
    weights, biases = [], []
    for fan_in, fan_out in zip(layers[:-1], layers[1:]):
        weights.append(theta[..., at:at + fan_in * fan_out].reshape(*lead, fan_in, fan_out))
        at += fan_in * fan_out
    for fan_out in layers[1:]:
        if bias:
            biases.append(theta[..., at:at + fan_out])
            at += fan_out
        else:
            biases.append(np.zeros((*lead, fan_out)))
    return weights, biases


def targets_of(trace: Trace) -> np.ndarray:
    return targets(trace.config.network.loss, trace.y, trace.layers[-1])


def plane_losses(trace: Trace, thetas: np.ndarray) -> np.ndarray:
    """(G,) the training loss (L2 included) at each row of thetas (G, P), as the
    trainer computes it, evaluated a chunk of points at a time."""
    n = trace.config.network
    X, T, layers = trace.X, targets_of(trace), trace.layers
    hidden, output = HIDDEN[n.activation].forward, OUTPUT[n.output].forward
    per_sample = LOSS[n.loss].per_sample
    chunk = max(1, CHUNK_VALUES // (len(X) * max(layers)))
    out = np.empty(len(thetas))
    for start in range(0, len(thetas), chunk):
        weights, biases = unflatten(thetas[start:start + chunk], layers, n.bias)
        a = X
        for i, (w, b) in enumerate(zip(weights, biases)):
            z = a @ w + b[:, None, :]  # (g, samples, units): each point its own weights
            a = hidden(z) if i < len(weights) - 1 else z
        g = len(a)
        a = output(a.reshape(g * len(X), -1))
        losses = per_sample(a, np.tile(T, (g, 1))).reshape(g, len(X)).mean(axis=1)
        if trace.config.train.l2:
            squares = sum((w ** 2).sum(axis=(1, 2)) for w in weights)
            losses += 0.5 * trace.config.train.l2 * squares / len(X)
        out[start:start + g] = losses
    return out


def check_pca(iterations: int) -> None:
    """A plane of two directions needs at least two steps: before training."""
    if iterations < 2:
        raise ConfigError(f"train.iterations = {iterations}: the landscape's plane needs a "
                          f"path of at least 2 steps to find two directions; train longer")


def exact_parameters(names: list[str], layers: list[int],
                     bias: bool) -> tuple[Parameter, Parameter]:
    """The two parameters of the exact mode, checked before training."""
    if len(names) != 2:
        raise ConfigError(f"--weights takes exactly two parameter names, e.g. w11,v21; "
                          f"got {len(names)}")
    found = tuple(parameter(name, layers, bias) for name in names)
    if found[0] == found[1]:
        raise ConfigError(f"--weights names {found[0].label} twice; name two parameters")
    return found


def landscape(trace: Trace, weights: list[str] | None = None, grid: int = GRID,
              window: float | None = None) -> Landscape:
    """The plane, its loss and the path: PCA of the run, or the exact mode over two
    named parameters (the run must have trained only them). ``window``: the side of
    the square window in the axes' units (default: the path's extent and a margin)."""
    if not 2 <= grid <= MOST_GRID:
        raise ConfigError(f"the landscape grid must have 2 to {MOST_GRID} points a side, "
                          f"got {grid}")
    states = flatten(trace)
    net = trace.config.network
    if weights:
        chosen = exact_parameters(weights, trace.layers, net.bias)
        learned = [parameter(n, trace.layers, net.bias) for n in trace.config.train.trainable]
        if sorted(learned, key=str) != sorted(chosen, key=str):
            raise ConfigError("the exact landscape needs a run where only its two parameters "
                              "learn: set train.trainable to them")
        index = [_flat_index(p, trace.layers, net.bias) for p in chosen]
        directions = np.eye(states.shape[1])[index]
        names = tuple(p.label for p in chosen)
        offsets = states[-1, index]
        mode = "exact"
    else:
        if trace.n_states < 3:
            check_pca(trace.n_states - 1)
        directions = principal_directions(states)
        names, offsets, mode = ("PC1", "PC2"), np.zeros(2), "pca"
    origin = states[-1]
    moves = states - origin
    path = moves @ directions.T + offsets
    off_plane = np.linalg.norm(moves - (moves @ directions.T) @ directions, axis=1)
    total = float((moves ** 2).sum())
    explained = ((moves @ directions.T) ** 2).sum(axis=0) / total if total else np.zeros(2)
    a, b = _window(path, grid, window, EXACT_SIDE if mode == "exact" else 0.0)
    ga, gb = np.meshgrid(a, b)
    plane = origin + np.column_stack([ga.ravel() - offsets[0], gb.ravel() - offsets[1]]
                                     ) @ directions
    projected = origin + (path - offsets) @ directions
    with np.errstate(over="ignore", invalid="ignore"):
        loss = plane_losses(trace, plane).reshape(grid, grid)
        under = plane_losses(trace, projected)
    grads = gradients(trace, states)
    return Landscape(mode, names, origin, directions, offsets, explained, a, b, loss, path,
                     off_plane, under, -(grads @ directions.T),
                     np.linalg.norm(grads, axis=1), states)


def _flat_index(p: Parameter, layers: list[int], bias: bool) -> int:
    """Where a parameter sits in θ (see ``flatten``)."""
    sizes = [i * o for i, o in zip(layers[:-1], layers[1:])]
    if p.kind == "W":
        return sum(sizes[:p.layer]) + p.row * layers[p.layer + 1] + p.col
    return sum(sizes) + sum(layers[1:p.layer + 1]) + p.col


def principal_directions(states: np.ndarray) -> np.ndarray:
    """The two directions of most movement, oriented so that the path starts on
    their negative side (it then runs up and to the right, to the origin)."""
    moves = states[:-1] - states[-1]
    _, sizes, rows = np.linalg.svd(moves, full_matrices=False)
    if len(sizes) < 2 or sizes[0] == 0 or sizes[1] <= FLAT * sizes[0]:
        raise ConfigError("the run moved along a single direction in weight space, so no "
                          "plane is defined by its path; train more parameters or use "
                          "--weights with two of them")
    directions = rows[:2].copy()
    start = moves[0] @ directions.T
    directions[start > 0] *= -1
    return directions


def _window(path: np.ndarray, grid: int, side: float | None,
            least: float) -> tuple[np.ndarray, ...]:
    """A square window around the path (equal units on both axes, so that a descent
    arrow meets the contours at right angles in the exact mode), at least ``least``
    wide unless ``side`` is given."""
    low, high = path.min(axis=0), path.max(axis=0)
    centre = (low + high) / 2
    if side is None:
        reach = float((high - low).max())
        side = max(reach * (1 + 2 * MARGIN), least) if reach > 0 else max(least, 1.0)
    half = side / 2
    return tuple(np.linspace(c - half, c + half, grid) for c in centre)
