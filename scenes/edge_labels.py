"""Labels that lie on their own edge, turned with it, like a road's name on a map.

A label turned along its edge belongs to that edge at a glance, where a column of
upright labels between crossing edges is a guess. Each label goes where its
rectangle touches no node, no other label, nothing to avoid and, where that is
possible, no other edge; the most constrained labels are placed first.
Rectangles are tested by the separating-axis rule (both are convex).
"""

import math

import numpy as np
from manim import DOWN, BackgroundRectangle, Mobject, VGroup

from scenes.layout import Box
from scenes.tex import Formula

Point = tuple[float, float]
SPOTS = tuple(np.round(np.linspace(0.08, 0.92, 29), 3))  # fractions along an edge
PREFERRED = 0.4  # a little before the middle: edges cross least near their source
SIDES = (0, 1, -1)  # on the edge, or beside it (above, below)
BESIDE = (1, -1)  # beside it only: above, else below
SEARCH_BUDGET = 4000  # places tried before a layer goes unlabelled
CLEARER = 0.15  # how much nearer a label's centre is to its own edge than to any other
CROWDING = 0.01  # a place's cost per place of another label it takes
EDGE_CLEARANCE = 0.08  # around a label, kept clear of other edges: half the widest stroke, a gap
FAR = 0.35  # a label whose centre is nearer another edge than this reads as on their crossing
GRAZE = 0.3  # the cost of another edge passing within EDGE_CLEARANCE, against 1 for crossing
NEAR = 0.2  # the cost of a centre nearer another edge than FAR
LABEL_GAP = 0.12  # between two labels beyond their pads, where all fit so: closer, two
# numbers read as one
TIERS = ("calm", "apart", "near", "side by side", "touching")  # how labels stand, best
# first: apart (LABEL_GAP, END_GAP more end to end) off crossings, mid-edge and as far
# from every text; apart; LABEL_GAP apart; touching side by side, never end to end (a
# subtraction); touching
CALM, WELL_APART, APART = TIERS[:1], TIERS[:2], TIERS[:3]  # (the ways apart)
MIDDLE = (0.2, 0.8)  # where along its edge a label is well placed: at an end it crowds a node
END_GAP = 0.15  # more at each end of a label, where all fit so: two numbers end to end
# with an edge's stroke between them read as a subtraction ("0.104-0.073")
MIN_STUB = 0.6  # of its edge seen before a label that lies on it (between the node it
# leaves and the first digit), where all fit so: shorter, it reads as a minus ("-0.104")
STACK_GAP = 0.06  # between the two labels of a Stacked pair, beyond their backings


class EdgeLabel(Formula):
    """A number or name along an edge. The labels of other edges stand apart from it as
    they do from each other (``place_along_edges``); other texts need only not be
    touched, else a node's value would push its edges' labels onto crossings. It is
    parsed as any Formula of its text is (the class marks its use, not its shape):
    one parse serves both."""

    @property
    def hash_seed(self) -> tuple:
        return (Formula.__name__, *super().hash_seed[1:])

    def shaped_by(self) -> str:
        return super().shaped_by().replace(type(self).__name__, Formula.__name__, 1)

    def sized_as(self, other: Mobject) -> "EdgeLabel":
        """This (upright) label at another's size: a crowded layer's stand smaller, and
        a number replaced there keeps its neighbours' size."""
        frame = backing_frame(other)
        if frame is not None:
            self.scale(frame[3] / self.background_rectangle.height)
        return self


class Stacked(VGroup):
    """Two labels of one edge placed as one, one over the other: ``lying`` on the
    edge, ``beside`` next to it on ``side`` (1 above, -1 below, as the edge runs left
    to right). No stretch of the edge then joins them end to end: a weight and its
    gradient so joined read as a subtraction ("0.5 — 0.969")."""

    def __init__(self, lying: Mobject, beside: Mobject, side: int = 1):
        super().__init__(*((beside, lying) if side > 0 else (lying, beside)))
        self.arrange(DOWN, buff=STACK_GAP)
        self.lying, self.beside = lying, beside
        # across the edge, from the lying label's centre to the pair's
        self.across = side * (beside.height + STACK_GAP) / 2


