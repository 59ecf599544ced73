"""The base of every scene: a manim-slides Slide that behaves as a plain Scene
unless a deck is being made, so that ordinary renders pay nothing for slides."""

from pathlib import Path

from manim import Scene, config
from manim.constants import RendererType
from manim_slides import Slide
from manim_slides.slide.base import BaseSlide

from scenes.encoder import fast_renderer


class StepScene(Slide):
    """``step(notes)`` marks the start of a step: a slide when making a deck."""

    make_slides = False   # set by ./render.sh slides
    OPTIONS: tuple = ()   # scenes.options.Option, each declared once

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

    def __init__(self, *args, output_folder: Path | None = None, **kwargs):
        if config.renderer == RendererType.CAIRO and "renderer" not in kwargs:
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


