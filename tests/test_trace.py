"""The trace: the post's numbers, shapes, determinism, files and divergence."""

import numpy as np
import pytest

from core import config, trace, trainer
from core.errors import ConfigError
from core.network import forward


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


@pytest.fixture(scope="module")
def post():
    return trainer.train(config.load("post"))


def test_post_forward_pass_matches_the_post(post):
    h = post["Z0"][0, 0]
    np.testing.assert_allclose(h, [1.0, 1.3, 0.8], atol=1e-12)
    np.testing.assert_allclose(post["A0"][0, 0], sigmoid(np.array([1.0, 1.3, 0.8])), atol=1e-12)
    y_hat = post["A1"][0, 0, 0]
    assert abs(y_hat - 1.2332120981) < 1e-9
    assert abs(post["loss"][0] - 0.5 * y_hat**2) < 1e-15
    # the post rounds the sigmoids to two decimals before the sum
    rounded = np.round(post["A0"][0, 0], 2)
    np.testing.assert_allclose(rounded, [0.73, 0.79, 0.69])
    assert round(float(rounded @ post["W1"][0][:, 0]), 3) == 1.235


def test_post_backward_pass_is_the_chain_rule(post):
    y_hat, a, h = post["A1"][0, 0, 0], post["A0"][0, 0], post["Z0"][0, 0]
    w_out = post["W1"][0][:, 0]
    np.testing.assert_allclose(post["delta1"][0, 0, 0], y_hat - 0.0)
    np.testing.assert_allclose(post["dW1"][0][:, 0], a * y_hat, rtol=1e-14)
    local = sigmoid(h) * (1 - sigmoid(h))
    np.testing.assert_allclose(post["delta0"][0, 0], y_hat * w_out * local, rtol=1e-14)
    np.testing.assert_allclose(post["dW0"][0], np.outer([1, 1], y_hat * w_out * local),
                               rtol=1e-14)
    lr = 0.1
    np.testing.assert_allclose(post["W0"][1], post["W0"][0] - lr * post["dW0"][0], rtol=0,
                               atol=1e-15)
    assert np.all(np.diff(post["loss"]) < 0), "gradient descent on one sample must descend"
    assert np.all(post["b0"] == 0) and np.all(post["db0"] == 0)


def small_moons(**train):
    raw = {"network": {"layers": [2, 5, 1]}, "data": {"n_samples": 60, "validation": 0.25},
           "train": {"iterations": 30, **train}, "trace": {"grid": 20, "frames": 7}}
    return config.resolve(raw)


def test_shapes_and_meta():
    tr = trainer.train(small_moons())
    assert tr["W0"].shape == (31, 2, 5) and tr["dW1"].shape == (30, 5, 1)
    assert tr["Z0"].shape == (31, 1, 5) and tr["delta1"].shape == (31, 1, 1)
    assert tr["X"].shape == (45, 2) and tr["X_val"].shape == (15, 2)
    assert tr["val_loss"].shape == tr["accuracy"].shape == (31,)
    assert tr["grid_prob"].shape == (7, 20, 20) and tr["grid_prob"].dtype == np.float32
    assert tr["grid_iter"][0] == 0 and tr["grid_iter"][-1] == 30
    assert tr["grid_hidden0"].shape == (7, 32, 32, 5)
    assert tr.meta["config"]["train"]["iterations"] == 30 and tr.diverged_at is None


def test_loss_is_the_full_training_loss_of_each_state():
    tr = trainer.train(small_moons(batch_size=8, optimizer="adam", l2=0.01))
    for t in (0, 7, 30):
        net = tr.network(t)
        a = forward(net, tr["X"]).A[-1][:, 0]
        p = np.clip(a, 1e-16, 1 - 1e-16)
        y = tr["y"]
        bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        l2 = 0.5 * 0.01 * sum(np.sum(w**2) for w in net.weights) / len(y)
        assert abs(tr["loss"][t] - (bce + l2)) < 1e-12
        assert abs(tr["accuracy"][t] - np.mean((a > 0.5) == y)) < 1e-12


