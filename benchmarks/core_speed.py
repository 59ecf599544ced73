"""Speed of the numpy core's training step, with and without full recording.

The core records every state, gradient and probe activation of a run (core.trainer.train),
which must stay cheap next to what people would otherwise use. With numpy on ONE BLAS thread
(threadpoolctl), this prints the time per full-batch training step of:

  ours bare      core.network.evaluate + core.optimizers.SGD.step
  ours recorded  core.trainer.train(config) for N iterations, trace.frames = 2 (so decision
                 grids are almost excluded), divided by N, one-off setup included; "setup" is
                 a 1-iteration train(), "loop" is (T(N) - T(1)) / (N - 1), setup excluded
  sklearn        MLPClassifier.partial_fit, solver sgd, batch_size = n (one step per call)
  torch          nn.Sequential + optim.SGD on one thread, float64, if torch is installed

Each figure is the best of REPEATS runs of STEPS steps, the columns' runs interleaved so that
load from other processes hits them alike. Targets: recorded <= 1/10 of sklearn, <= 1/3 of
torch. Also printed: one 200x200 decision grid (core.grid.GridEvaluator) in µs and in bare
steps, and the size of a saved 300-iteration trace (target < 10 MB).
Run from anywhere: .venv/bin/python benchmarks/core_speed.py
"""

import importlib.util
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from core import trace as trace_io  # noqa: E402
from core.config import resolve  # noqa: E402
from core.grid import GridEvaluator, extent, grid_points  # noqa: E402
from core.network import evaluate  # noqa: E402
from core.optimizers import SGD  # noqa: E402
from core.setup import build  # noqa: E402
from core.trainer import train  # noqa: E402

STEPS, REPEATS, LR = 200, 7, 0.1
CASES = [([2, 8, 8, 1], 200), ([2, 8, 8, 1], 1000), ([2, 32, 32, 1], 1000)]
HAS_TORCH = importlib.util.find_spec("torch") is not None


def timed(fn, calls: int = 1):
    """A run: returns fn's wall time per call (µs) over `calls` calls."""
    def run() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        return (time.perf_counter() - start) / calls * 1e6
    return run


def config(layers, n, iterations=STEPS, frames=2, grid=100):
    return resolve({"network": {"layers": layers, "activation": "tanh", "output": "sigmoid",
                                "loss": "bce"},
                    "data": {"dataset": "moons", "n_samples": n},
                    "train": {"iterations": iterations, "learning_rate": LR},
                    "trace": {"frames": frames, "grid": grid, "neuron_grid": 32}})


def bare_step(layers, n):
    problem = build(config(layers, n))
    net, X, T = problem.net, problem.X, problem.T
    params = net.weights + net.biases
    opt = SGD(params, LR)

    def step():
        opt.step(params, (p := evaluate(net, X, T)).dW + p.db)
    return step


def sklearn_step(layers, n):
    problem = build(config(layers, n))
    X, y = problem.X, problem.y
    model = MLPClassifier(hidden_layer_sizes=tuple(layers[1:-1]), activation="tanh",
                          solver="sgd", batch_size=n, learning_rate_init=LR, momentum=0.0,
                          nesterovs_momentum=False, alpha=0.0, shuffle=False, random_state=0)
    model.partial_fit(X, y, classes=[0, 1])
    return lambda: model.partial_fit(X, y)


def torch_step(layers, n):
    import torch

    torch.set_num_threads(1)
    problem = build(config(layers, n))
    mods = []
    for i, (fan_in, fan_out) in enumerate(zip(layers[:-1], layers[1:])):
        mods.append(torch.nn.Linear(fan_in, fan_out, dtype=torch.float64))
        if i < len(layers) - 2:
            mods.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*mods)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    X, T = torch.from_numpy(problem.X), torch.from_numpy(problem.T)

    def step():
        opt.zero_grad()
        loss_fn(model(X), T).backward()
        opt.step()
    return step


def measure(layers, n) -> dict[str, float]:
    """Best time (µs) of each run, the runs interleaved over REPEATS rounds."""
    full, one = config(layers, n, STEPS), config(layers, n, 1)
    runs = {"bare": timed(bare_step(layers, n), STEPS),
            "train": timed(lambda: train(full)),
            "setup": timed(lambda: train(one), 5),
            "sklearn": timed(sklearn_step(layers, n), STEPS)}
    if HAS_TORCH:
        runs["torch"] = timed(torch_step(layers, n), STEPS)
    times = {name: [] for name in runs}
    for _ in range(REPEATS):
        for name, run in runs.items():
            times[name].append(run())
    best = {name: min(values) for name, values in times.items()}
    best.setdefault("torch", float("nan"))
    best["loop"] = (best["train"] - best["setup"]) / (STEPS - 1)
    best["recorded"] = best["train"] / STEPS
    return best


def main() -> None:
    warnings.simplefilter("ignore")
    print(f"numpy {np.__version__}, one BLAS thread; best of {REPEATS} runs of {STEPS} steps")
    print("torch: " + ("installed, one thread" if HAS_TORCH else "not installed"))
    print("times in µs per step; targets: rec/sk <= 0.10, rec/torch <= 0.33")
    head = ("case", "bare", "recorded", "loop", "setup ms", "sklearn", "torch", "rec/sk",
            "rec/torch")
    print("{:<17}{:>8}{:>10}{:>8}{:>10}{:>9}{:>8}{:>8}{:>10}".format(*head))
    for layers, n in CASES:
        b = measure(layers, n)
        name = "-".join(map(str, layers)) + f" n={n}"
        print(f"{name:<17}{b['bare']:>8.1f}{b['recorded']:>10.1f}{b['loop']:>8.1f}"
              f"{b['setup'] / 1e3:>10.2f}{b['sklearn']:>9.1f}{b['torch']:>8.1f}"
              f"{b['recorded'] / b['sklearn']:>8.2f}{b['recorded'] / b['torch']:>10.2f}")

    problem = build(config([2, 8, 8, 1], 200))
    grid = GridEvaluator(grid_points(extent(problem.X), 200), problem.net.layers)
    grid_run, bare_run = timed(lambda: grid(problem.net), 20), timed(bare_step(*CASES[0]), STEPS)
    grid_us, bare = (min(pair) for pair in zip(*[(grid_run(), bare_run()) for _ in range(7)]))
    print(f"200x200 decision grid, 2-8-8-1: {grid_us:.0f} µs = {grid_us / bare:.1f} bare "
          f"steps of n=200 ({bare:.1f} µs)")

    cfg = config([2, 8, 8, 1], 200, iterations=300, frames=100, grid=100)
    with tempfile.TemporaryDirectory() as tmp:
        path = trace_io.save(train(cfg), Path(tmp) / "trace.npz")
        size = path.stat().st_size / 1e6
    print(f"trace 2-8-8-1, 300 iterations, grid 100, frames 100: {size:.2f} MB on disk "
          f"(target < 10 MB: {'ok' if size < 10 else 'OVER'})")


if __name__ == "__main__":
    with threadpool_limits(limits=1):
        main()
