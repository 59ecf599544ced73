"""What a scene is given: a trace, a theme, a language and its own options.

Loaded without manim so the command line can check everything before rendering.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core import config, trainer
from core.trace import Trace
from scenes.options import resolve

ASSETS = Path(__file__).resolve().parent.parent / "assets"
THEMES = ("dark", "light")
LANGS = ("en", "ko")


def load_theme(name: str) -> dict:
    with open(ASSETS / "themes" / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


def load_labels(lang: str) -> dict:
    with open(ASSETS / "labels.toml", "rb") as handle:
        return tomllib.load(handle)[lang]


@dataclass
class Settings:
    trace: Trace
    config_name: str = "moons"
    theme_name: str = "dark"
    lang: str = "en"
    options: dict = field(default_factory=dict)

    @property
    def theme(self) -> dict:
        return load_theme(self.theme_name)

    @property
    def labels(self) -> dict:
        return load_labels(self.lang)


def check(scene_class, config_name: str, options: dict) -> tuple[dict, dict]:
    """The resolved config and options, once the scene has accepted both: everything
    that can be checked before training."""
    options = resolve(scene_class.OPTIONS, options)
    resolved = scene_class.adapt_config(config.load(config_name), options)
    scene_class.check_config(resolved, options)
    trainer.check(resolved)
    return resolved, options


def prepare(scene_class, config_name: str, theme: str = "dark", lang: str = "en",
            **options) -> Settings:
    """Check, train the named config (a preset or a .toml path), check the trace."""
    resolved, options = check(scene_class, config_name, options)
    return train_checked(scene_class, resolved, config_name, theme, lang, options)


def train_checked(scene_class, resolved: dict, config_name: str, theme: str, lang: str,
                  options: dict) -> Settings:
    trace = trainer.train(resolved)
    scene_class.check_trace(trace, options)
    return Settings(trace, config_name, theme, lang, options)
