"""The post's network diagram with its numbers: inputs, weights on the edges,
node values and the label. Built on NetworkDiagram; knows nothing of the story."""

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, MathTex, VGroup

from scenes import layout
from scenes.edge_labels import APART, CALM, TIERS, WELL_APART, EdgeLabel, opacity, place_along_edges
from scenes.network_diagram import NetworkDiagram
from scenes.pulses import pulse
from scenes.tex import Formula

EDGE_LABEL_SIZE = 48  # digits 20 px tall at 480p
EDGE_LABEL_DEPTH = 1.6  # an edge's label is drawn over what flashes along the edges (a
# pulse's head at 1.5): an arrowhead passing before a number read as a minus sign
CROWDED_SCALE = 0.85  # edge labels of a layer that stand apart only smaller (17 px)
SMALL_SCALE = 0.75  # the smallest they stand (15 px), before a stub of edge before one
# that reads as a minus, or two end to end that read as a subtraction
# (scale, tiers, stubs) a weight layer's labels try in turn: calm at full size, else
# smaller; well apart, at full size, else smaller; apart with stubs; else touching
LAYER_PASSES = ((1.0, CALM, False), (CROWDED_SCALE, CALM, False), (1.0, WELL_APART, False),
                (CROWDED_SCALE, WELL_APART, False), (SMALL_SCALE, WELL_APART, False),
                (1.0, APART, True), (CROWDED_SCALE, APART, True),
                (1.0, TIERS, True))
VALUE_SIZE = 48
MIN_BIAS_SPACING = 1.2  # bias units are drawn when nodes stay this far apart
BACKING = 0.03  # a node label's backing reaches this far beyond its glyphs
GRADIENT_FRAME = 1.5  # stroke width of the frame around a gradient's number
LABEL_GAP = 0.07  # between node labels: more than their two backings
# a value sits above its node and left of its centre, a gradient below and right of it:
# in a column, one node's gradient and the next one's value are apart, not a column
STAGGER = 0.06
STAGGERED = ("above-left", "below-right")
SPLIT = 0.1  # a label beside a node keeps this far above or below its middle line


