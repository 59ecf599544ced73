"""Training with full recording: every state, gradient, probe and decision grid.

State t is the network after t updates (t = 0 is the initial network). The
gradient recorded at t is the one of the batch used by update t + 1, taken
at state t. A run whose loss or weights stop being finite is cut before the
first bad state and marked as diverged.
"""

import math
import platform
from collections.abc import Iterator
from functools import cache
from importlib.metadata import version

import numpy as np

from core.activations import HIDDEN
from core.errors import ConfigError
from core.grid import GridEvaluator, extent, grid_points
from core.losses import loss_value, sample_losses
from core.network import Network, Pass, backprop_deltas, evaluate, forward, l2_penalty, total_loss
from core.optimizers import make_optimizer
from core.schedule import iteration_at
from core.setup import Problem, build
from core.trace import FORMAT_VERSION, Trace


def batch_indices(n: int, batch_size: int, shuffle: bool,
                  seed: int) -> Iterator[slice | np.ndarray]:
    """Endless batches over epochs: consecutive slices (scikit-learn's gen_batches),
    or slices of a seeded permutation drawn anew every epoch."""
    size = n if batch_size == 0 else min(batch_size, n)
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n) if shuffle else None
        for start in range(0, n, size):
            window = slice(start, min(start + size, n))
            yield window if order is None else order[window]


def probe_indices(requested: list, n: int) -> np.ndarray:
    """Indices of the probe samples; the default is every sample of a tiny set, else 0."""
    if requested:
        for index in requested:
            if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < n:
                raise ConfigError(f"trace.probe = {requested}: each entry must be an index of "
                                  f"a training sample, an integer from 0 to {n - 1}")
        return np.asarray(requested, dtype=np.int64)
    return np.arange(n) if n <= 16 else np.array([0])


def accuracy(a_out: np.ndarray, y: np.ndarray) -> float:
    """Share of correct class predictions (threshold 0.5 for one output unit)."""
    predicted = (a_out[:, 0] > 0.5) if a_out.shape[1] == 1 else a_out.argmax(axis=1)
    return np.count_nonzero(predicted == y) / len(y)


class Recorder:
    """Preallocated arrays for T + 1 states, filled in place while training."""

    def __init__(self, problem: Problem, iterations: int, probes: np.ndarray):
        net, s = problem.net, iterations + 1
        self.arrays: dict[str, np.ndarray] = {"loss": np.empty(s)}
        for i, w in enumerate(net.weights):
            width = w.shape[1]
            self.arrays |= {
                f"W{i}": np.empty((s, *w.shape)), f"b{i}": np.empty((s, width)),
                f"dW{i}": np.empty((s - 1, *w.shape)), f"db{i}": np.empty((s - 1, width)),
                f"Z{i}": np.empty((s, len(probes), width)),
                f"A{i}": np.empty((s, len(probes), width)),
                f"delta{i}": np.empty((s, len(probes), width)),
                f"probe_dW{i}": np.empty((s, len(probes), *w.shape)),
            }
        for i, width in enumerate(net.layers[1:-1]):  # hidden layers: the chain rule's parts
            self.arrays[f"grad_A{i}"] = np.empty((s, len(probes), width))
            self.arrays[f"local{i}"] = np.empty((s, len(probes), width))
        self.arrays["probe_loss"] = np.empty((s, len(probes)))
        # update t + 1's batch: how many samples, and which probes were among them
        self.arrays["batch_size"] = np.empty(s - 1, np.int64)
        self.arrays["probe_in_batch"] = np.empty((s - 1, len(probes)), bool)
        if problem.classification:
            self.arrays["accuracy"] = np.empty(s)
        if len(problem.X_val):
            self.arrays["val_loss"] = np.empty(s)
            if problem.classification:
                self.arrays["val_accuracy"] = np.empty(s)
        self.problem, self.probes = problem, probes
        self.X_probe, self.T_probe = problem.X[probes], problem.T[probes]

    def state(self, t: int, net: Network, full: Pass) -> None:
        """Record state t; ``full`` is a forward pass over the whole training set."""
        a, p = self.arrays, self.problem
        a["loss"][t] = full.loss
        if p.classification:
            a["accuracy"][t] = accuracy(full.A[-1], p.y)
        if "val_loss" in a:
            val = forward(net, p.X_val)
            a["val_loss"][t] = total_loss(net, p.X_val, p.T_val)
            if p.classification:
                a["val_accuracy"][t] = accuracy(val.A[-1], p.y_val)
        probe = forward(net, self.X_probe)
        deltas = backprop_deltas(net, self.T_probe, probe)
        a["probe_loss"][t] = sample_losses(net.loss, probe.A[-1], self.T_probe)
        inputs = [self.X_probe, *probe.A[:-1]]
        through = HIDDEN[net.activation].backward
        for i in range(len(net.weights) - 1):  # upstream dL/dA and local f'(Z)
            a[f"grad_A{i}"][t] = deltas[i + 1] @ net.weights[i + 1].T
            a[f"local{i}"][t] = through(probe.Z[i], probe.A[i], np.ones_like(probe.Z[i]))
        for i, (w, b) in enumerate(zip(net.weights, net.biases)):
            a[f"W{i}"][t], a[f"b{i}"][t] = w, b
            a[f"Z{i}"][t], a[f"A{i}"][t], a[f"delta{i}"][t] = probe.Z[i], probe.A[i], deltas[i]
            # each probe's own dL/dW = outer(input activation, delta)
            np.multiply(inputs[i][:, :, None], deltas[i][:, None, :], out=a[f"probe_dW{i}"][t])

    def gradient(self, t: int, step: Pass, batch: slice | np.ndarray | None) -> None:
        """The gradient of update t + 1 and its batch (None: the whole training set)."""
        for i, (dw, db) in enumerate(zip(step.dW, step.db)):
            self.arrays[f"dW{i}"][t], self.arrays[f"db{i}"][t] = dw, db
        members = np.arange(len(self.problem.X))
        if batch is not None:
            members = members[batch]  # a slice of the data, or a shuffled index array
        self.arrays["batch_size"][t] = len(members)
        self.arrays["probe_in_batch"][t] = np.isin(self.probes, members)

    def kept(self, states: int) -> dict[str, np.ndarray]:
        """The arrays cut to the first ``states`` states."""
        per_update = ("dW", "db", "batch_size", "probe_in_batch")
        return {k: v[: states - 1] if k.startswith(per_update) else v[:states]
                for k, v in self.arrays.items()}


