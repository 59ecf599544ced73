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
    Transform,
    VGroup,
    Write,
)

from scenes import layout
from scenes.forward import ForwardScene
from scenes.network_diagram import place_on_edges
from scenes.numbers import fmt, minus_signs
from scenes.story import opacity
from scenes.story_network import EDGE_LABEL_SIZE

CHUNK = 3  # equation lines on screen at once


class BackwardScene(ForwardScene):
    """Backward pass and one gradient-descent update of a small network."""

    SHOWN_ARRAYS = ForwardScene.SHOWN_ARRAYS + ("delta", "grad_A", "local", "probe_dW", "dW",
                                                "db")

    @classmethod
    def states_shown(cls, options: dict) -> int:
        return 2  # before and after the update

    def construct(self) -> None:
        self.setup_story()
        self.title_mobject = self.title("backward")
        self.add(self.title_mobject)
        self.grad_labels = []
        self.net = self.draw_network(t=0)
        self.show_forward_result(t=0)
        self.output_error()
        for layer in range(len(self.trace.layers) - 2, -1, -1):   # weight layers, right to left
            self.flow_back(layer)
            if layer > 0:
                self.hidden_nodes(layer)   # uses this layer's weights: still on the edges
            self.weight_gradients(layer)
        if self.batch_matters():
            self.batch_gradients()
        self.update_weights()
        self.second_forward()
        self.wait(2.0)
        self.end_captions()

    def reserved_places(self, net) -> list:
        return [net.gradient_label(layer, j, "-0.000", self.theme["gradient"])
                for layer in range(1, len(self.trace.layers))
                for j in range(self.trace.layers[layer])]

    # --- steps ------------------------------------------------------------------------

    def show_forward_result(self, t: int) -> None:
        tr = self.trace
        self.value_labels = [self.net.value_label(layer, j, self.value_text(layer, j, t),
                                                  self.theme["forward"])
                             for layer in range(1, len(tr.layers))
                             for j in range(tr.layers[layer])]
        self.loss_line, words = self.loss_lines(t)
        self.add(*self.value_labels, self.loss_line)
        self.cue(self.labels["forward"] + ": " + words[0], *words[1:])
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

    def layer_pairs(self, layer: int) -> list[tuple[int, int]]:
        tr = self.trace
        return [(i, j) for i in range(tr.layers[layer]) for j in range(tr.layers[layer + 1])]

    def flow_back(self, layer: int) -> None:
        """Pulses run right to left along the layer's edges."""
        pulses = []
        for i, j in self.layer_pairs(layer):
            start, end = self.net.edge_path(layer, i, j, backwards=True)
            dot = Dot(start, radius=0.09, color=self.theme["gradient"])
            path = self.net.edge(layer, i, j).copy().put_start_and_end_on(start, end)
            pulses.append(MoveAlongPath(dot, path, remover=True))
        self.play(*pulses, run_time=1.2)

    def weight_gradients(self, layer: int) -> None:
        """Each edge of the layer shows its dL/dw, coloured by sign, widened by size."""
        tr, a = self.trace, self.arith
        pairs = self.layer_pairs(layer)
        self.paint_gradients(layer, [tr[f"probe_dW{layer}"][0, 0, i, j] for i, j in pairs],
                             r"\partial L/\partial w")
        eqs = [a.weight_grad_eq(layer, i, j, 0) for i, j in pairs]
        if tr.meta["config"]["network"]["bias"]:
            eqs += [a.bias_grad_eq(layer, j, 0) for j in range(tr.layers[layer + 1])]
        self.show_in_chunks(eqs, self.theme["gradient"])

    def paint_gradients(self, layer: int, grads: list[float], symbol: str) -> None:
        """The layer's edges coloured by the gradients' signs, widened by their size and
        labelled with them; the legend names the gradient."""
        pairs = self.layer_pairs(layer)
        scale = max(float(np.abs(grads).max()), 1e-12)
        recolour = []
        for (i, j), g in zip(pairs, grads):
            colour = self.theme["positive"] if g >= 0 else self.theme["negative"]
            recolour.append(self.net.edge(layer, i, j).animate.set_stroke(
                colour, width=1 + 7 * abs(g) / scale, opacity=1))
        self.play(*recolour, *self.relabel(layer, pairs, [self.arith.n(g) for g in grads],
                                           self.theme["gradient"]),
                  Transform(self.legend, self.sign_legend(symbol)), run_time=0.8)

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

    def batch_matters(self) -> bool:
        """The update does not use this sample's gradients as they are: it averages
        over a batch of several samples, or over a batch without this sample."""
        return self.arith.batch_size(0) > 1 or not self.trace["probe_in_batch"][0, 0]

    def batch_gradients(self) -> None:
        """The gradients the update uses, each the mean over the batch, before the update
        lines that use them."""
        tr, a = self.trace, self.arith
        words = [line.format(n=a.batch_size(0)) for line in self.labels["batch_mean"]]
        if not tr["probe_in_batch"][0, 0]:
            words.append(self.labels["probe_outside_batch"])
        header = VGroup(*[self.text(w, size=34) for w in words]).arrange(
            DOWN, aligned_edge=LEFT, buff=0.2)
        header.move_to(layout.EQ_CENTER).align_to([-layout.EQ_WIDTH / 2, 0, 0], LEFT)
        self.cue(*words)
        self.play(FadeIn(header), run_time=0.6)
        self.wait(2.5)
        self.play(FadeOut(header), run_time=0.3)
        for layer in range(len(tr.layers) - 2, -1, -1):
            pairs = self.layer_pairs(layer)
            self.paint_gradients(layer, [tr[f"dW{layer}"][0][i, j] for i, j in pairs],
                                 r"\overline{\partial L/\partial w}")
            eqs = [a.batch_grad_eq(layer, i, j, 0) for i, j in pairs]
            if tr.meta["config"]["network"]["bias"]:
                eqs += [a.batch_grad_eq(layer, None, j, 0) for j in range(tr.layers[layer + 1])]
            self.show_in_chunks(eqs, self.theme["gradient"])

    def update_weights(self) -> None:
        tr, a = self.trace, self.arith
        lr = fmt(tr.meta["config"]["train"]["learning_rate"], 6)
        gradient = "mean ∂L/∂w" if self.batch_matters() else "∂L/∂w"
        words = f"{self.labels['update']}:  w ← w − η·{gradient},  η = {lr}"
        header = self.text(words, size=36)
        header.move_to(layout.EQ_CENTER).align_to([-layout.EQ_WIDTH / 2, 0, 0], LEFT)
        self.cue(words)
        self.play(FadeIn(header), run_time=0.6)
        self.wait(1.0)
        self.play(FadeOut(header), run_time=0.3)
        target = self.net.diagram.copy()
        target.set_weights(tr.weights(1))
        for layer in range(len(tr.layers) - 1):
            pairs = self.layer_pairs(layer)
            eqs = [a.update_eq(layer, i, j, 0) for i, j in pairs]
            if tr.meta["config"]["network"]["bias"]:
                eqs += [a.bias_update_eq(layer, j, 0) for j in range(tr.layers[layer + 1])]
            texts = [a.n(a.weight(layer, i, j, 1)) for i, j in pairs]
            moves = [edge.animate.set_stroke(new.get_stroke_color(), new.get_stroke_width(),
                                             new.get_stroke_opacity())
                     for edge, new in zip(self.net.diagram.edges[layer], target.edges[layer])]
            legend = self.sign_legend("w")
            self.play(*moves, *self.relabel(layer, pairs, texts, self.theme["text"]),
                      Transform(self.legend, legend), run_time=0.8)
            self.show_in_chunks(eqs, self.theme["text"])
        self.play(*[FadeOut(g) for g in self.grad_labels], run_time=0.5)

    def second_forward(self) -> None:
        """The updated network on the same sample: the loss goes down."""
        tr, a = self.trace, self.arith
        edges = [e for group in self.net.diagram.edges for e in group]
        new_values = [self.net.value_label(layer, j, self.value_text(layer, j, 1),
                                           self.theme["forward"])
                      for layer in range(1, len(tr.layers)) for j in range(tr.layers[layer])]
        before, after = (a.n(float(tr["probe_loss"][t, 0])) for t in (0, 1))
        title = self.text(self.labels["forward"] + " (2)", size=40).move_to(
            self.title_mobject, aligned_edge=LEFT)
        # like with like: this sample's loss before and after, and the training set's
        compare = [f"{self.labels['sample_loss']}: {before} → {after}"]
        if len(tr["X"]) > 1:
            compare.append(f"{self.labels['training_loss']}: {a.n(float(tr['loss'][0]))} → "
                           f"{a.n(float(tr['loss'][1]))}")
        loss = self.lines([a.loss_eq(1), *[self.text(minus_signs(c), size=34,
                                                     color=self.theme["gradient"])
                                           for c in compare]], self.theme["gradient"])
        self.cue(self.labels["forward"] + " (2): " + a.loss_eq(1).text, *compare)
        self.play(Transform(self.title_mobject, title),
                  *[e.animate.set_stroke(self.theme["forward"]) for e in edges], run_time=0.6)
        self.play(*[ReplacementTransform(old, new) for old, new in
                    zip(self.value_labels, new_values)], run_time=1.0)
        self.net.diagram.set_weights(tr.weights(1))
        self.play(Write(loss), run_time=1.2)

    # --- helpers ----------------------------------------------------------------------

    def gradient_label(self, layer: int, j: int, value: float) -> MathTex:
        label = self.net.gradient_label(layer, j, self.arith.n(value), self.theme["gradient"])
        self.grad_labels.append(label)
        return label

    def relabel(self, layer: int, pairs, texts: list[str], colour: str) -> list:
        """Replace the labels of a layer's edges with new texts, placed anew (none
        when the network is too dense for edge labels; hidden while they cannot all
        be placed apart: the equations show every number)."""
        if not self.net.edge_labels_shown:
            return []
        offset = sum(self.trace.layers[k] * self.trace.layers[k + 1] for k in range(layer))
        olds = self.weight_labels.submobjects[offset:offset + len(texts)]
        others = [m for m in self.weight_labels if all(m is not o for o in olds)]
        news = [MathTex(text, font_size=EDGE_LABEL_SIZE, color=colour) for text in texts]
        placed = place_on_edges(self.net.diagram, [(layer, k, m) for k, m in enumerate(news)],
                                [m for m in others if opacity(m) > 0]
                                + self.value_labels + self.grad_labels
                                + [self.title_mobject, self.legend], pad=0.06)
        for k, new in enumerate(news):
            new.add_background_rectangle(color=self.theme["background"], opacity=0.85,
                                         buff=0.04)
            if not placed:
                new.set_opacity(0)
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
