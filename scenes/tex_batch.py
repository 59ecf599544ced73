"""A scene's formulas typeset in one LaTeX run before it renders.

manim runs LaTeX and dvisvgm once per formula, about a quarter of a second each: most
of a story scene's first render on an empty cache. For a scene of the type
``TypesetAhead``, ``prefetch`` first runs the scene without drawing, each animation
jumping straight to its end, with stand-in formulas (boxes as wide as their glyphs,
in manim's groups), to learn which formulas it writes. It then typesets those not
yet cached as the pages of one document, converts every page in one dvisvgm run and
names each SVG as manim names the file it would have made, where manim finds it. A
formula the stand-in run did not meet (a choice that depends on a formula's real
size) is typeset by manim as usual when the scene needs it; a failed batch leaves
everything to manim, which then reports the error as it always does.

A line broken into rows where it is too wide needs the real formula's size to know
its rows: a method that makes formulas from other formulas' sizes says so
(``remeasure``) where a real size could change what it makes. The stand-in run
records those calls; they are made again on the real formulas, and what they then
need is typeset in another batch, until they need nothing new (the rows need the
pieces' extents, which need the line's width: three rounds at most). Before, the
render met each such row alone, at a LaTeX run apiece (the cycle had 28).

A plan (the formulas' files, per scene and settings) is kept with the cache, so a
render whose formulas are all cached skips the stand-in run.
"""

import contextlib
import functools
import hashlib
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import manim.mobject.text.tex_mobject as tex_mobject
from manim import TexTemplate, config, tempconfig
from manim.renderer.cairo_renderer import CairoRenderer
from manim.utils.tex_file_writing import tex_hash

from core import files
from scenes import cache

# manim marks the parts of a MathTex with these, which dvisvgm turns into SVG groups
GROUP_MARK = re.compile(r"\\special\{dvisvgm:raw (<g id='[^']*'>|</g>)\}")
GLYPH_WIDTH = 5  # a stand-in glyph, in points (a digit at 10 pt is 5 pt wide)
PLANS = "plans"  # the store's folder of plans
SIZED_ROUNDS = 3  # a line's width, then its pieces' extents, then its rows
# a real formula is at most 1 / STAND_IN_MARGIN times as wide as its stand-in (the
# cycle's: 0.85 to 1.26 times): a narrower stand-in's line is not broken when real
STAND_IN_MARGIN = 0.6


class TypesetAhead:
    """A scene whose formulas are typeset together before it renders (``prefetch``).
    Its construct must run without frames (dry run) and must not depend on anything
    but its settings."""


class FramelessRenderer(CairoRenderer):
    """Runs a scene to its end without painting a frame: its texts and layout only."""

    def update_frame(self, *args, **kwargs) -> None:
        pass

    def get_frame(self):
        return self.camera.pixel_array


class Frameless:
    """A scene for the ``FramelessRenderer``: it skips manim's split of each animation's
    mobjects into still and moving ones, which walks every family and only serves
    drawing (a tenth of a run without frames)."""

    def get_moving_and_static_mobjects(self, animations) -> tuple[list, list]:
        return list(self.mobjects), []


def frameless(scene_class: type, **attributes) -> type:
    """``scene_class`` to run without frames (``Frameless``), with these attributes."""
    bases = (scene_class,) if issubclass(scene_class, Frameless) else (Frameless, scene_class)
    return type(scene_class.__name__, bases, attributes)


def glyph_count(tex: str) -> int:
    """About how many glyphs a piece of TeX sets: a command is one, braces, scripts'
    marks, spacing and blanks none."""
    tex = re.sub(r"\\(?:left|right|quad|qquad)\b|\\[,;:! ]", "", tex)
    return len(re.sub(r"[{}^_\s&]", "", re.sub(r"\\[a-zA-Z]+", "x", tex)))


