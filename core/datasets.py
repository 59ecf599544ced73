"""Toy datasets, CSV/inline loaders and preprocessing for the backprop animations.

Every generator shares one signature so a config can name it by string:
``make_NAME(n_samples, noise, seed, classes=2) -> (X, y)``, identical for identical
arguments. The classification sets give X float64 of shape (n_samples, 2) and y int64
labels 0..k-1; only ``make_blobs`` uses ``classes``, the others are binary. The
regression sets (``REGRESSION_SETS``) give real targets y float64: ``sine`` over one
input, ``bumps`` over two.

Data order (only sklearn shuffles; nothing else here does):

* moons, circles: shuffled by sklearn (random_state=seed); class 1 gets the odd point.
* blobs, gauss, spiral, flower: all of class 0, then class 1, ...; within a class in
  generation order (along the arm for spiral/flower); the first n % k classes get +1.
* xor: the order of the uniform draws, so the two classes are interleaved.
"""

import csv
import math
import numbers
from collections.abc import Callable, Sequence

import numpy as np

from core.errors import ConfigError

Dataset = tuple[np.ndarray, np.ndarray]
# Data values beyond this overflow the loss and the plots' scales: rescale such data
MAX_VALUE = 1e6


def _is_number(value: object, kind: type) -> bool:
    """value is a numbers.Integral or numbers.Real (numpy scalars too) but not a bool."""
    return isinstance(value, kind) and not isinstance(value, bool)


def _check_seed(seed: int, key: str) -> None:
    """Both numpy and sklearn accept exactly the seeds in [0, 2**32)."""
    if not _is_number(seed, numbers.Integral) or not 0 <= seed < 2**32:
        raise ConfigError(f"{key} must be an integer in [0, 2**32), got {seed!r}; use e.g. 0")


def _check_params(n_samples: int, noise: float, seed: int) -> None:
    """Reject sizes, noise levels and seeds no generator can honour."""
    if not _is_number(n_samples, numbers.Integral) or n_samples < 2:
        raise ConfigError(f"data.n_samples must be an integer >= 2, got {n_samples!r}")
    if not _is_number(noise, numbers.Real) or not math.isfinite(noise) or noise < 0:
        raise ConfigError(f"data.noise must be a finite number >= 0, got {noise!r}; use e.g. 0.2")
    _check_seed(seed, "data.seed")


def _class_sizes(n_samples: int, k: int) -> list[int]:
    """Sizes as equal as possible; the first ``n_samples % k`` classes get one extra."""
    base, extra = divmod(int(n_samples), k)
    return [base + (j < extra) for j in range(k)]


def _pack(parts: list[np.ndarray]) -> Dataset:
    """Stack per-class point blocks into X and labels 0, 0, ..., 1, 1, ... in block order."""
    X = np.concatenate(parts).astype(np.float64)
    y = np.concatenate([np.full(len(p), j, dtype=np.int64) for j, p in enumerate(parts)])
    return X, y


def _clusters(centres: np.ndarray, n_samples: int, std: float, seed: int) -> Dataset:
    """Isotropic Gaussian cluster j around centres[j]; class blocks in centre order."""
    rng = np.random.default_rng(seed)
    sizes = _class_sizes(n_samples, len(centres))
    return _pack([rng.normal(c, std, size=(m, 2)) for c, m in zip(centres, sizes, strict=True)])


def make_moons(n_samples: int, noise: float, seed: int, classes: int = 2) -> Dataset:
    """Two interleaving half circles (sklearn, shuffled); class 0 is the upper moon."""
    _check_params(n_samples, noise, seed)
    from sklearn import datasets as skd  # loaded when used: it takes a second

    X, y = skd.make_moons(int(n_samples), noise=noise, random_state=seed)
    return X.astype(np.float64), y.astype(np.int64)


def make_circles(n_samples: int, noise: float, seed: int, classes: int = 2) -> Dataset:
    """Two concentric circles (sklearn, shuffled, factor 0.5); class 1 is the inner one."""
    _check_params(n_samples, noise, seed)
    from sklearn import datasets as skd

    X, y = skd.make_circles(int(n_samples), noise=noise, factor=0.5, random_state=seed)
    return X.astype(np.float64), y.astype(np.int64)


