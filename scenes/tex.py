"""LaTeX for MathTex with only texlive-latex-base: the article class instead of
manim's default standalone class (which lives in the much larger latex-extra)."""

from manim import TexTemplate

TEMPLATE = TexTemplate(
    documentclass=r"\documentclass{article}",
    preamble="\n".join([r"\usepackage{amsmath}", r"\usepackage{amssymb}",
                        r"\pagestyle{empty}"]),
)
