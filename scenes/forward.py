"""The post's forward pass: signals travel layer by layer and every node writes
its arithmetic, h = sum of inputs x weights, then its activation, then the loss."""

import numpy as np
from manim import FadeIn, FadeOut, ShowPassingFlash, Write

from scenes.story import StoryScene
from scenes.story_network import StoryNetwork


class ForwardScene(StoryScene):
    """Forward pass of one sample through a small network (the post's 2-3-1)."""

    def construct(self) -> None:
        self.setup_story()
        self.title_mobject = self.title("forward")
        self.add(self.title_mobject)
        self.net = self.draw_network(t=0)
        self.forward_pass(t=0)
        self.wait(1.5)
        self.end_captions()

    def draw_network(self, t: int) -> StoryNetwork:
        """The diagram with input values, the label and every weight at state t."""
        tr, a = self.trace, self.arith
        max_abs = max(float(np.abs(tr[f"W{i}"]).max()) for i in range(len(tr.layers) - 1))
        net = StoryNetwork(tr.layers, self.theme, self.font, max_abs)
        net.diagram.set_weights(tr.weights(t))
        inputs = [net.value_label(0, i, f"{a.act_name(0, i)[0]} = {a.act_text(0, i, t)}",
                                  self.theme["forward"]) for i in range(tr.layers[0])]
        target = net.target_label(0, f"y = {a.data(self.label())}", self.theme["muted"])
        placeholders = [net.value_label(layer, j, self.value_text(layer, j, t),
                                        self.theme["text"])
                        for layer in range(1, len(tr.layers)) for j in range(tr.layers[layer])]
        texts = [[a.n(a.weight(layer, i, j, t)) for i in range(tr.layers[layer])
                  for j in range(tr.layers[layer + 1])] for layer in range(len(tr.layers) - 1)]
        self.weight_labels = net.make_weight_labels(texts, self.theme["text"],
                                                    inputs + [target] + placeholders
                                                    + [self.title_mobject])
        self.add(net, *inputs, target, self.weight_labels)
        self.cue(self.labels["forward"] + ": " + ", ".join(
            f"{a.act_name(0, i)[1]} = {a.act_text(0, i, t)}" for i in range(tr.layers[0]))
            + f", y = {a.data(self.label())}")
        self.wait(1.0)
        return net

    def value_text(self, layer: int, j: int, t: int) -> str:
        """What a node shows above itself: its output (outputs with their name)."""
        value = self.arith.n(self.arith.activation(layer, j, t))
        if layer == len(self.trace.layers) - 1:
            return f"{self.arith.out_name(j)[0]} = {value}"
        return value

    def label(self) -> float:
        return float(self.trace["y"][self.trace["probe"][0]])

    def forward_pass(self, t: int) -> None:
        tr, a = self.trace, self.arith
        self.value_labels = []
        for layer in range(1, len(tr.layers)):
            edges = [self.net.edge(layer - 1, i, j) for i in range(tr.layers[layer - 1])
                     for j in range(tr.layers[layer])]
            self.play(*[ShowPassingFlash(e.copy().set_stroke(self.theme["forward"], width=8),
                                         time_width=0.6) for e in edges], run_time=1.2)
            for j in range(tr.layers[layer]):
                eqs = [e for e in (a.weighted_sum(layer, j, t), a.activation_eq(layer, j, t)) if e]
                shown = self.lines(eqs)
                self.cue(*eqs)
                self.play(Write(shown), run_time=1.4)
                value = self.net.value_label(layer, j, self.value_text(layer, j, t),
                                             self.theme["forward"])
                self.play(FadeIn(value), run_time=0.5)
                self.value_labels.append(value)
                self.wait(0.8)
                self.play(FadeOut(shown), run_time=0.4)
        loss = self.lines([a.loss_eq(t)], self.theme["gradient"])
        self.cue(a.loss_eq(t))
        self.play(Write(loss), run_time=1.4)
        self.loss_line = loss
