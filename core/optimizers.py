"""Parameter updates equal to scikit-learn's SGD (with momentum, Nesterov) and Adam.

Parameters and gradients are flat lists ordered as scikit-learn orders them:
all weight matrices, then all bias vectors. Updates are added in place.
"""

import numpy as np

OPTIMIZERS = ("sgd", "momentum", "adam")


class SGD:
    """Constant-rate SGD; momentum 0 is plain gradient descent."""

    def __init__(self, params: list[np.ndarray], learning_rate: float,
                 momentum: float = 0.0, nesterov: bool = False):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocities = [np.zeros_like(p) for p in params]

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        lr, mu = self.learning_rate, self.momentum
        updates = [mu * v - lr * g for v, g in zip(self.velocities, grads)]
        self.velocities = updates
        if self.nesterov:
            updates = [mu * v - lr * g for v, g in zip(self.velocities, grads)]
        for p, u in zip(params, updates):
            p += u


class Adam:
    """Adam with scikit-learn's bias correction folded into the step size."""

    def __init__(self, params: list[np.ndarray], learning_rate: float,
                 beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8):
        self.learning_rate = learning_rate
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        b1, b2 = self.beta1, self.beta2
        self.t += 1
        self.ms = [b1 * m + (1 - b1) * g for m, g in zip(self.ms, grads)]
        self.vs = [b2 * v + (1 - b2) * (g**2) for v, g in zip(self.vs, grads)]
        lr = self.learning_rate * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        for p, m, v in zip(params, self.ms, self.vs):
            p += -lr * m / (np.sqrt(v) + self.epsilon)


def make_optimizer(name: str, params: list[np.ndarray], train: dict):
    """Build the optimizer named in a resolved ``[train]`` section."""
    lr = train["learning_rate"]
    if name == "sgd":
        return SGD(params, lr)
    if name == "momentum":
        return SGD(params, lr, train["momentum"], train["nesterov"])
    return Adam(params, lr, train["beta1"], train["beta2"], train["epsilon"])
