"""Behaviour of core.datasets' generators (its loaders, standardize and the split:
tests/test_data_loading.py)."""

import numpy as np
import pytest
from sklearn import datasets as skd

from core.datasets import (
    GENERATORS,
    REGRESSION_SETS,
    make_blobs,
    make_bumps,
    make_circles,
    make_flower,
    make_gauss,
    make_moons,
    make_sine,
    make_spiral,
    make_xor,
)
from core.errors import ConfigError

NAMES = sorted(set(GENERATORS) - set(REGRESSION_SETS))  # the classification sets
CLASS_ORDERED = ["blobs", "gauss", "spiral", "flower"]


# --- generators -------------------------------------------------------------------------


def test_registry_names_all_generators():
    assert set(GENERATORS) == {"moons", "circles", "blobs", "xor", "gauss", "spiral", "flower",
                               "sine", "bumps"}
    assert REGRESSION_SETS == {"sine": 1, "bumps": 2}


@pytest.mark.parametrize("name", sorted(REGRESSION_SETS))
def test_regression_sets_are_real_targets_reproducible_per_seed(name):
    X, y = GENERATORS[name](150, 0.1, 4)
    assert X.shape == (150, REGRESSION_SETS[name]) and y.shape == (150,)
    assert y.dtype == np.float64 and len(np.unique(y)) == 150
    np.testing.assert_array_equal(GENERATORS[name](150, 0.1, 4)[1], y)
    assert not np.allclose(GENERATORS[name](150, 0.1, 5)[1], y)


def test_sine_and_bumps_follow_their_formulas_without_noise():
    X, y = make_sine(50, 0.0, 0)
    assert np.all(np.diff(X[:, 0]) >= 0) and np.all(np.abs(X) <= 3)
    np.testing.assert_allclose(y, np.sin(1.5 * X[:, 0]))
    X, y = make_bumps(50, 0.0, 0)
    hill = np.exp(-((X[:, 0] + 1) ** 2 + (X[:, 1] - 1) ** 2) / 2)
    hollow = np.exp(-((X[:, 0] - 1) ** 2 + (X[:, 1] + 1) ** 2) / 2)
    np.testing.assert_allclose(y, hill - hollow)
    assert y.max() > 0.5 and y.min() < -0.5


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [2, 3, 201])
def test_shapes_and_dtypes(name, n):
    X, y = GENERATORS[name](n, 0.2, 0)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert np.all(np.isfinite(X))
    assert set(y.tolist()) <= {0, 1}


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_gives_same_data(name):
    X1, y1 = GENERATORS[name](150, 0.2, 7)
    X2, y2 = GENERATORS[name](150, 0.2, 7)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("name", NAMES)
def test_different_seed_gives_different_data(name):
    X1, _ = GENERATORS[name](150, 0.2, 7)
    X2, _ = GENERATORS[name](150, 0.2, 8)
    assert not np.allclose(X1, X2)


@pytest.mark.parametrize("name", NAMES)
def test_both_classes_present_and_roughly_balanced(name):
    _, y = GENERATORS[name](400, 0.2, 3)
    counts = np.bincount(y)
    assert len(counts) == 2
    assert counts.min() >= 0.4 * 400


@pytest.mark.parametrize("name", CLASS_ORDERED)
def test_class_ordered_generators_put_class_0_first_with_the_extra_point(name):
    _, y = GENERATORS[name](201, 0.2, 0)
    np.testing.assert_array_equal(y, np.r_[np.zeros(101), np.ones(100)])


@pytest.mark.parametrize(("make", "sk_make", "kwargs"), [
    (make_moons, skd.make_moons, {}),
    (make_circles, skd.make_circles, {"factor": 0.5}),
])
def test_sklearn_generators_match_sklearn_and_stay_shuffled(make, sk_make, kwargs):
    X, y = make(101, 0.1, 5)
    X_sk, y_sk = sk_make(n_samples=101, noise=0.1, random_state=5, **kwargs)
    np.testing.assert_array_equal(X, X_sk)
    np.testing.assert_array_equal(y, y_sk)
    assert np.any(np.diff(y) < 0)  # not sorted by class


@pytest.mark.parametrize("name", [n for n in NAMES if n != "blobs"])
def test_binary_generators_ignore_classes(name):
    X2, y2 = GENERATORS[name](60, 0.2, 1, 2)
    X4, y4 = GENERATORS[name](60, 0.2, 1, 4)
    np.testing.assert_array_equal(X2, X4)
    np.testing.assert_array_equal(y2, y4)


