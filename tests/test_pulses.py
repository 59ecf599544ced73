"""What travels along an edge leads with an arrowhead at its front, pointing the way
it goes, so that a still frame shows the direction (scenes.pulses)."""

import numpy as np
import pytest
from manim import Line, VMobject

from scenes.pulses import pulse


def bent() -> VMobject:
    return VMobject().set_points_as_corners([[-4, 1, 0], [-1, 1, 0], [0, 0, 0]])


@pytest.mark.parametrize("path, reverse", [(Line([0, 0, 0], [4, 0, 0]), False),
                                           (Line([0, 0, 0], [4, 0, 0]), True),
                                           (Line([1, 2, 0], [-2, -1, 0]), True),
                                           (bent(), False)])
def test_the_head_leads_the_streak_and_points_the_way(path, reverse):
    group = pulse(path, "#ff0000", reverse=reverse)
    group.begin()
    streak, head = group.animations
    for alpha in (0.15, 0.3, 0.45):
        group.interpolate(alpha)
        points = streak.mobject.points  # in the order it travels: the front is last
        front = points[-1]
        onward = next(front - p for p in points[-2::-1] if np.linalg.norm(front - p) > 1e-6)
        centre = head.mobject.get_center()
        assert np.linalg.norm(centre - front) < 0.02, (alpha, centre, front)
        # an equilateral head: one corner points straight on (the others are 120° off)
        best = max(np.dot(c - centre, onward) / np.linalg.norm(c - centre)
                   / np.linalg.norm(onward) for c in head.mobject.get_vertices())
        assert best > 0.99, (alpha, best)


def test_the_streak_runs_from_the_end_when_reversed():
    line = Line([0, 0, 0], [4, 0, 0])
    for reverse, first in ((False, 0.0), (True, 4.0)):
        group = pulse(line, "#ff0000", reverse=reverse)
        group.begin()
        group.interpolate(0.2)
        streak, head = group.animations
        assert abs(streak.mobject.points[0][0] - first) < 1e-6
        assert abs(head.mobject.get_center()[0] - first) < 1.0


@pytest.mark.parametrize("reverse", [False, True])
def test_the_head_stops_at_the_rim_of_the_node_it_reaches(reverse):
    """A node of radius 0.4 at each end: the head waits outside it (its name stays
    clear), while the streak runs on to the end."""
    line = Line([0, 0, 0], [4, 0, 0])
    group = pulse(line, "#ff0000", reverse=reverse, end_gap=0.4)
    group.begin()
    streak, head = group.animations
    end = 0.0 if reverse else 4.0
    for alpha in (0.7, 0.85, 0.99):
        group.interpolate(alpha)
        corners = [abs(c[0] - end) for c in head.mobject.get_vertices()]
        assert min(corners) >= 0.4 - 1e-6, alpha
    assert abs(streak.mobject.points[-1][0] - end) < 1e-6
    group.interpolate(1.0)
    assert head.mobject.get_fill_opacity() == 0, "gone with its streak"


def test_what_flashes_along_an_edge_passes_under_the_numbers_on_it():
    """An arrowhead stopping just before "0.5" on its edge read as a minus sign
    (backward 0:12): a pulse, streak and head, is drawn under an edge's label, which
    manim draws over whatever has a lower z-index."""
    from scenes import layout
    from scenes.settings import load_theme
    from scenes.story_network import StoryNetwork

    theme = load_theme("dark")
    net = StoryNetwork([2, 3, 1], theme, "DejaVu Sans", 1.0, layout.STORY_NETWORK_WIDTH, False)
    label = net.edge_label("0.5", theme["text"], theme["background"])
    streak, head = net.flash(net.edge(1, 1, 0), theme["gradient"], reverse=True).animations
    under = max(streak.mobject.z_index, head.mobject.z_index)
    assert all(part.z_index > under for part in label.get_family())


def test_a_nodes_label_is_drawn_over_the_edges_it_sits_on():
    """The h₃ → ŷ edge, lit white, cut the top-left corner of ∂L/∂ŷ's frame beside ŷ
    (cycle 1:33): a node's label, frame and backing, lies over every edge."""
    from scenes import layout
    from scenes.settings import load_theme
    from scenes.story_network import StoryNetwork

    theme = load_theme("dark")
    net = StoryNetwork([2, 3, 1], theme, "DejaVu Sans", 1.0, layout.STORY_NETWORK_WIDTH, False)
    label = net.gradient_label(2, 0, r"\partial L/\partial \hat{y} = 1.233", theme["gradient"])
    top = max(edge.z_index for layer in range(2) for edge in net.diagram.layer_edges(layer))
    assert all(part.z_index > top for part in label.get_family())
