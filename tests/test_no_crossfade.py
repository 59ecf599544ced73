"""One number never fades into another where they overlap (issue: "0.50.50.969" on
an edge while the update's old weight left as the gradient beside it came): the old
text leaves, then the new one comes. Read off the animations each step plays, in a
run without frames: which fade-outs and fade-ins run at the same time, and whether
their texts overlap."""

import pytest
from manim import AnimationGroup, MathTex

from core import config, trainer
from scenes import layout
from scenes.registry import SCENES
from scenes.settings import Settings
from scenes.tweens import Reveal, StyleTween
from tests import dry_run


def timeline(animation, start: float, length: float) -> list[tuple]:
    """(leaf, start, end) of each animation in a step, a group's parts timed as
    manim times them (each starts when the one before has run its lag ratio's share),
    all scaled to ``length``."""
    if not isinstance(animation, AnimationGroup):
        return [(animation, start, start + length)]
    parts, t = [], 0.0
    for part in animation.animations:
        parts.append((part, t, t + part.run_time))
        t += part.run_time * animation.lag_ratio
    natural = max((end for *_, end in parts), default=0.0)
    scale = length / natural if natural else 0.0
    return [leaf for part, s, e in parts
            for leaf in timeline(part, start + s * scale, (e - s) * scale)]


def concurrent(args) -> list[tuple]:
    """Pairs of leaves of one step's animations that run at the same time (each of a
    step's animations runs for the whole step)."""
    leaves = [leaf for a in args for leaf in timeline(a, 0.0, 1.0)]
    return [(a, b) for a, s, e in leaves for b, s2, e2 in leaves
            if a is not b and min(e, e2) - max(s, s2) > 1e-9]


def crossfades(args) -> list[tuple[str, str]]:
    """(leaving, coming) texts that fade out and in at once, overlapping."""
    found = []
    for a, b in concurrent(args):
        leaving = isinstance(a, StyleTween) and a.targets["opacity"] == 0 and a.remover
        if not (leaving and isinstance(b, Reveal)):
            continue
        if isinstance(a.mobject, MathTex) and isinstance(b.mobject, MathTex) and (
                layout.overlap(layout.box(a.mobject), [layout.box(b.mobject)], 0.0) > 0):
            found.append((a.mobject.get_tex_string(), b.mobject.get_tex_string()))
    return found


@pytest.mark.parametrize("name", ["forward", "backward", "chain-rule", "cycle"])
def test_a_story_scene_never_fades_one_number_into_another(name):
    base = SCENES[name].load()

    class Watched(base):
        def play(self, *args, **kwargs):
            cue = self.captions[-1][2].split("\n")[0] if self.captions else ""
            self.crossed += [(*pair, cue) for pair in crossfades(args)]
            super().play(*args, **kwargs)

    Watched.crossed = []
    dry_run.run(Watched, Settings(trainer.train(config.load("post")), "post", "dark", "en",
                                  {"precision": 3}))
    assert Watched.crossed == [], Watched.crossed