class StoryNetwork(VGroup):
    """Nodes, edges, weight labels and value labels of a small network."""

    def __init__(self, layers: list[int], theme: dict, font: str, max_abs_weight: float,
                 width: float = layout.STORY_NETWORK_WIDTH, bias: bool = False,
                 top: float = layout.STORY_NODES_TOP):
        """``top``: the highest node centre without bias units (a scene with more
        under its title than the title lowers it)."""
        super().__init__()
        self.theme = theme
        self.bias = bias and self.room_for_bias_units(layers)
        # the tallest column spans the band where node centres may sit
        top = layout.STORY_BIAS_TOP if self.bias else top
        band = top - layout.STORY_NODES_BOTTOM
        slots = self.slots(layers, self.bias)
        height = band * slots / (slots - 1) if slots > 1 else band
        self.diagram = NetworkDiagram(layers, width, height, theme, font, max_abs_weight,
                                      max_spacing=1.95, bias=self.bias, solid=True)
        self.diagram.shift([layout.STORY_NETWORK_X, (top + layout.STORY_NODES_BOTTOM) / 2, 0])
        for column in self.diagram.nodes:
            for node in column:
                node.scale(1.25)
        for node in self.diagram.all_nodes():  # above edges and what flashes along them
            node.set_z_index(1)
        self.slots: dict[tuple, str] = {}
        self.taken: list = []
        self.crowded: set[tuple] = set()  # labels that found no free side
        self.clear: set[tuple] = set()  # labels on a free side with no edge under it
        self.fitted: dict[tuple, int] = {}  # which of first_clear_label's texts a slot took
        self.add(self.diagram)

    @staticmethod
    def slots(layers: list[int], bias: bool) -> int:
        """Places in the tallest column: a bias unit takes one on top of each layer
        that feeds another."""
        return max(n + (1 if bias and i < len(layers) - 1 else 0) for i, n in enumerate(layers))

    @classmethod
    def room_for_bias_units(cls, layers: list[int]) -> bool:
        """Whether bias units leave nodes far enough apart for their value and
        gradient labels; where they do not, the equations alone show the biases."""
        band = layout.STORY_BIAS_TOP - layout.STORY_NODES_BOTTOM
        return band / (cls.slots(layers, True) - 1) >= MIN_BIAS_SPACING

    @property
    def layers(self) -> list[int]:
        return self.diagram.layers

    def node(self, layer: int, k: int):
        return self.diagram.nodes[layer][k]

    def edge(self, layer: int, a: int, b: int):
        return self.diagram.edges[layer][a * self.layers[layer + 1] + b]

    def flash(self, edge, colour: str, reverse: bool = False):
        """A pulse along an edge whose head stops at the rim of the node it reaches."""
        radius = self.diagram.all_nodes()[0].width / 2
        return pulse(edge, colour, reverse=reverse, end_gap=radius)

    def name_nodes(self, names: list[list[str]], color: str) -> VGroup:
        """Each node's name (TeX) written inside it: x₁, h₁, ŷ, as the equations call
        them."""
        group = VGroup()
        for layer, row in enumerate(names):
            for k, name in enumerate(row):
                group.add(Formula(name, font_size=VALUE_SIZE - 2, color=color).move_to(
                    self.node(layer, k)).set_z_index(2))
        self.names = group
        self.add(group)
        return group

    def edges_into(self, layer: int, b: int) -> list:
        """The edges that feed node b of diagram layer ``layer`` (its bias edge too)."""
        group = layer - 1
        edges = [self.edge(group, a, b) for a in range(self.layers[group])]
        if self.bias:
            edges.append(self.diagram.bias_edges[group][b])
        return edges

    def edges_out_of(self, layer: int, a: int) -> list:
        """The edges that leave node a of diagram layer ``layer``."""
        return [self.edge(layer, a, b) for b in range(self.layers[layer + 1])]

    def edge_values(self, layer: int, weights: np.ndarray, biases: np.ndarray | None = None
                    ) -> list[float]:
        """A weight layer's numbers in the order of its edges and their labels: every
        weight, then (with biases) every bias."""
        values = [float(weights[a, b]) for a, b in self.diagram.edge_pairs(layer)]
        if self.bias and biases is not None:
            values += [float(biases[b]) for b in range(self.layers[layer + 1])]
        return values

    def make_weight_labels(self, texts: list[list[str]], color: str, avoid: list,
                           background: str) -> VGroup:
        """MathTex labels for every edge (texts[layer][edge], bias edges after the
        weights), each lying along its own edge, in edge order. A layer whose labels
        cannot all be placed apart at a legible size has them hidden (opacity 0): its
        equations still show every number."""
        group = VGroup()
        for layer, row in enumerate(texts):
            labels = [self.edge_label(text, color, background) for text in row]
            self.place_layer(layer, labels, avoid + [m for m in group if opacity(m) > 0])
            group.add(*labels)
        return group

    def place_layer(self, layer: int, labels: list, avoid: list) -> bool:
        """Lay a weight layer's labels along its edges as the first of LAYER_PASSES
        that fits them all has it; hide them all where none does (a partial set would
        leave edges whose number is a guess)."""
        items = [(layer, k, m) for k, m in enumerate(labels)]
        size = 1.0
        for scale, tiers, stubs in LAYER_PASSES:
            for label in labels:
                label.scale(scale / size)
            size = scale
            if place_along_edges(self.diagram, items, avoid, tiers=tiers, stubs=stubs):
                return True
        for label in labels:
            label.set_opacity(0)
        return False

    def edge_label(self, text: str, color: str, background: str) -> MathTex:
        """A weight's label, or its gradient's; a backing in the background colour keeps
        its digits legible where it lies on its edge. Never framed: a frame marks a
        node's gradient, and an edge's gradient is told by its edge, drawn as the key's
        gradient edge."""
        label = EdgeLabel(text, font_size=EDGE_LABEL_SIZE, color=color)
        label.add_background_rectangle(color=background, opacity=0.85, buff=0.05)
        return label.set_z_index(EDGE_LABEL_DEPTH)

    def framed(self, label: MathTex, color: str) -> MathTex:
        """A node's gradient is framed in its colour: a cue besides colour (values and
        gradients differ only in hue for many colour-blind viewers)."""
        if color == self.theme["gradient"]:
            label.background_rectangle.set_stroke(color, width=GRADIENT_FRAME, opacity=1)
        return label

    # Where a node's labels may go, in order of preference
    SIDES = {
        "value": ("above-left", "right-above", "up", "up-left", "up-right", "left", "right"),
        "gradient": ("below-right", "right-below", "down", "down-far", "down-right", "right",
                     "down-left", "up-right", "left"),
        "target": ("right", "down-right", "up-right"),
        "input": ("left",),
    }

    def node_label(self, kind: str, layer: int, k: int, text: str, color: str) -> MathTex:
        """A label beside a node, on the first side (in SIDES' order) that stays in the
        safe area, overlaps no other node label and has no edge under it; else the
        first such side with an edge under it; else the least crowded. The side is
        kept for later labels of that slot."""
        label = Formula(text, font_size=VALUE_SIZE, color=color)
        node = self.node(layer, k)
        key = (kind, layer, k)
        if key not in self.slots:
            sides = self.SIDES[kind]
            if self.layers[layer] == 1:  # a lone node: nothing above or below to stagger from
                sides = tuple(side for side in sides if side not in STAGGERED)
            free, crowded = [], []  # sides clear of other labels; the rest, by overlap
            # its own node is not in the way: a side is placed beside it already
            others = self.taken + [layout.box(n) for n in self.diagram.all_nodes()
                                   if n is not node]
            for side in sides:
                box = layout.box(self._beside(label, node, side))
                if not layout.inside_safe_area(box):
                    continue
                shared = layout.overlap(box, others, LABEL_GAP)
                # crowded sides by what they cover, backings included, then by what
                # their margin does
                (crowded if shared else free).append(
                    ((layout.overlap(box, others, 2 * BACKING), shared), side, box))
            # better still where no edge runs under it: a number on a line is read as
            # belonging to that line; where no side is free, the least crowded
            clear = [side for _, side, box in free if not self.crosses_edges(box)]
            side = (clear or [side for _, side, _ in free + sorted(crowded)] or [sides[0]])[0]
            if not free:
                self.crowded.add(key)
            if clear:
                self.clear.add(key)
            self.slots[key] = side
            self.taken.append(layout.box(self._beside(label, node, side)))
        label = self._beside(label, node, self.slots[key])
        # a backing keeps digits legible where a label sits on edges, drawn over them (an
        # edge lit white cut the corner of ∂L/∂ŷ's frame)
        return self.framed(label.add_background_rectangle(
            color=self.theme["background"], opacity=0.85, buff=BACKING), color
        ).set_z_index(EDGE_LABEL_DEPTH)

    def first_clear_label(self, kind: str, layer: int, k: int, texts: list[str], color: str
                          ) -> MathTex:
        """The first of ``texts`` (longest first, say) whose label finds a free side
        with no edge under it; else the last text, placed as ``node_label`` would. A
        text that does not fit leaves no trace: its side is chosen anew for the next."""
        key = (kind, layer, k)
        if key in self.slots:  # placed before: its side stays, and so does what fitted there
            return self.node_label(kind, layer, k, texts[self.fitted.get(key, -1)], color)
        for n, text in enumerate(texts[:-1]):
            label = self.node_label(kind, layer, k, text, color)
            if key in self.clear:
                self.fitted[key] = n
                return label
            self.forget(key)
        self.fitted[key] = len(texts) - 1
        return self.node_label(kind, layer, k, texts[-1], color)

    def clear_label(self, kind: str, layer: int, k: int, text: str, color: str
                    ) -> MathTex | None:
        """The label where a free side with no edge under it holds it (placed before:
        there again); else None, and no trace of the try."""
        key = (kind, layer, k)
        if key in self.slots:
            return self.node_label(kind, layer, k, text, color) if key in self.clear else None
        label = self.node_label(kind, layer, k, text, color)
        if key in self.clear:
            return label
        self.forget(key)
        return None

    def forget(self, key: tuple) -> None:
        """Undo the last label's placing, which was this slot's."""
        self.slots.pop(key)
        self.taken.pop()
        self.crowded.discard(key)

    def crosses_edges(self, box) -> bool:
        """Whether any edge of the diagram passes through the box, grown by LABEL_GAP."""
        grown = (box[0] - LABEL_GAP, box[1] - LABEL_GAP, box[2] + LABEL_GAP, box[3] + LABEL_GAP)
        return any(layout.segment_meets_box(edge.get_start(), edge.get_end(), grown)
                   for layer in range(len(self.layers) - 1)
                   for edge in self.diagram.layer_edges(layer))

    def node_boxes(self) -> list:
        return [layout.box(n) for n in self.diagram.all_nodes()]

    @staticmethod
    def _beside(label: MathTex, node, side: str) -> MathTex:
        centre = node.get_center()[0]
        if side == "above-left":
            label.next_to(node, UP, buff=0.08)
            return label.shift(RIGHT * (centre - STAGGER - label.get_right()[0]))
        if side == "below-right":
            label.next_to(node, DOWN, buff=0.08)
            return label.shift(RIGHT * (centre + STAGGER - label.get_left()[0]))
        if side in ("right-above", "right-below"):  # beside it, above or below the middle
            label.next_to(node, RIGHT, buff=0.08)
            middle = node.get_center()[1]
            if side == "right-above":
                return label.shift(UP * (middle + SPLIT - label.get_bottom()[1]))
            return label.shift(UP * (middle - SPLIT - label.get_top()[1]))
        if side == "down-far":  # below, clear of edges that fan out just under the node
            return label.next_to(node, DOWN, buff=0.45)
        first, _, second = side.partition("-")
        vertical = {"up": UP, "down": DOWN}.get(first)
        horizontal = {"left": LEFT, "right": RIGHT}
        if vertical is None:
            return label.next_to(node, horizontal[first], buff=0.15)
        label.next_to(node, vertical, buff=0.08)
        if second:
            label.next_to(node, horizontal[second], buff=0.1)
            label.align_to(node, UP if first == "down" else DOWN)
            label.shift(vertical * (label.height * 0.6))
        return label

    def value_label(self, layer: int, k: int, text: str, color: str) -> MathTex:
        """A node's value: above it (inputs: to their left)."""
        return self.node_label("input" if layer == 0 else "value", layer, k, text, color)

    def gradient_label(self, layer: int, k: int, text: str, color: str) -> MathTex:
        """A node's gradient: below it, or beside it where that is taken."""
        return self.node_label("gradient", layer, k, text, color)

    def target_label(self, k: int, text: str, color: str) -> MathTex:
        """What an output is compared with, beside the output node."""
        return self.node_label("target", len(self.layers) - 1, k, text, color)
