"""The post's network diagram with its numbers: inputs, weights on the edges,
node values and the label. Built on NetworkDiagram; knows nothing of the story."""

import numpy as np
from manim import LEFT, RIGHT, UP, MathTex, VGroup

from scenes import layout
from scenes.network_diagram import NetworkDiagram, place_on_edges

EDGE_LABEL_SIZE = 40
VALUE_SIZE = 40


class StoryNetwork(VGroup):
    """Nodes, edges, weight labels and value labels of a small network."""

    def __init__(self, layers: list[int], theme: dict, font: str, max_abs_weight: float):
        super().__init__()
        self.theme = theme
        self.diagram = NetworkDiagram(layers, layout.STORY_NETWORK_WIDTH,
                                      layout.STORY_NETWORK_HEIGHT, theme, font, max_abs_weight)
        self.diagram.move_to(layout.STORY_NETWORK_CENTER)
        for column in self.diagram.nodes:
            for node in column:
                node.scale(1.25)
        self.weight_labels: dict[tuple[int, int], MathTex] = {}
        self.add(self.diagram)

    @property
    def layers(self) -> list[int]:
        return self.diagram.layers

    def node(self, layer: int, k: int):
        return self.diagram.nodes[layer][k]

    def edge(self, layer: int, a: int, b: int):
        return self.diagram.edges[layer][a * self.layers[layer + 1] + b]

    def make_weight_labels(self, texts: list[list[str]], color: str, avoid: list) -> VGroup:
        """MathTex labels for every edge (texts[layer][edge]) placed apart on the edges."""
        group, items = VGroup(), []
        for layer, row in enumerate(texts):
            for k, text in enumerate(row):
                label = MathTex(text, font_size=EDGE_LABEL_SIZE, color=color)
                items.append((layer, k, label))
                group.add(label)
        place_on_edges(self.diagram, items, avoid)
        return group

    def value_label(self, layer: int, k: int, text: str, color: str) -> MathTex:
        """A value written just above a node (inputs: to their left)."""
        label = MathTex(text, font_size=VALUE_SIZE, color=color)
        node = self.node(layer, k)
        if layer == 0:
            return label.next_to(node, LEFT, buff=0.2)
        if layer == len(self.layers) - 1:
            return label.next_to(node, RIGHT, buff=0.2)
        return label.next_to(node, UP, buff=0.08)

    def edge_path(self, layer: int, a: int, b: int, backwards: bool = False) -> np.ndarray:
        line = self.edge(layer, a, b)
        start, end = line.get_start(), line.get_end()
        return (end, start) if backwards else (start, end)


