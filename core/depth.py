"""How the gradient's size changes from layer to layer, and why (Nielsen, chapter 5).

Backpropagation multiplies, layer by layer on the way back, by a weight and by the
activation's slope f'(z). A sigmoid's slope is at most 0.25, so every layer can shrink
the gradient; a unit whose slope is ~0 (a saturated sigmoid, a ReLU that is off)
passes almost none. Three measures, all read from a trace:

- ``layer_sizes``: per update and weight layer, the mean |∂L/∂w| over the layer's
  weights, of the gradient the update used (its batch, with the L2 term);
- ``strongest_path`` and ``path_chain``: one path from the output back to the first
  hidden layer, and the chain of its factors, δ · w · f'(z) · w · f'(z) · …, for the
  probe sample: the path's share of ∂L/∂z at each layer;
- ``flat_shares``: per hidden unit and state, the share of training samples for which
  it passes almost no gradient.
"""

from dataclasses import dataclass

import numpy as np

from core.activations import HIDDEN
from core.losses import LOSS
from core.network import forward

FLAT = 0.05  # f'(z) below this share of f's largest slope: the unit passes ~no gradient
SAME_ANSWER = 0.02  # outputs this close over the data: the network gives one answer
STUCK = 0.9  # a unit flat for at least this share of the training samples is marked


def layer_sizes(trace) -> np.ndarray:
    """(S - 1, weight layers) mean |∂L/∂w| of each layer's weights, per update."""
    return np.stack([np.abs(trace.weight_gradients(i)).mean(axis=(1, 2))
                     for i in range(trace.n_weight_layers)], axis=1)


def slopes(activation, z: np.ndarray) -> np.ndarray:
    """f'(z) of a hidden activation (from the registry's backward)."""
    return activation.backward(z, activation.forward(z), np.ones_like(z))


def peak_slope(activation) -> float:
    return float(np.max(slopes(activation, np.linspace(-20, 20, 4001))))


def saturates(name: str) -> bool:
    """Whether a hidden activation flattens out at both ends (sigmoid, tanh), so that
    a large input stops its gradient; a ReLU is flat only where it is off, by design."""
    activation, far = HIDDEN[name], np.array([-20.0, 20.0])
    return bool(np.all(slopes(activation, far) < FLAT * peak_slope(activation)))


def forward_passes(trace):
    """Per state t, (t, the forward pass over the training data): what both the slopes
    and the spreads read."""
    with np.errstate(all="ignore"):  # a diverging run's last states overflow
        for t in range(trace.n_states):
            yield t, forward(trace.network(t), trace.X)


def flat_shares(trace) -> list[np.ndarray]:
    """Per hidden layer, (S, width): for each state and unit, the share of training
    samples whose f'(z) is below FLAT of the activation's largest slope."""
    activation = HIDDEN[trace.config.network.activation]
    limit = FLAT * peak_slope(activation)
    hidden = len(trace.layers) - 2
    out = [np.zeros((trace.n_states, w)) for w in trace.layers[1:-1]]
    for t, result in forward_passes(trace):
        for i in range(hidden):
            z, a = result.Z[i], result.A[i]
            slope = np.nan_to_num(activation.backward(z, a, np.ones_like(z)), nan=0.0)
            out[i][t] = (slope < limit).mean(axis=0)
    return out


def spreads(trace) -> np.ndarray:
    """(S, node layers 1 … L): per state and layer, how much the layer's values differ
    between training samples, the standard deviation over the samples averaged over
    its units. A small initialisation shrinks it at every layer until, near 0, every
    sample gets the same values from there on, and so the same ŷ (cs231n's activation
    statistics per layer); the last column is ŷ's own."""
    out = np.zeros((trace.n_states, len(trace.layers) - 1))
    for t, result in forward_passes(trace):
        out[t] = [a.std(axis=0).mean() for a in result.A]  # nan where it overflowed
    return out


def one_answer(trace, spread: float) -> bool:
    """Whether outputs this spread over the data are one answer for every sample: a
    probability within SAME_ANSWER, a regression within SAME_ANSWER of the targets'
    own spread."""
    scale = 1.0 if trace.meta["classes"] else float(np.std(trace.y))
    return spread < SAME_ANSWER * scale


def flat_share(trace, shares: list[np.ndarray] | None = None) -> np.ndarray:
    """(S,) per state, the share of (hidden unit, training sample) pairs that pass
    almost no gradient: a large initialisation drives most units there. ``shares``:
    the trace's ``flat_shares``, where they are at hand already."""
    shares = flat_shares(trace) if shares is None else shares
    if not shares:
        return np.zeros(trace.n_states)
    return np.concatenate(shares, axis=1).mean(axis=1)


