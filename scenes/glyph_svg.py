"""A formula's SVG read glyph by glyph: each glyph's outline is made once per
process, then moved into place for every use of it.

manim reads an SVG by parsing every element with svgelements, each glyph's path
anew for each time it is used, then making and styling a mobject per glyph: about
2 ms a glyph, most of what a first render adds to a warm one (the cycle's 200
formulas have 3000 glyphs, among a hundred distinct ones). dvisvgm writes formulas
in one plain form: glyph outlines defined once (``<defs><path id d>``), placed by
``<use x y>`` in groups that carry only ids, rules (fraction bars) as ``<rect>``,
no styles and no transforms. For that form ``read`` builds exactly what manim's
``SVGMobject.generate_mobject`` builds: the same mobjects in the same order, styled
by manim's own ``apply_style_to_mobject``, grouped under the same names (manim's
ids and numbered groups), flipped as manim flips them; points equal up to rounding
(a glyph is moved after its curves are made, not before). Anything else it leaves
to manim (``read`` returns False).
"""

import io
import itertools
import xml.etree.ElementTree as ET

import numpy as np
import svgelements as se
from manim import RIGHT, VGroup
from manim.mobject.svg.svg_mobject import SVGMobject, VMobjectFromSVGPath

SVG = "{http://www.w3.org/2000/svg}"
HREF = "{http://www.w3.org/1999/xlink}href"
ROOT_STYLE = ("fill", "fill-opacity", "stroke", "stroke-opacity", "stroke-width", "style")
# the attributes each element of the plain form may have (more: not plain)
PLAIN = {"g": {"id"}, "use": {"x", "y", HREF}, "rect": {"x", "y", "width", "height"},
         "path": {"d"}}

_GLYPHS: dict[tuple, VMobjectFromSVGPath] = {}  # (outline, how it is styled) -> glyph
_STYLES: dict[str, se.Shape] = {}  # the styles manim gives -> a shape styled so


def read(mob: SVGMobject) -> bool:
    """Give ``mob`` the glyphs and groups manim's generate_mobject would from its SVG
    file, if that is of the plain form; False (``mob`` untouched) if not."""
    try:
        root = ET.parse(mob.get_file_path()).getroot()
    except (ET.ParseError, OSError, ValueError):
        return False
    outlines = plain_outlines(root)
    if outlines is None:
        return False
    style = styled_shape(mob)
    vgroups: dict[str, VGroup] = {"root": VGroup()}
    shapes: list = []
    counter = itertools.count()

    def named(name: str | None) -> str:
        """A group for an element as manim's walk meets it: its id, else numbered."""
        name = name or f"numbered_group_{next(counter)}"
        vgroups[name] = VGroup()
        return name

    def join(shape, ancestors: list[str]) -> None:
        """A shape (None: none) joins every group above it."""
        if shape is not None:
            shapes.append(shape)
            for above in ancestors:
                vgroups[above].add(shape)

    def visit(element, ancestors: list[str]) -> None:
        tag, name = element.tag[len(SVG):], named(element.get("id"))
        if tag == "use":
            target = element.get(HREF)[1:]
            named(target)  # its one child: a copy of the path it uses, with that id
            join(placed(outlines[target], mob, style, element), ancestors + [name])
        elif tag == "path":  # drawn where it stands (the stand-ins of scenes/tex_batch.py)
            join(placed(element.get("d"), mob, style, None), ancestors)
        elif tag == "rect":
            bar = SVGMobject.rect_to_mobject(se.Rect(
                x=float(element.get("x")), y=float(element.get("y")),
                width=float(element.get("width")), height=float(element.get("height"))))
            SVGMobject.apply_style_to_mobject(bar, style)
            join(bar, ancestors)
        else:
            for child in element:
                visit(child, ancestors + [name])

    # manim's file: an <svg> holding its style group, holding the root's, holding the
    # root's elements (its <defs> are not walked)
    ancestors = ["root"] + [named(None) for _ in range(3)]
    for child in root:
        if child.tag != f"{SVG}defs":
            visit(child, ancestors)
    mob.add(*shapes)
    mob.id_to_vgroup_dict = vgroups
    mob.flip(RIGHT)
    return True


