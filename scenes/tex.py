"""LaTeX for MathTex with only texlive-latex-base: the article class instead of
manim's default standalone class (which lives in the much larger latex-extra); and the
formula and text types the scenes write with (Formula, Words), cheap to copy."""

from manim import MathTex, Text, TexTemplate
from manim.utils.iterables import hash_obj

TEMPLATE = TexTemplate(
    documentclass=r"\documentclass{article}",
    preamble="\n".join([r"\usepackage{amsmath}", r"\usepackage{amssymb}",
                        r"\pagestyle{empty}"]),
)


class LeanSVG:
    """For an SVGMobject (MathTex, Text): its glyphs forget the parsed SVG path they were
    built from, and each parse is kept once per process in that lean form.

    manim keeps each glyph's svgelements path after its points are made, and copies it
    with every copy of the mobject (a fade, a transform, the parse cache): ten times the
    cost of copying the points, and most of a story scene's time outside its frames.
    """

    def init_svg_mobject(self, use_svg_cache: bool):
        key = hash_obj(self.hash_seed) if use_svg_cache else None
        parsed = PARSED.get(key)
        if parsed is None:
            super().init_svg_mobject(use_svg_cache=False)
            for part in self.get_family():
                if hasattr(part, "path_obj"):
                    part.path_obj = None  # read only while the points are made
            if key is not None:
                PARSED[key] = self.copy()
            return self
        copied = parsed.copy()
        self.add(*copied)
        self.id_to_vgroup_dict = copied.id_to_vgroup_dict
        return self


PARSED: dict[int, "LeanSVG"] = {}  # hash of an SVG mobject's source -> the lean parse


class Formula(LeanSVG, MathTex):
    """MathTex, lean (see LeanSVG), with our template unless given another: a formula
    then compiles in any scene, whatever manim's configured template is."""

    def __init__(self, *tex_strings, tex_template=None, **kwargs):
        super().__init__(*tex_strings, tex_template=tex_template or TEMPLATE, **kwargs)


class Words(LeanSVG, Text):
    """Text, lean (see LeanSVG)."""
