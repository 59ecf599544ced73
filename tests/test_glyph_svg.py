"""Formulas read glyph by glyph (scenes/glyph_svg.py) are what manim's own reading of
the same SVG makes: the same mobjects in the same order, the same points (up to
rounding), styles and groups; files of another form are left to manim; and a copy
of a parse is a copy, sharing nothing that changes."""

import numpy as np
import pytest
from manim import SVGMobject

from scenes import glyph_svg, tex_batch
from scenes.tex import TEMPLATE

FORMULAS = [  # rules (fraction bars), scripts, accents, text, Greek, parts in groups
    r"L = \tfrac{1}{2}(\hat{y} - y)^2 = \tfrac{1}{2}(1.233 - 0)^2 = 0.760",
    r"\partial L/\partial w_{11} = x_{1} \times \partial L/\partial h_{1} \approx 0.073",
    r"\sigma(h) = 1 / (1 + e^{-h})", r"\text{iteration}\ 3",
    r"w \leftarrow w - \eta \cdot \frac{\partial L}{\partial w}",
    r"\special{dvisvgm:raw <g id='unique000'>}x_{1}\special{dvisvgm:raw </g>}"
    r"\special{dvisvgm:raw <g id='unique001'>}= 0.5\special{dvisvgm:raw </g>}",
]
STYLES = [  # as a MathTex reads its file, and as a plain SVGMobject does
    {"color": "#FC6255", "stroke_width": 0,
     "path_string_config": {"should_subdivide_sharp_curves": True,
                            "should_remove_null_curves": True}},
    {"fill_color": "#58C4DD", "fill_opacity": 0.5},
]


class ReadByGlyphs(SVGMobject):
    def init_svg_mobject(self, use_svg_cache: bool):
        assert glyph_svg.read(self), "a file of the plain form"


def same(manims: SVGMobject, ours: SVGMobject) -> None:
    assert [type(m) for m in ours.submobjects] == [type(m) for m in manims.submobjects]
    for theirs, mine in zip(manims.submobjects, ours.submobjects):
        assert mine.points.shape == theirs.points.shape
        assert np.allclose(mine.points, theirs.points, rtol=0, atol=1e-9)
        assert np.array_equal(mine.fill_rgbas, theirs.fill_rgbas)
        assert np.array_equal(mine.stroke_rgbas, theirs.stroke_rgbas)
        assert mine.stroke_width == theirs.stroke_width
    index = [{id(m): k for k, m in enumerate(mob.submobjects)} for mob in (manims, ours)]
    groups = [[(name, [where[id(m)] for m in group.submobjects])
               for name, group in mob.id_to_vgroup_dict.items()]
              for mob, where in zip((manims, ours), index)]
    assert groups[1] == groups[0], "the same groups, named alike, holding the same glyphs"


@pytest.fixture(scope="module")
def typeset(tmp_path_factory) -> list:
    """The SVGs dvisvgm writes for FORMULAS (in one batch, as a render makes them)."""
    folder = tmp_path_factory.mktemp("tex")
    formulas = [(tex, "align*", TEMPLATE) for tex in FORMULAS]
    assert tex_batch.typeset(formulas, folder) == len(FORMULAS)
    return sorted(folder.glob("*.svg"))


@pytest.mark.parametrize("style", STYLES)
def test_a_formula_read_by_glyphs_is_what_manim_reads(typeset, style):
    for svg in typeset:
        same(SVGMobject(svg, use_svg_cache=False, **style),
             ReadByGlyphs(svg, use_svg_cache=False, **style))


def test_a_stand_in_formula_is_read_alike(tmp_path):
    svg = tex_batch.stand_in_file(FORMULAS[-1], str(tmp_path))
    same(SVGMobject(svg, use_svg_cache=False, **STYLES[0]),
         ReadByGlyphs(svg, use_svg_cache=False, **STYLES[0]))


@pytest.mark.parametrize("change", [
    ("<g id='page1'>", "<g id='page1' transform='scale(2)'>"),  # a transform
    ("<g id='page1'>", "<g id='page1' fill='#ff0000'>"),  # a style
    ("<use ", "<use transform='rotate(10)' "),
    ("</defs>", "</defs><circle cx='1' cy='1' r='1'/>"),  # a shape of another kind
])
def test_another_form_is_left_to_manim(typeset, tmp_path, change):
    text = typeset[0].read_text(encoding="utf-8")
    assert change[0] in text
    other = tmp_path / "other.svg"
    other.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    mob = SVGMobject.__new__(SVGMobject)
    mob.file_name = other
    assert not glyph_svg.read(mob)


def test_a_copy_of_a_parse_changes_apart_from_it(typeset):
    parse = SVGMobject(typeset[0], use_svg_cache=False)
    glyphs, groups = glyph_svg.copied(list(parse.submobjects), parse.id_to_vgroup_dict)
    before = [(m.points.copy(), m.fill_rgbas.copy()) for m in parse.submobjects]
    assert all(np.array_equal(m.points, c.points) for m, c in zip(parse.submobjects, glyphs))
    for glyph in glyphs:
        glyph.shift([1, 2, 0]).set_fill("#00ff00", opacity=0.3)
    assert all(np.array_equal(m.points, p) and np.array_equal(m.fill_rgbas, f)
               for m, (p, f) in zip(parse.submobjects, before)), "the parse is unchanged"
    assert all(g is c for name, group in groups.items()
               for g, c in zip(group.submobjects, [glyphs[list(parse.submobjects).index(m)]
                                                   for m in parse.id_to_vgroup_dict[name]]))


def test_a_formula_is_read_by_glyphs_not_by_manim(tmp_path, monkeypatch):
    """What a first render reads (scenes/tex.py): manim's reading, 2 ms a glyph, is
    left for the files of another form."""
    from manim import tempconfig

    from scenes.tex import Formula

    read_by_manim = []
    real = SVGMobject.generate_mobject
    monkeypatch.setattr(SVGMobject, "generate_mobject",
                        lambda self: read_by_manim.append(self) or real(self))
    with tempconfig({"tex_dir": str(tmp_path)}):
        formula = Formula(r"\partial L/\partial v_{31} = 0.5 \times 1.25", color="#FC6255")
    assert len(formula.family_members_with_points()) > 10
    assert read_by_manim == []