def stand_in_svg(expression: str) -> str:
    """An SVG with a box per glyph, in the groups manim reads the parts from."""
    parts, x = [], 0
    for k, piece in enumerate(GROUP_MARK.split(expression)):
        if k % 2:
            parts.append(piece)
            continue
        for _ in range(glyph_count(piece)):
            parts.append(f'<path d="M{x} 0 H{x + GLYPH_WIDTH - 1} V10 H{x} Z"/>')
            x += GLYPH_WIDTH
    width = max(x, 1)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="10pt" '
            f'viewBox="0 0 {width} 10">{"".join(parts)}</svg>')


def texcode(expression: str, environment: str | None, template: TexTemplate) -> str:
    """The whole file manim writes for a formula (its SVG is named by this)."""
    if environment is not None:
        return template.get_texcode_for_expression_in_env(expression, environment)
    return template.get_texcode_for_expression(expression)


_sized: dict | None = None  # inside formulas_of: the calls to make again, by key


def remeasure(method, *args) -> None:
    """From a method that makes formulas from other formulas' sizes (a line broken
    into rows where it is too wide), in the stand-in run: make this call of it again
    on the real formulas (see ``prefetch``). Elsewhere, nothing."""
    if _sized is not None:
        # the same TeX, colour and room make the same formulas: kept once
        key = repr((method.__name__, tuple(getattr(a, "tex", a) for a in args)))
        _sized.setdefault(key, functools.partial(method, *args))


@contextlib.contextmanager
def typesetting_through(function):
    """MathTex typesets through ``function`` inside (the one place it does)."""
    real = tex_mobject.tex_to_svg_file
    tex_mobject.tex_to_svg_file = function
    try:
        yield
    finally:
        tex_mobject.tex_to_svg_file = real


def stand_in_file(expression: str, folder: str) -> Path:
    """The stand-in's SVG in ``folder``, named by what it draws: formulas with the
    same stand-in (numbers of as many digits) share one file, so the one parse of it
    (scenes.tex.PARSED)."""
    svg = stand_in_svg(expression)
    path = Path(folder) / f"{hashlib.sha256(svg.encode()).hexdigest()[:16]}.svg"
    if not path.exists():
        path.write_text(svg, encoding="utf-8")
    return path


def formulas_of(scene_class: type, sized_calls: list | None = None
                ) -> list[tuple[str, str | None, TexTemplate]]:
    """Every (expression, environment, template) the scene typesets, from a run
    without frames on stand-in formulas; the calls it asked to ``remeasure`` added
    to ``sized_calls``."""
    global _sized
    met = []
    with tempfile.TemporaryDirectory() as folder:
        def record(expression, environment=None, tex_template=None):
            met.append((expression, environment, tex_template or config["tex_template"]))
            return stand_in_file(expression, folder)

        _sized = {}
        try:
            with typesetting_through(record), tempconfig(
                    {"dry_run": True, "write_to_movie": False, "save_last_frame": False}):
                plain = frameless(scene_class, make_slides=False)
                plain(renderer=FramelessRenderer(skip_animations=True)).render()
            if sized_calls is not None:
                sized_calls.extend(_sized.values())
        finally:
            _sized = None
    return met


def needed_by(calls: list, tex_dir: Path) -> tuple[list, list]:
    """The formulas not in ``tex_dir`` that ``calls`` make when every formula that is
    there is real (the others stand in), and the calls that made them: only those
    may make others once these are typeset."""
    missing, missed = [], []
    with tempfile.TemporaryDirectory() as folder:
        def real_or_stand_in(expression, environment=None, tex_template=None):
            template = tex_template or config["tex_template"]
            svg = tex_dir / f"{tex_hash(texcode(expression, environment, template))}.svg"
            if svg.is_file():
                return svg
            missing.append((expression, environment, template))
            return stand_in_file(expression, folder)

        with typesetting_through(real_or_stand_in):
            for call in calls:
                before = len(missing)
                call()
                if len(missing) > before:
                    missed.append(call)
    return missing, missed


