"""Training through ``core.trainer.train`` against scikit-learn's MLPClassifier / MLPRegressor.

Both start from the same explicit weights and run the same updates; weights, biases and
the full-training-set loss must agree to 1e-12 after 1, 10 and 100 updates.

How scikit-learn is driven:

* ``partial_fit`` is needed once to allocate ``coefs_``/``intercepts_`` (and the label
  binarizer), but that call already trains. So: prime, copy our initial parameters into
  the arrays in place, then ``del model._optimizer``. ``_fit_stochastic`` builds a new
  optimizer (zero velocities / moments, Adam's ``t`` = 0) whenever the attribute is
  missing; ``test_priming_resets_the_optimizer`` checks that this really happens.
* One ``partial_fit(X, y)`` is one epoch of ``gen_batches`` (consecutive slices, the last
  one possibly shorter): one update when batch_size = n, ceil(n / batch_size) otherwise.
  To stop at a step inside an epoch, single batches are passed to ``partial_fit`` with
  batch_size set to their length, which is then exactly one update of that batch.
* scikit-learn's ``loss_`` is the batch losses' average over the epoch (and is taken
  before each update), so our recorded loss is compared with an independent evaluation of
  scikit-learn's current state: ``LOSS_FUNCTIONS`` on its forward pass plus
  0.5 * alpha * sum ||W||^2 / n. For full batches ``loss_`` is also checked directly.
"""

import warnings
from typing import NamedTuple

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.neural_network._base import LOSS_FUNCTIONS

from core.config import resolve
from core.trainer import train

N_SAMPLES = 36
N_FEATURES = 3  # not 2, so the trainer skips the decision grids (not compared here)
HIDDEN = (5, 4)  # two hidden layers: the hidden-to-hidden backward step is exercised
CHECKPOINTS = (1, 10, 100)
STEPS = max(CHECKPOINTS)
ATOL = 1e-12

SK_ACTIVATION = {"tanh": "tanh", "relu": "relu", "sigmoid": "logistic"}
LEARNING_RATE = {"sgd": 0.1, "momentum": 0.03, "nesterov": 0.03, "adam": 0.01}
MOMENTUM = 0.9
# Not the defaults, so that a parameter that is not passed through shows up.
ADAM = {"beta1": 0.8, "beta2": 0.99, "epsilon": 1e-7}
# (our output activation, our loss, output units, number of classes; 0 = regression)
TASKS = {
    "binary": ("sigmoid", "bce", 1, 2),
    "3class": ("softmax", "ce", 3, 3),
    "regression": ("linear", "mse", 1, 0),
}


class Case(NamedTuple):
    optimizer: str  # sgd, momentum, nesterov or adam
    activation: str
    task: str
    l2: float
    batch_size: int  # ours: 0 = full batch

    def __str__(self) -> str:
        batch = "full" if self.batch_size == 0 else f"batch{self.batch_size}"
        return f"{self.optimizer}-{self.activation}-{self.task}-l2={self.l2:g}-{batch}"


# Every optimizer meets every hidden activation, every task and both L2 settings once (72
# cases, fully crossed); the batch mode rotates so that each optimizer, activation and task
# runs with full batches and with mini-batches both dividing n (36 / 6) and leaving a short
# last batch (36 = 3 * 10 + 6).
_BATCHES = (0, 6, 10)
CASES = [
    Case(opt, act, task, l2, _BATCHES[(i + j + 2 * k + m) % 3])
    for i, opt in enumerate(("sgd", "momentum", "nesterov", "adam"))
    for j, act in enumerate(("tanh", "relu", "sigmoid"))
    for k, task in enumerate(TASKS)
    for m, l2 in enumerate((0.0, 0.01))
]

_max_diff: list[float] = [0.0]


@pytest.fixture(scope="module", autouse=True)
def _report_max_diff():
    yield
    print(f"\nmax |ours - sklearn| over all compared values: {_max_diff[0]:.3e}")


def assert_same(ours, theirs, what: str) -> None:
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} vs {theirs.shape}"
    _max_diff[0] = max(_max_diff[0], float(np.max(np.abs(ours - theirs))))
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=ATOL, err_msg=what)


