"""A fork's wires on the picture: where they part (a dot), and where each one's part of
the gradient stands, on that wire's own stretch past the dot, so the sum at the node
reads from numbers on the picture. Pure geometry on a finished Layout, like it.

A part goes below a level stretch (gradients stand below their wires) or beside an
upright one, nearest the gate it comes from first, at the first spot clear of every
text, circle and wire, and of the other parts. A fork with a wire too short for its
part (it turns just past the dot) shows none of its parts.
"""

from core.graph import Graph
from scenes.graph_layout import GAP, NEAR, Layout
from scenes.layout import Box, overlap, segment_meets_box

Segment = tuple[tuple[float, float], tuple[float, float]]
EPS = 1e-6
TOUCH = 0.2  # the least length of its wire a part stands along
CLEAR_OF = 0.15  # a part's least distance from any other wire


def junctions(place: Layout) -> list[tuple[float, float]]:
    """Where a fork's wires part: each corner at which one of them leaves the level
    stretch that another goes on along."""
    points = set()
    for i in {i for i, _ in place.wire_ends}:
        wires = [w for w, (j, _) in zip(place.wires, place.wire_ends) if j == i]
        if len(wires) < 2:
            continue
        y = wires[0][0][1]
        for w in wires:
            corner = w[1]
            if abs(corner[1] - y) < 1e-9 and any(
                    abs(v[1][1] - y) < 1e-9 and v[1][0] > corner[0] + 1e-6 for v in wires):
                points.add((round(corner[0], 6), round(y, 6)))
    return sorted(points)


def fork_parts(graph: Graph) -> dict[tuple[int, int], float]:
    """Per wire of a fork, (source, consumer) by node index: the part of the gradient it
    brings back (the consumer's upstream × local). Only forks whose every wire carries
    one part: a gate that reads a value twice meets it on one wire."""
    where = {id(node): i for i, node in enumerate(graph.nodes)}
    parts = {}
    for node in graph.nodes:
        readers = graph.consumers(node)
        if len(readers) < 2 or any(sum(i is node for i in r.inputs) > 1 for r in readers):
            continue
        for reader in readers:
            slot = next(k for k, i in enumerate(reader.inputs) if i is node)
            parts[(where[id(node)], where[id(reader)])] = reader.grad * reader.local[slot]
    return parts


def part_spots(place: Layout, sizes: dict[tuple[int, int], tuple[float, float]],
               area: Box) -> dict[tuple[int, int], Box]:
    """Per fork wire (source, consumer) in ``sizes`` (the part's width and height), the
    box its part stands in, inside ``area``. A fork whose wires do not all have a clear
    spot gets none: its sum is then written out without them."""
    spots: dict[tuple[int, int], Box] = {}
    for source in sorted({j for j, _ in sizes}):
        mine: dict[tuple[int, int], Box] = {}
        for end in sorted(e for e in sizes if e[0] == source):
            w, h = sizes[end]
            wire = place.wires[place.wire_ends.index(end)]
            others = [place.wires[k] for k, (j, c) in enumerate(place.wire_ends)
                      if j == source and (j, c) != end]
            taken = [*spots.values(), *mine.values()]
            clear = (box for stretch in reversed(own_stretches(wire, others))
                     for box in beside(stretch, w, h)
                     if inside(box, area) and not clashes(place, box, taken, wire))
            box = next(clear, None)
            if box is None:
                break
            mine[end] = box
        else:
            spots |= mine
    return spots


def inside(box: Box, area: Box) -> bool:
    return area[0] <= box[0] and box[2] <= area[2] and area[1] <= box[1] and box[3] <= area[3]


def clashes(place: Layout, box: Box, taken: list[Box], own: list, pad: float = 0.03) -> int:
    """How many texts, parts, circles and wires a part's box would meet: other wires
    than its own with room to spare (CLEAR_OF), so the part reads as its own wire's."""
    wires = sum(any(segment_meets_box(p, q, grown(box, 0.02 if w is own else CLEAR_OF))
                    for p, q in zip(w, w[1:])) for w in place.wires)
    return (sum(overlap(box, [other], pad) > 1e-9 for other in place.texts() + taken)
            + place.meets_circle(box, pad) + wires)


def grown(box: Box, pad: float) -> Box:
    return box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad


def own_stretches(wire: list, others: list[list]) -> list[Segment]:
    """The stretches of a wire that no other wire of its fork runs along: the run to its
    own gate, past where the wires part."""
    stretches = []
    for p, q in zip(wire, wire[1:]):
        level = abs(p[1] - q[1]) < EPS
        axis = 0 if level else 1
        low, high = sorted((p[axis], q[axis]))
        shared = [sorted((a[axis], b[axis])) for other in others for a, b in zip(other, other[1:])
                  if along(p, q, a, b, level)]
        for start, stop in free_intervals(low, high, shared):
            if level:
                stretches.append(((start, p[1]), (stop, p[1])))
            else:
                stretches.append(((p[0], start), (p[0], stop)))
    return stretches


def along(p, q, a, b, level: bool) -> bool:
    """Whether segment a-b lies on the same line as p-q (level or upright alike)."""
    if level:
        return abs(a[1] - b[1]) < EPS and abs(a[1] - p[1]) < EPS
    return abs(a[0] - b[0]) < EPS and abs(a[0] - p[0]) < EPS and abs(a[1] - b[1]) > EPS


def free_intervals(low: float, high: float, taken: list[list[float]]) -> list[tuple]:
    """[low, high] less the intervals in ``taken``."""
    pieces, start = [], low
    for a, b in sorted(taken):
        if a > start + EPS:
            pieces.append((start, min(a, high)))
        start = max(start, b)
        if start >= high:
            break
    if start < high - EPS:
        pieces.append((start, high))
    return [(a, b) for a, b in pieces if b - a > EPS]


def beside(stretch: Segment, w: float, h: float) -> list[Box]:
    """Boxes of w × h next to a stretch (each shares at least TOUCH of its length), in
    order of preference: below a level one, from its far end back, then above; right
    of an upright one, from its middle out, then left."""
    (x0, y0), (x1, y1) = stretch
    if abs(y0 - y1) < EPS:
        xs = slide(min(x0, x1), max(x0, x1), w)[::-1]
        return ([(x - w / 2, y0 - NEAR - h, x + w / 2, y0 - NEAR) for x in xs]
                + [(x - w / 2, y0 + NEAR, x + w / 2, y0 + NEAR + h) for x in xs])
    low, high = sorted((y0, y1))
    ys = sorted(slide(low, high, h), key=lambda y: abs(y - (low + high) / 2))
    return ([(x0 + NEAR, y - h / 2, x0 + NEAR + w, y + h / 2) for y in ys]
            + [(x0 - NEAR - w, y - h / 2, x0 - NEAR, y + h / 2) for y in ys])


def slide(low: float, high: float, size: float, step: float = 0.08) -> list[float]:
    """Centres, low to high, of a box of ``size`` that shares at least TOUCH of [low,
    high] (all of it, if shorter), a GAP in from an end where the box is inside."""
    touch = min(TOUCH, high - low)
    first, last = low + touch - size / 2, high - touch + size / 2
    if size + GAP <= high - low:  # the box fits along: keep it in from the ends
        first, last = low + GAP / 2 + size / 2, high - GAP / 2 - size / 2
    count = max(1, int((last - first) / step) + 1)
    return [first + (last - first) * i / max(count - 1, 1) for i in range(count)]
