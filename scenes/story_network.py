"""The post's network diagram with its numbers: inputs, weights on the edges,
node values and the label. Built on NetworkDiagram; knows nothing of the story."""

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, MathTex, VGroup

from scenes import layout
from scenes.network_diagram import NetworkDiagram, place_on_edges

EDGE_LABEL_SIZE = 48  # digits 20 px tall at 480p
VALUE_SIZE = 48


class StoryNetwork(VGroup):
    """Nodes, edges, weight labels and value labels of a small network."""

    def __init__(self, layers: list[int], theme: dict, font: str, max_abs_weight: float,
                 width: float = layout.STORY_NETWORK_WIDTH):
        super().__init__()
        self.theme = theme
        self.diagram = NetworkDiagram(layers, width,
                                      layout.STORY_NETWORK_HEIGHT, theme, font, max_abs_weight,
                                      max_spacing=1.95)
        self.diagram.move_to(layout.STORY_NETWORK_CENTER)
        for column in self.diagram.nodes:
            for node in column:
                node.scale(1.25)
        self.slots: dict[tuple, str] = {}
        self.taken: list = []
        self.edge_labels_shown = True
        self.add(self.diagram)

    @property
    def layers(self) -> list[int]:
        return self.diagram.layers

    def node(self, layer: int, k: int):
        return self.diagram.nodes[layer][k]

    def edge(self, layer: int, a: int, b: int):
        return self.diagram.edges[layer][a * self.layers[layer + 1] + b]

    def make_weight_labels(self, texts: list[list[str]], color: str, avoid: list,
                           background: str) -> VGroup:
        """MathTex labels for every edge (texts[layer][edge]) placed apart on the edges;
        an empty group when they cannot all be placed apart at a legible size (the
        equations still show every weight)."""
        group, items = VGroup(), []
        for layer, row in enumerate(texts):
            for k, text in enumerate(row):
                label = MathTex(text, font_size=EDGE_LABEL_SIZE, color=color)
                items.append((layer, k, label))
                group.add(label)
        if not place_on_edges(self.diagram, items, avoid, pad=0.06):
            self.edge_labels_shown = False
            return VGroup()
        for label in group:  # a backing in the background colour keeps digits legible
            label.add_background_rectangle(color=background, opacity=0.85, buff=0.04)
        return group

    # Where a node's labels may go, in order of preference
    SIDES = {
        "value": ("up", "up-left", "up-right", "left"),
        "gradient": ("down", "down-right", "right", "down-left"),
        "target": ("right", "down-right", "up-right"),
        "input": ("left",),
    }

    def node_label(self, kind: str, layer: int, k: int, text: str, color: str) -> MathTex:
        """A label beside a node, on the first side where it overlaps no other node
        label and stays in the frame; the side is kept for later labels of that slot."""
        label = MathTex(text, font_size=VALUE_SIZE, color=color)
        node = self.node(layer, k)
        key = (kind, layer, k)
        if key not in self.slots:
            for side in self.SIDES[kind]:
                box = layout.box(self._beside(label, node, side))
                inside = (-layout.FRAME_X <= box[0] and box[2] <= layout.FRAME_X
                          and -4 <= box[1] and box[3] <= 4)
                if inside and layout.overlap(box, self.taken + self.node_boxes(), 0.04) == 0:
                    break
            else:
                side = self.SIDES[kind][0]
            self.slots[key] = side
            self.taken.append(layout.box(self._beside(label, node, side)))
        label = self._beside(label, node, self.slots[key])
        # a backing keeps digits legible where a label sits on edges
        return label.add_background_rectangle(color=self.theme["background"], opacity=0.85,
                                              buff=0.03)

    def node_boxes(self) -> list:
        return [layout.box(n) for column in self.diagram.nodes for n in column]

    @staticmethod
    def _beside(label: MathTex, node, side: str) -> MathTex:
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

    def edge_path(self, layer: int, a: int, b: int, backwards: bool = False) -> np.ndarray:
        line = self.edge(layer, a, b)
        start, end = line.get_start(), line.get_end()
        return (end, start) if backwards else (start, end)


