"""Where a computational graph's gates, wires and numbers go: pure geometry, from the
sizes of the texts (no manim), so the layout tests run without rendering.

- Columns: the output on the right; every other node one column left of its
  leftmost reader, so an input stands just before its first gate. Each column is as
  wide as the numbers on the wires leaving it; what the frame has left over goes
  first to letting numbers sit close to their wires, then evenly.
- Rows: inputs take a row each, top to bottom as the formula meets them; a gate sits
  at the mean height of the inputs first met through it, so a chain of one-input
  gates is a straight line. A side input (the y of ŷ − y) sits beside its gate.
- Numbers: a node's value above its wire, its gradient below, close to the wire
  where they fit before it turns (or meets a circle), else raised clear of the
  circles. A gate's name stands on its circle, or at the nearest free place around.
- Wires: level out of a node, then up or down in a lane of their own just before the
  column they go to; a longer one goes the way that crosses the fewest texts.

If anything overlaps (texts, circles, a wire through a text), the rows spread out; a
few variants are tried; if none fits the area, DoesNotFit says what it would need.
"""

import itertools
import math
from dataclasses import dataclass

from scenes.layout import Box, overlap, segment_meets_box

GATE_RADIUS = 0.4
NEAR = 0.07  # a number's gap from its wire, where it does not have to clear a circle
CLEAR = 0.06  # and its gap from the circle's top (or bottom), on a gate's wire
NAME_GAP = 0.15  # an input's name, left of its wire; the output's, right of it
GAP = 0.12  # between two numbers side by side
ROW = 0.85  # the least distance between two inputs' wires
ROOMY = 1.6  # and the most: rows spread out to it where the area has room
SPREAD = 1.08  # rows spread by this much until nothing overlaps
STUB = 0.35  # the output's wire, to its name, where its numbers stand over its circle
MIN_WIRE = 0.35  # the least wire between two gates' circles
KNEE, LANE = 0.3, 0.22  # where a wire turns towards its gate: this far left of it, per lane


@dataclass(frozen=True)
class Sizes:
    """Width and height of a node's texts: its value and gradient (on its wire), its
    name (an input's left of its wire, a gate's above its circle) and a gate's symbol."""

    value: tuple[float, float]
    grad: tuple[float, float]
    name: tuple[float, float]
    symbol: tuple[float, float] = (0.0, 0.0)


@dataclass
class Layout:
    centre: list[tuple[float, float]]  # per node: a gate's centre; an input's wire start
    radius: list[float]                # per node: 0 for an input
    wires: list[list[tuple[float, float]]]  # per (node, consumer) pair, as wire_ends
    wire_ends: list[tuple[int, int]]   # (node, consumer); the output's own: (out, -1)
    value_box: list[Box]
    grad_box: list[Box]
    name_box: list[Box]

    def boxes(self) -> list[Box]:
        """Every text's box and every circle's bounding box."""
        return self.texts() + [(x - r, y - r, x + r, y + r)
                               for (x, y), r in zip(self.centre, self.radius) if r]

    def texts(self) -> list[Box]:
        return self.value_box + self.grad_box + self.name_box

    def crowded(self, pad: float = 0.03) -> bool:
        """Whether two texts overlap, a text and a circle (as a circle), or a text and
        a wire."""
        texts = self.texts()
        return any(overlap(b, texts[i + 1:], pad) > 1e-9 for i, b in enumerate(texts)) or any(
            self.meets_circle(b, pad) or self.meets_wire(b, 0.0) for b in texts)

    def meets_circle(self, b: Box, pad: float = 0.03) -> bool:
        for (x, y), r in zip(self.centre, self.radius):
            dx, dy = max(b[0] - x, 0, x - b[2]), max(b[1] - y, 0, y - b[3])
            if r and dx * dx + dy * dy < (r + pad) ** 2:
                return True
        return False

    def clash(self, b: Box, name_of: int, pad: float = 0.03) -> int:
        """How many texts, circles and wires a name's box would meet (0: a free spot)."""
        others = [o for k, o in enumerate(self.texts()) if k != 2 * len(self.centre) + name_of]
        return (sum(overlap(b, [o], pad) > 1e-9 for o in others) + self.meets_circle(b, pad)
                + self.meets_wire(b))

    def meets_wire(self, b: Box, pad: float = 0.02) -> int:
        grown = (b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad)
        return sum(any(segment_meets_box(p, q, grown) for p, q in zip(w, w[1:]))
                   for w in self.wires)


