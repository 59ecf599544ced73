"""The post's backward pass: the error at the output flows back edge by edge,
each node applies the chain rule (upstream x local = downstream), every weight
gets its gradient, the update replaces every weight, and a second forward pass
shows the loss going down."""

import numpy as np
from manim import (
    DOWN,
    LEFT,
    Dot,
    FadeIn,
    FadeOut,
    MathTex,
    MoveAlongPath,
    ReplacementTransform,
    Write,
)

from scenes import layout
from scenes.forward import ForwardScene
from scenes.network_diagram import place_on_edges
from scenes.numbers import fmt
from scenes.story_network import EDGE_LABEL_SIZE, VALUE_SIZE

CHUNK = 3  # equation lines on screen at once


class BackwardScene(ForwardScene):
    """Backward pass and one gradient-descent update of a small network."""

    def construct(self) -> None:
        self.setup_story()
        self.title_mobject = self.title("backward")
        self.add(self.title_mobject)
        self.net = self.draw_network(t=0)
        self.show_forward_result(t=0)
        self.grad_labels = []
        last = len(self.trace.layers) - 1
        self.output_error()
        for layer in range(last - 1, -1, -1):   # weight layers, right to left
            self.weight_gradients(layer)
            if layer > 0:
                self.hidden_nodes(layer)
        self.update_weights()
        self.second_forward()
        self.wait(2.0)
        self.end_captions()

    # --- steps ------------------------------------------------------------------------

    def show_forward_result(self, t: int) -> None:
        tr, a = self.trace, self.arith
        self.value_labels = [self.net.value_label(layer, j, self.value_text(layer, j, t),
                                                  self.theme["forward"])
                             for layer in range(1, len(tr.layers))
                             for j in range(tr.layers[layer])]
        self.loss_line = self.lines([a.loss_eq(t)], self.theme["gradient"])
        self.add(*self.value_labels, self.loss_line)
        self.cue(self.labels["forward"] + ": " + a.loss_eq(t).text)
        self.wait(1.0)

    def output_error(self) -> None:
        a, last = self.arith, len(self.trace.layers) - 1
        eqs = [a.output_delta_eq(j, 0) for j in range(self.trace.layers[-1])]
        shown = self.lines(eqs, self.theme["gradient"])
        self.cue(self.labels["backward"] + ": " + eqs[0].text, *[e.text for e in eqs[1:]])
        self.play(FadeOut(self.loss_line), Write(shown), run_time=1.4)
        grads = [self.gradient_label(last, j, a.delta(last, j, 0))
                 for j in range(self.trace.layers[-1])]
        self.play(*[FadeIn(g) for g in grads], run_time=0.6)
        self.wait(1.0)
        self.play(FadeOut(shown), run_time=0.4)

    def weight_gradients(self, layer: int) -> None:
        """Pulses run back along the layer's edges; each edge shows its dL/dw."""
        tr, a = self.trace, self.arith
        pairs = [(i, j) for i in range(tr.layers[layer]) for j in range(tr.layers[layer + 1])]
        grads = np.array([tr[f"probe_dW{layer}"][0, 0, i, j] for i, j in pairs])
        scale = max(float(np.abs(grads).max()), 1e-12)
        pulses, recolour = [], []
        for (i, j), g in zip(pairs, grads):
            start, end = self.net.edge_path(layer, i, j, backwards=True)
            edge = self.net.edge(layer, i, j)
            dot = Dot(start, radius=0.09, color=self.theme["gradient"])
            path = edge.copy().put_start_and_end_on(start, end)
            pulses.append(MoveAlongPath(dot, path, remover=True))
            colour = self.theme["positive"] if g >= 0 else self.theme["negative"]
            recolour.append(edge.animate.set_stroke(colour, width=1 + 7 * abs(g) / scale,
                                                    opacity=1))
        self.play(*pulses, run_time=1.2)
        self.play(*recolour, *self.relabel(layer, pairs, [a.n(g) for g in grads],
                                           self.theme["gradient"]), run_time=0.8)
        eqs = [a.weight_grad_eq(layer, i, j, 0) for i, j in pairs]
        self.show_in_chunks(eqs, self.theme["gradient"])

    def hidden_nodes(self, layer: int) -> None:
        """At each node of a hidden layer: upstream x local = downstream."""
        a = self.arith
        for j in range(self.trace.layers[layer]):
            eqs = [a.upstream_eq(layer, j, 0), a.local_eq(layer, j, 0),
                   a.downstream_eq(layer, j, 0)]
            shown = self.lines(eqs, self.theme["gradient"])
            self.cue(*eqs)
            node = self.net.node(layer, j)
            self.play(Write(shown), node.animate.set_stroke(self.theme["gradient"], width=5),
                      run_time=1.4)
            label = self.gradient_label(layer, j, a.delta(layer, j, 0))
            self.play(FadeIn(label), run_time=0.4)
            self.wait(0.8)
            self.play(FadeOut(shown), node.animate.set_stroke(self.theme["node_stroke"], width=2),
                      run_time=0.4)

    def update_weights(self) -> None:
        tr, a = self.trace, self.arith
        lr = fmt(tr.meta["config"]["train"]["learning_rate"], 6)
        header = self.text(f"{self.labels['update']}:  w ← w − η·∂L/∂w,  η = {lr}", size=36)
        header.move_to(layout.EQ_CENTER).align_to([-layout.EQ_WIDTH / 2, 0, 0], LEFT)
        self.cue(f"{self.labels['update']}: w ← w − η·∂L/∂w, η = {lr}")
        self.play(FadeIn(header), run_time=0.6)
        self.wait(1.0)
        self.play(FadeOut(header), run_time=0.3)
        self.net.diagram.max_abs = max(self.net.diagram.max_abs, 1e-12)
        for layer in range(len(tr.layers) - 1):
            pairs = [(i, j) for i in range(tr.layers[layer]) for j in range(tr.layers[layer + 1])]
            eqs = [a.update_eq(layer, i, j, 0) for i, j in pairs]
            texts = [a.n(a.weight(layer, i, j, 1)) for i, j in pairs]
            self.play(*self.relabel(layer, pairs, texts, self.theme["text"]), run_time=0.8)
            self.show_in_chunks(eqs, self.theme["text"])
        self.play(*[FadeOut(g) for g in self.grad_labels], run_time=0.5)
        self.net.diagram.set_weights(tr.weights(1))
        self.wait(0.3)

    def second_forward(self) -> None:
        """The updated network on the same sample: the loss goes down."""
        tr, a = self.trace, self.arith
        edges = [e for group in self.net.diagram.edges for e in group]
        new_values = [self.net.value_label(layer, j, self.value_text(layer, j, 1),
                                           self.theme["forward"])
                      for layer in range(1, len(tr.layers)) for j in range(tr.layers[layer])]
        before = a.n(float(tr["probe_loss"][0, 0]))
        loss = self.lines([a.loss_eq(1)], self.theme["gradient"])
        self.cue(self.labels["forward"] + " (2): " + a.loss_eq(1).text,
                 f"L: {before} → {a.n(float(tr['probe_loss'][1, 0]))}")
        self.play(*[e.animate.set_stroke(self.theme["forward"]) for e in edges], run_time=0.5)
        self.play(*[ReplacementTransform(old, new) for old, new in
                    zip(self.value_labels, new_values)], run_time=1.0)
        self.net.diagram.set_weights(tr.weights(1))
        self.play(Write(loss), run_time=1.2)

    # --- helpers ----------------------------------------------------------------------

    def gradient_label(self, layer: int, j: int, value: float) -> MathTex:
        label = MathTex(self.arith.n(value), font_size=VALUE_SIZE, color=self.theme["gradient"])
        label.next_to(self.net.node(layer, j), DOWN, buff=0.08)
        self.grad_labels.append(label)
        return label

    def relabel(self, layer: int, pairs, texts: list[str], colour: str) -> list:
        """Replace the labels of a layer's edges with new texts, placed anew."""
        offset = sum(self.trace.layers[k] * self.trace.layers[k + 1] for k in range(layer))
        olds = self.weight_labels.submobjects[offset:offset + len(texts)]
        others = [m for m in self.weight_labels if all(m is not o for o in olds)]
        news = [MathTex(text, font_size=EDGE_LABEL_SIZE, color=colour) for text in texts]
        place_on_edges(self.net.diagram, [(layer, k, m) for k, m in enumerate(news)],
                       others + self.value_labels + self.grad_labels + [self.title_mobject],
                       pad=0.06)
        for k, new in enumerate(news):
            new.add_background_rectangle(color=self.theme["background"], opacity=0.85,
                                         buff=0.04)
            self.weight_labels.submobjects[offset + k] = new
        return [ReplacementTransform(old, new) for old, new in zip(olds, news)]

    def show_in_chunks(self, eqs: list, colour: str) -> None:
        for start in range(0, len(eqs), CHUNK):
            chunk = eqs[start:start + CHUNK]
            shown = self.lines(chunk, colour)
            self.cue(*chunk)
            self.play(Write(shown), run_time=0.9)
            self.wait(0.8)
            self.play(FadeOut(shown), run_time=0.3)
