"""What a scene is given: a trace, a theme, a language and its own options.

Loaded without manim so the command line can check everything before rendering.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core import config, trainer
from core.trace import Trace

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


def settings_for(config_name: str, theme: str = "dark", lang: str = "en",
                 **options) -> Settings:
    """Train the named config (a preset or a .toml path) and wrap its trace."""
    return Settings(trainer.train(config.load(config_name)), config_name, theme, lang, options)
