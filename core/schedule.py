"""How a video's clock runs through the iterations: evenly, or on a log scale.

Most learning happens early, so the log schedule gives each decade of iterations
the same time. It is a log of (iteration + c), not of (iteration + 1): with c = 1
the first quarter of a 300-iteration video would cover only iterations 0-3, where
little changes. c grows with the run (``last / LOG_DECADES_SHOWN``), so the clock
always spans about that many "decades" and starts moving at once. The recorded
grids, the animation's clock and the loss panel's log axis all use this one map.
"""

import numpy as np

SCHEDULES = ("linear", "log")
LOG_SPAN = 50.0  # the log schedule's clock covers (last + c) / c = this ratio


def log_offset(last: int) -> float:
    """The c in log(iteration + c): at least 1, so that iteration 0 has a place."""
    return max(1.0, last / (LOG_SPAN - 1))


def iteration_at(u, last: int, schedule: str):
    """The (continuous) iteration at clock u in [0, 1]; u may be an array."""
    u = np.asarray(u, dtype=float)
    if schedule == "log":
        c = log_offset(last)
        return c * ((last / c + 1) ** u - 1)
    return u * last


def progress_at(iteration, last: int, schedule: str):
    """The inverse of iteration_at: where on the clock (0-1) an iteration falls."""
    i = np.asarray(iteration, dtype=float)
    if schedule == "log":
        c = log_offset(last)
        return np.log1p(i / c) / np.log1p(last / c)
    return i / max(last, 1)


def read_at(iteration: float, last: int, schedule: str, readings: float) -> int:
    """The whole iteration whose numbers show at (continuous) ``iteration`` when they are
    read ``readings`` times, evenly over the clock (a number that changes every frame
    cannot be read): the last reading at or before it, and from the end, the last."""
    if iteration >= last:
        return last
    u = float(progress_at(iteration, last, schedule))
    instant = np.floor(u * readings + 1e-9) / readings
    return int(np.floor(float(iteration_at(instant, last, schedule)) + 1e-9))