def _finite(net: Network, loss: float) -> bool:
    """Loss and parameters finite (a sum is finite only when every term is)."""
    return math.isfinite(loss) and all(
        math.isfinite(float(p.sum())) for p in (*net.weights, *net.biases))


def grid_iterations(states: int, frames: int, schedule: str) -> np.ndarray:
    """Which states get a decision grid: spread as the video's clock runs, ends included."""
    points = iteration_at(np.linspace(0, 1, frames), states - 1, schedule)
    return np.unique(np.round(points).astype(np.int64))


def record_grids(problem: Problem, arrays: dict, config: dict) -> dict[str, np.ndarray]:
    """Outputs (and hidden activations, coarser) over the input plane, or along the
    input line for one input, where every unit's curve is as fine as the output's."""
    trace_cfg = config["trace"]
    states = len(arrays["loss"])
    iters = grid_iterations(states, trace_cfg["frames"], trace_cfg["schedule"])
    box = extent(np.vstack([problem.X, problem.X_val]))
    size, small = trace_cfg["grid"], trace_cfg["neuron_grid"]
    line = problem.X.shape[1] == 1
    if line and small:
        small = size
    layers = problem.net.layers
    fine = GridEvaluator(grid_points(box, size), layers)
    coarse = GridEvaluator(grid_points(box, small), layers) if small else None
    out_units = layers[-1]
    plane = (size,) if line else (size, size)
    prob_shape = plane if out_units == 1 else (*plane, out_units)
    grids = {"grid_prob": np.empty((len(iters), *prob_shape), np.float32),
             "grid_iter": iters, "grid_extent": np.array(box)}
    hidden = range(len(layers) - 2)
    for i in hidden if coarse else ():
        shape = (small, layers[i + 1]) if line else (small, small, layers[i + 1])
        grids[f"grid_hidden{i}"] = np.empty((len(iters), *shape),
                                            np.float16)  # thumbnails: 3 digits are plenty
    net = problem.net.copy()
    with np.errstate(all="ignore"):  # a diverging run's last weights overflow float32
        _fill_grids(net, arrays, iters, grids, fine, coarse)
    np.nan_to_num(grids["grid_prob"], copy=False, nan=0.5, posinf=1e30, neginf=-1e30)
    return grids


