"""Errors the core raises for bad input; the CLI turns them into one line and exit 2."""


class ConfigError(ValueError):
    """A config, dataset or trace file is wrong; the message says what and how to fix it."""
