"""The training network's key: orange and blue are one palette, the sign of a weight
or a value and, with two classes, the class (class 0 is the negative side of the
output's score); the key says so. The numbers on the edges are keyed with the edges."""

import numpy as np
from manim import Square, Text, tempconfig

from core import config, trainer
from scenes import layout
from scenes.panels import NetworkPanel, PlanePanel
from tests.test_training_panels import SINE, look

SMALL = {"trace": {"grid": 20, "frames": 3, "neuron_grid": 8}}


def train(raw: dict):
    return trainer.train(config.resolve(raw | SMALL))


def key_lines(trace, **options) -> list[tuple[list[str], object]]:
    """The key's lines under the network: each one's texts, and the line itself."""
    with tempconfig({"quality": "low_quality"}):
        key = NetworkPanel(trace, layout.TRAINING_NETWORK, look(), **options).key()
    return [([m.original_text for m in line.get_family() if isinstance(m, Text)], line)
            for line in key]


def swatch_beside(line, text: str) -> np.ndarray:
    """The fill of the square just left of ``text`` in a key line, as RGB in 0-1."""
    words = next(m for m in line.get_family() if isinstance(m, Text) and m.original_text == text)
    squares = [m for m in line.get_family() if isinstance(m, Square)
               and m.get_right()[0] <= words.get_left()[0] + 1e-6]
    square = max(squares, key=lambda m: m.get_right()[0])
    return np.array(square.get_fill_color().to_rgb())


def test_two_classes_are_keyed_with_the_signs_whose_colours_they_share():
    trace = train({"network": {"layers": [2, 3, 1]},
                   "data": {"dataset": "moons", "n_samples": 40}, "train": {"iterations": 5}})
    lines = key_lines(trace)
    texts, values = lines[1]
    assert texts == ["value:", "< 0, class 0", "> 0, class 1"]
    with tempconfig({"quality": "low_quality"}):
        palette = PlanePanel(trace, layout.TRAINING_PLANE, look()).palette
    for k, text in enumerate(texts[1:]):  # the very colour the plane gives the class
        assert np.allclose(swatch_beside(values, text), palette[k], atol=1 / 255), text


def test_a_regression_or_three_classes_keep_class_words_out_of_the_sign_key():
    """Several classes have colours of their own, unlike either sign; a regression has
    no class."""
    three = train({"network": {"layers": [2, 3, 3], "output": "softmax", "loss": "ce"},
                   "data": {"dataset": "blobs", "classes": 3, "n_samples": 45},
                   "train": {"iterations": 5}})
    sine = train(SINE)
    for trace in (three, sine):
        texts, _ = key_lines(trace)[1]
        assert texts == ["value:", "< 0", "> 0"]


def test_the_numbers_on_the_edges_are_keyed_in_the_edges_row():
    trace = train({"network": {"layers": [2, 2, 1]},
                   "data": {"dataset": "xor", "n_samples": 40}, "train": {"iterations": 5}})
    (edge_texts, edges), (value_texts, _), *rest = key_lines(trace, labels=True)
    assert edge_texts == ["w < 0", "w > 0", "width: |w| · numbers: w"]
    assert len(edges) == 1  # one row, not broken
    assert not any("numbers" in text for text in value_texts)
    # no further right than the line of words under it
    widest_words = max(line.width for _, line in rest)
    assert edges.width <= widest_words + 0.2
