"""Behaviour of core.datasets' loaders (CSV, inline), standardize and the validation split."""

import numpy as np
import pytest

from core.datasets import load_csv, load_inline, split_validation, standardize
from core.errors import ConfigError

# --- CSV --------------------------------------------------------------------------------


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("text", ["x1,x2,label\n0.5,1,0\n-1,2e0,1\n", "0.5,1,0\n-1,2e0,1\n"])
def test_csv_with_or_without_header(tmp_path, text):
    X, y = load_csv(_write(tmp_path, text))
    np.testing.assert_array_equal(X, [[0.5, 1.0], [-1.0, 2.0]])
    np.testing.assert_array_equal(y, [0, 1])
    assert X.dtype == np.float64 and y.dtype == np.int64


def test_csv_accepts_blank_lines_spaces_bom_float_labels_and_more_columns(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("a,b,c,label\n\n 1, 2, 3, 1.0\n4,5,6,2\n\n", encoding="utf-8-sig")
    X, y = load_csv(str(path))
    np.testing.assert_array_equal(X, [[1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(y, [1, 2])


@pytest.mark.parametrize(("text", "where"), [
    ("", None),
    ("\n\n", None),
    ("x1,x2,label\n", "line 1"),
    ("x1,x2,label\n1,2,0\n3,abc,1\n", "line 3, column 2"),
    ("1,abc,0\n3,4,1\n", "line 1, column 2"),  # a mixed first row is data, not a header
    ("1,2,0\n\n1,,1\n", "line 3, column 2"),
    ("1,2,0\n1,nan,1\n", "line 2, column 2"),
    ("inf,2,0\n1,2,1\n", "line 1, column 1"),
    ("1,2,0\n1,2\n3,4,1\n", "line 2"),
    ("1,2,0\n1,2,0,5\n", "line 2"),
    ("0\n1\n", "line 1"),
    ("label\n0\n1\n", "line 1"),
    ("1,2,0\n1,2,0.5\n", "line 2, column 3"),
    ("1,2,-1\n1,2,1\n", "line 1, column 3"),
    ("x1,x2,label\n1,2,0\n3,4,0\n", "lines 2-3"),
])
def test_csv_errors_name_file_and_line(tmp_path, text, where):
    path = _write(tmp_path, text, name="bad_input.csv")
    with pytest.raises(ConfigError) as info:
        load_csv(path)
    message = str(info.value)
    assert "bad_input.csv" in message and "\n" not in message
    if where is not None:
        assert where in message


def test_csv_missing_file_names_it(tmp_path):
    with pytest.raises(ConfigError, match="nowhere.csv"):
        load_csv(str(tmp_path / "nowhere.csv"))


def test_csv_unreadable_inputs_raise_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_csv(str(tmp_path))
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81,1,0\n")
    with pytest.raises(ConfigError, match="binary.csv"):
        load_csv(str(binary))


# --- inline -----------------------------------------------------------------------------


def test_inline_whole_labels_become_int64():
    X, y = load_inline([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1.0, 0])
    assert X.shape == (4, 2) and X.dtype == np.float64
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, [0, 1, 1, 0])


def test_inline_fractional_targets_stay_float64():
    X, y = load_inline([[0.5], [1.5]], [0.25, 2])
    assert X.shape == (2, 1)
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, [0.25, 2.0])


@pytest.mark.parametrize(("X", "y", "key"), [
    ([], [], "data.X"),
    ("0,1", [0], "data.X"),
    ([[0, 1], [2]], [0, 1], r"data.X\[1\]"),
    ([[]], [0], r"data.X\[0\]"),
    ([1, 2], [0, 1], r"data.X\[0\]"),
    ([[0, "a"]], [0], r"data.X\[0\]"),
    ([[0, float("nan")]], [0], r"data.X\[0\]"),
    ([[0, float("inf")]], [0], r"data.X\[0\]"),
    ([[0, True]], [0], r"data.X\[0\]"),
    ([[0, 1]], [], "data.y"),
    ([[0, 1], [1, 0]], [0], "data.y"),
    ([[0, 1]], [float("nan")], "data.y"),
    ([[0, 1]], ["1"], "data.y"),
])
def test_inline_errors_name_the_key(X, y, key):
    with pytest.raises(ConfigError, match=key):
        load_inline(X, y)


# --- standardize ------------------------------------------------------------------------


def test_standardize_uses_training_statistics_for_both():
    rng = np.random.default_rng(0)
    X = rng.normal([5.0, -2.0], [3.0, 0.1], size=(200, 2))
    X_other = X[:50] + 10.0
    X_copy, other_copy = X.copy(), X_other.copy()
    Xs, Os, (mean, std) = standardize(X, X_other)
    np.testing.assert_allclose(Xs.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Xs.std(axis=0), 1)
    np.testing.assert_allclose(mean, X.mean(axis=0))
    np.testing.assert_allclose(std, X.std(axis=0))
    np.testing.assert_allclose(Os, (X_other - mean) / std)
    np.testing.assert_allclose(Os - Xs[:50], np.broadcast_to(10.0 / std, (50, 2)))
    np.testing.assert_array_equal(X, X_copy)  # inputs untouched
    np.testing.assert_array_equal(X_other, other_copy)


@pytest.mark.parametrize("value", [0.0, 0.1, 2.2, 1e6 + 0.3])
def test_standardize_leaves_constant_columns_unscaled(value):
    # 7 copies of 0.1, 2.2 or 1e6 + 0.3 have a tiny non-zero np.std from rounding
    X = np.c_[np.arange(7.0), np.full(7, value)]
    Xs, other, (mean, std) = standardize(X)
    assert other is None
    assert std[1] == 1.0 and mean[1] == pytest.approx(value)
    np.testing.assert_allclose(Xs[:, 1], 0, atol=1e-9)
    np.testing.assert_allclose(Xs[:, 0], (X[:, 0] - 3) / 2)


def test_standardize_rejects_bad_shapes():
    with pytest.raises(ConfigError):
        standardize(np.zeros((0, 2)))
    with pytest.raises(ConfigError):
        standardize(np.zeros((3, 2)), np.zeros((3, 3)))


# --- validation split -------------------------------------------------------------------


def _indexed(n):
    return np.c_[np.arange(n), -np.arange(n)].astype(float), np.arange(n) % 3


def test_split_sizes_partition_and_row_label_pairing():
    X, y = _indexed(100)
    Xt, yt, Xv, yv = split_validation(X, y, 0.2, 0)
    assert Xt.shape == (80, 2) and Xv.shape == (20, 2) and yt.shape == (80,) and yv.shape == (20,)
    ids = np.r_[Xt[:, 0], Xv[:, 0]].astype(int)
    np.testing.assert_array_equal(np.sort(ids), np.arange(100))
    np.testing.assert_array_equal(yt, Xt[:, 0].astype(int) % 3)
    np.testing.assert_array_equal(yv, Xv[:, 0].astype(int) % 3)


def test_split_is_seeded():
    X, y = _indexed(100)
    a, b, c = (split_validation(X, y, 0.3, s) for s in (4, 4, 5))
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[2], c[2])


def test_split_fraction_zero_keeps_order_and_gives_empty_validation():
    X, y = _indexed(10)
    Xt, yt, Xv, yv = split_validation(X, y, 0.0, 3)
    np.testing.assert_array_equal(Xt, X)
    np.testing.assert_array_equal(yt, y)
    assert Xv.shape == (0, 2) and yv.shape == (0,)
    assert Xv.dtype == X.dtype and yv.dtype == y.dtype


def test_split_small_positive_fraction_holds_out_at_least_one_row():
    X, y = _indexed(4)
    _, _, Xv, _ = split_validation(X, y, 0.1, 0)
    assert len(Xv) == 1


@pytest.mark.parametrize(("n", "fraction", "seed", "key"), [
    (10, 1.0, 0, "data.validation"),
    (10, -0.1, 0, "data.validation"),
    (10, float("nan"), 0, "data.validation"),
    (2, 0.9, 0, "data.validation"),
    (10, 0.2, -1, "data.seed"),
])
def test_split_errors(n, fraction, seed, key):
    X, y = _indexed(n)
    with pytest.raises(ConfigError, match=key):
        split_validation(X, y, fraction, seed)


def test_split_rejects_length_mismatch():
    X, y = _indexed(10)
    with pytest.raises(ConfigError):
        split_validation(X, y[:9], 0.2, 0)
