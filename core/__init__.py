"""Pure-numpy backpropagation core: networks, datasets, training and trace files.

Nothing in this package imports manim: scenes read what the core records.

The Python API::

    from core import train, load_trace
    trace = train("post")                 # a preset name, a .toml path or a dict
    trace.loss[-1], trace.weights(0)      # see core.trace.Trace for every accessor
    trace.config.network.activation
"""

import os


def train(config: "str | os.PathLike | dict"):
    """Train a config (a preset name, a .toml path, or a dict laid out as the TOML
    file is) and return its ``core.trace.Trace``. Bad input raises
    ``core.errors.ConfigError`` with one line naming the key and the fix."""
    from core import config as configs
    from core import trainer

    resolved = configs.load(config)
    trainer.check(resolved)
    return trainer.train(resolved)


def load_trace(path: "str | os.PathLike"):
    """A trace written by ``./render.sh trace`` or ``core.trace.save``."""
    from core import trace

    return trace.load(path)
