"""Runs to compare: one config with one key varied (``train.optimizer=sgd,adam``), or
several keys varied in step (``train.optimizer=sgd,adam train.learning_rate=0.5,0.01``:
run i takes each key's i-th value), or several configs. Everything here is checked
before any training.

Runs made by varying keys share everything else, the seeds included: the same data
and, unless a varied key is the initialisation's, the same initial weights.
"""

import re

import numpy as np

from core import config
from core.errors import ConfigError

MIN_RUNS, MAX_RUNS = 2, 4
# keys that act only when another key has one of some values: varied otherwise, every
# run would be the same run (core/init.py, core/optimizers.py, core/datasets.py)
ONLY_WITH = {
    ("network", "init_scale"): ("network", "init", ("normal", "uniform", "constant")),
    ("train", "momentum"): ("train", "optimizer", ("momentum",)),
    ("train", "nesterov"): ("train", "optimizer", ("momentum",)),
    ("train", "beta1"): ("train", "optimizer", ("adam",)),
    ("train", "beta2"): ("train", "optimizer", ("adam",)),
    ("train", "epsilon"): ("train", "optimizer", ("adam",)),
    ("data", "classes"): ("data", "dataset", ("blobs",)),
}


# where a second key's 'section.key=' starts: values may have spaces after their commas
NEXT_KEY = re.compile(r"\s+(?=[A-Za-z_]+\.[A-Za-z_0-9]+\s*=)")


def split_specs(text: str) -> list[str]:
    """'train.optimizer=sgd,adam train.learning_rate=0.5,0.01' as one spec per key."""
    return [part for part in NEXT_KEY.split(text.strip()) if part]


def varied_keys(text: str | None) -> list[str]:
    """The varied keys' names (["optimizer", "learning_rate"]); none for no --vary."""
    return [spec.partition("=")[0].strip().rpartition(".")[2]
            for spec in split_specs(text or "")]


def parse_key(spec: str, flag: str) -> tuple[str, str, list[str]]:
    """'section.key=v1,v2' as (section, key, ['v1', 'v2']), the key checked against the
    schema; ``flag`` (--vary, --set) names the option in messages."""
    form, example = (("V1,V2", "train.optimizer=sgd,momentum,adam") if flag == "--vary"
                     else ("V", "train.learning_rate=0.02"))
    name, sep, values = spec.partition("=")
    section, dot, key = name.strip().partition(".")
    if not sep or not dot:
        raise ConfigError(f"{flag} {spec!r}: write SECTION.KEY={form}, e.g. {example}")
    if section not in config.SCHEMA:
        raise ConfigError(f"{flag} {spec!r}: no section [{section}]; sections: "
                          f"{', '.join(config.SCHEMA)}")
    if key not in config.SCHEMA[section]:
        raise ConfigError(f"{flag} {spec!r}: no key {section}.{key}; keys: "
                          f"{', '.join(config.SCHEMA[section])}")
    if config.SCHEMA[section][key].kind is list:
        raise ConfigError(f"{flag} {section}.{key}: a list cannot be given here; write a "
                          f"config with it and give it to --config")
    items = [v.strip() for v in values.split(",")]
    if not all(items):
        raise ConfigError(f"{flag} {spec!r}: an empty value; separate values with commas")
    return section, key, items


def parse_vary(spec: str, paired: bool = False) -> tuple[str, str, list[str]]:
    """One --vary key and its values, a run each; the values are checked by ``vary``.
    ``paired``: one of several keys varied in step, whose values may repeat (sgd and
    momentum both at η = 0.5)."""
    section, key, items = parse_key(spec, "--vary")
    count_runs(len(items), f"--vary {section}.{key}")
    if not paired and len(set(items)) < len(items):
        raise ConfigError(f"--vary {spec!r}: a value is repeated; give each once")
    return section, key, items


def count_runs(n: int, what: str) -> None:
    if not MIN_RUNS <= n <= MAX_RUNS:
        raise ConfigError(f"{what}: {n} run{'s' * (n != 1)}; a comparison takes "
                          f"{MIN_RUNS} to {MAX_RUNS}")


def typed(section: str, key: str, text: str, flag: str = "--vary"):
    """A value as typed on the command line, in its key's type (checked as the config
    checks it)."""
    kind = config.SCHEMA[section][key].kind
    where = f"{flag} {section}.{key}"
    if kind is bool:
        if text.lower() not in ("true", "false"):
            raise ConfigError(f"{where}: {text!r} is not true or false")
        return text.lower() == "true"
    if kind in (int, float):
        try:
            number = float(text)
        except ValueError:
            raise ConfigError(f"{where}: {text!r} is not a number") from None
        if kind is int and not number.is_integer():
            raise ConfigError(f"{where}: {text!r} is not a whole number")
        return int(number) if kind is int else number
    return text