def make_blobs(n_samples: int, noise: float, seed: int, classes: int = 2) -> Dataset:
    """``classes`` Gaussian blobs, centre j at angle 2*pi*j/k on a radius-3 circle, std 1 + noise.

    The +1 keeps blobs visibly round at noise 0; neighbours overlap from about k = 6.
    """
    _check_params(n_samples, noise, seed)
    if not _is_number(classes, numbers.Integral) or not 2 <= classes <= n_samples:
        raise ConfigError(f"data.classes must be an integer in [2, n_samples], got {classes!r}")
    angles = 2 * np.pi * np.arange(classes) / classes
    centres = 3.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    return _clusters(centres, n_samples, 1.0 + noise, seed)


def make_gauss(n_samples: int, noise: float, seed: int, classes: int = 2) -> Dataset:
    """Class 0 around (1.5, 1.5), class 1 around (-1.5, -1.5), std 1 + noise (a little overlap)."""
    _check_params(n_samples, noise, seed)
    return _clusters(np.array([[1.5, 1.5], [-1.5, -1.5]]), n_samples, 1.0 + noise, seed)


def make_xor(n_samples: int, noise: float, seed: int, classes: int = 2) -> Dataset:
    """Uniform points in [-1, 1]^2, label 1 where x1*x2 < 0, then N(0, noise) jitter on X.

    Labels come from the clean points; points near the axes are kept (no margin).
    """
    _check_params(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    clean = rng.uniform(-1.0, 1.0, size=(int(n_samples), 2))
    y = (clean[:, 0] * clean[:, 1] < 0).astype(np.int64)
    return clean + rng.normal(0.0, noise, size=clean.shape), y


def make_spiral(n_samples: int, noise: float, seed: int, classes: int = 2) -> Dataset:
    """Two interleaved arms: s in linspace(0, 1), radius 0.5 + 2.5 s, angle 3 pi s + j pi.

    Each arm turns 1.5 times; N(0, noise) jitter is added to both coordinates.
    """
    _check_params(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    arms = []
    for j, m in enumerate(_class_sizes(n_samples, 2)):
        s = np.linspace(0.0, 1.0, m)
        r, a = 0.5 + 2.5 * s, 3 * np.pi * s + j * np.pi
        arms.append(np.c_[r * np.cos(a), r * np.sin(a)] + rng.normal(0.0, noise, (m, 2)))
    return _pack(arms)


def make_flower(n_samples: int, noise: float, seed: int, classes: int = 2) -> Dataset:
    """The planar "flower" of the classic blog post; noise=0.2 reproduces its figure.

    For class j: t = linspace(3.12 j, 3.12 (j+1), N) + noise * randn(N), then
    r = 4 sin(4 t) + noise * randn(N), x = (r sin t, r cos t). Draw order per class:
    the t noise, then the r noise, class 0 first; class 0 gets the extra point if odd.
    """
    _check_params(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    petals = []
    for j, m in enumerate(_class_sizes(n_samples, 2)):
        t = np.linspace(3.12 * j, 3.12 * (j + 1), m) + noise * rng.standard_normal(m)
        r = 4.0 * np.sin(4.0 * t) + noise * rng.standard_normal(m)
        petals.append(np.c_[r * np.sin(t), r * np.cos(t)])
    return _pack(petals)


def make_sine(n_samples: int, noise: float, seed: int, classes: int = 2) -> Dataset:
    """One input x uniform in [-3, 3], target sin(1.5 x) + N(0, noise): a curve with
    two bends, which a straight line cannot follow. Sorted by x."""
    _check_params(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3.0, 3.0, int(n_samples)))
    return x[:, None], np.sin(1.5 * x) + rng.normal(0.0, noise, len(x))


def make_bumps(n_samples: int, noise: float, seed: int, classes: int = 2) -> Dataset:
    """Uniform points in [-3, 3]^2, target a hill at (-1, 1) minus a hollow at (1, -1):
    exp(-|x - a|^2 / 2) - exp(-|x - b|^2 / 2) + N(0, noise), in (-1, 1)."""
    _check_params(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3.0, 3.0, (int(n_samples), 2))
    hill = np.exp(-((X - [-1.0, 1.0]) ** 2).sum(axis=1) / 2)
    hollow = np.exp(-((X - [1.0, -1.0]) ** 2).sum(axis=1) / 2)
    return X, hill - hollow + rng.normal(0.0, noise, len(X))


GENERATORS: dict[str, Callable[..., Dataset]] = {
    "moons": make_moons, "circles": make_circles, "blobs": make_blobs, "xor": make_xor,
    "gauss": make_gauss, "spiral": make_spiral, "flower": make_flower,
    "sine": make_sine, "bumps": make_bumps,
}
REGRESSION_SETS = {"sine": 1, "bumps": 2}  # name -> number of inputs


def _read_rows(path: str) -> list[tuple[int, list[str]]]:
    """Non-blank CSV rows with their (1-based, physical) line numbers."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            return [(reader.line_num, [c.strip() for c in row]) for row in reader
                    if len(row) > 1 or (row and row[0].strip())]
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found; check data.path") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"{path}: cannot read it as UTF-8 CSV ({exc}); fix the file") from None


def csv_columns(path: str) -> int:
    """How many columns the CSV's first non-blank row has (0 for an empty file)."""
    rows = _read_rows(path)
    return len(rows[0][1]) if rows else 0


def _to_float(cell: str) -> float | None:
    """float(cell), or None when the cell is not a number."""
    try:
        return float(cell)
    except ValueError:
        return None


def _parse_cell(path: str, line: int, col: int, cell: str) -> float:
    """One finite number, or a ConfigError pointing at the cell."""
    value = _to_float(cell)
    where = f"{path}, line {line}, column {col}"
    if value is None:
        raise ConfigError(f"{where}: {cell!r} is not a number; fix or remove the row")
    if not math.isfinite(value):
        raise ConfigError(f"{where}: {cell!r} is not finite; replace NaN/inf with a number")
    if abs(value) > MAX_VALUE:
        raise ConfigError(f"{where}: {cell!r} is beyond ±{MAX_VALUE:g}; rescale the column")
    return value


def load_csv(path: str, inputs: int | None = None, targets: int = 0) -> Dataset:
    """Read rows x1, x2, ..., label (header optional) as float64 X and int64 y; or,
    with ``targets`` (and ``inputs``), rows of inputs then that many real targets.

    A first row with no numeric cell is a header. Labels must be whole numbers >= 0
    with at least two distinct values. Blank lines are skipped. Targets come back
    as a column (n,) for one target, else as a table (n, targets).
    """
    rows = _read_rows(path)
    if not rows:
        raise ConfigError(f"{path}: file is empty; add rows of x1,x2,...,label")
    first_line, first = rows[0]
    if len(first) < 2:
        raise ConfigError(f"{path}, line {first_line}: one column; need x1, ..., label")
    if all(_to_float(c) is None for c in first):
        rows = rows[1:]
        if not rows:
            raise ConfigError(f"{path}, line {first_line}: header but no data rows; add rows")
    if targets:
        return _targets_table(path, rows, inputs, targets)
    table = []
    for line, cells in rows:
        if len(cells) != len(first):
            raise ConfigError(f"{path}, line {line}: {len(cells)} columns, expected "
                              f"{len(first)} as on line {first_line}; make rows equal length")
        table.append([_parse_cell(path, line, c + 1, cell) for c, cell in enumerate(cells)])
        label = table[-1][-1]
        if label != round(label) or label < 0:
            raise ConfigError(f"{path}, line {line}, column {len(cells)}: label {cells[-1]!r} "
                              "is not a whole number >= 0; use class indices 0, 1, ...")
    data = np.array(table, dtype=np.float64)
    y = data[:, -1].astype(np.int64)
    if len(np.unique(y)) < 2:
        raise ConfigError(f"{path}, lines {rows[0][0]}-{rows[-1][0]}: every label is {y[0]}; "
                          "need at least 2 classes")
    return data[:, :-1], y


def _targets_table(path: str, rows: list, inputs: int, targets: int) -> Dataset:
    """Rows of ``inputs`` numbers then ``targets`` real targets."""
    width = inputs + targets
    table = []
    for line, cells in rows:
        if len(cells) != width:
            raise ConfigError(f"{path}, line {line}: {len(cells)} columns, expected {width}: "
                              f"{inputs} input(s) (network.layers[0]) then {targets} "
                              f"target(s) (network.layers[-1])")
        table.append([_parse_cell(path, line, c + 1, cell) for c, cell in enumerate(cells)])
    data = np.array(table, dtype=np.float64)
    y = data[:, inputs:]
    return data[:, :inputs], y[:, 0] if targets == 1 else y


def _check_numbers(values: Sequence, key: str) -> None:
    """Every entry a finite real number (not a bool or string), else name the bad one."""
    for i, v in enumerate(values):
        if not _is_number(v, numbers.Real) or not math.isfinite(v):
            raise ConfigError(f"{key}[{i}] is {v!r}; every entry must be a finite number")
        if abs(v) > MAX_VALUE:
            raise ConfigError(f"{key}[{i}] = {v!r} is beyond ±{MAX_VALUE:g}; rescale the data")


def load_inline(X: list, y: list) -> Dataset:
    """Arrays from a config's literal data.X rows and data.y values (one per row).

    y is int64 when every value is whole (class labels), else float64 (regression).
    """
    if not isinstance(X, (list, tuple)) or not X:
        raise ConfigError("data.X must be a non-empty list of rows, e.g. [[0, 1], [1, 0]]")
    if not isinstance(y, (list, tuple)) or not y:
        raise ConfigError("data.y must be a non-empty list of numbers, one per row of data.X")
    width = len(X[0]) if isinstance(X[0], (list, tuple)) else 0
    for i, row in enumerate(X):
        if not isinstance(row, (list, tuple)) or not row or len(row) != width:
            raise ConfigError(f"data.X[{i}] is {row!r}; every row must be a list of the same "
                              f"non-zero length as data.X[0]")
        _check_numbers(row, f"data.X[{i}]")
    if len(y) != len(X):
        raise ConfigError(f"data.y has {len(y)} values for {len(X)} rows of data.X; give one each")
    if any(isinstance(v, (list, tuple)) for v in y):  # a row of targets per sample
        k = len(y[0]) if isinstance(y[0], (list, tuple)) else 0
        for i, row in enumerate(y):
            if not isinstance(row, (list, tuple)) or not row or len(row) != k:
                raise ConfigError(f"data.y[{i}] is {row!r}; give every row of targets as a "
                                  f"list of the same non-zero length as data.y[0], or one "
                                  f"number per row")
            _check_numbers(row, f"data.y[{i}]")
        return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    _check_numbers(y, "data.y")
    ys = np.asarray(y, dtype=np.float64)
    whole = bool(np.all(ys == np.round(ys)))
    return np.asarray(X, dtype=np.float64), ys.astype(np.int64) if whole else ys


def standardize(X_train: np.ndarray, X_other: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray | None, tuple[np.ndarray, np.ndarray]]:
    """Scale columns to zero mean, unit std using X_train's statistics only (no leakage).

    Returns (X_train', X_other' or None, (mean, std)); X' = (X - mean) / std. A column that
    is constant (std <= 1e-12 * |mean|, i.e. zero up to rounding) gets std 1: centred only.
    """
    X_train = np.asarray(X_train, dtype=np.float64)
    if X_train.ndim != 2 or len(X_train) == 0:
        raise ConfigError(f"standardize needs a non-empty 2-D X_train, got shape {X_train.shape}")
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std <= 1e-12 * np.abs(mean), 1.0, std)
    other = None
    if X_other is not None:
        X_other = np.asarray(X_other, dtype=np.float64)
        if X_other.ndim != 2 or X_other.shape[1] != X_train.shape[1]:
            raise ConfigError(f"standardize: X_other shape {X_other.shape} does not match "
                              f"X_train's {X_train.shape[1]} columns")
        other = (X_other - mean) / std
    return (X_train - mean) / std, other, (mean, std)


def split_validation(X: np.ndarray, y: np.ndarray, fraction: float, seed: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Hold out round(fraction * n) rows (at least 1 if fraction > 0) by a seeded permutation.

    Returns X_train, y_train, X_val, y_val, both in permutation order (val = its first rows).
    fraction 0 keeps the original order and returns empty (0, d) / (0,) validation arrays.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ConfigError(f"X has {len(X)} rows but y has {len(y)}; give one label per row")
    if not _is_number(fraction, numbers.Real) or not 0 <= fraction < 1:
        raise ConfigError(f"data.validation must be in [0, 1), got {fraction!r}; use e.g. 0.2")
    _check_seed(seed, "data.seed")
    n = len(X)
    n_val = 0 if fraction == 0 else max(1, round(fraction * n))
    if n_val >= n:
        raise ConfigError(f"data.validation = {fraction} leaves no training rows out of {n}; "
                          "lower it or add data")
    order = np.arange(n) if n_val == 0 else np.random.default_rng(seed).permutation(n)
    val, train = order[:n_val], order[n_val:]
    return X[train], y[train], X[val], y[val]