def _fill_grids(net: Network, arrays: dict, iters: np.ndarray, grids: dict,
                fine: GridEvaluator, coarse: GridEvaluator | None) -> None:
    """The recorded states' outputs (and hidden activations) into the grid arrays."""
    n_layers = len(net.layers) - 1
    for f, t in enumerate(iters):
        net.weights = [arrays[f"W{i}"][t] for i in range(n_layers)]
        net.biases = [arrays[f"b{i}"][t] for i in range(n_layers)]
        out = grids["grid_prob"]
        out[f] = fine(net)[-1].reshape(out.shape[1:])
        if coarse:
            for i, acts in enumerate(coarse(net)[:-1]):
                maps = grids[f"grid_hidden{i}"]
                maps[f] = acts.reshape(maps.shape[1:])


def check(config: dict) -> None:
    """Every check training makes before its first step (data, labels, explicit
    weights, probes), without training: lets a command refuse bad input at once."""
    problem = build(config)
    probe_indices(config["trace"]["probe"], len(problem.X))


def train(config: dict) -> Trace:
    """Build the problem from a resolved config, train it, and record everything."""
    problem = build(config)
    net, tr = problem.net, config["train"]
    iterations = tr["iterations"]
    probes = probe_indices(config["trace"]["probe"], len(problem.X))
    recorder = Recorder(problem, iterations, probes)
    params = net.weights + (net.biases if net.bias else [])
    optimizer = make_optimizer(tr["optimizer"], params, tr)
    learns = learning_masks(net, problem.trainable)
    full_batch = tr["batch_size"] == 0 or tr["batch_size"] >= len(problem.X)
    batches = batch_indices(len(problem.X), tr["batch_size"], tr["shuffle"], tr["seed"])
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected below
        diverged_at = _run(problem, recorder, optimizer, params,
                           None if full_batch else batches, iterations, learns)
    if diverged_at == 0:
        raise ConfigError("the initial network already gives a non-finite loss; "
                          "use smaller initial weights")
    states = iterations + 1 if diverged_at is None else diverged_at
    arrays = recorder.kept(states)
    arrays |= {"X": problem.X, "y": problem.y, "X_val": problem.X_val, "y_val": problem.y_val,
               "probe": probes}
    if problem.X.shape[1] in (1, 2):
        arrays |= record_grids(problem, arrays, config)
    return Trace(arrays, _meta(config, problem, diverged_at))


def learning_masks(net: Network, trainable: tuple) -> list[np.ndarray] | None:
    """1 where a parameter learns and 0 where it keeps its value, ordered as the
    optimizer's parameters; None when all learn. A zero gradient moves nothing under
    every optimizer here (momentum and Adam's moments stay zero)."""
    if not trainable:
        return None
    weights = [np.zeros_like(w) for w in net.weights]
    biases = [np.zeros_like(b) for b in net.biases]
    for p in trainable:
        if p.kind == "W":
            weights[p.layer][p.row, p.col] = 1.0
        else:
            biases[p.layer][p.col] = 1.0
    return weights + (biases if net.bias else [])


def _run(problem: Problem, recorder: Recorder, optimizer, params: list[np.ndarray],
         batches: Iterator | None, iterations: int,
         learns: list[np.ndarray] | None) -> int | None:
    """The training loop (batches None = full batch); returns the first
    non-finite state, or None. The recorded gradient is the whole one; only the
    update leaves out what does not learn."""
    net = problem.net
    for t in range(iterations + 1):
        idx = None
        if batches is None or t == iterations:
            step = evaluate(net, problem.X, problem.T)
            full = step
        else:
            idx = next(batches)
            step = evaluate(net, problem.X[idx], problem.T[idx])
            full = forward(net, problem.X)
            full.loss = loss_value(net.loss, full.A[-1], problem.T) + l2_penalty(
                net, len(problem.X))
        if not _finite(net, full.loss):
            return t
        recorder.state(t, net, full)
        if t == iterations:
            return None
        recorder.gradient(t, step, idx)
        grads = step.dW + (step.db if net.bias else [])
        if learns is not None:
            grads = [g * keep for g, keep in zip(grads, learns)]
        optimizer.step(params, grads)
    return None


@cache
def _versions() -> dict:
    return {"python": platform.python_version(),
            **{name: version(name) for name in ("numpy", "scipy")}}


def _meta(config: dict, problem: Problem, diverged_at: int | None) -> dict:
    return {"format": FORMAT_VERSION, "config": config, "layers": problem.net.layers,
            "classes": problem.classes, "diverged_at": diverged_at,
            "versions": _versions()}