def assert_same_parameters(trace, t: int, coefs, intercepts, case) -> None:
    """Our weights and biases at state t (by accessor and by array) are scikit-learn's."""
    for i, (w, b) in enumerate(zip(coefs, intercepts, strict=True)):
        assert_same(trace.weights(t)[i], w, f"{case}: W{i} at t={t}")
        assert_same(trace.biases(t)[i], b, f"{case}: b{i} at t={t}")
        assert_same(trace[f"W{i}"][t], w, f"{case}: trace['W{i}'][{t}]")


def make_problem(task: str, seed: int):
    """Float64 data with labels that depend on X, and glorot-scaled initial parameters."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    score = np.sin(X @ np.array([1.3, -0.7, 0.4])) + 0.3 * X[:, 0] * X[:, 1]
    classes = TASKS[task][3]
    if classes == 0:
        y = score + 0.1 * rng.normal(size=N_SAMPLES)
    else:  # quantile bins: every class present, roughly balanced
        y = np.digitize(score, np.quantile(score, np.arange(1, classes) / classes))
        assert set(y) == set(range(classes))
    layers = [N_FEATURES, *HIDDEN, TASKS[task][2]]
    weights, biases = [], []
    for fan_in, fan_out in zip(layers[:-1], layers[1:]):
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        weights.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
        biases.append(rng.uniform(-bound, bound, fan_out))
    return X, y, layers, weights, biases


def our_config(case: Case, X, y, layers, weights, biases, steps: int = STEPS) -> dict:
    output, loss, _, _ = TASKS[case.task]
    train_cfg = {
        "optimizer": "momentum" if case.optimizer == "nesterov" else case.optimizer,
        "learning_rate": LEARNING_RATE[case.optimizer],
        "iterations": steps,
        "batch_size": case.batch_size,
        "shuffle": False,
        "l2": case.l2,
    }
    if case.optimizer in ("momentum", "nesterov"):
        train_cfg |= {"momentum": MOMENTUM, "nesterov": case.optimizer == "nesterov"}
    if case.optimizer == "adam":
        train_cfg |= ADAM
    return resolve({
        "network": {"layers": layers, "activation": case.activation, "output": output,
                    "loss": loss, "init": "explicit",
                    "weights": [w.tolist() for w in weights],
                    "biases": [b.tolist() for b in biases]},
        "data": {"dataset": "inline", "X": X.tolist(), "y": y.tolist()},
        "train": train_cfg,
        "trace": {"neuron_grid": 0, "frames": 1, "grid": 2},
    })


def sklearn_model(case: Case, n: int):
    params = dict(
        hidden_layer_sizes=HIDDEN, activation=SK_ACTIVATION[case.activation],
        alpha=case.l2, batch_size=case.batch_size or n, learning_rate="constant",
        learning_rate_init=LEARNING_RATE[case.optimizer], max_iter=1, shuffle=False,
        tol=0.0, n_iter_no_change=10**9, early_stopping=False, random_state=0,
    )
    if case.optimizer == "adam":
        params |= dict(solver="adam", beta_1=ADAM["beta1"], beta_2=ADAM["beta2"],
                       epsilon=ADAM["epsilon"])
    else:
        params |= dict(solver="sgd", momentum=0.0 if case.optimizer == "sgd" else MOMENTUM,
                       nesterovs_momentum=case.optimizer == "nesterov")
    regression = TASKS[case.task][3] == 0
    return MLPRegressor(**params) if regression else MLPClassifier(**params)


def primed(model, X, y, weights, biases):
    """The model with our initial parameters and a fresh optimizer (see module docstring)."""
    if isinstance(model, MLPClassifier):
        model.partial_fit(X, y, classes=np.unique(y))
    else:
        model.partial_fit(X, y)
    for theirs, ours in zip(model.coefs_ + model.intercepts_, weights + biases, strict=True):
        assert theirs.shape == ours.shape and theirs.dtype == np.float64
        theirs[...] = ours
    del model._optimizer
    model.t_ = 0
    model.loss_curve_ = []
    return model


def sklearn_loss(model, X, y) -> float:
    """Full-set loss of scikit-learn's current state, L2 term included, as _backprop has it."""
    out = model._forward_pass_fast(X, check_input=False)
    if isinstance(model, MLPClassifier):
        truth = model._label_binarizer.transform(y).astype(np.float64)
        name = "binary_log_loss" if out.shape[1] == 1 else "log_loss"
    else:
        truth, name = y.reshape(len(y), -1), "squared_error"
    penalty = sum(float(np.dot(w.ravel(), w.ravel())) for w in model.coefs_)
    return float(LOSS_FUNCTIONS[name](truth, out)) + 0.5 * model.alpha * penalty / len(X)


