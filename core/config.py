"""The TOML config: schema with defaults, loading, and validation of each key.

Every key is optional; ``resolve`` returns a complete config (plain dicts)
or raises ConfigError with one line naming the key and what is accepted.
Checks that need the data (feature and class counts) live in ``core.setup``.
"""

import math
import os
import tomllib
from dataclasses import asdict, dataclass, make_dataclass
from pathlib import Path
from typing import Any

from core.activations import HIDDEN, OUTPUT
from core.datasets import GENERATORS
from core.errors import ConfigError
from core.init import INITS
from core.losses import LOSSES
from core.optimizers import OPTIMIZERS
from core.schedule import SCHEDULES

PRESET_DIR = Path(__file__).resolve().parent.parent / "assets" / "configs"
DATASETS = (*GENERATORS, "csv", "inline")


@dataclass(frozen=True)
class Key:
    """One config key: default, accepted type, optional choices or range, meaning."""

    default: Any
    kind: type
    doc: str
    choices: tuple = ()
    low: float | None = None  # inclusive unless low_open
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def accepted_text(self) -> str:
        """What README's "accepted" column says: the choices, or the kind and range."""
        if self.choices:
            return " | ".join(self.choices)
        kind = {list: "list", bool: "bool", str: "string", int: "integer",
                float: "number"}[self.kind]
        bounds = [f"{'>' if self.low_open else '≥'} {self.low:g}" if self.low is not None else "",
                  f"{'<' if self.high_open else '≤'} {self.high:g}" if self.high is not None
                  else ""]
        return " ".join([kind, ", ".join(b for b in bounds if b)]).strip()

    def range_text(self) -> str:
        """The accepted range in words, e.g. '>= 0 and < 1'; empty if unbounded."""
        lo = "" if self.low is None else f"{'>' if self.low_open else '>='} {self.low:g}"
        hi = "" if self.high is None else f"{'<' if self.high_open else '<='} {self.high:g}"
        return " and ".join(s for s in (lo, hi) if s)


SCHEMA: dict[str, dict[str, Key]] = {
    "network": {
        "layers": Key([2, 8, 8, 1], list, "layer sizes, input first, output last"),
        "activation": Key("tanh", str, "hidden-layer activation", tuple(HIDDEN)),
        "output": Key("sigmoid", str, "output activation", tuple(OUTPUT)),
        "loss": Key("bce", str, "loss function", LOSSES),
        "bias": Key(True, bool, "whether layers have biases"),
        "init": Key("glorot", str, "weight initialisation", INITS),
        "init_scale": Key(1.0, float, "std for normal, limit for uniform, value for constant",
                          low=0.0),
        "weights": Key([], list, "init = explicit: one fan_in x fan_out matrix per layer"),
        "biases": Key([], list, "init = explicit: one vector per layer (optional)"),
        "seed": Key(0, int, "seed of the random initialisation", low=0),
    },
    "data": {
        "dataset": Key("moons", str, "which dataset", DATASETS),
        "n_samples": Key(200, int, "number of generated points", low=2, high=100_000),
        "noise": Key(0.2, float, "noise level of the generator", low=0.0, high=10.0),
        "classes": Key(2, int, "number of classes (blobs)", low=2, high=10),
        "path": Key("", str, "dataset = csv: columns x1, x2, ..., then a label (or, for "
                    "mse and sse, one target per output unit)"),
        "X": Key([], list, "dataset = inline: input rows"),
        "y": Key([], list, "dataset = inline: one label or target per row, or (mse, sse) a "
                 "list of targets per row, one per output unit"),
        "standardize": Key(False, bool, "scale inputs to zero mean and unit variance"),
        "validation": Key(0.0, float, "fraction held out for validation", low=0.0, high=0.9),
        "seed": Key(0, int, "seed of the generator and of the validation split", low=0),
    },
    "train": {
        "optimizer": Key("sgd", str, "update rule", OPTIMIZERS),
        "learning_rate": Key(0.1, float, "step size", low=0.0, low_open=True),
        "iterations": Key(100, int, "number of parameter updates", low=1, high=1_000_000),
        "batch_size": Key(0, int, "samples per update; 0 = full batch", low=0),
        "shuffle": Key(False, bool, "reshuffle the data every epoch (seeded)"),
        "momentum": Key(0.9, float, "optimizer = momentum", low=0.0, high=1.0),
        "nesterov": Key(False, bool, "optimizer = momentum: Nesterov's variant"),
        "beta1": Key(0.9, float, "optimizer = adam", low=0.0, high=1.0, high_open=True),
        "beta2": Key(0.999, float, "optimizer = adam", low=0.0, high=1.0, high_open=True),
        "epsilon": Key(1e-8, float, "optimizer = adam", low=0.0, low_open=True),
        "l2": Key(0.0, float, "L2 penalty, scikit-learn's alpha", low=0.0),
        "trainable": Key([], list, "the parameters that learn, named as in the notation key "
                         "(w11, v21, b1); the others keep their initial values; empty = all"),
        "seed": Key(0, int, "seed of the shuffling", low=0),
    },
    "trace": {
        "probe": Key([], list, "indices of probe samples; empty = all when n <= 16, else [0]"),
        "grid": Key(100, int, "decision-boundary grid resolution", low=2, high=1000),
        "frames": Key(100, int, "how many iterations get a grid", low=1, high=10_000),
        "neuron_grid": Key(32, int, "resolution of each hidden neuron's map; 0 = none",
                           low=0, high=200),
        "schedule": Key("linear", str, "how grid iterations are spread", SCHEDULES),
    },
}

