"""Every gradient the core computes, against central finite differences."""

import itertools

import numpy as np
import pytest

from core import activations, losses
from core.losses import targets
from core.network import Network, evaluate, forward, total_loss
from tests.arithmetic import CALCULATOR

HIDDEN = list(activations.HIDDEN)  # every activation the registry has
# (output, loss, output units): every pairing the config accepts
HEADS = [("linear", "mse", 1), ("linear", "mse", 3), ("sigmoid", "mse", 1),
         ("sigmoid", "mse", 2), ("softmax", "mse", 3), ("sigmoid", "bce", 1),
         ("softmax", "ce", 3), ("linear", "sse", 1), ("linear", "sse", 3),
         ("sigmoid", "sse", 2)]


def random_problem(activation, output, loss, units, seed, l2=0.0, bias=True):
    rng = np.random.default_rng(seed)
    layers = [int(rng.integers(1, 5))] + list(rng.integers(1, 6, size=rng.integers(1, 3)))
    layers.append(units)
    weights = [rng.normal(0, 0.8, (a, b)) for a, b in zip(layers[:-1], layers[1:])]
    biases = [rng.normal(0, 0.5, b) for b in layers[1:]]
    net = Network(weights, biases, activation, output, loss, bias, l2)
    n = int(rng.integers(1, 7))
    X = rng.normal(0, 1.5, (n, layers[0]))
    if loss in ("mse", "sse") and output in ("linear", "sigmoid") and units > 1:
        y = rng.uniform(0.01, 0.99, size=(n, units))  # real targets, e.g. 0.01 and 0.99
    elif loss in ("mse", "sse") and output == "linear":
        y = rng.normal(size=(n, units)) if units > 1 else rng.normal(size=n)
    else:
        y = rng.integers(0, max(units, 2), size=n)
    return net, X, targets(loss, y, units)


def numeric_gradient(net, X, T, array, eps=1e-6):
    grad = np.zeros_like(array)
    for idx in np.ndindex(array.shape):
        old = array[idx]
        array[idx] = old + eps
        up = total_loss(net, X, T)
        array[idx] = old - eps
        down = total_loss(net, X, T)
        array[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


def assert_close(analytic, numeric):
    """Relative error of the whole array in the max norm (elementwise ratios of
    near-zero entries measure only the finite differences' rounding noise)."""
    scale = max(np.max(np.abs(analytic)), np.max(np.abs(numeric)), 1e-8)
    rel = np.max(np.abs(analytic - numeric)) / scale
    assert rel < 1e-6, f"relative error {rel:.2e}"


def away_from_kinks(net, X):
    """relu and leaky_relu are not differentiable at 0: keep pre-activations off it."""
    return all(np.min(np.abs(z)) > 1e-3 for z in forward(net, X).Z[:-1])


@pytest.mark.parametrize("activation,head,seed",
                         [(a, h, s) for (a, h), s in
                          itertools.product(itertools.product(HIDDEN, HEADS), [0, 1])])
def test_gradients_match_finite_differences(activation, head, seed):
    output, loss, units = head
    net, X, T = random_problem(activation, output, loss, units, seed)
    if not away_from_kinks(net, X):
        net, X, T = random_problem(activation, output, loss, units, seed + 100)
    assert away_from_kinks(net, X)
    step = evaluate(net, X, T)
    for w, dw in zip(net.weights, step.dW):
        assert_close(dw, numeric_gradient(net, X, T, w))
    for b, db in zip(net.biases, step.db):
        assert_close(db, numeric_gradient(net, X, T, b))


@pytest.mark.parametrize("output,loss,units", HEADS)
def test_l2_and_no_bias_gradients(output, loss, units):
    net, X, T = random_problem("tanh", output, loss, units, seed=7, l2=0.3, bias=False)
    step = evaluate(net, X, T)
    for w, dw in zip(net.weights, step.dW):
        assert_close(dw, numeric_gradient(net, X, T, w))
    assert all(np.all(db == 0) for db in step.db)


@pytest.mark.parametrize("output,loss,units", HEADS)
def test_per_sample_deltas_are_each_samples_own_gradient(output, loss, units):
    """delta_i = dL_i/dZ for sample i's own loss, as a batch of one."""
    net, X, T = random_problem("sigmoid", output, loss, units, seed=3)
    step = evaluate(net, X, T)
    for i in range(len(X)):
        alone = evaluate(net, X[i:i + 1], T[i:i + 1])
        for d_all, d_one in zip(step.deltas, alone.deltas):
            np.testing.assert_allclose(d_all[i], d_one[0], rtol=1e-13, atol=1e-15)
        # and dL_i/dW of the last layer is outer(a_prev, delta)
        a_prev = forward(net, X[i:i + 1]).A[-2]
        np.testing.assert_allclose(alone.dW[-1], a_prev.T @ alone.deltas[-1], rtol=1e-13)


# --- the registry's records, each against what it claims --------------------------------------

@pytest.mark.parametrize("name", HIDDEN)
def test_every_activation_record_is_consistent(name):
    """forward, its float32 in-place twin, the derivative against finite differences,
    a calculator for its name on screen, and its extrema where it turns (and nowhere
    else): what the grids, the scenes and the arithmetic tests rely on."""
    f = activations.HIDDEN[name]
    z = np.linspace(-6, 6, 2401) + 1e-4  # off the kinks of relu and leaky_relu at 0
    a = f.forward(z)
    inplace = f.inplace(z.astype(np.float32))
    assert np.allclose(inplace, a, atol=1e-5), "the grids' float32 version agrees"
    eps = 1e-6
    numeric = (f.forward(z + eps) - f.forward(z - eps)) / (2 * eps)
    assert np.allclose(f.backward(z, a, np.ones_like(z)), numeric, atol=1e-6)
    if f.text:
        calculator = CALCULATOR[f.text]  # a line with this name on screen can be checked
        assert all(abs(calculator(v) - w) < 1e-9 for v, w in zip(z[::97], a[::97]))
    slope = np.sign(np.diff(a))
    turns = z[1:-1][slope[1:] * slope[:-1] < 0]
    assert len(turns) == len(f.extrema)
    for turn, extremum in zip(turns, f.extrema):
        assert abs(turn - extremum) < 0.01 and abs(f.derivative(extremum)) < 1e-8
    if f.local_from_output is not None:  # f' written through f's own output
        assert np.allclose([f.local_from_output(v) for v in a[::97]], numeric[::97], atol=1e-6)
    assert f.unit_interval == bool(np.all((a > 0) & (a < 1)))


@pytest.mark.parametrize("name", list(losses.LOSS))
def test_every_loss_record_is_consistent(name):
    """Each sample's loss averages to the mean, and its upstream dL_i/dA is the
    derivative of that sample's loss, against finite differences."""
    loss = losses.LOSS[name]
    rng = np.random.default_rng(5)
    units = 1 if name == "bce" else 3
    a = rng.uniform(0.1, 0.9, (4, units))
    if name == "ce":
        a /= a.sum(axis=1, keepdims=True)
    labels = rng.integers(0, max(units, 2), 4)
    t = targets(name, labels if not loss.regression else rng.normal(size=(4, units)), units)
    assert np.isclose(loss.mean(a, t), loss.per_sample(a, t).mean())
    eps, numeric = 1e-7, np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric[idx] = (loss.per_sample(up, t) - loss.per_sample(down, t))[idx[0]] / (2 * eps)
    assert np.allclose(loss.upstream(a, t), numeric, atol=1e-6)
