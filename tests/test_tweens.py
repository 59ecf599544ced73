"""Style changes animated in place (scenes.tweens): the values go where they are
told, what is not told stays, and no copy of the mobject is made."""

import numpy as np
from manim import Line, Mobject, Square, VGroup

from scenes.edge_labels import opacity
from scenes.tweens import StyleTween, fade_out


def test_a_stroke_tweens_to_its_target_and_keeps_what_is_not_given():
    line = Line([0, 0, 0], [1, 0, 0]).set_stroke("#000000", width=2, opacity=1)
    tween = StyleTween(line, stroke_color="#ffffff", stroke_width=6)
    tween.begin()
    tween.interpolate(0.5)
    half = tween.rate_func(0.5)
    assert np.isclose(line.get_stroke_width(), 2 + 4 * half)
    assert np.isclose(line.get_stroke_opacity(), 1.0)
    tween.interpolate(1.0)
    assert line.get_stroke_color().to_hex().lower() == "#ffffff"
    assert np.isclose(line.get_stroke_width(), 6)


def test_a_label_dims_and_comes_back_without_a_copy(monkeypatch):
    label = VGroup(Square().set_fill("#ffffff", opacity=1), Square(0.5).set_fill(opacity=1))
    copies = []
    original = Mobject.copy
    monkeypatch.setattr(Mobject, "copy", lambda self, *a, **k: copies.append(self)
                        or original(self, *a, **k))
    for target in (0.3, 1.0):
        tween = StyleTween(label, opacity=target)
        tween.begin()
        tween.interpolate(1.0)
        assert np.isclose(opacity(label), target)
    assert copies == []


def test_fade_out_removes_what_it_fades():
    tween = fade_out(Square().set_fill(opacity=1))
    assert tween.remover
    tween.begin()
    tween.interpolate(1.0)
    assert opacity(tween.mobject) == 0