class DoesNotFit(ValueError):
    """The graph needs more room than the area has; the message says how much."""


def levels(inputs: list[list[int]]) -> list[int]:
    """Columns from the right: the output 0, every other node one more than its
    leftmost consumer. ``inputs[i]`` lists the nodes node i reads (topological order)."""
    n = len(inputs)
    level = [0] * n
    for i in reversed(range(n)):
        for j in inputs[i]:
            level[j] = max(level[j], level[i] + 1)
    return level


def rows(inputs: list[list[int]], column: list[int], beside: float = 1.49) -> list[float]:
    """Heights in row units, 0 at the top. Inputs take a row each as the formula
    meets them from the output back, and a gate the mean of the rows of the inputs
    first met through it (a row of its own if it has none). A side input (an input
    read once, by a gate that also reads a gate: the y of ŷ − y) comes last, next to
    its gate, above it if it is the gate's first input, else below, in the first
    place free in its column."""
    n = len(inputs)
    readers = [[k for k in range(n) if j in inputs[k]] for j in range(n)]
    side = {j for j in range(n) if not inputs[j] and len(readers[j]) == 1
            and any(inputs[g] for g in inputs[readers[j][0]])}
    row: list[float | None] = [None] * n
    free = [0.0]

    def place(i: int) -> None:
        if row[i] is not None:
            return
        if not inputs[i]:
            row[i], free[0] = free[0], free[0] + 1
            return
        fresh = [j for j in inputs[i] if row[j] is None and j not in side]
        for j in inputs[i]:
            if j not in side:
                place(j)
        if fresh:
            row[i] = sum(row[j] for j in fresh) / len(fresh)
        else:  # every input stands elsewhere already: a row of its own
            row[i], free[0] = free[0], free[0] + 1

    place(n - 1)
    for j in sorted(side):
        gate = readers[j][0]
        first = inputs[gate].index(j) == 0
        # clear of its column and of the gates of the one before, where its name
        # stands beside their raised numbers
        taken = [(row[k], 0.99 if column[k] == column[j] or not inputs[k] else beside)
                 for k in range(n) if column[j] - 1 <= column[k] <= column[j]
                 and row[k] is not None]
        # a row and a half away or more, clear of the numbers by the gate's wire; on
        # its side first, but within the rows the graph has before beyond them
        placed = [r for r in row if r is not None]
        candidates = [row[gate] + (1 + (step // 2) / 2) * (1 if (step % 2 == 0) != first
                                                           else -1) for step in range(2, 4 * n)]
        candidates.sort(key=lambda c: not min(placed) <= c <= max(placed))
        row[j] = next((c for c in candidates
                       if all(abs(c - other) > least for other, least in taken)), candidates[-1])
    top = min(row)
    return [float(r - top) for r in row]


def lanes(inputs: list[list[int]], row: list[float], column: list[int]) -> dict:
    """(source, column) -> lane: the wires into one column turn up or down at
    distinct places (lane 0 nearest the column) wherever their runs would overlap;
    a source's wires into one column share a lane (they are one fork)."""
    n, out = len(inputs), {}
    for c in set(column):
        spans = {}
        for k in (k for k in range(n) if column[k] == c):
            for j in inputs[k]:
                low, high = spans.get(j, (row[j], row[j]))
                spans[j] = (min(low, row[k]), max(high, row[k]))
        taken: list[list[tuple[float, float]]] = []
        for j, (low, high) in sorted(spans.items(), key=lambda item: item[1]):
            lane = next((m for m, used in enumerate(taken)
                         if all(high < a - 0.01 or low > b + 0.01 for a, b in used)), len(taken))
            if lane == len(taken):
                taken.append([])
            taken[lane].append((low, high))
            out[(j, c)] = lane
    return out


def arrange(inputs: list[list[int]], sizes: list[Sizes], area: Box) -> Layout:
    """The layout of the graph in ``area``; DoesNotFit if it cannot be made without
    overlaps. Node n-1 is the output. Rows are tried with the side inputs kept well
    clear of the column before theirs, then as close as their own column allows."""
    n = len(inputs)
    level = levels(inputs)
    depth = max(level)
    column = [depth - level[i] for i in range(n)]
    radius = [max(GATE_RADIUS, s.symbol[0] / 2 + 0.1) if inputs[i] else 0.0
              for i, s in enumerate(sizes)]
    top, bottom = area[3], area[1]
    problem = ""
    # a few ways, tried in turn: side inputs well clear of the column before theirs,
    # or only of their own; numbers close to their wires wherever the width allows, or
    # raised everywhere; raised numbers kept off the circle they leave, or not
    for beside, near, lean in itertools.product((1.49, 0.0), (True, False), (False, True)):
        row = rows(inputs, column, beside)
        lane = lanes(inputs, row, column)
        try:
            x, nexts, tail = columns(inputs, sizes, area, column, row, lane, radius, near,
                                     lean)
        except DoesNotFit as err:
            problem = problem or str(err)
            continue
        spacing, fits = ROW, None
        while True:
            layout = _place(inputs, sizes, x, nexts, row, spacing, radius, lane, column, tail)
            boxes = layout.boxes()
            y0, y1 = min(b[1] for b in boxes), max(b[3] for b in boxes)
            if y1 - y0 > top - bottom or (fits and spacing > ROOMY):
                break
            if not layout.crowded():
                fits = (spacing, (top + bottom) / 2 - (y0 + y1) / 2)
            spacing *= SPREAD
        if fits is not None:
            spacing, shift = fits
            return _place(inputs, sizes, x, nexts, [r - shift / spacing for r in row],
                          spacing, radius, lane, column, tail)
        problem = problem or (f"{max(row) + 1:.0f} rows need {y1 - y0:.1f} units and the "
                              f"frame has {top - bottom:.1f}")
    raise DoesNotFit(problem)


def columns(inputs, sizes, area, column, row, lane, radius, near: bool = True,
            lean: bool = False) -> tuple[list, list, float]:
    """Each node's x, the next column's and the output's wire: each column as wide as
    the numbers on the wires leaving it (an input's end before its wires turn; a
    gate's raised ones may stand over its circle) and its gates a wire apart; what is
    left over goes to numbers close to their wires, the output's on its own wire,
    then evenly."""
    n, depth = len(inputs), max(column)
    left = area[0] + max(s.name[0] + NAME_GAP for i, s in enumerate(sizes)
                         if not inputs[i] and column[i] == 0)
    right = area[2] - sizes[-1].name[0] - NAME_GAP - STUB - radius[-1]
    turn = [KNEE + max((lane[(i, column[k])] for k in range(n) if i in inputs[k]),
                       default=0) * LANE for i in range(n)]
    turns = [any(row[k] != row[i] for k in range(n) if i in inputs[k]) for i in range(n)]
    ahead = [max((radius[k] for k in range(n) if i in inputs[k]), default=0.0)
             for i in range(n)]

    def gap(c: int, near: bool) -> float:
        """Column c's width: for numbers close to their wires (near), which needs room
        for the circles at both ends, or for raised ones."""
        return max(max(max(sizes[i].value[0], sizes[i].grad[0]) + (
            2 * GAP + radius[i] + turn[i] + GATE_RADIUS if inputs[i] and near
            else GAP + turn[i] - (GATE_RADIUS if lean else radius[i] - GATE_RADIUS)
            if inputs[i] and turns[i]
            else 2 * GAP if inputs[i] else GAP + turn[i] + GATE_RADIUS),
            radius[i] + ahead[i] + MIN_WIRE) for i in range(n - 1) if column[i] == c)

    gaps = [gap(c, False) for c in range(depth)]
    spare = right - left - sum(gaps)
    if spare < 0:
        raise DoesNotFit(f"{depth + 1} columns need {area[2] - area[0] - spare:.1f} units "
                         f"across and the frame has {area[2] - area[0]:.1f}")
    # numbers close to their wires where the width allows, the cheapest columns first
    for c in sorted(range(depth), key=lambda c: gap(c, True) - gaps[c]):
        wider = gap(c, True) - gaps[c]
        if near and 0 < wider <= spare:
            gaps[c], spare = gaps[c] + wider, spare - wider
    tail = max(sizes[-1].value[0], sizes[-1].grad[0]) + 2 * GAP
    if near and tail - STUB <= spare:
        spare -= tail - STUB
    else:
        tail = STUB
    edges = [left]
    for width in gaps:
        edges.append(edges[-1] + width + spare / depth)
    return [edges[c] for c in column], [edges[min(c + 1, depth)] for c in column], tail


def _place(inputs, sizes, x, nexts, row, spacing, radius, lane, column, tail) -> Layout:
    n = len(inputs)
    centre = [(x[i], -row[i] * spacing) for i in range(n)]
    consumers = [[k for k in range(n) if i in inputs[k]] for i in range(n)]
    wires, ends, value_box, grad_box, name_box = [], [], [], [], []
    ports = {(i, k): port(centre[k], radius[k], inputs[k], i)
             for i in range(n) for k in consumers[i]}
    knees = {(i, k): p[0] - KNEE - lane[(i, column[k])] * LANE for (i, k), p in ports.items()}
    # the upright runs of the wires that turn just before a column: (x, low, high)
    runs = [(knees[(i, k)], *sorted((centre[i][1], p[1]))) for (i, k), p in ports.items()
            if tx_next(centre[k], nexts[i]) and abs(p[1] - centre[i][1]) > 1e-9]
    routes = []  # (node, where its wire starts, where its level stretch ends)
    for i in range(n):
        cx, cy = centre[i]
        start = cx + radius[i]
        # the level stretch ends short of the next column's circles
        stop = start + tail if i == n - 1 else nexts[i] - GATE_RADIUS - GAP
        mid = (start + stop) / 2
        vw, gw = sizes[i].value[0], sizes[i].grad[0]
        vh, gh = sizes[i].value[1], sizes[i].grad[1]
        mine = {k: ports[(i, k)] for k in consumers[i]}
        bends = {k: knees[(i, k)] for k in consumers[i]}
        # close to the wire where the numbers fit before it turns (or meets a circle);
        # else raised clear of its own circle and of those it feeds
        room = min([mine[k][0] if abs(mine[k][1] - cy) < 1e-9 else bends[k]
                    if tx_next(centre[k], nexts[i]) else centre[k][0] - radius[k]
                    for k in consumers[i]], default=stop) - GAP
        raised = max([radius[i]] + [radius[k] for k in consumers[i]]) + CLEAR
        boxes = []
        for w, h, sign in ((vw, vh, 1), (gw, gh, -1)):  # the value above, the gradient below
            # (the output's on its own wire, where it has room; else over its circle)
            fits = start + GAP + w <= room and (i != n - 1 or tail > STUB)
            lift = NEAR if fits or not radius[i] else raised
            # an input's numbers end before its wires turn; a raised number may stand
            # over its own circle, but ends short of the next column's circles (in any
            # row) and of any wire turning up or down beside it
            band = sorted((cy + sign * lift, cy + sign * (lift + h)))
            turns = [x_run - GAP / 2 for x_run, low, high in runs
                     if cx < x_run <= nexts[i] and low < band[1] and high > band[0]]
            reach = stop if i == n - 1 else room if not radius[i] else min(
                [nexts[i] - GATE_RADIUS - GAP] + turns)
            centre_x = start + GAP + w / 2 if fits else min(mid, reach - w / 2)
            if radius[i] and not fits:  # over its own circle, not over the wire coming in
                centre_x = max(centre_x, cx - radius[i] + GAP / 2 + w / 2)
            if i == n - 1:
                centre_x = (start + stop) / 2 if fits else cx
            if not radius[i]:  # and an input's numbers start after its name
                centre_x = max(centre_x, start + w / 2)
            boxes.append((centre_x - w / 2, band[0], centre_x + w / 2, band[1]))
        value_box.append(boxes[0])
        grad_box.append(boxes[1])
        nw, nh = sizes[i].name
        if i == n - 1:
            name_box.append((stop + NAME_GAP, cy - nh / 2, stop + NAME_GAP + nw, cy + nh / 2))
            wires.append([(start, cy), (stop, cy)])
            ends.append((i, -1))
        elif radius[i]:
            name_box.append((cx - nw / 2, cy + radius[i] + CLEAR, cx + nw / 2,
                             cy + radius[i] + CLEAR + nh))
        else:
            name_box.append((cx - NAME_GAP - nw, cy - nh / 2, cx - NAME_GAP, cy + nh / 2))
        routes.append((i, start, stop))
    # wires last, a far one along the way that crosses the fewest texts and circles
    texts = value_box + grad_box + name_box
    circles = [((x - r, y - r, x + r, y + r)) for (x, y), r in zip(centre, radius) if r]
    for i, start, stop in routes:
        cy = centre[i][1]
        for k in consumers[i]:
            (px, py), knee = ports[(i, k)], knees[(i, k)]
            if abs(py - cy) < 1e-9 and tx_next(centre[k], nexts[i]):  # straight on
                points = [[(start, cy), (px, cy)]]
            elif tx_next(centre[k], nexts[i]):  # the next column: across, turn, across
                points = [[(start, cy), (knee, cy), (knee, py), (px, py)]]
            else:  # further: across then turn; turn then across; or straight to its lane
                points = [[(start, cy), (knee, cy), (knee, py), (px, py)],
                          [(start, cy), (stop, cy), (stop, py), (px, py)],
                          [(start, cy), (stop, cy), (knee, py), (px, py)]] + [
                    # or along a channel between two rows
                    [(start, cy), (stop, cy), (stop, level), (knee, level), (knee, py),
                     (px, py)] for level in (cy - spacing / 2, cy + spacing / 2,
                                             py - spacing / 2, py + spacing / 2)]
            wires.append(min(points, key=lambda w: crossings(w, texts, circles)))
            ends.append((i, k))
    # a gate's name stands on its circle, or beside it where that is taken
    layout = Layout(centre, radius, wires, ends, value_box, grad_box, name_box)
    for i in range(n - 1):
        if radius[i]:
            name_box[i] = min(name_spots(centre[i], radius[i], name_box[i], value_box[i]),
                              key=lambda b, i=i: layout.clash(b, i))
    return layout


def crossings(wire: list, texts: list[Box], circles: list[Box]) -> int:
    """How many texts and circles (their boxes) a wire runs through; the circles its
    ends touch are not counted."""
    inner = [(p, q) for p, q in zip(wire, wire[1:])]
    hits = sum(any(segment_meets_box(p, q, b) for p, q in inner) for b in texts)
    ends = (wire[0], wire[-1])
    return hits + sum(any(segment_meets_box(p, q, b) for p, q in inner)
                      and not any(b[0] - 1e-6 <= e[0] <= b[2] + 1e-6 and
                                  b[1] - 1e-6 <= e[1] <= b[3] + 1e-6 for e in ends)
                      for b in circles)


def tx_next(target: tuple[float, float], next_column: float) -> bool:
    """Whether a consumer stands in the next column."""
    return target[0] <= next_column + 1e-9


def port(centre: tuple[float, float], r: float, slots: list[int], source: int
         ) -> tuple[float, float]:
    """Where a source's wire meets a gate: its inputs spread over its left side, in
    order, top first (a source read twice meets it once, in the middle)."""
    index = slots.index(source) if slots.count(source) == 1 else None
    offset = 0.0 if len(slots) == 1 or index is None else (
        0.5 - index / (len(slots) - 1)) * r
    return centre[0] - (r * r - offset * offset) ** 0.5, centre[1] + offset


def name_spots(centre, r: float, above: Box, value: Box) -> list[Box]:
    """Where a gate's name may go, in order of preference: above its circle, above
    its left or right shoulder, above its own value, then all around it, near first."""
    w, h = above[2] - above[0], above[3] - above[1]
    x, y = centre
    side = r * 0.7 + CLEAR
    higher = max(above[1], value[3] + CLEAR)
    spots = [above, (x - side - w, y + side, x - side, y + side + h),
             (x + side, y + side, x + side + w, y + side + h),
             (above[0], higher, above[2], higher + h)]
    for gap in (CLEAR, 0.3, 0.6):
        for angle in (90, 135, 45, 225, 270, 315, 180):
            dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            # the box's nearest side (or corner) this far from the circle
            cx = x + dx * (r + gap) + (w / 2) * (1 if dx > 0.01 else -1 if dx < -0.01 else 0)
            cy = y + dy * (r + gap) + (h / 2) * (1 if dy > 0.01 else -1 if dy < -0.01 else 0)
            spots.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    return spots