def rectangle(center: Point, angle: float, width: float, height: float,
              pad: float = 0.0) -> list[Point]:
    """Corners of a rectangle turned by ``angle`` (radians) about its centre."""
    ux, uy = math.cos(angle), math.sin(angle)
    hw, hh = width / 2 + pad, height / 2 + pad
    cx, cy = center
    return [(cx + sx * hw * ux - sy * hh * uy, cy + sx * hw * uy + sy * hh * ux)
            for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]


def _axes(shape: list[Point]) -> list[Point]:
    count = len(shape)
    sides = [(shape[(i + 1) % count][0] - shape[i][0], shape[(i + 1) % count][1] - shape[i][1])
             for i in range(count if count > 2 else 1)]
    return [(-dy, dx) for dx, dy in sides]


def overlaps(a: list[Point], b: list[Point]) -> bool:
    """Whether two convex shapes (a segment is a shape of two points) share area
    or, for a segment, cross."""
    for ax, ay in _axes(a) + _axes(b):
        pa = [x * ax + y * ay for x, y in a]
        pb = [x * ax + y * ay for x, y in b]
        if max(pa) <= min(pb) + 1e-9 or max(pb) <= min(pa) + 1e-9:
            return False
    return True


def distance(point: Point, start: Point, end: Point) -> float:
    """From a point to a segment."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    f = ((point[0] - start[0]) * dx + (point[1] - start[1]) * dy) / (dx * dx + dy * dy or 1.0)
    f = min(1.0, max(0.0, f))
    return math.hypot(point[0] - start[0] - f * dx, point[1] - start[1] - f * dy)


def nearest_segment(points: np.ndarray, segments: list) -> np.ndarray:
    """For each point (n, 2), its distance to the nearest segment (start, end); as
    ``distance`` computes it, for all points and segments at once."""
    if not segments:
        return np.full(len(points), math.inf)
    ends = np.array(segments, dtype=float)  # (m, 2 ends, 2)
    start, d = ends[:, 0], ends[:, 1] - ends[:, 0]
    length2 = (d * d).sum(axis=1)
    length2[length2 == 0] = 1.0
    rel = points[:, None, :] - start[None]  # (n, m, 2)
    f = np.clip((rel * d[None]).sum(axis=2) / length2[None], 0, 1)
    return np.hypot(*(rel - f[..., None] * d[None]).transpose(2, 0, 1)).min(axis=1)


def opacity(mobject: Mobject) -> float:
    """How visible a text is: its glyphs' fill (a MathTex's own fill is always 0, and
    a background rectangle is not the text)."""
    return max((float(part.get_fill_opacity()) for part in mobject.family_members_with_points()
                if not isinstance(part, BackgroundRectangle)), default=0.0)


def outline(mobject: "Mobject | Box") -> list[Point]:
    """The corners a text covers: its backing's, turned with it, when it has one
    (add_background_rectangle), else its upright bounding box; or a box's."""
    if isinstance(mobject, tuple):
        x0, y0, x1, y1 = mobject
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    backing = getattr(mobject, "background_rectangle", None)
    if backing is not None:
        return [(float(x), float(y)) for x, y, _ in backing.get_vertices()]
    (x0, y0, _), (x1, y1, _) = mobject.get_corner([-1, -1, 0]), mobject.get_corner([1, 1, 0])
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def place_along_edges(diagram, items: list[tuple[int, int, Mobject]], avoid: list,
                      pad: float = 0.05, sides: tuple = SIDES, tiers: tuple = TIERS,
                      stubs: bool = True) -> bool:
    """Turn each (weight layer, edge index, label) along its edge and put it on or
    beside the edge. Returns False when some label could not be placed clear of
    nodes, other labels and ``avoid`` (mobjects or boxes); another edge passing
    under a label is allowed when nothing else is possible, as the label still lies
    along its own. A Stacked pair lies on its edge as its ``lying`` label does, the
    other beside it. Labels (these and the EdgeLabels in ``avoid``) stand as the first
    of ``tiers`` (see TIERS) that fits all of them has it, each tier tried first with
    MIN_STUB of its edge before every label that lies on it, then (after all of
    them, where ``stubs`` allows) with less.

    Places are searched for all labels together (see ``_search``)."""
    ends = {(layer, k): (tuple(edge.get_start()[:2]), tuple(edge.get_end()[:2]))
            for layer in range(len(diagram.edges))
            for k, edge in enumerate(diagram.layer_edges(layer))}
    solid = [outline(node) for node in diagram.all_nodes()] + [outline(m) for m in avoid]
    texts = [frame for m in avoid if (frame := backing_frame(m)) is not None]
    neighbours = [backing_frame(m) for m in avoid if isinstance(m, EdgeLabel)]
    # (item, angle, crossings, distance from the preferred place, centre, shape, shape
    # with the gap between labels, shape with the gaps at its ends too)
    spots, calm, signless = [], [], []  # calm: off crossings, away from the nodes
    rim = max((node.width for node in diagram.all_nodes()), default=0.0) / 2  # edges run
    # centre to centre: what is seen of one starts at its node's rim
    for item, (layer, k, label) in enumerate(items):
        (x0, y0), (x1, y1) = ends[layer, k]
        angle, length = math.atan2(y1 - y0, x1 - x0), math.hypot(x1 - x0, y1 - y0)
        normal = (-math.sin(angle), math.cos(angle))
        others = [list(points) for key, points in ends.items() if key != (layer, k)]
        stacked = isinstance(label, Stacked)
        # (along, off the edge by, beside it); beside: touching it
        places = ([(f, label.across, 0) for f in SPOTS] if stacked else
                  [(f, side * (label.height / 2 + pad), side) for f in SPOTS for side in sides])
        lying = label.lying.width if stacked else label.width
        centres = [(x0 + f * (x1 - x0) + shift * normal[0], y0 + f * (y1 - y0) + shift * normal[1])
                   for f, shift, _ in places]
        nearest = nearest_segment(np.array(centres), others)
        for (f, shift, side), centre, near in zip(places, centres, nearest):
            if near < abs(shift) + CLEARER:  # another edge as near: whose label is it?
                continue
            shape = rectangle(centre, angle, label.width, label.height, pad)
            if not any(overlaps(shape, other) for other in solid):
                # edges are drawn wide: one that grazes the label counts almost as much
                # as one crossing it; where one must cross, better under an end than
                # under the middle
                clear = rectangle(centre, angle, label.width, label.height, pad + EDGE_CLEARANCE)
                crossed = sum(overlaps(shape, other) for other in others)
                grazed = sum(overlaps(clear, other) for other in others) - crossed
                crossings = crossed + GRAZE * grazed + NEAR * (near < FAR)
                spaced = rectangle(centre, angle, label.width, label.height,
                                   pad + LABEL_GAP / 2)
                calm.append(near >= FAR and MIDDLE[0] <= f <= MIDDLE[1])
                signless.append(side != 0 or f * length - rim - lying / 2 >= MIN_STUB)
                spots.append((item, angle, crossings, abs(side) + abs(f - PREFERRED), centre,
                              shape, spaced, apart(centre, angle, label.width, label.height, pad),
                              rectangle(centre, angle, label.width + 2 * END_GAP, label.height,
                                        pad)))
        if not spots or spots[-1][0] != item:  # this label has no place: none can be placed
            return False
    owner = np.array([spot[0] for spot in spots], dtype=int)
    chosen = None

    def clear_of(shape: int, frames: list, ends: float) -> np.ndarray:
        return _clear([spot[shape] for spot in spots], [
            rectangle(centre, angle, width + 2 * ends, height, pad + LABEL_GAP / 2)
            for centre, angle, width, height in frames])

    apart_from_labels = clear_of(7, neighbours, END_GAP)
    ways = {"calm": (7, apart_from_labels & np.array(calm, dtype=bool)
                     & clear_of(7, texts, END_GAP)),
            "apart": (7, apart_from_labels), "near": (6, clear_of(6, neighbours, 0.0)),
            "side by side": (8, None), "touching": (5, None)}
    # a sign misread is worse than any of these
    signless = np.array(signless, dtype=bool)
    ladder = [(ways[name][0], signless if ways[name][1] is None else ways[name][1] & signless)
              for name in tiers] + ([ways[name] for name in tiers] if stubs else [])
    clashes: dict[int, np.ndarray] = {}  # per shape
    for shape, free in ladder:
        if shape not in clashes:
            clashes[shape] = _clashes([spot[shape] for spot in spots], list(owner))
        chosen = _search(spots, clashes[shape], owner, len(items), free)
        if chosen is not None:
            break
    if chosen is None:
        return False
    for item, best in chosen.items():
        _, angle, _, _, (cx, cy), *_ = spots[best]
        items[item][2].rotate(angle).move_to([cx, cy, 0])
    return True