def _section(name: str, keys: dict[str, Key]) -> type:
    """A frozen dataclass of one [section], its fields the schema's keys."""
    return make_dataclass(f"{name.title()}Config", [(k, key.kind) for k, key in keys.items()],
                          frozen=True)


@dataclass(frozen=True)
class Config:
    """A resolved config as attributes (``config.train.learning_rate``); the schema
    above is its one definition. ``as_dict()`` gives the plain form back."""

    network: _section("network", SCHEMA["network"])
    data: _section("data", SCHEMA["data"])
    train: _section("train", SCHEMA["train"])
    trace: _section("trace", SCHEMA["trace"])

    @classmethod
    def from_dict(cls, resolved: dict) -> "Config":
        return cls(**{name: kind(**resolved[name]) for name, kind in cls.__annotations__.items()})

    def as_dict(self) -> dict:
        return asdict(self)


_TYPE_NAMES = {list: "a list", str: "a string", bool: "true or false", int: "an integer",
               float: "a number"}


def _check_value(where: str, key: Key, value: Any) -> Any:
    """Return the value coerced to the key's type, or raise ConfigError."""
    ok = isinstance(value, key.kind) and not (key.kind is int and isinstance(value, bool))
    if key.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok = float(value), True
    if not ok:
        raise ConfigError(f"{where} must be {_TYPE_NAMES[key.kind]}, got {value!r}")
    if key.choices and value not in key.choices:
        raise ConfigError(f"{where} = {value!r} is not one of: {', '.join(key.choices)}")
    if key.kind in (int, float):
        if not math.isfinite(value):
            raise ConfigError(f"{where} must be finite, got {value!r}")
        too_low = key.low is not None and (value <= key.low if key.low_open else value < key.low)
        too_high = key.high is not None and (value >= key.high if key.high_open
                                             else value > key.high)
        if too_low or too_high:
            raise ConfigError(f"{where} = {value!r} is out of range: must be "
                              f"{key.range_text()}")
    return value


def resolve(raw: dict) -> dict:
    """Fill in defaults and check every key's type and range."""
    unknown = sorted(set(raw) - set(SCHEMA))
    if unknown:
        raise ConfigError(f"unknown section [{unknown[0]}]; valid sections: "
                          f"{', '.join(SCHEMA)}")
    config: dict = {}
    for section, keys in SCHEMA.items():
        given = raw.get(section, {})
        if not isinstance(given, dict):
            raise ConfigError(f"[{section}] must be a table of keys")
        bad = sorted(set(given) - set(keys))
        if bad:
            raise ConfigError(f"unknown key {section}.{bad[0]}; valid keys: {', '.join(keys)}")
        config[section] = {
            name: _check_value(f"{section}.{name}", key, given[name]) if name in given
            else (list(key.default) if isinstance(key.default, list) else key.default)
            for name, key in keys.items()
        }
    _check_layers(config["network"]["layers"])
    return config


def _check_layers(layers: list) -> None:
    if len(layers) < 2:
        raise ConfigError("network.layers needs at least an input and an output size, "
                          "e.g. [2, 8, 1]")
    for size in layers:
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 4096:
            raise ConfigError(f"network.layers = {layers}: every size must be an integer "
                              f"from 1 to 4096")


def find_config(name_or_path: str) -> Path:
    """A path to a TOML file, or the name of a preset in assets/configs/."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ConfigError(f"config file {name_or_path} not found; give a .toml path "
                              f"or a preset name ({', '.join(preset_names())})")
        return path
    preset = PRESET_DIR / f"{name_or_path}.toml"
    if not preset.is_file():
        raise ConfigError(f"unknown preset {name_or_path!r}; presets: "
                          f"{', '.join(preset_names())} (or give a .toml path)")
    return preset


def _with_position(err: tomllib.TOMLDecodeError, path: Path) -> str:
    """Python 3.11 says 'at end of document' without a line: name the last line."""
    text = str(err)
    if "end of document" in text:
        lines = path.read_text(encoding="utf-8").splitlines() or [""]
        text = text.replace("(at end of document)",
                            f"(at line {len(lines)}, column {len(lines[-1]) + 1}, "
                            f"the end of the file)")
    return text


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def name_of(source: "str | os.PathLike | dict | list") -> str:
    """What a config is called in file names: a preset's name, a file's stem, or
    'custom' for a dict; several configs' names joined by "-vs-"."""
    if isinstance(source, (list, tuple)):
        return "-vs-".join(name_of(one) for one in source)
    return "custom" if isinstance(source, dict) else Path(source).stem


def load(source: "str | os.PathLike | dict") -> dict:
    """Read, parse and resolve a preset name, a config file or a dict (as a TOML file
    would give it). A relative data path is taken from the file's folder (from the
    current folder for a dict)."""
    if isinstance(source, dict):
        return resolve(source)
    path = find_config(os.fspath(source))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: malformed TOML: {_with_position(err, path)}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a UTF-8 text file") from None
    except RecursionError:
        raise ConfigError(f"{path}: tables or lists nested too deeply to read; a config "
                          f"needs at most a list of lists of lists") from None
    try:
        resolved = resolve(raw)
    except ConfigError as err:
        raise ConfigError(f"{path}: {err}") from None
    data = resolved["data"]
    if data["path"]:
        given = Path(data["path"]).expanduser()
        data["path"] = str(given if given.is_absolute() else path.resolve().parent / given)
    return resolved
