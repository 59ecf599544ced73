"""The story scenes' drawing shortcuts against manim's own drawing: a path traced once
per shape, a restyle that redraws only what it can touch, and formulas that forget
their parsed SVG. Each must give the very pixels manim gives."""

import numpy as np
from manim import Camera, Circle, Line, MathTex, Scene, Square, Text, VGroup, config

from scenes.camera import PathCachingCamera
from scenes.redraw import LocalRedraw
from scenes.tex import TEMPLATE, Formula, Words
from scenes.tweens import StyleTween, fade_in

FORMULA = r"\frac{\partial L}{\partial w_{21}} = 0.786 \times 1.233"


def drawn(camera: Camera, *mobjects) -> np.ndarray:
    camera.reset()
    camera.capture_mobjects(list(mobjects))
    return camera.pixel_array.copy()


def test_a_traced_path_is_kept_per_shape_and_traced_again_when_it_changes():
    config.tex_template = TEMPLATE
    formula, ring = MathTex(FORMULA), Circle(1.5, color="#ff8800", fill_opacity=0.5)
    cached, plain = PathCachingCamera(), Camera()
    assert np.array_equal(drawn(cached, ring, formula), drawn(plain, ring, formula))
    kept = cached.paths[id(ring)][2]
    drawn(cached, ring, formula)
    assert cached.paths[id(ring)][2] is kept, "an unchanged shape is not traced again"
    ring.shift(0.7 * np.array([1, 0, 0]))
    assert np.array_equal(drawn(cached, ring, formula), drawn(plain, ring, formula))
    assert cached.paths[id(ring)][2] is not kept


class Still(LocalRedraw, Scene):
    pass


def picture():
    """A scene of an edge, a label on it, a ring on the label (not on the edge) and a
    far label, with a restyle of the edge: (scene, its mobjects, the tween, what the
    scene redraws while it plays)."""
    edge = Line([-4, -1, 0], [0, 1, 0], color="#4477ff", stroke_width=4)
    on_edge = Square(0.5, color="#ffffff", fill_opacity=1).move_to(edge.get_center())
    ring = Circle(0.4, color="#ff8800").move_to(on_edge.get_right())
    far = Square(0.5, color="#44ff44", fill_opacity=1).move_to([5, 2.5, 0])
    scene = Still()
    scene.add(edge, on_edge, ring, far)
    tween = StyleTween(edge, stroke_color="#ff0000", stroke_width=8)
    return scene, (edge, on_edge, ring, far), tween, scene.get_moving_mobjects(tween)


def test_a_restyle_redraws_what_overlaps_it_and_what_overlaps_that_only():
    scene, (edge, on_edge, ring, far), _, moving = picture()
    assert edge in moving and on_edge in moving and ring in moving, "all it can touch"
    assert far not in moving
    moved = edge.animate.shift([0, 1, 0]).build()  # changes points: anything may move
    assert far in scene.get_moving_mobjects(moved)
    assert far in scene.get_moving_mobjects(fade_in(VGroup(far)), moved)


def test_a_frame_of_a_restyle_is_the_frame_manim_draws():
    scene, _, tween, moving = picture()
    still = [m for m in scene.mobjects if m not in moving]
    camera = Camera()
    background = drawn(camera, *still)
    tween.begin()
    tween.interpolate(0.5)
    camera.reset()
    camera.set_frame_to_background(background)
    camera.capture_mobjects(moving)
    assert np.array_equal(camera.pixel_array, drawn(Camera(), *scene.mobjects))


def test_lean_formulas_are_manims_shapes_without_their_parsed_paths():
    config.tex_template = TEMPLATE
    lean, plain = Formula(FORMULA), MathTex(FORMULA)
    assert [len(p.submobjects) for p in lean] == [len(p.submobjects) for p in plain]
    for mine, theirs in zip(lean.family_members_with_points(),
                            plain.family_members_with_points()):
        assert np.allclose(mine.points, theirs.points)
        assert getattr(mine, "path_obj", None) is None
    assert any(getattr(part, "path_obj", None) is not None
               for part in plain.family_members_with_points()), "manim keeps them"
    lean.set_color("#ff0000").shift([1, 0, 0])
    again = Formula(FORMULA)
    assert np.allclose(again.points, plain.points), "the kept parse is not the one shown"
    assert again.get_color() == plain.get_color()
    words, text = Words("hello, 1.5"), Text("hello, 1.5")
    assert np.allclose(words.points, text.points) and words[0].path_obj is None


def test_a_parse_kept_in_the_store_is_loaded_not_read_again(tmp_path, monkeypatch):
    """A later render (here: the process' parses forgotten) loads the kept outlines:
    the same shapes, without reading the SVG; an entry it cannot read is read anew."""
    from manim import SVGMobject, tempconfig

    from scenes import cache, tex

    config.tex_template = TEMPLATE
    with cache.Scratch(tmp_path) as scratch, tempconfig(scratch.dirs):
        monkeypatch.setattr(tex, "PARSED", {})
        first = [Words("kept, 2.5", color="#ff0000"), Formula(FORMULA)]
        kept = sorted((tmp_path / cache.PARSED).iterdir())
        assert len(kept) == 2
        real = SVGMobject.generate_mobject

        def unread(self):
            raise AssertionError("the SVG was read again")

        monkeypatch.setattr(SVGMobject, "generate_mobject", unread)
        monkeypatch.setattr(tex, "PARSED", {})
        again = [Words("kept, 2.5", color="#ff0000"), Formula(FORMULA)]
        for mine, theirs in zip(first, again):
            assert np.array_equal(mine.points, theirs.points)
            assert mine.get_color() == theirs.get_color()
            assert list(mine.id_to_vgroup_dict) == list(theirs.id_to_vgroup_dict)
        assert np.array_equal(drawn(Camera(), *first), drawn(Camera(), *again))
        for path in kept:
            path.write_bytes(b"not a parse")
        monkeypatch.setattr(SVGMobject, "generate_mobject", real)
        monkeypatch.setattr(tex, "PARSED", {})
        anew = Words("kept, 2.5", color="#ff0000")
        assert np.array_equal(anew.points, first[0].points)