def apart(centre: Point, angle: float, width: float, height: float, pad: float
          ) -> list[Point]:
    """A label's shape grown by half the gaps that keep it apart from another: LABEL_GAP
    on every side, END_GAP more at its ends."""
    return rectangle(centre, angle, width + 2 * END_GAP, height, pad + LABEL_GAP / 2)


def backing_frame(mobject) -> "tuple[Point, float, float, float] | None":
    """A text's backing as (centre, angle, width, height); None for what has none."""
    backing = getattr(mobject, "background_rectangle", None)  # (a box has none)
    if backing is None:
        return None
    (x0, y0), (x1, y1), _, (x3, y3) = backing.get_vertices()[:4, :2]
    centre = tuple(float(v) for v in backing.get_center()[:2])
    return (centre, math.atan2(y1 - y0, x1 - x0), math.hypot(x1 - x0, y1 - y0),
            math.hypot(x3 - x0, y3 - y0))


def stand_apart(labels: list, pad: float = 0.05) -> bool:
    """Whether these labels stand apart as ``place_along_edges`` sets them where all
    fit so (LABEL_GAP, and END_GAP more end to end); hidden ones do not count."""
    shapes = [apart(*backing_frame(m), pad) for m in labels if opacity(m) > 0]
    return not _clashes(shapes, list(range(len(shapes)))).any()


