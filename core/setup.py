"""From a resolved config to a training problem: data, targets and a network.

This is where checks that need the data happen: feature and class counts,
labels that fit the loss, explicit weights of the right shape.
"""

from dataclasses import dataclass

import numpy as np

from core import datasets
from core.errors import ConfigError
from core.init import initialize
from core.losses import LOSS, targets
from core.network import Network
from core.notation import Parameter, parameter


@dataclass
class Problem:
    """Training and validation data as the network sees them, and the network."""

    X: np.ndarray
    y: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    T: np.ndarray  # target matrices compared with the output
    T_val: np.ndarray
    net: Network
    classes: int  # 0 for regression
    trainable: tuple[Parameter, ...] = ()  # the parameters that learn; empty: all

    @property
    def classification(self) -> bool:
        return self.classes > 0


def load_data(data: dict, network: dict) -> tuple[np.ndarray, np.ndarray]:
    """The dataset named in a resolved ``[data]`` section, before any split."""
    name = data["dataset"]
    if name == "csv":
        if not data["path"]:
            raise ConfigError("data.dataset = 'csv' needs data.path, the CSV file to read")
        if LOSS[network["loss"]].regression:  # real targets, one column per output unit
            inputs, units = network["layers"][0], network["layers"][-1]
            if units > 1 and datasets.csv_columns(data["path"]) == inputs + 1:
                return datasets.load_csv(data["path"])  # class labels, compared one-hot
            return datasets.load_csv(data["path"], inputs, units)
        return datasets.load_csv(data["path"])
    if name == "inline":
        return datasets.load_inline(data["X"], data["y"])
    if name in datasets.REGRESSION_SETS:
        inputs = datasets.REGRESSION_SETS[name]
        if not LOSS[network["loss"]].regression or network["layers"][-1] != 1:
            raise ConfigError(f"data.dataset = {name!r} has real targets; use loss = 'mse' "
                              f"(or 'sse'), output = 'linear' and one output unit")
        if network["layers"][0] != inputs:
            raise ConfigError(f"data.dataset = {name!r} has {inputs} input(s); make "
                              f"network.layers start with {inputs}")
    make = datasets.GENERATORS[name]
    return make(data["n_samples"], data["noise"], data["seed"], data["classes"])


def _check_loss_fits(network: dict) -> None:
    loss = LOSS[network["loss"]]
    if not loss.fits(network["output"], network["layers"][-1]):
        raise ConfigError(f"network.loss = {loss.name!r} needs output = {loss.output!r} and "
                          f"{loss.units_text}")


def _count_classes(network: dict, y: np.ndarray) -> int:
    """Number of classes the labels must cover, 0 for regression; checks labels."""
    loss, units = network["loss"], network["layers"][-1]
    if y.ndim == 2:
        if not LOSS[loss].regression:
            raise ConfigError(f"data.y has rows of targets, which loss = {loss!r} does not "
                              f"take; use loss = 'sse' or 'mse', or one class label per row")
        if y.shape[1] != units:
            raise ConfigError(f"data.y has {y.shape[1]} target(s) per row but "
                              f"network.layers ends in {units}; give one target per output")
        return 0
    if LOSS[loss].regression and units == 1:
        return 0
    whole = np.all(np.equal(np.mod(y, 1), 0))
    k = 2 if loss == "bce" else units
    if whole and y.min() >= 0 and loss != "bce" and int(y.max()) + 1 != k:
        raise ConfigError(f"network.layers ends in {k} units but the data has "
                          f"{int(y.max()) + 1} classes; make the last layer "
                          f"{int(y.max()) + 1}")
    if not whole or y.min() < 0 or y.max() >= k:
        raise ConfigError(f"labels must be integers 0..{k - 1} for loss = {loss!r} with "
                          f"{units} output unit(s); got values in [{y.min():g}, {y.max():g}]")
    if loss == "bce" and len(np.unique(y)) < 2:
        raise ConfigError("the data has only one class; bce needs labels 0 and 1")
    return k


