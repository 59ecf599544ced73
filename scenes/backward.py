"""The post's backward pass: the error at the output flows back edge by edge,
each node applies the chain rule (upstream x local = downstream), every weight
gets its gradient, the update replaces every weight, and a second forward pass
shows the loss going down."""

from functools import partial

import numpy as np
from manim import (
    DOWN,
    LEFT,
    AnimationGroup,
    Create,
    FadeOut,
    MathTex,
    SurroundingRectangle,
    VGroup,
)

from scenes import layout
from scenes.arith import Eq
from scenes.edge_labels import BESIDE, SIDES, keep_places, opacity, place_along_edges
from scenes.forward import ForwardScene
from scenes.gradient_step import UNKNOWN_WIDTH, GradientStep
from scenes.pacing import END_HOLD, HOLD
from scenes.second_pass import SecondPass
from scenes.tweens import StyleTween, fade_in, fade_out, write
from scenes.update_step import UpdateStep

NAMES_READ = 3  # weights whose names a line reads out, enough to show how names go
NAME_PER_EDGE = 1.2  # seconds to find one weight's name on its edge
KEY_MARK = 1.0  # seconds the key's new first row stays framed


class BackwardScene(GradientStep, UpdateStep, SecondPass, ForwardScene):
    """Backward pass and one gradient-descent update of a small network."""

    NUMBER_COLOURS = (("value", "forward"), ("gradient", "gradient"))
    KEY_LATER = ("gradient",)  # the forward pass's result first, under a key of values
    STATES = (0, 1)
    SHOWN_ARRAYS = ForwardScene.SHOWN_ARRAYS + ("delta", "grad_A", "local", "probe_dW", "dW",
                                                "db")

    @classmethod
    def states_shown(cls, options: dict) -> int:
        return 2  # before and after the update

    def construct(self) -> None:
        self.setup_story()
        self.title_mobject = self.title("forward")  # its result first; then backward
        self.add(self.title_mobject)
        self.grad_labels, self.used_gradients, self.legend_symbol = [], [], "w"
        self.edge_gradients_only = False  # the update: the nodes' gradients are gone
        self.given_way = []  # (label, its opacity): labels set aside for the update
        self.net = self.draw_network(t=0)
        self.show_forward_result(t=0)
        self.output_error()
        for layer in range(len(self.trace.layers) - 2, -1, -1):   # weight layers, right to left
            self.flow_back(layer)
            self.name_weights(layer)  # the lines from here call them by name
            if layer > 0:
                self.hidden_nodes(layer)   # uses this layer's weights: still on the edges
            self.weight_gradients(layer)
        if self.batch_matters():
            self.batch_gradients()
        self.update_weights()
        self.second_forward()
        self.hold(END_HOLD)
        self.end_captions()

    def reserved_places(self, net) -> list:
        widest = "-0." + "0" * self.precision  # as wide as any gradient written there
        nodes = [(layer, j) for layer in range(1, len(self.trace.layers))
                 for j in range(self.trace.layers[layer])]
        # the second forward pass writes new values in the same places: labels placed
        # anew later (the update's) keep clear of them too
        self.later_values = [net.value_label(layer, j, self.value_text(layer, j, 1),
                                             self.theme["forward"]) for layer, j in nodes]
        # gradients from the output back, as they come, each named (∂L/∂h₁ = 0.073)
        # where the name fits clear of every edge and label, else its number alone; the
        # output's, named and the widest, has first choice of place; it keeps its name
        # only if that crowds no other label out of a free place
        outputs = len(self.trace.layers) - 1
        # a hidden layer's gradients are all named or all numbers (the key names them):
        # one named beside two bare numbers reads as a different kind of number
        bare: set = set()
        while True:
            # beside several outputs, no name fits
            self.named_gradients = {(layer, j) for layer, j in nodes
                                    if layer < outputs or self.trace.layers[-1] == 1} - bare
            gradients = []
            for layer, j in reversed(nodes):
                texts = [self.gradient_text(layer, j, widest)]
                if layer < outputs and (layer, j) not in bare:
                    texts.append(widest)
                label = net.first_clear_label("gradient", layer, j, texts,
                                              self.theme["gradient"])
                if label.tex_string != texts[0]:
                    self.named_gradients.discard((layer, j))
                gradients.append(label)
            mixed = set()
            for layer in range(1, outputs):
                keys = {(layer, j) for j in range(self.trace.layers[layer])}
                if keys & self.named_gradients not in (set(), keys):
                    mixed |= keys & self.named_gradients
            if not mixed:
                break
            bare |= mixed
            for layer, j in nodes:  # undone, the last placed first
                net.forget(("gradient", layer, j))
        if net.crowded:
            self.named_gradients.discard((outputs, 0))
        return gradients + self.later_values

    # --- steps ------------------------------------------------------------------------

    def show_forward_result(self, t: int) -> None:
        tr = self.trace
        self.value_labels = [self.net.value_label(layer, j, self.value_text(layer, j, t),
                                                  self.theme["forward"])
                             for layer in range(1, len(tr.layers))
                             for j in range(tr.layers[layer])]
        self.loss_line, words = self.loss_lines(t)
        self.cue(self.labels["forward"] + ": " + words[0], *words[1:])
        self.play(*[fade_in(m) for m in (*self.value_labels, self.loss_line)], run_time=0.5)
        # the forward scene's result, for a viewer who starts here: each value and the
        # loss's line read (and checked) before anything flows back (3 s was too short)
        self.hold(self.reading_time(len(self.value_labels) + len(words)))

    def output_error(self) -> None:
        a, last = self.arith, len(self.trace.layers) - 1
        eqs = [a.output_delta_eq(j, 0) for j in range(self.trace.layers[-1])]
        said = {}
        if a.net.output == "linear":  # no σ′ on the way back from the output: said
            note = self.text(self.labels["linear_output"], size=34)
            said[id(note)] = self.labels["linear_output"]
            eqs.append(note)
        pages = self.pages(eqs, len(eqs), self.theme["gradient"])
        for number, (page, shown) in enumerate(pages):
            first = number == 0
            head = (self.labels["backward"] + ": ") if first else ""
            lines = [said.get(id(e), e) for e in page]
            self.cue(head + getattr(lines[0], "text", lines[0]), *lines[1:])
            if first:  # one thing at a time: the loss leaves before the error is written
                title = self.title("backward")
                self.play(FadeOut(self.loss_line), self.retitle(title), *self.key_to_come,
                          run_time=0.4)
                self.key_to_come = []
            # the output is differentiated: it is ringed, every edge waits dimmed
            outputs = self.trace.layers[-1]
            mark = (self.focus(self.net.node(last, 0) if outputs == 1 else None, [],
                               self.theme["gradient"]) if first else [])
            self.play(write(shown), *mark, run_time=self.write_time(shown))
            if number < len(pages) - 1:
                self.hold()
                self.play(fade_out(shown), run_time=0.4)
        grads = [self.gradient_label(last, j, a.delta(last, j, 0))
                 for j in range(self.trace.layers[-1])]
        self.play(*[fade_in(g) for g in grads], run_time=0.6)
        self.hold()
        self.play(fade_out(shown), *self.unfocus(), run_time=0.4)

    def layer_pairs(self, layer: int) -> list[tuple[int, int]]:
        tr = self.trace
        return [(i, j) for i in range(tr.layers[layer]) for j in range(tr.layers[layer + 1])]

    def flow_back(self, layer: int) -> None:
        """Pulses run right to left along the layer's edges."""
        self.play(*[self.net.flash(self.net.edge(layer, i, j), self.theme["gradient"], reverse=True)
                    for i, j in self.layer_pairs(layer)], run_time=1.2)

    def name_weights(self, layer: int) -> None:
        """Each edge of the layer shows its weight's name for a while, with its value
        where both fit along the edges (v₁₁ = 0.3), else in its label's place alone,
        the edges lit, with a line that reads the first few: v₁₁: h₁ → ŷ, v₂₁: h₂ → ŷ,
        …, and one that says what a weight's local gradient is (ŷ = σ(h₁)·v₁₁ + … ⇒
        ∂ŷ/∂v₁₁ = σ(h₁)); then its number again."""
        a, pairs = self.arith, self.net.diagram.edge_pairs(layer)
        names = [a.weight_name(layer, i, j) for i, j in pairs]
        names += [a.bias_name(layer, j) for j in range(self.trace.layers[layer + 1])]
        read = [(names[k], self.node_name(layer, i), self.node_name(layer + 1, j))
                for k, (i, j) in enumerate(pairs[:NAMES_READ])]
        more = len(pairs) > NAMES_READ
        eq = Eq(r",\quad ".join(rf"{w}:\ {i} \to {j}" for (w, _), (i, _), (j, _) in read)
                + (r",\ \dots" if more else ""),
                ", ".join(f"{w}: {i} → {j}" for (_, w), (_, i), (_, j) in read)
                + (", …" if more else ""))
        # why each ∂L/∂w below is ∂L/∂(the sum it feeds) × (the value at its start): a
        # weight meets its input at a × gate, whose local gradient is the input
        (i, j), (w_tex, w_text) = pairs[0], names[0]
        s_tex, s_text = a.pre_name(layer + 1, j)
        x_tex, x_text = a.act_name(layer, i)
        why = Eq(rf"{s_tex} = {x_tex} \cdot {w_tex} + \dots\ \Rightarrow\ "
                 rf"\partial {s_tex}/\partial {w_tex} = {x_tex}",
                 f"{s_text} = {x_text}·{w_text} + … ⇒ ∂{s_text}/∂{w_text} = {x_text}")
        offset, edges = self.label_offset(layer), self.net.diagram.layer_edges(layer)
        labels = self.weight_labels.submobjects[offset:offset + len(edges)]
        shown = [(label, opacity(label)) for label in labels if opacity(label) > 0]
        tags = self.name_tags(layer, [(k, names[k][0]) for k, label in enumerate(labels)
                                      if opacity(label) > 0])
        line = self.lines([eq, why], self.theme["text"])
        self.cue(eq, why)
        # a number leaves before its name comes, and the name before the number returns
        # (a layer that shows no labels has its names in the line only)
        names_in = [AnimationGroup(
            AnimationGroup(*[StyleTween(label, opacity=0) for label, _ in shown]),
            AnimationGroup(*[fade_in(tag) for tag in tags]), lag_ratio=1)] if shown else []
        lit = self.focus(None, [edges[k] for k, label in enumerate(labels)
                                if opacity(label) > 0], self.theme["text"], 1.0)
        if self.legend_symbol != "w":  # under a key of gradients no edge is drawn by its weight
            lit += [StyleTween(edge, stroke_color=self.theme["muted"], stroke_width=UNKNOWN_WIDTH)
                    for edge in edges]
        self.play(write(line), *names_in, *lit, run_time=0.8)
        # time to find each name on its edge, not only to read the line
        self.hold(max(2 * HOLD, NAME_PER_EDGE * len(tags)))
        numbers_back = [AnimationGroup(
            AnimationGroup(*[fade_out(tag) for tag in tags]),
            AnimationGroup(*[StyleTween(label, opacity=was) for label, was in shown]),
            lag_ratio=1)] if shown else []
        self.play(fade_out(line), *numbers_back, *self.unfocus(), run_time=0.6)

    def name_tags(self, layer: int, named: list[tuple[int, str]]) -> list:
        """Tags for the edges ``named`` ((edge index, TeX name)): "v_{11} = 0.3" laid
        out along the edges (beside them where they all fit so), else the names alone;
        else the names in the labels' places."""
        offset, edges = self.label_offset(layer), self.net.diagram.layer_edges(layer)
        texts = self.parameter_texts(layer, 0)
        tag = partial(self.net.edge_label, color=self.theme["text"],
                      background=self.theme["background"])
        full = [tag(f"{name} = {texts[k]}") for k, name in named]
        others = [m for i, m in enumerate(self.weight_labels)
                  if not offset <= i < offset + len(edges) and opacity(m) > 0]
        bare = [tag(name) for _, name in named]
        # beside the edges, else on them with no stub of edge before one: a tag lying
        # on its edge, "━ v₂₁ = 0.5 ━", reads as a subtraction
        for tags in (full, bare):
            items = [(layer, k, m) for (k, _), m in zip(named, tags)]
            for sides in (BESIDE, SIDES):
                if place_along_edges(self.net.diagram, items, others + self.fixed_texts(),
                                     sides=sides, stubs=False):
                    return tags
        return [tag(name).rotate(edges[k].get_angle()).move_to(self.weight_labels[offset + k])
                for k, name in named]

    def weight_gradients(self, layer: int) -> None:
        """Each edge of the layer shows its dL/dw, coloured by sign, widened by size."""
        tr, a, symbol = self.trace, self.arith, r"\partial L/\partial w"
        # where the layer's nodes were worked between (a minute after ∂ŷ/∂v₁₁ = σ(h₁)
        # was found), from the chain rule itself, its local derivative named again
        eqs = [a.weight_grad_eq(layer, i, j, 0, chained=layer > 0)
               for i, j in self.layer_pairs(layer)]
        if self.has_bias:
            eqs += [a.bias_grad_eq(layer, j, 0) for j in range(tr.layers[layer + 1])]
        self.gradients_on_edges(layer, self.edge_gradients(layer, symbol), symbol, eqs)

    def hidden_nodes(self, layer: int) -> None:
        """At each node of a hidden layer: upstream x local = downstream."""
        a = self.arith
        for j in range(self.trace.layers[layer]):
            eqs = [a.upstream_eq(layer, j, 0), a.local_eq(layer, j, 0),
                   a.downstream_eq(layer, j, 0)]
            node = self.net.node(layer, j)
            pages = self.pages(eqs, len(eqs), self.theme["gradient"])
            for page, shown in pages:  # σ′ is no gradient of L: in the text's colour
                for eq, line in zip(page, shown):
                    if eq.local:
                        line.set_color(self.theme["text"])
            for number, (page, shown) in enumerate(pages):
                self.cue(*page)
                # the node, and the edges its gradient comes back along
                mark = (self.focus(node, self.net.edges_out_of(layer, j), self.theme["gradient"])
                        if number == 0 else [])
                # upstream, local, downstream: one idea at a time
                self.write_rows(shown, mark)
                if number < len(pages) - 1:
                    self.hold(self.reading_time(page))
                    self.play(fade_out(shown), run_time=0.3)
            label = self.gradient_label(layer, j, a.delta(layer, j, 0))
            self.play(fade_in(label), run_time=0.4)
            self.hold(self.reading_time(pages[-1][0]))
            # the next node's focus takes over from this one: no full-bright flash between
            last = j == self.trace.layers[layer] - 1
            self.play(fade_out(shown), *(self.unfocus() if last else []), run_time=0.4)

    def key_symbols(self) -> dict[str, str]:
        """The gradients' entry names what the framed numbers by the hidden nodes are
        (∂L/∂h): such a gradient carries its name only where the name fits beside it
        (the output's always does, ∂L/∂ŷ = 1.233). Once they are gone (the update),
        it names the red numbers beside the weights: ∂L/∂w."""
        symbols = super().key_symbols()
        if symbols:
            symbols["gradient"] = (r"\partial L/\partial w" if self.edge_gradients_only
                                   else self.arith.hidden_gradient_symbols())
        return symbols

    def frames_gradients(self) -> bool:
        return not self.edge_gradients_only  # an edge's gradient is never framed

    def titles(self) -> list[str]:
        labels = self.labels
        # after one update: iteration 1, as the cycle counts (its phase's short name: a
        # title as wide as the key's widest row beside it)
        return [labels["forward"], labels["backward"], labels["update"],
                f"{labels['cycle_phases'][0]} ({labels['iteration']} 1)"]

    def edge_symbols(self) -> list[str]:
        symbols = ["w", r"\partial L/\partial w"]
        return symbols + ([r"\overline{\partial L/\partial w}"] if self.batch_matters() else [])

    def batch_matters(self) -> bool:
        """The update does not use this sample's gradients as they are: it averages
        over a batch of several samples, or over a batch without this sample."""
        return self.arith.batch_size(0) > 1 or not self.trace.probe_in_batch[0, 0]

    def batch_gradients(self) -> None:
        """The gradients the update uses, each the mean over the batch, before the update
        lines that use them."""
        tr, a = self.trace, self.arith
        words = [line.format(n=a.batch_size(0)) for line in self.labels["batch_mean"]]
        if not tr.probe_in_batch[0, 0]:
            words.append(self.labels["probe_outside_batch"])
        header = VGroup(*[self.text(w, size=34) for w in words]).arrange(
            DOWN, aligned_edge=LEFT, buff=0.2)
        header.move_to(layout.EQ_CENTER).align_to([-layout.EQ_WIDTH / 2, 0, 0], LEFT)
        self.cue(*words)
        self.play(fade_in(header), run_time=0.6)
        self.hold()
        self.play(FadeOut(header), run_time=0.3)
        for layer in range(len(tr.layers) - 2, -1, -1):
            pairs = self.layer_pairs(layer)
            eqs = [a.batch_grad_eq(layer, i, j, 0) for i, j in pairs]
            if self.has_bias:
                eqs += [a.batch_grad_eq(layer, None, j, 0) for j in range(tr.layers[layer + 1])]
            symbol = r"\overline{\partial L/\partial w}"
            self.gradients_on_edges(layer, self.edge_gradients(layer, symbol), symbol, eqs)

    # --- helpers ----------------------------------------------------------------------

    def gradient_text(self, layer: int, j: int, number: str) -> str:
        """A node's gradient as written beside it: named where the name fits (ŷ = 1.233
        above, ∂L/∂ŷ = 1.233 below, so the two never read alike), else its number."""
        if (layer, j) not in self.named_gradients:
            return number
        return rf"\partial L/\partial {self.arith.pre_name(layer, j)[0]} = {number}"

    def gradient_label(self, layer: int, j: int, value: float) -> MathTex:
        text = self.gradient_text(layer, j, self.arith.n(value))
        label = self.net.gradient_label(layer, j, text, self.theme["gradient"])
        self.grad_labels.append(label)
        return label

    def retitle(self, title) -> AnimationGroup:
        """The old title goes before the new one comes: never two titles in one place."""
        old, self.title_mobject = self.title_mobject, title
        return AnimationGroup(FadeOut(old), fade_in(title), lag_ratio=1)

    def new_legend(self, symbol: str, values) -> list:
        """The colour key for another quantity: the old one fades, the new one appears."""
        old, self.legend = self.legend, self.sign_legend(symbol, values)
        return [AnimationGroup(FadeOut(old), fade_in(self.legend), lag_ratio=1)]

    def mark_legend(self, symbol: str) -> None:
        """A frame drawn around the key when it comes to name another quantity on the
        edges: a change the eye catches."""
        if symbol != self.legend_symbol:
            self.legend_symbol = symbol
            edges_row = self.legend[0] if self.key_shape == "column" else self.legend
            frame = SurroundingRectangle(edges_row, color=self.theme["text"], buff=0.1,
                                         stroke_width=3)
            self.play(Create(frame), run_time=0.5)
            self.wait(KEY_MARK)
            self.play(FadeOut(frame), run_time=0.3)

    def mean_bias_gradient(self, layer: int) -> np.ndarray | None:
        return self.trace.bias_gradients(layer)[0] if self.has_bias else None

    def relabel(self, layer: int, texts: list[str], colour: "str | list[str]") -> list:
        """Replace the labels of a layer's edges (bias edges after the weights) with
        new texts (in one colour, or each in its own), placed anew (hidden while they
        cannot all be placed apart: the equations show every number)."""
        offset = sum(len(self.net.diagram.layer_edges(k)) for k in range(layer))
        olds = self.weight_labels.submobjects[offset:offset + len(texts)]
        others = [m for m in self.weight_labels if all(m is not o for o in olds)]
        colours = [colour] * len(texts) if isinstance(colour, str) else colour
        news = [self.net.edge_label(text, c, self.theme["background"])
                for text, c in zip(texts, colours)]
        avoid = [m for m in others if opacity(m) > 0] + self.fixed_texts()
        if not keep_places(self.net.diagram, [(layer, k, old, new) for k, (old, new)
                                              in enumerate(zip(olds, news))], avoid):
            self.net.place_layer(layer, news, avoid)
        for old, new in zip(olds, news):  # dimmed while other edges are in use: stays so
            if 0 < opacity(old) < 1 and opacity(new) > 0:  # (a hidden one stays hidden)
                new.set_opacity(opacity(old))
        self.weight_labels.submobjects[offset:offset + len(texts)] = news
        # a number is replaced, never morphed into another; the old ones leave before
        # the new ones come, never both on one edge at once
        return [AnimationGroup(AnimationGroup(*[fade_out(old) for old in olds]),
                               AnimationGroup(*[fade_in(new) for new in news]), lag_ratio=1)]

    def fixed_texts(self) -> list:
        """What edge labels keep clear of besides each other."""
        return self.value_labels + self.later_values + self.grad_labels + self.used_gradients + [
            self.widest_title, *self.key_rows(self.widest_legend), layout.EQ_ZONE]
