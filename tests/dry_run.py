"""Scenes run to the end without drawing a pixel, for the tests that read what a scene
put on screen (captions, layout snapshots, diagram geometry) rather than its frames."""

from manim import tempconfig

from core import trainer
from scenes import cache, tex_batch
from scenes.registry import SCENES
from scenes.settings import Settings

QUIET = {"dry_run": True, "quality": "low_quality", "disable_caching": True,
         "verbosity": "ERROR", "progress_bar": "none"}


def run(scene_class: type, settings: Settings, typeset_ahead: bool = False):
    """The scene, constructed and rendered with these settings, without frames; with
    ``typeset_ahead``, its formulas first typeset in one batch, as a render does."""
    made = tex_batch.frameless(scene_class, settings=settings, records_layout=True)
    with cache.Scratch() as scratch, tempconfig(QUIET | scratch.dirs):
        if typeset_ahead:
            tex_batch.prefetch(made, settings)
        scene = made(renderer=tex_batch.FramelessRenderer())
        scene.render()
        scratch.keep()
    return scene


def run_example(name: str, raw: dict, options: dict, example: str = "example",
                typeset_ahead: bool = False):
    """Scene ``name`` on the resolved config ``raw`` with these options."""
    settings = Settings(trainer.train(raw), example, "dark", "en", options)
    return run(SCENES[name].load(), settings, typeset_ahead)