def _bounds(shapes: list[list[Point]]) -> tuple[np.ndarray, np.ndarray]:
    points = np.array(shapes, dtype=float).reshape(len(shapes), -1, 2)
    return points.min(axis=1), points.max(axis=1)


def _clear(shapes: list[list[Point]], others: list[list[Point]]) -> np.ndarray:
    """Which shapes overlap none of ``others`` (boolean per shape)."""
    free = np.ones(len(shapes), dtype=bool)
    if not shapes or not others:
        return free
    (low, high), (o_low, o_high) = _bounds(shapes), _bounds(others)
    near = ((low[:, None] < o_high[None]) & (o_low[None] < high[:, None])).all(axis=2)
    for a, b in zip(*np.nonzero(near)):
        if free[a] and overlaps(shapes[a], others[b]):
            free[a] = False
    return free


def _search(spots: list, clash: np.ndarray, owner: np.ndarray, count: int,
            free: "np.ndarray | None" = None,
            budget: int = SEARCH_BUDGET) -> "dict[int, int] | None":
    """A place for every label ({label: spot}) where none clashes, or None.

    Depth first: the label with the fewest places left goes next, trying first the
    places that cross the fewest edges (in part for grazing one, or for a centre near
    one), then those nearest the preferred place (a
    label at its edge's very end crowds the node there), each place's cost raised a
    little by how many places it takes from the others; a label left without a place
    sends the search back. Gives up after ``budget`` tries (dense layers then go
    unlabelled). Only the ``free`` places are tried (all where not given)."""
    tries = 0

    def extend(alive: np.ndarray, left: frozenset, chosen: dict) -> "dict | None":
        nonlocal tries
        if not left:
            return chosen
        item = min(left, key=lambda i: (int((alive & (owner == i)).sum()), i))
        choices = sorted(np.flatnonzero(alive & (owner == item)),
                         key=lambda c: (spots[c][2], spots[c][3]
                                        + CROWDING * int((clash[c] & alive).sum())))
        for best in choices:
            tries += 1
            if tries > budget:
                return None
            rest = alive & ~clash[best]
            rest[owner == item] = False
            found = extend(rest, left - {item}, chosen | {item: int(best)})
            if found is not None:
                return found
        return None

    alive = np.ones(len(spots), dtype=bool) if free is None else free.copy()
    return extend(alive, frozenset(range(count)), {})