def vary(base: dict, spec: str) -> list[tuple[str, dict]]:
    """One run per value, or per position of several keys' values: (its heading, the
    base config with those values), each resolved and checked (a bad value is refused
    by name, with its range)."""
    specs = split_specs(spec)
    keys = [parse_vary(one, paired=len(specs) > 1) for one in specs]
    names = [f"{section}.{key}" for section, key, _ in keys]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"--vary {name}: the key is given twice; give it once")
    counts = {len(items) for *_, items in keys}
    if len(counts) > 1:
        raise ConfigError("--vary " + " and ".join(
            f"{name}: {len(items)} values" for name, (*_, items) in zip(names, keys))
            + "; keys varied together take one value per run each")
    runs, raws = [], []
    varied = {(section, key) for section, key, _ in keys}
    for k in range(counts.pop()):
        raw = {s: dict(keys_) for s, keys_ in base.items()}
        parts = []
        for section, key, items in keys:
            raw[section][key] = typed(section, key, items[k])
            parts.append(heading(key, raw[section][key]))
        raws.append(raw)
        try:
            resolved = config.resolve(raw)
        except ConfigError as err:
            given = " ".join(f"{section}.{key}={items[k]}" for section, key, items in keys)
            raise ConfigError(f"--vary {given}: {err}") from None
        if ("train", "optimizer") in varied and ("train", "learning_rate") not in varied:
            # an optimizer's step is its rule times η: the η it ran at is part of its name
            parts.append(heading("learning_rate", resolved["train"]["learning_rate"]))
        runs.append((", ".join(parts), resolved))
    for section, key, _ in keys:  # a key that acts in no run makes no difference
        if (section, key) in ONLY_WITH:
            other, name, values = ONLY_WITH[section, key]
            if not any(raw[other][name] in values for raw in raws):
                found = ("no run's is" if (other, name) in varied
                         else f"this config's is {base[other][name]}")
                raise ConfigError(f"--vary {section}.{key}: it acts only when {other}.{name} "
                                  f"is {' or '.join(values)}, and {found}; every run would "
                                  f"be the same")
    if len({name for name, _ in runs}) < len(runs):
        raise ConfigError(f"--vary {spec!r}: two runs are the same; give each run its own "
                          f"values")
    return runs


def set_keys(base: dict, spec: str, vary: str | None = None) -> dict:
    """The config with each of --set's keys at its one value, resolved and checked: a
    choice every run shares (every optimizer at η = 0.02). A key is set or varied, not
    both."""
    raw = {section: dict(keys) for section, keys in base.items()}
    varied = {tuple(one.partition("=")[0].strip().split(".", 1))
              for one in split_specs(vary or "")}
    for one in split_specs(spec):
        section, key, items = parse_key(one, "--set")
        if len(items) > 1:
            raise ConfigError(f"--set {one!r}: one value a key; to give each run its own, "
                              f"use --vary")
        if (section, key) in varied:
            raise ConfigError(f"--set {section}.{key}: the key is also varied; give it to "
                              f"--set or to --vary")
        raw[section][key] = typed(section, key, items[0], "--set")
    try:
        return config.resolve(raw)
    except ConfigError as err:
        raise ConfigError(f"--set {spec.strip()}: {err}") from None


SYMBOLS = {"learning_rate": "η"}  # keys that have a name in the formulas


def heading(key: str, value) -> str:
    """What sets a run apart, as its column's heading: a name alone ("adam", "zeros"),
    a number or a switch with its key ("η = 0.3", "init_scale = 2", "shuffle on")."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return f"{key} {'on' if value else 'off'}"
    return f"{SYMBOLS.get(key, key)} = {value:g}"


def named(names: list[str]) -> list[str]:
    """Configs' names as headings, numbered where two are the same."""
    return [f"{name} ({i + 1})" if names.count(name) > 1 else name
            for i, name in enumerate(names)]


def check_comparable(runs: list[tuple[str, dict]]) -> None:
    """Runs drawn side by side take the same inputs and produce the same kind of output."""
    count_runs(len(runs), "--config")
    first_name, first = runs[0]
    for name, other in runs[1:]:
        for what, get in (("inputs", lambda c: c["network"]["layers"][0]),
                          ("outputs", lambda c: c["network"]["layers"][-1]),
                          ("loss", lambda c: c["network"]["loss"])):
            if get(other) != get(first):
                raise ConfigError(f"runs {first_name!r} and {name!r} differ in their {what} "
                                  f"({get(first)} and {get(other)}); compare runs of one "
                                  f"problem")


def equal_units(trace) -> np.ndarray:
    """(S,) per state, whether every hidden layer's units are copies of each other: the
    same incoming weights and bias and the same outgoing weights (a zero or constant
    initialisation keeps them so: they get the same gradients)."""
    layers = trace.layers
    if len(layers) < 3 or max(layers[1:-1]) < 2:
        return np.zeros(trace.n_states, bool)
    equal = np.ones(trace.n_states, bool)
    for i in range(len(layers) - 2):
        w_in = trace.weight_history(i)            # (S, fan_in, units)
        b_in = trace.bias_history(i)[:, None, :]  # (S, 1, units)
        w_out = np.swapaxes(trace.weight_history(i + 1), 1, 2)  # (S, fan_out, units)
        for part in (w_in, b_in, w_out):
            spread = np.abs(part - part[..., :1]).max(axis=(1, 2))
            equal &= spread <= 1e-9 * (1 + np.abs(part).max(axis=(1, 2)))
    return equal


def describe(runs: list[dict], iterations: str = "{n} iterations") -> str:
    """What every run of a comparison shares, in a line: of the data, the network, the
    activation, the initialisation, the optimizer, its learning rate and the
    iterations, those alike in every resolved config (the varied key's, never);
    ``iterations`` says "{n} iterations" in the viewer's language."""
    def parts(resolved: dict) -> list[str]:
        network, data, train = resolved["network"], resolved["data"], resolved["train"]
        return [data["dataset"], "-".join(str(n) for n in network["layers"]),
                network["activation"], f"init {network['init']}", train["optimizer"],
                f"η = {train['learning_rate']:g}",
                iterations.format(n=train["iterations"])]
    each = [parts(resolved) for resolved in runs]
    return " · ".join(part for k, part in enumerate(each[0])
                      if all(other[k] == part for other in each[1:]))
