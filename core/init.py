"""Seeded weight initialisation schemes, by name."""

import numpy as np

INITS = ("glorot", "he", "normal", "uniform", "zeros", "constant", "explicit")


def initialize(
    layers: list[int], init: str, activation: str, scale: float, seed: int
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weights (fan_in, fan_out) and biases (fan_out,) for every layer.

    ``glorot`` is scikit-learn's rule: uniform in +-sqrt(f / (fan_in + fan_out))
    for weights and biases, f = 2 when the hidden activation is sigmoid, else 6.
    The other schemes leave biases at zero.
    """
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for fan_in, fan_out in zip(layers[:-1], layers[1:]):
        shape = (fan_in, fan_out)
        bias = np.zeros(fan_out)
        if init == "glorot":
            bound = np.sqrt((2.0 if activation == "sigmoid" else 6.0) / (fan_in + fan_out))
            w = rng.uniform(-bound, bound, shape)
            bias = rng.uniform(-bound, bound, fan_out)
        elif init == "he":
            w = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
        elif init == "normal":
            w = rng.normal(0.0, scale, shape)
        elif init == "uniform":
            w = rng.uniform(-scale, scale, shape)
        elif init == "zeros":
            w = np.zeros(shape)
        elif init == "constant":
            w = np.full(shape, float(scale))
        else:
            raise ValueError(f"no random scheme for init {init!r}")
        weights.append(w)
        biases.append(bias)
    return weights, biases