@pytest.mark.parametrize("k", [3, 4])
def test_blobs_give_k_balanced_classes_on_a_radius_3_circle(k):
    X, y = make_blobs(4000, 0.0, 0, classes=k)
    assert set(y.tolist()) == set(range(k))
    np.testing.assert_array_equal(np.bincount(y), [4000 // k + (j < 4000 % k) for j in range(k)])
    for j in range(k):
        angle = 2 * np.pi * j / k
        centre = X[y == j].mean(axis=0)
        np.testing.assert_allclose(centre, [3 * np.cos(angle), 3 * np.sin(angle)], atol=0.1)
        assert X[y == j].std(axis=0) == pytest.approx([1.0, 1.0], abs=0.1)


def test_blobs_std_grows_with_noise():
    X, y = make_blobs(4000, 1.0, 0)
    assert X[y == 0].std(axis=0) == pytest.approx([2.0, 2.0], abs=0.15)


def test_gauss_clusters_sit_on_the_diagonal():
    X, y = make_gauss(4000, 0.0, 0)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [1.5, 1.5], atol=0.1)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [-1.5, -1.5], atol=0.1)


def _flower_reference(n, noise, seed):
    """The blog post's loop, written out independently with the same rng draws."""
    rng = np.random.default_rng(seed)
    points, labels = [], []
    for j, m in enumerate([n - n // 2, n // 2]):
        noise_t = rng.standard_normal(m)
        noise_r = rng.standard_normal(m)
        t = np.linspace(j * 3.12, (j + 1) * 3.12, m) + noise * noise_t
        r = 4 * np.sin(4 * t) + noise * noise_r
        points.append(np.c_[r * np.sin(t), r * np.cos(t)])
        labels += [j] * m
    return np.vstack(points), np.array(labels)


@pytest.mark.parametrize("n", [2, 7, 400])
def test_flower_matches_the_formula(n):
    X, y = make_flower(n, 0.2, 11)
    X_ref, y_ref = _flower_reference(n, 0.2, 11)
    np.testing.assert_allclose(X, X_ref, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(y, y_ref)


def test_flower_without_noise_lies_on_the_petal_curves():
    X, y = make_flower(201, 0.0, 0)
    for j, m in [(0, 101), (1, 100)]:
        t = np.linspace(3.12 * j, 3.12 * (j + 1), m)
        r = 4 * np.sin(4 * t)
        np.testing.assert_allclose((X[y == j] ** 2).sum(axis=1), r**2, atol=1e-12)
        np.testing.assert_allclose(X[y == j], np.c_[r * np.sin(t), r * np.cos(t)], atol=1e-12)


def test_xor_without_noise_labels_by_sign_of_product():
    X, y = make_xor(500, 0.0, 4)
    assert np.all(np.abs(X) <= 1)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(np.int64))


def test_xor_labels_come_from_the_clean_points_and_noise_moves_them():
    X0, y0 = make_xor(500, 0.0, 4)
    X1, y1 = make_xor(500, 0.3, 4)
    np.testing.assert_array_equal(y0, y1)
    assert 0.2 < np.std(X1 - X0) < 0.4


def test_spiral_without_noise_runs_out_along_each_arm():
    X, y = make_spiral(200, 0.0, 0)
    for j in (0, 1):
        np.testing.assert_allclose(np.linalg.norm(X[y == j], axis=1), np.linspace(0.5, 3, 100))
    np.testing.assert_allclose(X[y == 1], -X[y == 0], atol=1e-12)  # arms rotated by pi


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n_samples", [1, 0, -3, 2.5, True, "100"])
def test_bad_n_samples_names_the_key(name, n_samples):
    with pytest.raises(ConfigError, match=r"data\.n_samples"):
        GENERATORS[name](n_samples, 0.2, 0)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("noise", [-0.01, float("nan"), float("inf"), None])
def test_bad_noise_names_the_key(name, noise):
    with pytest.raises(ConfigError, match=r"data\.noise"):
        GENERATORS[name](50, noise, 0)


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, None])
def test_bad_seed_names_the_key(seed):
    with pytest.raises(ConfigError, match=r"data\.seed"):
        make_flower(50, 0.2, seed)


@pytest.mark.parametrize("classes", [1, 0, 2.0, 11])
def test_bad_blob_classes_names_the_key(classes):
    with pytest.raises(ConfigError, match=r"data\.classes"):
        make_blobs(10, 0.2, 0, classes=classes)