def plain_outlines(root) -> dict[str, str] | None:
    """The glyph outlines (id -> path data) of an SVG of the plain form; None if it
    is not of it."""
    if root.tag != f"{SVG}svg" or any(key in root.attrib for key in ROOT_STYLE):
        return None
    outlines: dict[str, str] = {}
    for child in root:
        if child.tag == f"{SVG}defs":
            for path in child:
                if path.tag != f"{SVG}path" or set(path.attrib) != {"id", "d"}:
                    return None
                outlines[path.get("id")] = path.get("d")
        elif not plain_body(child):
            return None
    body = [use.get(HREF) for use in root.iter(f"{SVG}use")]
    if not all(href and href.startswith("#") and href[1:] in outlines for href in body):
        return None
    return outlines


def plain_body(element) -> bool:
    """Whether an element and all inside it are of the plain form."""
    kind = element.tag[len(SVG):] if element.tag.startswith(SVG) else None
    if kind not in PLAIN or not set(element.attrib) <= PLAIN[kind]:
        return False
    if kind == "rect" and not {"width", "height", "x", "y"} <= set(element.attrib):
        return False
    return kind == "g" and all(plain_body(child) for child in element) or (
        kind != "g" and len(element) == 0)


def styled_shape(mob: SVGMobject) -> se.Shape:
    """A path as svgelements styles it inside ``mob``'s style groups (as manim writes
    them around the file's elements): every shape of a plain file is styled so."""
    tree = mob.modify_xml_tree(ET.ElementTree(ET.fromstring(
        f'<svg xmlns="{SVG[1:-1]}"><path d="M0 0 L1 0 L0 1 Z"/></svg>')))
    key = ET.tostring(tree.getroot(), encoding="unicode")
    if key not in _STYLES:
        parsed = se.SVG.parse(io.StringIO(key))
        _STYLES[key] = next(e for e in parsed.elements() if isinstance(e, se.Path))
    return _STYLES[key]


def placed(outline: str, mob: SVGMobject, style: se.Shape, use
           ) -> VMobjectFromSVGPath | None:
    """The glyph of this outline, styled, moved to the use's place (None: where it
    stands); None for one without points (manim leaves those out)."""
    key = (outline, repr(sorted(mob.path_string_config.items())), id(style))
    glyph = _GLYPHS.get(key)
    if glyph is None:
        glyph = VMobjectFromSVGPath(se.Path(outline), **mob.path_string_config)
        SVGMobject.apply_style_to_mobject(glyph, style)
        glyph.path_obj = None  # read only while the points are made
        _GLYPHS[key] = glyph
    if not glyph.has_points():
        return None
    copy = twin(glyph, [])
    if use is not None:
        copy.points = copy.points + np.array([float(use.get("x", 0)), float(use.get("y", 0)),
                                              0.0])
    return copy


def copied(glyphs: list, groups: dict) -> tuple[list, dict]:
    """A copy of a parse, its glyphs and the groups that name them, a tenth of the
    time of manim's deepcopy: a fresh glyph holds arrays and lists, which are copied,
    and values never changed in place (numbers, colours, styles), which are shared;
    no glyph has parts of its own, and a group holds glyphs only."""
    twins = {id(glyph): twin(glyph, []) for glyph in glyphs}
    return ([twins[id(glyph)] for glyph in glyphs],
            {name: twin(group, [twins[id(m)] for m in group.submobjects])
             for name, group in groups.items()})


def twin(mob, parts: list):
    """``mob`` with its arrays and lists copied, its other values shared, these parts."""
    made = mob.__class__.__new__(mob.__class__)
    made.__dict__ = {name: value.copy() if isinstance(value, (np.ndarray, list, dict)) else value
                     for name, value in mob.__dict__.items()}
    made.submobjects = parts
    return made
