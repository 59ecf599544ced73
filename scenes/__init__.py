"""Manim scenes that draw what the core recorded, and the render library.

The Python API (importing this package does not import manim)::

    import scenes
    scenes.render("forward", config="post", output="forward.mp4", precision=2)
    scenes.deck("lecture.html", ["forward", "backward"])
    scenes.ForwardScene(config="my.toml", precision=4)   # a scene, for manim or Jupyter

Every scene class in ``scenes.registry.SCENES`` is reachable as ``scenes.CLASSNAME``.
"""

from scenes.registry import SCENES

__all__ = ["render", "deck", *(info.cls for info in SCENES.values())]


def render(scene, config=None, output=None, **kwargs):
    """Render one scene to a file and return its path; see ``scenes.pipeline.render``."""
    from scenes import pipeline

    return pipeline.render(scene, config, output, **kwargs)


def deck(output, scenes=None, config=None, **kwargs):
    """Render several scenes into one slide deck; see ``scenes.decks.deck``."""
    from scenes import decks

    return decks.deck(output, scenes, config, **kwargs)


def __getattr__(name: str):
    """Scene classes load manim, so they are imported when first asked for."""
    for info in SCENES.values():
        if info.cls == name:
            return info.load()
    raise AttributeError(f"module 'scenes' has no attribute {name!r}")
