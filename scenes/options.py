"""Scene options, each declared once: its name, default, accepted range and help.

A scene lists its ``Option``s in ``OPTIONS``; the command line builds its arguments
from them, ``resolve`` fills in defaults and checks values given from Python, and
README's option tables are tested against them. Loaded without manim.
"""

import argparse
import math
from dataclasses import dataclass
from typing import Any

from core.errors import ConfigError


@dataclass(frozen=True)
class Option:
    """One scene option. ``kind`` is int, float, str (with ``choices``, or free text of
    the form ``pattern`` says) or bool; a bool option defaults to None (decided by the
    scene) and gets --name and --no-name."""

    name: str
    default: Any
    help: str
    kind: type = float
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    pattern: str = ""  # a free-text option's form, in README's words (its value is
    # checked by the scene, before training)
    many: bool = False  # a free-text option that takes several words (--at x=1 y=2)

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def accepted(self) -> str:
        """The accepted values in README's words: '1 to 6', 'linear | log'."""
        if self.choices:
            return " | ".join(self.choices)
        if self.pattern:
            return self.pattern
        if self.kind is bool:
            return "on | off"
        return f"{self.low:g} to {self.high:g}"

    def default_text(self) -> str:
        """The default in README's words; 'auto' where the scene decides."""
        if self.default is None:
            return "none" if self.pattern else "auto"
        return f"{self.default:g}" if isinstance(self.default, float) else str(self.default)

    def check(self, value: Any, given: str | None = None) -> Any:
        """The value with its type, or ConfigError naming the option and its range;
        ``given`` is the value as the user typed it, for the message."""
        if value is None and self.default is None:  # "auto": the scene decides
            return None
        if self.kind is bool:
            if isinstance(value, bool):
                return value
            raise ConfigError(f"{self.flag} must be true or false, got {value!r}")
        if self.choices:
            if value in self.choices:
                return value
            raise ConfigError(f"{self.flag} {value!r} is not one of: {', '.join(self.choices)}")
        if self.pattern:
            if self.many and isinstance(value, (list, tuple)):
                value = " ".join(map(str, value))
            if isinstance(value, str) and value.strip():
                return value
            raise ConfigError(f"{self.flag} takes text of the form {self.pattern}, "
                              f"got {value!r}")
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        whole = is_number and (self.kind is float or float(value).is_integer())
        if not whole or not math.isfinite(value) or not self.low <= value <= self.high:
            kind = "a whole number" if self.kind is int else "a number"
            raise ConfigError(f"{self.flag} must be {kind} from {self.low:g} to {self.high:g}, "
                              f"got {given or repr(value)}")
        return self.kind(value)

    def parse(self, text: str) -> Any:
        """argparse's type function: the text as a checked value."""
        if self.pattern:
            return text
        try:
            number = (int if self.kind is int else float)(text)
        except ValueError:
            number = text  # check() names the expected kind
        try:
            return self.check(number, text)
        except ConfigError as err:
            raise argparse.ArgumentTypeError(str(err).replace(f"{self.flag} ", "", 1)) from None

    def add_to(self, parser: argparse.ArgumentParser, given_only: bool = False) -> None:
        """The option as command-line arguments; ``given_only`` leaves it out of the
        parsed namespace unless given (a deck passes on only what was given)."""
        dest = self.name
        absent = argparse.SUPPRESS if given_only else None
        if self.kind is bool:
            parser.add_argument(self.flag, dest=dest, action="store_true",
                                default=absent, help=self.help)
            parser.add_argument("--no-" + self.flag[2:], dest=dest, action="store_false",
                                default=absent)
        elif self.choices:
            parser.add_argument(self.flag, dest=dest, choices=self.choices,
                                default=absent if given_only else self.default,
                                help=f"{self.help} (default {self.default_text()})")
        else:
            parser.add_argument(self.flag, dest=dest, type=self.parse,
                                nargs="+" if self.many else None,
                                default=absent if given_only else self.default,
                                metavar=self.pattern or f"{self.low:g}..{self.high:g}",
                                help=f"{self.help} (default {self.default_text()})")

    def as_argv(self, value: Any) -> list[str]:
        """Command-line words that give this value."""
        if self.kind is bool:
            return [self.flag if value else "--no-" + self.flag[2:]]
        if self.many:
            return [self.flag, *str(value).split()]
        return [self.flag, f"{value:g}" if isinstance(value, float) else str(value)]


def resolve(options: tuple[Option, ...], given: dict) -> dict:
    """Every option's value: given ones checked, the rest their defaults."""
    known = {option.name: option for option in options}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ConfigError(f"unknown option {unknown[0]!r}; options: "
                          f"{', '.join(known) or 'none'}")
    return {name: option.check(given[name]) if name in given else option.default
            for name, option in known.items()}
