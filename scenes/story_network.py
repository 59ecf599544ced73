"""The post's network diagram with its numbers: inputs, weights on the edges,
node values and the label. Built on NetworkDiagram; knows nothing of the story."""

import numpy as np
from manim import LEFT, RIGHT, UP, MathTex, VGroup

from scenes import layout
from scenes.network_diagram import NetworkDiagram, place_on_edges

EDGE_LABEL_SIZE = 48  # digits 20 px tall at 480p
VALUE_SIZE = 48


class StoryNetwork(VGroup):
    """Nodes, edges, weight labels and value labels of a small network."""

    def __init__(self, layers: list[int], theme: dict, font: str, max_abs_weight: float):
        super().__init__()
        self.theme = theme
        self.diagram = NetworkDiagram(layers, layout.STORY_NETWORK_WIDTH,
                                      layout.STORY_NETWORK_HEIGHT, theme, font, max_abs_weight,
                                      max_spacing=1.95)
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
        place_on_edges(self.diagram, items, avoid, pad=0.06)
        for label in group:  # a backing in the background colour keeps digits legible
            label.add_background_rectangle(color=self.theme["background"], opacity=0.85,
                                           buff=0.04)
        return group

    def value_label(self, layer: int, k: int, text: str, color: str) -> MathTex:
        """A value written just above a node (inputs: to their left)."""
        label = MathTex(text, font_size=VALUE_SIZE, color=color)
        node = self.node(layer, k)
        if layer == 0:
            return label.next_to(node, LEFT, buff=0.2)
        return label.next_to(node, UP, buff=0.08)

    def target_label(self, k: int, text: str, color: str) -> MathTex:
        """The label an output is compared with, to the output node's right."""
        label = MathTex(text, font_size=VALUE_SIZE, color=color)
        return label.next_to(self.node(len(self.layers) - 1, k), RIGHT, buff=0.2)

    def edge_path(self, layer: int, a: int, b: int, backwards: bool = False) -> np.ndarray:
        line = self.edge(layer, a, b)
        start, end = line.get_start(), line.get_end()
        return (end, start) if backwards else (start, end)