def run_sklearn(model, X, y, batch_size: int, checkpoints=CHECKPOINTS) -> dict:
    """States {t: (coefs, intercepts, full-set loss, loss_)} after t updates.

    Whole epochs go through one ``partial_fit(X, y)``; a checkpoint inside an epoch is
    reached batch by batch."""
    n = len(X)
    size = batch_size or n
    slices = [slice(s, min(s + size, n)) for s in range(0, n, size)]
    per_epoch = len(slices)

    def snapshot():
        return ([c.copy() for c in model.coefs_], [b.copy() for b in model.intercepts_],
                sklearn_loss(model, X, y), getattr(model, "loss_", None))

    states, t = {0: snapshot()}, 0
    for target in sorted(checkpoints):
        while t < target:
            if t % per_epoch == 0 and t + per_epoch <= target:
                model.partial_fit(X, y)
                t += per_epoch
            else:
                window = slices[t % per_epoch]
                model.set_params(batch_size=window.stop - window.start)
                model.partial_fit(X[window], y[window])
                model.set_params(batch_size=size)
                t += 1
        states[t] = snapshot()
    return states


@pytest.fixture(autouse=True)
def _no_sklearn_warnings():
    """A warning from scikit-learn (clipped batch size, convergence) means a wrong setup."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("case", CASES, ids=str)
def test_train_matches_sklearn(case: Case):
    X, y, layers, weights, biases = make_problem(case.task, seed=CASES.index(case))
    trace = train(our_config(case, X, y, layers, weights, biases))
    assert trace.n_states == STEPS + 1 and trace.diverged_at is None

    model = primed(sklearn_model(case, len(X)), X, y, weights, biases)
    states = run_sklearn(model, X, y, case.batch_size)
    assert sorted(states) == [0, *CHECKPOINTS]
    for t, (coefs, intercepts, loss, sk_epoch_loss) in states.items():
        assert_same_parameters(trace, t, coefs, intercepts, case)
        assert_same(trace["loss"][t], loss, f"{case}: loss at t={t}")
        if case.batch_size == 0 and t > 0:
            # full batch: scikit-learn's loss_ is the loss before its last update
            assert_same(trace["loss"][t - 1], sk_epoch_loss, f"{case}: loss_ at t={t}")


def test_grid_covers_every_option():
    seen = {field: {getattr(c, field) for c in CASES} for field in Case._fields}
    assert seen["optimizer"] == {"sgd", "momentum", "nesterov", "adam"}
    assert seen["activation"] == {"tanh", "relu", "sigmoid"}
    assert seen["task"] == set(TASKS)
    assert seen["l2"] == {0.0, 0.01}
    assert N_SAMPLES % 6 == 0 and N_SAMPLES % 10 != 0  # divisible and short-last-batch modes
    for field in ("optimizer", "activation", "task", "l2"):
        for value in seen[field]:
            mine = [c for c in CASES if getattr(c, field) == value]
            assert {c.batch_size for c in mine} == set(_BATCHES), (field, value)
    for batch in _BATCHES:  # mini-batch cases cover every optimizer (sgd and adam included)
        assert {c.optimizer for c in CASES if c.batch_size == batch} == seen["optimizer"]


def test_priming_resets_the_optimizer():
    """Deleting _optimizer after the priming call gives fresh optimizer state; keeping it
    would carry the priming step's momentum into the run, which the comparison detects."""
    case = Case("momentum", "tanh", "binary", 0.0, 0)
    X, y, layers, weights, biases = make_problem(case.task, seed=3)
    ours = train(our_config(case, X, y, layers, weights, biases, steps=1))

    model = primed(sklearn_model(case, len(X)), X, y, weights, biases)
    model.partial_fit(X, y)
    velocity = model._optimizer.velocities[0]
    np.testing.assert_allclose(velocity, ours.weights(1)[0] - weights[0], rtol=0, atol=ATOL)

    stale = sklearn_model(case, len(X))
    stale.partial_fit(X, y, classes=np.unique(y))
    for theirs, mine in zip(stale.coefs_ + stale.intercepts_, weights + biases, strict=True):
        theirs[...] = mine
    stale.partial_fit(X, y)  # _optimizer kept: the priming step's velocity leaks in
    assert np.max(np.abs(stale.coefs_[0] - ours.weights(1)[0])) > 1e-4

    adam = primed(sklearn_model(Case("adam", "tanh", "binary", 0.0, 0), len(X)),
                  X, y, weights, biases)
    adam.partial_fit(X, y)
    assert adam._optimizer.t == 1


