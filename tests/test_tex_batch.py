"""Formulas typeset together in one LaTeX run are the shapes manim makes one by one,
and a story scene's run on stand-in formulas finds every formula it writes, so
that a first render runs LaTeX once."""

import manim.mobject.text.tex_mobject as tex_mobject
import manim.utils.tex_file_writing as tex_file_writing
import numpy as np
from manim import MathTex, config, tempconfig

from core import config as configs
from core import trainer
from scenes import cache, tex_batch
from scenes.registry import SCENES
from scenes.settings import Settings
from scenes.tex import TEMPLATE
from tests import dry_run

FORMULAS = [r"w_{11} \leftarrow w_{11} - \eta \cdot \partial L/\partial w_{11} = 0.8 - 0.1"
            r" \times 0.073 = 0.793", r"\hat{y} = 1.233", r"L = \tfrac{1}{2}(\hat{y} - y)^2",
            r"\text{iteration}\ 3", r"\sigma(h)"]
PARTS = ("x", "= 1", r"+ \partial y")  # a MathTex of several parts, as the wrapping uses


def shapes(tex_dir) -> list[np.ndarray]:
    """Every formula's points (and each part's, for the one in parts), typeset in
    ``tex_dir``."""
    with tempconfig({"tex_dir": str(tex_dir)}):
        config.tex_template = TEMPLATE
        return ([MathTex(f).points.copy() for f in FORMULAS]
                + [part.points.copy() for part in MathTex(*PARTS).submobjects])


def typeset_calls(tex_dir) -> list:
    """The (expression, environment, template) manim typesets for the formulas."""
    calls, real = [], tex_mobject.tex_to_svg_file

    def record(expression, environment=None, tex_template=None):
        calls.append((expression, environment, tex_template or TEMPLATE))
        return real(expression, environment, tex_template)

    tex_mobject.tex_to_svg_file = record
    try:
        shapes(tex_dir)
    finally:
        tex_mobject.tex_to_svg_file = real
    return calls


def test_a_batch_gives_manims_own_shapes(tmp_path):
    alone, batched, scratch = tmp_path / "alone", tmp_path / "batched", tmp_path / "scratch"
    expected = shapes(alone)
    calls = typeset_calls(scratch)
    batched.mkdir()
    assert tex_batch.typeset(calls, batched) == len({c[0] for c in calls})
    assert tex_batch.typeset(calls, batched) == 0, "what is cached is not typeset again"
    got = shapes(batched)
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected):
        assert mine.shape == theirs.shape and np.allclose(mine, theirs)


def test_a_failed_batch_leaves_every_formula_to_manim(tmp_path):
    broken = [(r"x = \frac{1}", "align*", TEMPLATE), (r"y = 2", "align*", TEMPLATE)]
    assert tex_batch.typeset(broken, tmp_path) == 0
    assert not list(tmp_path.glob("*.svg"))


def test_a_story_scene_needs_no_formula_of_its_own_after_the_batch(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "STORE", tmp_path / "store")
    compiled, stand_ins, real = [], [], tex_file_writing.compile_tex
    monkeypatch.setattr(tex_file_writing, "compile_tex",
                        lambda *args, **kwargs: compiled.append(args) or real(*args, **kwargs))
    real_run = tex_batch.formulas_of
    monkeypatch.setattr(tex_batch, "formulas_of",
                        lambda scene, *more: stand_ins.append(scene) or real_run(scene, *more))
    raw = configs.resolve(configs.load("post"))
    scene = dry_run.run_example("forward", raw, {"precision": 3}, "post", typeset_ahead=True)
    assert len(stand_ins) == 1 and compiled == [], "every formula came from the batch"
    assert len({m.tex_string for m in scene.mobjects_on_screen()
                if isinstance(m, MathTex)}) > 3
    dry_run.run_example("forward", raw, {"precision": 3}, "post", typeset_ahead=True)
    assert len(stand_ins) == 1, "a second render, all cached, skips the stand-in run"
    dry_run.run_example("forward", raw, {"precision": 2}, "post", typeset_ahead=True)
    assert len(stand_ins) == 2 and compiled == [], "other settings, other formulas"


def test_rows_broken_by_the_real_width_are_typeset_ahead_too(tmp_path, monkeypatch):
    """A line whose stand-in fits its room but whose real formula does not is broken
    into rows only in the render: the call it asked to ``remeasure``, made again on
    the real formula, finds the rows, and they are typeset in a batch, not one by
    one."""
    from manim import Scene

    from scenes.tex import Formula

    monkeypatch.setattr(cache, "STORE", tmp_path / "store")
    line, rows = r"W_{WW} + M_{MM} = \Omega\Omega", ("W_{WW} + M_{MM}", r"= \Omega\Omega")
    with tempconfig({"tex_dir": str(tmp_path / "alone")}):
        room = Formula(line).width * 0.9  # wide glyphs: their stand-ins fit it

    class Broken(tex_batch.TypesetAhead, Scene):
        def wrapped(self, tex: str) -> list:
            whole = Formula(tex)
            tex_batch.remeasure(self.wrapped, tex)
            return [whole] if whole.width <= room else [Formula(row) for row in rows]

        def construct(self):
            self.add(*self.wrapped(line))

    compiled, real = [], tex_file_writing.compile_tex
    monkeypatch.setattr(tex_file_writing, "compile_tex",
                        lambda *args, **kwargs: compiled.append(args) or real(*args, **kwargs))
    met, real_run = [], tex_batch.formulas_of

    def stand_in_run(scene, *more):
        found = real_run(scene, *more)
        met.extend(expression for expression, *_ in found)
        return found

    monkeypatch.setattr(tex_batch, "formulas_of", stand_in_run)
    made = tex_batch.frameless(Broken)
    with cache.Scratch() as scratch, tempconfig(dry_run.QUIET | scratch.dirs):
        typeset = tex_batch.prefetch(made, Settings(trace=None))
        scene = made(renderer=tex_batch.FramelessRenderer())
        scene.render()
    assert len(met) == 1 and line in met[0], "its stand-in fits: no rows"
    assert typeset == 3, "the line, then its rows"
    assert compiled == [], "the render typeset nothing of its own"
    assert len(scene.mobjects) == 2, "the real line is broken into its rows"


