"""LaTeX for MathTex with only texlive-latex-base: the article class instead of
manim's default standalone class (which lives in the much larger latex-extra); and the
formula and text types the scenes write with (Formula, Words), cheap to make and copy."""

import pickle

import manim
import numpy as np
from manim import MathTex, Text, TexTemplate, config
from manim.utils.iterables import hash_obj

from core import files
from scenes import cache, glyph_svg
from scenes.glyph_svg import copied

TEMPLATE = TexTemplate(
    documentclass=r"\documentclass{article}",
    preamble="\n".join([r"\usepackage{amsmath}", r"\usepackage{amssymb}",
                        r"\pagestyle{empty}"]),
)


class LeanSVG:
    """For an SVGMobject (MathTex, Text): its glyphs forget the parsed SVG path they were
    built from, and each parse is kept once per process in that lean form, and in the
    cache's store between processes.

    manim keeps each glyph's svgelements path after its points are made, and copies it
    with every copy of the mobject (a fade, a transform, the parse cache): ten times the
    cost of copying the points, and most of a story scene's time outside its frames.
    Reading an SVG into outlines costs about 0.1 s for a line of text; loading the kept
    outlines, about a tenth of that.
    """

    def init_svg_mobject(self, use_svg_cache: bool):
        key = hash_obj(self.hash_seed) if use_svg_cache else None
        parsed = PARSED.get(key)
        if parsed is not None:
            leaves, self.id_to_vgroup_dict = copied(*parsed)
            self.add(*leaves)
            return self
        stored = cache.parsed_path(self.get_file_path(), self.shaped_by())
        kept = load(stored)
        if kept is not None:
            leaves, self.id_to_vgroup_dict = kept
            self.add(*leaves)
        else:
            if not glyph_svg.read(self):  # a formula of dvisvgm's plain form, or manim
                super().init_svg_mobject(use_svg_cache=False)
            for part in self.get_family():
                if hasattr(part, "path_obj"):
                    part.path_obj = None  # read only while the points are made
            if stored is not None:
                files.write_bytes(stored, pickle.dumps((list(self.submobjects),
                                                        self.id_to_vgroup_dict), protocol=5),
                                  output=False)
        if key is not None:
            PARSED[key] = copied(list(self.submobjects), self.id_to_vgroup_dict)
        return self

    def shaped_by(self) -> str:
        """Everything besides the SVG's bytes that shapes its parse."""
        return "|".join(map(str, (type(self).__name__, self.svg_default,
                                  self.path_string_config, config.renderer,
                                  manim.__version__, np.__version__)))


def load(stored) -> tuple | None:
    """A parse kept in the store: (glyphs, groups by id); None if there is none, or
    if it cannot be read (made by other versions): then the SVG is read anew. The
    store holds only what renders of this program wrote there."""
    if stored is None or not stored.is_file():
        return None
    try:
        return pickle.loads(stored.read_bytes())
    except Exception:  # any entry it cannot read is parsed anew
        return None


PARSED: dict[int, tuple] = {}  # hash of an SVG mobject's source -> (glyphs, groups by id)


class Formula(LeanSVG, MathTex):
    """MathTex, lean (see LeanSVG), with our template unless given another: a formula
    then compiles in any scene, whatever manim's configured template is."""

    def __init__(self, *tex_strings, tex_template=None, **kwargs):
        super().__init__(*tex_strings, tex_template=tex_template or TEMPLATE, **kwargs)


class Words(LeanSVG, Text):
    """Text, lean (see LeanSVG), its parse kept per process too (manim's Text keeps
    none: the same words in the same font, size and colour are read once)."""

    def __init__(self, text: str, **kwargs):
        kwargs.setdefault("use_svg_cache", True)
        super().__init__(text, **kwargs)

    def _text2svg(self, color) -> str:
        """manim makes the SVG unless its folder has it: fetch the store's first."""
        cache.seed_text(config.get_dir("text_dir") / (self._text2hash(color) + ".svg"))
        return super()._text2svg(color)