def test_training_is_not_a_no_op():
    """Guard against a trainer that records the initial state over and over (which the
    comparison alone would not catch if scikit-learn were, by mistake, not trained)."""
    case = Case("sgd", "tanh", "3class", 0.0, 0)
    X, y, layers, weights, biases = make_problem(case.task, seed=11)
    trace = train(our_config(case, X, y, layers, weights, biases, steps=10))
    for i in range(len(weights)):
        np.testing.assert_array_equal(trace.weights(0)[i], weights[i])
        assert np.max(np.abs(trace.weights(10)[i] - weights[i])) > 1e-3
        assert np.max(np.abs(trace.weights(1)[i] - weights[i])) > 1e-5
    assert trace["loss"][10] < trace["loss"][0] - 1e-3
    assert np.all(np.diff(trace["loss"]) != 0)


SSE_CASES = [Case("sgd", "tanh", "sse", 0.0, 0), Case("sgd", "relu", "sse", 0.01, 10),
             Case("momentum", "sigmoid", "sse", 0.0, 6), Case("adam", "tanh", "sse", 0.01, 0)]


@pytest.mark.parametrize("outputs", [2, 3])
@pytest.mark.parametrize("case", SSE_CASES, ids=str)
def test_sse_with_several_outputs_steps_as_mlpregressor(case: Case, outputs: int):
    """sse's gradient is MLPRegressor's own for real targets, one per output unit;
    scikit-learn reports that loss divided by the number of outputs."""
    X, score, layers, weights, biases = make_problem("regression", seed=100 + outputs)
    rng = np.random.default_rng(outputs)
    y = np.column_stack([score * (k + 1) / outputs + 0.1 * rng.normal(size=len(X))
                         for k in range(outputs)])
    layers[-1] = outputs
    bound = np.sqrt(6.0 / (layers[-2] + outputs))
    weights[-1] = rng.uniform(-bound, bound, (layers[-2], outputs))
    biases[-1] = rng.uniform(-bound, bound, outputs)
    config = our_config(case._replace(task="regression"), X, y, layers, weights, biases)
    config["network"]["loss"] = "sse"
    trace = train(config)
    assert trace["y"].shape == (len(X), outputs)
    model = primed(sklearn_model(case._replace(task="regression"), len(X)), X, y, weights,
                   biases)
    states = run_sklearn(model, X, y, case.batch_size)
    assert sorted(states) == [0, *CHECKPOINTS]
    for t, (coefs, intercepts, reported, _) in states.items():
        assert_same_parameters(trace, t, coefs, intercepts, case)
        penalty = 0.5 * case.l2 * sum(float(np.sum(w * w)) for w in coefs) / len(X)
        assert_same(trace["loss"][t], (reported - penalty) * outputs + penalty,
                    f"{case}: loss at t={t}")
