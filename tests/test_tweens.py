"""Style changes animated in place (scenes.tweens): the values go where they are
told, what is not told stays, and no copy of the mobject is made."""

import numpy as np
import pytest
from manim import Line, Mobject, Square, VGroup

from scenes.edge_labels import opacity
from scenes.tweens import StyleTween, fade_in, fade_out, write


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


def row_of_parts() -> VGroup:
    """Three squares left to right, each with its own fill and stroke opacity (as a
    label's glyphs and its half-opaque backing have)."""
    return VGroup(*[Square(0.5).set_fill("#ffffff", opacity=f).set_stroke(opacity=s)
                    .shift([2 * k, 0, 0]) for k, (f, s) in enumerate(
                        [(1.0, 0.0), (0.6, 1.0), (0.8, 0.5)])])


@pytest.mark.parametrize("reveal", [fade_in, write])
def test_a_reveal_starts_unseen_and_ends_at_each_parts_own_opacity(reveal, monkeypatch):
    group = row_of_parts()
    copies, original = [], Mobject.copy
    monkeypatch.setattr(Mobject, "copy", lambda self, *a, **k: copies.append(self)
                        or original(self, *a, **k))
    animation = reveal(group)
    assert animation.is_introducer(), "it puts the mobject on screen"
    animation.begin()
    animation.interpolate(0.0)
    assert all(m.get_fill_opacity() == 0 and m.get_stroke_opacity() == 0 for m in group)
    animation.interpolate(1.0)
    assert [(m.get_fill_opacity(), m.get_stroke_opacity()) for m in group] == [
        (1.0, 0.0), (0.6, 1.0), (0.8, 0.5)]
    assert copies == []


def test_a_written_line_comes_in_left_to_right():
    group = row_of_parts()
    animation = write(VGroup(group[2], group[0], group[1]))  # listed out of order
    animation.begin()
    animation.interpolate(0.5)
    shares = [m.get_fill_opacity() / full for m, full in zip(group, (1.0, 0.6, 0.8))]
    assert shares[0] > shares[1] > shares[2]


def test_a_written_block_comes_in_row_after_row():
    """Three lines written as read: the first line whole before the second starts,
    though the second's left parts stand left of the first's right ones."""
    rows = [VGroup(*[Square(0.2).set_fill("#ffffff", opacity=1).move_to([x, -y, 0])
                     for x in (0.0, 1.0, 2.0)]) for y in (0.0, 1.0, 2.0)]
    block = VGroup(rows[2], rows[0], rows[1])  # listed out of order
    animation = write(block)
    animation.begin()
    animation.interpolate(0.45)
    first, second, third = ([m.get_fill_opacity() for m in row] for row in rows)
    assert min(first) > max(second) >= max(third)
    assert max(third) == 0.0
    animation.interpolate(1.0)
    assert all(m.get_fill_opacity() == 1.0 for row in rows for m in row)