def _explicit_params(network: dict) -> tuple[list[np.ndarray], list[np.ndarray]]:
    layers = network["layers"]
    shapes = list(zip(layers[:-1], layers[1:]))
    weights, biases = network["weights"], network["biases"]
    if len(weights) != len(shapes):
        raise ConfigError(f"network.weights needs {len(shapes)} matrices for layers "
                          f"{layers}, got {len(weights)}")
    out_w, out_b = [], []
    for i, (w, shape) in enumerate(zip(weights, shapes)):
        arr = _numeric(w, f"network.weights[{i}]")
        if arr.shape != shape:
            raise ConfigError(f"network.weights[{i}] must be {shape[0]} rows of {shape[1]} "
                              f"(fan_in x fan_out), got shape {arr.shape}")
        out_w.append(arr)
    if biases and not network["bias"]:
        raise ConfigError("network.biases is given but network.bias = false; "
                          "remove one of them")
    if biases and len(biases) != len(shapes):
        raise ConfigError(f"network.biases needs {len(shapes)} vectors, got {len(biases)}")
    for i, (_, fan_out) in enumerate(shapes):
        b = _numeric(biases[i], f"network.biases[{i}]") if biases else np.zeros(fan_out)
        if b.shape != (fan_out,):
            raise ConfigError(f"network.biases[{i}] must have {fan_out} values, "
                              f"got shape {b.shape}")
        out_b.append(b)
    return out_w, out_b


def _numeric(value, where: str) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ConfigError(f"{where} must be a rectangular list of numbers") from None
    if not np.all(np.isfinite(arr)):
        raise ConfigError(f"{where} contains NaN or inf")
    if np.any(np.abs(arr) > datasets.MAX_VALUE):
        raise ConfigError(f"{where} has a value beyond ±{datasets.MAX_VALUE:g}; use smaller "
                          f"weights")
    return arr


def _trainable(config: dict) -> tuple[Parameter, ...]:
    """train.trainable as parameters, checked against the network's names."""
    network, found = config["network"], []
    for name in config["train"]["trainable"]:
        if not isinstance(name, str):
            raise ConfigError(f"train.trainable must list parameter names such as 'w11', "
                              f"got {name!r}")
        try:
            found.append(parameter(name, network["layers"], network["bias"]))
        except ConfigError as err:
            raise ConfigError(f"train.trainable: {err}") from None
        if found[-1] in found[:-1]:
            raise ConfigError(f"train.trainable names {found[-1].label} twice; list each "
                              f"parameter once")
    return tuple(found)


def build(config: dict) -> Problem:
    """Data, split, standardisation, targets and the initial network."""
    network, data = config["network"], config["data"]
    _check_loss_fits(network)
    trainable = _trainable(config)
    X, y = load_data(data, network)
    if X.shape[1] != network["layers"][0]:
        raise ConfigError(f"network.layers starts with {network['layers'][0]} inputs but "
                          f"the data has {X.shape[1]} features; set layers[0] = {X.shape[1]}")
    classes = _count_classes(network, y)
    X, y, X_val, y_val = datasets.split_validation(X, y, data["validation"], data["seed"])
    if data["standardize"]:
        X, X_val, _ = datasets.standardize(X, X_val)
    if network["init"] != "explicit" and (network["weights"] or network["biases"]):
        raise ConfigError("network.weights and network.biases are used only with "
                          "network.init = 'explicit'; set it or remove them")
    if network["init"] == "explicit":
        weights, biases = _explicit_params(network)
    else:
        weights, biases = initialize(network["layers"], network["init"],
                                     network["activation"], network["init_scale"],
                                     network["seed"])
        if not network["bias"]:
            biases = [np.zeros_like(b) for b in biases]
    net = Network(weights, biases, network["activation"], network["output"],
                  network["loss"], network["bias"], config["train"]["l2"])
    units = network["layers"][-1]
    return Problem(X, y, X_val, y_val, targets(network["loss"], y, units),
                   targets(network["loss"], y_val, units), net, classes, trainable)
