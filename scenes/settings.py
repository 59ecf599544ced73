"""What a scene is given: a trace, a theme, a language and its own options.

Loaded without manim so the command line can check everything before rendering.
"""

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core import config, trainer
from core.errors import ConfigError
from core.trace import Trace
from scenes.options import resolve

ASSETS = Path(__file__).resolve().parent.parent / "assets"
THEMES = ("dark", "light")  # built in: assets/themes/NAME.toml; any other .toml file works too
LANGS = ("en", "ko")
DEFAULT_THEME, DEFAULT_LANG = "dark", "en"
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def theme_file(name: str | os.PathLike) -> Path:
    """A built-in theme's file, or the given .toml path."""
    if os.fspath(name) in THEMES:
        return ASSETS / "themes" / f"{name}.toml"
    path = Path(name)
    if path.suffix != ".toml":
        raise ConfigError(f"--theme {name!r}: give {' or '.join(THEMES)}, or a theme .toml "
                          f"file with the keys of assets/themes/dark.toml")
    return path


def load_theme(name: str | os.PathLike) -> dict:
    """A theme's colours: every key the built-in themes have, each a #rrggbb colour
    (``classes`` a list of them). A file that lacks one is refused by name."""
    path = theme_file(name)
    try:
        theme = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"theme file {path} not found; give {' or '.join(THEMES)} "
                          f"or a .toml path") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"theme {path}: cannot read it as TOML ({err})") from None
    for key, value in _reference_theme().items():
        given = theme.get(key)
        if given is None:
            raise ConfigError(f"theme {path} has no {key!r}; copy it from "
                              f"assets/themes/dark.toml")
        colours = given if isinstance(value, list) else [given]
        if not isinstance(given, type(value)) or not colours or not all(
                isinstance(c, str) and COLOUR.match(c) for c in colours):
            raise ConfigError(f"theme {path}: {key} must be "
                              f"{'a list of colours' if isinstance(value, list) else 'a colour'}"
                              f" written #rrggbb, got {given!r}")
    return theme


def _reference_theme() -> dict:
    with open(ASSETS / "themes" / "dark.toml", "rb") as handle:
        return tomllib.load(handle)


def load_labels(lang: str) -> dict:
    with open(ASSETS / "labels.toml", "rb") as handle:
        return tomllib.load(handle)[lang]


@dataclass
class Settings:
    trace: Trace  # the run (a comparison's first)
    config_name: str = ""  # the config's name in file names and captions
    theme_name: str | os.PathLike = DEFAULT_THEME
    lang: str = DEFAULT_LANG
    options: dict = field(default_factory=dict)
    runs: list[tuple[str, Trace]] = field(default_factory=list)  # every run, named

    @property
    def theme(self) -> dict:
        return load_theme(self.theme_name)

    @property
    def labels(self) -> dict:
        return load_labels(self.lang)


def check(scene_class, source, options: dict) -> tuple[list[tuple[str, dict]], dict]:
    """The runs to train, each (name, resolved config), and the options, once the scene
    has accepted them: everything that can be checked before training. ``source`` is
    a preset name, a .toml path or a dict, or (for a comparison) a list of them."""
    options = resolve(scene_class.OPTIONS, options)
    sources = list(source) if isinstance(source, (list, tuple)) else [source]
    loaded = [(config.name_of(one), config.load(one)) for one in sources]
    runs = []
    for name, resolved in scene_class.runs_to_train(loaded, options):
        resolved = scene_class.adapt_config(resolved, options)
        scene_class.check_config(resolved, options)
        trainer.check(resolved)
        runs.append((name, resolved))
    return runs, options


def check_look(theme, lang: str) -> None:
    """The theme and the language, before any work."""
    load_theme(theme)
    if lang not in LANGS:
        raise ConfigError(f"language {lang!r} is not one of: {', '.join(LANGS)}")


def prepare(scene_class, source, theme: str | os.PathLike = DEFAULT_THEME,
            lang: str = DEFAULT_LANG, **options) -> Settings:
    """Check, train the config (a preset name, a .toml path or a dict), check the trace."""
    check_look(theme, lang)
    runs, options = check(scene_class, source, options)
    return train_checked(scene_class, runs, config.name_of(source), theme, lang, options)


def train_checked(scene_class, runs: list[tuple[str, dict]], config_name: str, theme,
                  lang: str, options: dict) -> Settings:
    """Train every run; the scene checks each trace before anything is drawn."""
    traces = []
    for name, resolved in runs:
        trace = trainer.train(resolved)
        scene_class.check_trace(trace, options)
        traces.append((name, trace))
    return Settings(traces[0][1], config_name, theme, lang, options, traces)
