"""The base of every scene: a manim-slides Slide that behaves as a plain Scene
unless a deck is being made, so that ordinary renders pay nothing for slides, and
that is made from a config and options (``ForwardScene(config="my.toml",
precision=4)``) or from the settings the render library gives it."""

from pathlib import Path

from manim import Scene
from manim import config as manim_config
from manim.constants import RendererType
from manim_slides import Slide
from manim_slides.slide.base import BaseSlide

from core.errors import ConfigError
from scenes.encoder import fast_renderer
from scenes.registry import SCENES, SceneInfo
from scenes.settings import DEFAULT_LANG, DEFAULT_THEME, Settings, prepare


class StepScene(Slide):
    """``step(notes)`` marks the start of a step: a slide when making a deck."""

    make_slides = False   # set by ./render.sh slides
    output_format: str | None = None  # the file's format, set by a render (a GIF loops)
    OPTIONS: tuple = ()   # scenes.options.Option, each declared once
    settings: Settings | None = None  # the trace, look and options; None: the default config

    @classmethod
    def registered(cls) -> SceneInfo:
        """This scene's entry in the registry (also for a class made from it). By class
        name: manim's command line loads scenes/forward.py under another module name."""
        for klass in cls.__mro__:
            for info in SCENES.values():
                if klass.__name__ == info.cls:
                    return info
        raise TypeError(f"{cls.__name__} derives from none of the registered scenes")

    def __init_subclass__(cls, config=None, theme=DEFAULT_THEME, lang: str = DEFAULT_LANG,
                          **options):
        """``class Mine(ForwardScene, config="my.toml", precision=4): pass`` trains and
        checks the example once, for what constructs the class itself: manim's command
        line and Jupyter's ``%%manim``."""
        super().__init_subclass__()
        if config is not None or options or (theme, lang) != (DEFAULT_THEME, DEFAULT_LANG):
            cls.settings = cls.prepared(config, theme, lang, options)

    @classmethod
    def prepared(cls, config, theme, lang: str, options: dict) -> Settings:
        """The config (default: the scene's own) trained, and everything checked."""
        source = cls.registered().default_config if config is None else config
        return prepare(cls, source, theme, lang, **options)

    def settings_or_default(self) -> Settings:
        return self.settings or self.prepared(None, DEFAULT_THEME, DEFAULT_LANG, {})

    @classmethod
    def runs_to_train(cls, loaded: list[tuple[str, dict]], options: dict
                      ) -> list[tuple[str, dict]]:
        """The runs this scene trains, each (name, config), from the configs given: one."""
        if len(loaded) > 1:
            raise ConfigError(f"{cls.registered().name} shows one config; give one to "
                              f"--config (compare sets several side by side)")
        return loaded

    @classmethod
    def adapt_config(cls, config: dict, options: dict) -> dict:
        """The config this scene trains, given its options (before any check)."""
        return config

    @classmethod
    def check_config(cls, config: dict, options: dict) -> None:
        """Raise ConfigError if the scene cannot show this config (before training)."""

    @classmethod
    def check_trace(cls, trace, options: dict) -> None:
        """Raise ConfigError if the scene cannot show this run (before rendering)."""
    skip_reversing = True  # decks play forwards; reversed clips cost a second encode

    def __init__(self, *args, output_folder: Path | None = None, config=None,
                 theme=DEFAULT_THEME, lang: str = DEFAULT_LANG, **kwargs):
        """``config``, ``theme``, ``lang`` and the scene's options (``precision=4``)
        train and check the example here; manim's own arguments go on to manim."""
        names = {option.name for option in self.OPTIONS}
        options = {k: kwargs.pop(k) for k in list(kwargs) if k in names}
        if config is not None or options or (theme, lang) != (DEFAULT_THEME, DEFAULT_LANG):
            self.settings = self.prepared(config, theme, lang, options)
        self.init_slides(*args, output_folder=output_folder, **kwargs)

    def init_slides(self, *args, output_folder: Path | None = None, **kwargs):
        if manim_config.renderer == RendererType.CAIRO and "renderer" not in kwargs:
            kwargs["renderer"] = fast_renderer(kwargs.get("camera_class"))
        if self.make_slides:
            super().__init__(*args, output_folder=output_folder or Path("slides"), **kwargs)
        else:
            # skip Slide.__init__, which forces write_to_movie on (PNG stills need it off)
            BaseSlide.__init__(self, *args, output_folder=output_folder or Path("slides"),
                               **kwargs)

    def render(self, *args, **kwargs):
        if self.make_slides:
            return super().render(*args, **kwargs)
        return Scene.render(self, *args, **kwargs)

    def step(self, notes: str) -> None:
        if self.make_slides:
            self.next_slide(notes=notes)