def typeset(formulas: list[tuple[str, str | None, TexTemplate]], tex_dir: Path) -> int:
    """Make the SVG of each formula not yet in ``tex_dir`` with one LaTeX and one
    dvisvgm run per template; returns how many were made (0 when a run failed)."""
    pages: dict[str, dict[Path, str]] = {}  # a template's preamble -> {svg: body}
    compilers = {}
    for expression, environment, template in formulas:
        code = texcode(expression, environment, template)
        svg = tex_dir / f"{tex_hash(code)}.svg"
        head, _, rest = code.partition("\\begin{document}")
        if svg.exists() or not rest:
            continue
        pages.setdefault(head, {})[svg] = rest.rpartition("\\end{document}")[0]
        compilers[head] = template
    made = 0
    for head, bodies in pages.items():
        made += typeset_pages(head, bodies, compilers[head], tex_dir)
    return made


def typeset_pages(head: str, bodies: dict[Path, str], template: TexTemplate,
                  tex_dir: Path) -> int:
    """One document, a formula a page; each page's SVG renamed to its formula's."""
    if template.tex_compiler != "latex" or template.output_format != ".dvi":
        return 0
    with tempfile.TemporaryDirectory(dir=tex_dir) as work:
        source = Path(work) / "batch.tex"
        source.write_text(head + "\\begin{document}\n" + "\n\\clearpage\n".join(bodies.values())
                          + "\n\\end{document}\n", encoding="utf-8")
        latex = subprocess.run(["latex", "-interaction=batchmode", "-halt-on-error",
                                f"-output-directory={work}", str(source)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if latex.returncode != 0:
            return 0
        subprocess.run(["dvisvgm", "--page=1-", "--no-fonts", "--verbosity=0",
                        f"--output={work}/page-%p.svg", str(source.with_suffix(".dvi"))],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        made = sorted(Path(work).glob("page-*.svg"), key=lambda p: int(p.stem[5:]))
        if len(made) != len(bodies):  # a formula of no page or of two: trust none
            return 0
        for page, svg in zip(made, bodies):
            os.replace(page, svg)
    return len(bodies)


def plan_path(key: str) -> Path:
    return cache.STORE / PLANS / f"{key}.json"


def plan_key(scene_class: type, settings) -> str:
    """What a scene's formulas depend on: the scene, the config, the options, the
    language."""
    meta = settings.trace.meta.get("config") if settings.trace is not None else None
    ident = json.dumps([scene_class.__name__, meta, settings.options, settings.lang],
                       sort_keys=True, default=str)
    return hashlib.sha256(ident.encode()).hexdigest()[:20]


def prefetch(scene_class: type, settings) -> int:
    """Typeset the formulas of a ``TypesetAhead`` scene in one batch before it renders
    (in manim's current tex_dir); returns how many were made. Does nothing when its
    plan says every formula is cached already."""
    if not issubclass(scene_class, TypesetAhead):
        return 0
    tex_dir = Path(config.get_dir("tex_dir"))
    tex_dir.mkdir(parents=True, exist_ok=True)
    plan = plan_path(plan_key(scene_class, settings))
    try:
        names = json.loads(plan.read_text(encoding="utf-8"))
        if all((tex_dir / name).exists() for name in names):
            return 0
    except (OSError, ValueError):
        pass
    calls: list = []
    formulas = formulas_of(scene_class, calls)
    made = typeset(formulas, tex_dir)
    for _ in range(SIZED_ROUNDS):
        needed, calls = needed_by(calls, tex_dir)
        more = typeset(needed, tex_dir) if needed else 0
        if not more:  # nothing new, or a failed batch: manim does the rest
            break
        formulas += needed
        made += more
    names = sorted({f"{tex_hash(texcode(*f))}.svg" for f in formulas})
    plan.parent.mkdir(parents=True, exist_ok=True)
    files.write_text(plan, json.dumps(names), output=False)
    return made

