"""Weight labels that belong to their edge: each lies along its own edge, nearer it
than any other, and bias units carry the biases (scenes.edge_labels)."""

import random

import numpy as np
import pytest

from core import config
from scenes.edge_labels import _search, opacity, overlaps, rectangle
from scenes.layout import segment_meets_box
from tests import dry_run
from tests.test_render_story import polygons_meet
from tests.test_story_numbers import LAYOUTS


def test_turned_rectangles_overlap_as_corners_and_crossing_sides_say():
    rng = random.Random(5)
    seen = set()
    for _ in range(500):
        a, b = (rectangle((rng.uniform(-1, 1), rng.uniform(-1, 1)), rng.uniform(-1.5, 1.5),
                          rng.uniform(0.3, 1.5), rng.uniform(0.2, 0.6)) for _ in range(2))
        assert overlaps(a, b) == polygons_meet(a, b), (a, b)
        seen.add(overlaps(a, b))
    assert seen == {True, False}


def test_a_segment_crossing_a_rectangle_is_seen_and_one_beside_it_is_not():
    box = rectangle((0, 0), 0.0, 2.0, 1.0)
    assert overlaps(box, [(-3, 0.2), (3, 0.3)])
    assert not overlaps(box, [(-3, 0.6), (3, 0.6)])
    assert overlaps(box, [(-0.2, -2), (0.2, 2)])
    assert not overlaps(box, [(1.2, -2), (1.6, 2)])


def test_a_segment_meets_a_box_where_points_along_it_fall_inside():
    rng = random.Random(7)
    seen = set()
    for _ in range(400):
        start, end = (np.array([rng.uniform(-2, 2), rng.uniform(-2, 2), 0.0]) for _ in "ab")
        x0, y0 = rng.uniform(-1.5, 1.0), rng.uniform(-1.5, 1.0)
        box = (x0, y0, x0 + rng.uniform(0.1, 1.0), y0 + rng.uniform(0.1, 1.0))
        points = start + np.linspace(0, 1, 20001)[:, None] * (end - start)
        sampled = bool(np.any((box[0] <= points[:, 0]) & (points[:, 0] <= box[2])
                              & (box[1] <= points[:, 1]) & (points[:, 1] <= box[3])))
        met = segment_meets_box(start, end, box)
        if met != sampled:  # only a graze finer than the samples may differ
            assert met and not sampled
        seen.add(sampled)
    assert seen == {True, False}


def distance(point, start, end) -> float:
    d = end - start
    f = np.clip(np.dot(point - start, d) / np.dot(d, d), 0, 1)
    return float(np.linalg.norm(point - (start + f * d)))


EXAMPLES = {"post": config.load("post")} | {name: config.resolve(raw)
                                            for name, raw in LAYOUTS.items()}


@pytest.fixture(scope="module", params=list(EXAMPLES))
def example(request):
    return request.param, dry_run.run_example("forward", EXAMPLES[request.param], {"precision": 3})


def test_every_label_lies_along_its_own_edge_nearer_it_than_any_other(example):
    """Per weight layer, all labels are shown this way or none is (its equations
    still show every number); the post's and the textbook's networks show all (the
    denser examples here, 2-3-3 and 2-4-4-1 with biases, show none in forward)."""
    name, scene = example
    diagram = scene.net.diagram
    edges = [(layer, edge) for layer in range(len(diagram.edges))
             for edge in diagram.layer_edges(layer)]
    labels = list(scene.weight_labels)
    assert len(labels) == len(edges), f"{name}: one label per edge, biases included"
    shown = {}
    for (layer, own), label in zip(edges, labels):
        shown.setdefault(layer, set()).add(opacity(label) > 0)
        if opacity(label) == 0:
            continue
        centre = label.get_center()[:2]
        near = [distance(centre, e.get_start()[:2], e.get_end()[:2]) for _, e in edges]
        mine = distance(centre, own.get_start()[:2], own.get_end()[:2])
        assert mine == min(near), f"{name}: {label.tex_string} is nearer another edge"
        assert sorted(near)[1] - mine > 0.14, f"{name}: {label.tex_string} is between edges"
        # no other edge runs under its middle: one that must cross it passes under an
        # end (a label centred on a crossing reads as either edge's)
        assert sorted(near)[1] >= 0.35, f"{name}: {label.tex_string} sits on a crossing"
        assert mine <= label.background_rectangle.height / 2 + 0.1, "on or beside its edge"
        # turned with its edge: the backing's long side is parallel to it
        corners = label.background_rectangle.get_vertices()[:, :2]
        sides = [corners[1] - corners[0], corners[2] - corners[1]]
        u = max(sides, key=np.linalg.norm)
        v = own.get_end()[:2] - own.get_start()[:2]
        sine = (u[0] * v[1] - u[1] * v[0]) / np.linalg.norm(u) / np.linalg.norm(v)
        assert abs(sine) < 1e-6, f"{name}: {label.tex_string} is not turned with its edge"
        # not jammed against the node at either end, where other labels gather
        start, end = own.get_start()[:2], own.get_end()[:2]
        along = float(np.dot(centre - start, end - start) / np.dot(end - start, end - start))
        assert 0.2 <= along <= 0.8, f"{name}: {label.tex_string} sits at its edge's end"
    assert all(len(states) == 1 for states in shown.values()), f"{name}: all of a layer or none"
    if name in ("post", "2-2-2 biases"):
        assert all(states == {True} for states in shown.values()), name