def test_stand_ins_have_manims_parts_and_a_box_per_glyph():
    marked = (r"\special{dvisvgm:raw <g id='unique000'>}x_{1}\special{dvisvgm:raw </g>}"
              r"\special{dvisvgm:raw <g id='unique001'>}= 0.5\special{dvisvgm:raw </g>}")
    svg = tex_batch.stand_in_svg(marked)
    assert "<g id='unique000'>" in svg and "<g id='unique001'>" in svg
    assert svg.count("<path") == 2 + 4  # x 1 | = 0 . 5
    assert tex_batch.glyph_count(r"\partial L/\partial w_{11}") == 7  # ∂ L / ∂ w 1 1


def test_the_stand_in_run_jumps_to_the_end_of_each_animation(monkeypatch):
    """It only needs the formulas: stepping frames it never draws cost a cold render
    most of its extra time."""
    from manim import Scene
    steps, plays, real_step, real_play = [], [], Scene.update_to_time, Scene.play
    monkeypatch.setattr(Scene, "update_to_time",
                        lambda self, t: steps.append(t) or real_step(self, t))
    monkeypatch.setattr(Scene, "play",
                        lambda self, *a, **k: plays.append(a) or real_play(self, *a, **k))
    settings = Settings(trainer.train(configs.resolve(configs.load("post"))), "post", "dark",
                        "en", {"precision": 3})
    scene_class = type("ForwardScene", (SCENES["forward"].load(),), {"settings": settings})
    with tempconfig(dry_run.QUIET):
        assert len(tex_batch.formulas_of(scene_class)) > 10
    assert plays and len(steps) <= len(plays)


def test_the_stand_in_run_parses_each_distinct_stand_in_once(monkeypatch):
    """Numbers of as many digits have the same stand-in: one file, one parse."""
    from manim import SVGMobject

    from scenes import glyph_svg
    parsed, real, by_glyphs = [], SVGMobject.generate_mobject, glyph_svg.read
    monkeypatch.setattr(SVGMobject, "generate_mobject", lambda self: parsed.append(
        isinstance(self, MathTex)) or real(self))
    # a stand-in is read by glyphs (scenes/glyph_svg.py); a text by manim
    monkeypatch.setattr(glyph_svg, "read", lambda self: parsed.append(
        isinstance(self, MathTex)) or by_glyphs(self))
    settings = Settings(trainer.train(configs.resolve(configs.load("post"))), "post", "dark",
                        "en", {"precision": 3})
    scene_class = type("BackwardScene", (SCENES["backward"].load(),), {"settings": settings})
    with tempconfig(dry_run.QUIET):
        met = tex_batch.formulas_of(scene_class)
    stand_ins = {tex_batch.stand_in_svg(expression) for expression, *_ in met}
    assert sum(parsed) == len(stand_ins) < len({expression for expression, *_ in met})


def test_a_run_without_frames_skips_the_split_into_still_and_moving(monkeypatch):
    """That split walks every family of every animation and only serves drawing."""
    from manim import Scene
    splits, real = [], Scene.get_moving_and_static_mobjects
    monkeypatch.setattr(Scene, "get_moving_and_static_mobjects",
                        lambda self, a: splits.append(a) or real(self, a))
    settings = Settings(trainer.train(configs.resolve(configs.load("post"))), "post", "dark",
                        "en", {"precision": 3})
    scene = dry_run.run(SCENES["chain-rule"].load(), settings)
    assert scene.captions and not splits


def test_only_the_layout_tests_keep_snapshots_of_the_layout():
    """A render's scene records nothing nobody reads; a test's scene records each step."""
    settings = Settings(trainer.train(configs.resolve(configs.load("post"))), "post", "dark",
                        "en", {"precision": 3})
    chain_rule = SCENES["chain-rule"].load()
    assert not chain_rule.records_layout
    assert dry_run.run(chain_rule, settings).snapshots
    plain = tex_batch.frameless(chain_rule, settings=settings)
    with cache.Scratch() as scratch, tempconfig(dry_run.QUIET | scratch.dirs):
        scene = plain(renderer=tex_batch.FramelessRenderer())
        scene.render()
    assert scene.captions and not scene.snapshots