def _clashes(shapes: list[list[Point]], owners: list[int]) -> np.ndarray:
    """Which places of different labels overlap one another (boolean matrix), each
    shape as given (a label's, with half the gap between labels around it or not)."""
    count = len(shapes)
    clash = np.zeros((count, count), dtype=bool)
    if not count:
        return clash
    points = np.array(shapes)
    low, high = points.min(axis=1), points.max(axis=1)
    near = ((low[:, None, 0] < high[None, :, 0]) & (low[None, :, 0] < high[:, None, 0])
            & (low[:, None, 1] < high[None, :, 1]) & (low[None, :, 1] < high[:, None, 1]))
    owner = np.array(owners)
    near &= owner[:, None] != owner[None, :]
    for a, b in zip(*np.nonzero(np.triu(near))):
        if overlaps(shapes[a], shapes[b]):
            clash[a, b] = clash[b, a] = True
    return clash


def keep_places(diagram, items: list[tuple[int, int, Mobject, Mobject]], avoid: list,
                pad: float = 0.05) -> bool:
    """Put each new label (weight layer, edge index, old label, new label) where the
    old one lies, turned with its edge, when none then touches a node or anything to
    avoid, and each new one longer than its old one stands apart from the others and
    from the EdgeLabels in ``avoid`` as ``apart`` keeps them (it reaches nearer its
    neighbours; one no longer crowds no one more): a number that changes stays where
    the eye found it. Returns False, moving nothing, when some cannot stay."""
    solid = [outline(node) for node in diagram.all_nodes()] + [outline(m) for m in avoid]
    texts = [apart(*backing_frame(m), pad) for m in avoid if isinstance(m, EdgeLabel)]
    placed = []
    for layer, k, old, new in items:
        if opacity(old) == 0:
            return False
        edge = diagram.layer_edges(layer)[k]
        (x0, y0), (x1, y1) = edge.get_start()[:2], edge.get_end()[:2]
        angle = math.atan2(y1 - y0, x1 - x0)
        centre = tuple(old.get_center()[:2])
        shape = rectangle(centre, angle, new.width, new.height, pad)
        spaced = apart(centre, angle, new.width, new.height, pad)
        frame = backing_frame(old)
        longer = frame is None or new.width > frame[2] + 1e-6
        if any(overlaps(shape, other) for other in solid) or longer and not _clear(
                [spaced], texts + [other for *_, other in placed])[0]:
            return False
        placed.append((new, angle, centre, spaced))
    for new, angle, (cx, cy), _ in placed:
        new.rotate(angle).move_to([cx, cy, 0])
    return True