BIAS_UNITS = {"post": False, "2-2-2 biases": True, "2-3-3 softmax": True,
              "2-4-4-1": False, "3-4-2 softmax": False}  # 4 nodes + a unit is too tight


def test_biases_are_drawn_as_units_whose_edges_carry_them(example):
    name, scene = example
    diagram, trace = scene.net.diagram, scene.trace
    assert trace.meta["config"]["network"]["bias"] == (name != "post")
    assert len(diagram.bias_units) == (len(trace.layers) - 1 if BIAS_UNITS[name] else 0)
    labels = list(scene.weight_labels)
    assert len(labels) == sum(len(diagram.layer_edges(i)) for i in range(len(diagram.edges)))
    if BIAS_UNITS[name]:
        first = len(diagram.edges[0])
        shown = [label.tex_string for label in labels[first:first + trace.layers[1]]]
        assert shown == [scene.arith.n(b) for b in trace["b0"][0]]



def test_a_label_goes_near_its_preferred_place_before_sparing_the_others_places():
    """Of two places that cross no edge, the one nearer the preferred place wins even
    when it takes a place of another label that has others left: a label at its
    edge's very end crowds the node there (backward's new weights sat there)."""
    shape = rectangle((0, 0), 0.0, 1.0, 1.0)
    # (label, angle, crossings, distance from the preferred place, centre, shape)
    spots = [(0, 0.0, 0, 0.0, (0, 0), shape), (0, 0.0, 0, 0.4, (0, 0), shape),
             (1, 0.0, 0, 0.0, (0, 0), shape), (1, 0.0, 0, 0.05, (0, 0), shape),
             (1, 0.0, 0, 0.1, (0, 0), shape)]
    clash = np.zeros((5, 5), dtype=bool)
    clash[0, 2] = clash[2, 0] = True
    owner = np.array([spot[0] for spot in spots])
    assert _search(spots, clash, owner, 2) == {0: 0, 1: 3}


def grown(label, by: float) -> list:
    """A label's backing (turned with it), grown by ``by`` on every side."""
    (x0, y0), (x1, y1), _, (x3, y3) = label.background_rectangle.get_vertices()[:, :2]
    along = np.hypot(x1 - x0, y1 - y0)
    return rectangle(tuple(label.background_rectangle.get_center()[:2]),
                     np.arctan2(y1 - y0, x1 - x0), along, np.hypot(x3 - x0, y3 - y0), by)


@pytest.mark.parametrize("name, count", [("post", 9), ("2-2-2 biases", 12)])
def test_labels_stand_a_gap_apart_where_all_fit_so(name, count):
    """Two numbers whose backings all but touch read as one: where they fit so (on
    2-2-2 with biases, two stood closer before the gap), each label's backing grown
    by half of LABEL_GAP meets no other's."""
    from scenes.edge_labels import LABEL_GAP

    scene = dry_run.run_example("forward", EXAMPLES[name], {"precision": 3})
    shown = [label for label in scene.weight_labels if opacity(label) > 0]
    assert len(shown) == count
    for k, a in enumerate(shown):
        for b in shown[k + 1:]:
            assert not overlaps(grown(a, LABEL_GAP / 2), grown(b, LABEL_GAP / 2)), (
                a.tex_string, b.tex_string)


def test_labels_that_cannot_stand_a_gap_apart_are_placed_touching_not_hidden(monkeypatch):
    import scenes.edge_labels as edge_labels

    scene = dry_run.run_example("forward", EXAMPLES["post"], {"precision": 3})
    diagram = scene.net.diagram
    monkeypatch.setattr(edge_labels, "LABEL_GAP", 5.0)  # no two labels that far apart
    labels = [scene.net.edge_label("0.000", "#ffffff", "#000000")
              for _ in diagram.layer_edges(1)]
    assert edge_labels.place_along_edges(diagram, [(1, k, m) for k, m in enumerate(labels)], [])
    for k, a in enumerate(labels):
        assert not any(overlaps(grown(a, 0), grown(b, 0)) for b in labels[k + 1:])