def stuck_units(trace) -> list[np.ndarray]:
    """Per hidden layer, (S, width) whether the unit passes almost no gradient for at
    least STUCK of the training samples: a dead ReLU, a saturated sigmoid."""
    return [share >= STUCK for share in flat_shares(trace)]


def strongest_path(trace, t: int = 0, probe: int = 0) -> list[int]:
    """The unit of each node layer 1 … L on one path back from the output: the output
    unit with the largest |δ|, then at each hidden layer, from the last, the unit whose
    factor w · f'(z) is largest in size (for probe ``probe`` at state t), among the
    units that pass gradient for the probe at every state if there are any: a path
    through a unit that dies later would read 0 from then on, whatever the others do."""
    last = trace.n_weight_layers
    activation = HIDDEN[trace.config.network.activation]
    limit = FLAT * peak_slope(activation)
    path = [int(np.argmax(np.abs(trace.deltas(last)[t, probe])))]
    for layer in range(last - 1, 0, -1):
        w = trace.weight_history(layer)[t][:, path[0]]
        local = trace.local_derivatives(layer)[:, probe]
        factor = np.abs(w * local[t])
        alive = (local >= limit).all(axis=0)
        if alive.any():
            factor = np.where(alive, factor, -1.0)
        path.insert(0, int(np.argmax(factor)))
    return path


@dataclass(frozen=True)
class Chain:
    """The factors of one path, per state (S rows), indexed by node layer 1 … L - 1
    (column l - 1): the weight from layer l to the path's unit in layer l + 1, the
    slope f'(z) at layer l, and the product so far, the path's ∂L/∂z at layer l.
    ``delta``: ∂L/∂z at the output unit, where the product starts."""

    path: list[int]
    delta: np.ndarray     # (S,)
    weights: np.ndarray   # (S, L - 1)
    slopes: np.ndarray    # (S, L - 1)
    products: np.ndarray  # (S, L - 1)


def path_chain(trace, path: list[int], probe: int = 0) -> Chain:
    """δ_L · w · f'(z) · w · f'(z) …, multiplied from the output back to layer 1."""
    last = trace.n_weight_layers
    delta = trace.deltas(last)[:, probe, path[-1]]
    weights = np.stack([trace.weight_history(layer)[:, path[layer - 1], path[layer]]
                        for layer in range(1, last)], axis=1)
    local = np.stack([trace.local_derivatives(layer)[:, probe, path[layer - 1]]
                      for layer in range(1, last)], axis=1)
    # from the output: layer L - 1 first, so the running product goes right to left
    steps = (weights * local)[:, ::-1]
    products = (delta[:, None] * np.cumprod(steps, axis=1))[:, ::-1]
    return Chain(path, delta, weights, local, products)


def delta_is_error(trace) -> bool:
    """Whether the output's ∂L/∂z is ŷ − y: a loss paired with its own output (log-loss
    with a sigmoid, cross-entropy with softmax), as scikit-learn pairs them."""
    net = trace.config.network
    return LOSS[net.loss].output == net.output


def output_spread(trace, t: int) -> tuple[float, float]:
    """(mean, standard deviation) of the first output over the training set at state t:
    a spread near 0 means every sample gets the same answer."""
    out = forward(trace.network(t), trace.X).A[-1][:, 0]
    return float(out.mean()), float(out.std())


def motion(trace) -> tuple[np.ndarray, np.ndarray]:
    """(S,) and (S,): per state, the update that led to it, as the mean |∂L/∂w| of the
    gradient it used and the mean |Δw| it moved the weights by, over every weight (nan
    at state 0, which no update led to). Plain SGD's step is η times its gradient;
    momentum's grows while the gradients agree, and Adam's stays near η whatever the
    gradient's size, as the optimizers' own rules say."""
    grads, steps = np.full(trace.n_states, np.nan), np.full(trace.n_states, np.nan)
    count = sum(w.size for w in trace.weights(0))
    with np.errstate(all="ignore"):  # a diverging run's last states overflow
        grads[1:] = sum(np.abs(trace.weight_gradients(i)).sum(axis=(1, 2))
                        for i in range(trace.n_weight_layers)) / count
        steps[1:] = sum(np.abs(np.diff(trace.weight_history(i), axis=0)).sum(axis=(1, 2))
                        for i in range(trace.n_weight_layers)) / count
    return grads, steps


def layer_moves(trace, t: int) -> np.ndarray:
    """(weight layers,) how far each layer's weights moved from state 0 to state t:
    the mean |w_t − w_0| over the layer."""
    return np.array([np.abs(trace.weight_history(i)[t] - trace.weight_history(i)[0]).mean()
                     for i in range(trace.n_weight_layers)])