def test_grid_is_the_network_over_the_plane():
    tr = trainer.train(small_moons())
    xmin, xmax, ymin, ymax = tr["grid_extent"]
    assert xmin < tr["X"][:, 0].min() and ymax > tr["X"][:, 1].max()
    f = 3
    t = tr["grid_iter"][f]
    i, j = 4, 15  # row i is y, column j is x
    point = np.array([[np.linspace(xmin, xmax, 20)[j], np.linspace(ymin, ymax, 20)[i]]])
    expected = forward(tr.network(t), point).A[-1][0, 0]
    assert abs(tr["grid_prob"][f, i, j] - expected) < 1e-5


def test_same_config_same_arrays_and_file_roundtrip(tmp_path):
    a, b = trainer.train(small_moons()), trainer.train(small_moons())
    assert a.arrays.keys() == b.arrays.keys()
    for key in a.arrays:
        assert a[key].tobytes() == b[key].tobytes(), key
    path = trace.save(a, tmp_path / "run.npz")
    back = trace.load(path)
    assert back.meta == a.meta
    for key in a.arrays:
        np.testing.assert_array_equal(back[key], a[key])


def test_divergence_is_cut_and_recorded():
    raw = {"network": {"layers": [2, 8, 1], "output": "linear", "loss": "mse",
                       "activation": "relu"},
           "data": {"dataset": "gauss", "n_samples": 50},
           "train": {"learning_rate": 50.0, "iterations": 200}}
    tr = trainer.train(config.resolve(raw))
    k = tr.diverged_at
    assert k is not None and 1 <= k < 200
    assert tr.n_states == k and tr["dW0"].shape[0] == k - 1
    assert np.all(np.isfinite(tr["loss"])) and np.all(np.isfinite(tr["W0"]))
    assert tr["grid_iter"][-1] == k - 1


def test_load_rejects_other_files(tmp_path):
    bad = tmp_path / "x.npz"
    bad.write_text("not a zip")
    with pytest.raises(ConfigError, match="not a trace file"):
        trace.load(bad)
    with pytest.raises(ConfigError, match="not found"):
        trace.load(tmp_path / "missing.npz")


def test_probe_losses_and_gradients_are_each_samples_own():
    raw = {"network": {"layers": [2, 3, 3], "output": "softmax", "loss": "ce"},
           "data": {"dataset": "blobs", "classes": 3, "n_samples": 12},
           "train": {"iterations": 3}, "trace": {"grid": 5, "frames": 2}}
    tr = trainer.train(config.resolve(raw))
    assert tr["probe"].tolist() == list(range(12)), "all samples probe a tiny set"
    for t in (0, 3):
        net = tr.network(t)
        for k in (0, 7):
            x, label = tr["X"][k:k + 1], int(tr["y"][k])
            p = forward(net, x).A[-1][0]
            assert abs(tr["probe_loss"][t, k] + np.log(p[label])) < 1e-12
        # per-sample gradients average to the batch gradient
        if t < 3:
            np.testing.assert_allclose(tr["probe_dW1"][t].mean(axis=0), tr["dW1"][t], atol=1e-14)
    assert abs(tr["probe_loss"][0].mean() - tr["loss"][0]) < 1e-12


def test_chain_rule_parts_multiply_to_the_deltas(post):
    for i in range(post.n_weight_layers - 1):
        np.testing.assert_allclose(post[f"grad_A{i}"] * post[f"local{i}"], post[f"delta{i}"],
                                   rtol=1e-15)
    a = post["A0"][0, 0]
    np.testing.assert_allclose(post["local0"][0, 0], a * (1 - a), rtol=1e-14)
    np.testing.assert_allclose(post["grad_A0"][0, 0], post["delta1"][0, 0, 0] * post["W1"][0][:, 0])


def test_the_weight_an_update_moves_most(post):
    """The post's first update moves v₂₁ most (0.5 → 0.403: σ(h₂) = 0.786 is the largest
    hidden output, so its gradient is the largest); on a tie, the last in row order."""
    assert post.most_moved(1, 0) == (1, 0)
    tied = trace.Trace({"W0": np.array([np.zeros((2, 2)), [[1.0, 0.0], [0.0, -1.0]]])},
                       {"layers": [2, 2]})
    assert tied.most_moved(0, 0) == (1, 1)