def grown_along(label, across: float, along: float) -> list:
    """A label's backing grown by ``across`` on every side and ``along`` more at its
    two ends."""
    (x0, y0), (x1, y1), _, (x3, y3) = label.background_rectangle.get_vertices()[:4, :2]
    return rectangle(tuple(label.background_rectangle.get_center()[:2]),
                     np.arctan2(y1 - y0, x1 - x0), np.hypot(x1 - x0, y1 - y0) + 2 * along,
                     np.hypot(x3 - x0, y3 - y0), across)


@pytest.fixture(scope="module")
def backward():
    return dry_run.run_example("backward", config.load("post"), {"precision": 3}, "post")


def test_numbers_that_replace_the_weights_stand_well_apart_end_to_end(backward):
    """Two numbers end to end with an edge's stroke between them read as a subtraction
    ("0.390-0.193", where backward's last step put iteration 1's weights where the
    shorter old ones stood). Its last frame: every label clear of every other by
    LABEL_GAP, and by END_GAP more at each end."""
    from scenes.edge_labels import END_GAP, LABEL_GAP

    shown = [label for label in backward.weight_labels if opacity(label) > 0]
    assert len(shown) == 9 and all(len(label.tex_string) == 5 for label in shown)  # 0.793
    for k, a in enumerate(shown):
        for b in shown[k + 1:]:
            assert not overlaps(grown_along(a, LABEL_GAP / 2, END_GAP),
                                grown_along(b, LABEL_GAP / 2, END_GAP)), (
                a.tex_string, b.tex_string)


STUB = 0.6  # of an edge seen before a label on it, at least: shorter, a viewer read the
# stub between the node and the digits as a minus ("-0.104")


def lying_on_edges(scene) -> list[tuple[float, list[tuple[int, str, float]]]]:
    """Per snapshot, its time and (edge, text, stub) for every text that lies on an
    edge (centred on it, turned with it), where ``stub`` is how much of the edge is
    seen between the node it leaves (its circle's rim) and the text's backing."""
    diagram = scene.net.diagram
    rim = max(node.width for node in diagram.all_nodes()) / 2
    edges = [(edge.get_start()[:2], edge.get_end()[:2]) for layer in range(len(diagram.edges))
             for edge in diagram.layer_edges(layer)]
    found = []
    for (_, texts), time in zip(scene.snapshots, scene.snapshot_times):
        lying = []
        for _, text, _, _, shape in texts:
            corners = np.array(shape, dtype=float)
            centre = corners.mean(axis=0)
            long_side = max((corners[1] - corners[0], corners[2] - corners[1]),
                            key=np.linalg.norm)
            for n, (start, end) in enumerate(edges):
                d = end - start
                along = float(np.dot(centre - start, d) / np.dot(d, d))
                parallel = abs(long_side[0] * d[1] - long_side[1] * d[0]) < 1e-3 * (
                    np.linalg.norm(long_side) * np.linalg.norm(d))
                # (a node's name is centred on its node)
                outside = rim < along * np.linalg.norm(d) < np.linalg.norm(d) - rim
                if parallel and outside and distance(centre, start, end) < 0.02:
                    stub = along * np.linalg.norm(d) - rim - np.linalg.norm(long_side) / 2
                    lying.append((n, text, float(stub)))
        found.append((time, lying))
    return found


def short_stubs(scene) -> list[tuple[float, str, float]]:
    """(time, text, stub) for every text on an edge with less than STUB of it before."""
    return [(round(time, 1), text, round(stub, 2)) for time, lying in lying_on_edges(scene)
            for _, text, stub in lying if stub < STUB]


def test_no_stub_of_edge_before_a_number_on_it_reads_as_a_minus(backward):
    """Where a number lies on its edge just past the node the edge leaves, the short
    piece of edge before its first digit reads as a minus: "−0.104" (backward 1:40).
    Through all of backward, every text on an edge has STUB of it before."""
    assert short_stubs(backward) == []


def test_no_two_numbers_lie_on_one_edge_end_to_end(backward):
    """A weight and the gradient its update takes, both on their edge, end to end,
    read as a subtraction: "0.5 ━ 0.969" (backward 2:33). The gradient stands over or
    under its weight: in no snapshot of backward do two texts lie on one edge."""
    shared = {(round(time, 1), tuple(sorted(texts)))
              for time, lying in lying_on_edges(backward)
              for edge in {n for n, _, _ in lying}
              if len(texts := [text for n, text, _ in lying if n == edge]) > 1}
    assert shared == set()


def test_a_weights_name_tag_stands_beside_its_edge(backward):
    """"v₂₁ = 0.5" lying on its edge, the edge running on at both ends, was read as
    a subtraction (backward 0:13): where the tags fit beside the edges, none lies on
    one."""
    named = {text for time, lying in lying_on_edges(backward) for _, text, _ in lying
             if "=" in text}
    assert named == set()
    seen = {text for _, texts in backward.snapshots for _, text, *_ in texts}
    assert any(text.startswith("v_{21} = ") for text in seen), "the tags are shown"
