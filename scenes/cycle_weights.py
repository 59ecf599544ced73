"""The cycle's edges and the numbers on them: ŷ = Σ σ(hⱼ)·vⱼ₁ reads off the
picture (the values above the nodes, the weights on the edges); before the update,
every weight's gradient stands red in its number's place, and every update is seen
as the numbers change, every layer's, not only the one weight worked through. The
sweeps run along the edges, and the edges a line sums over are bright while it is read.

A mixin of ``CycleScene``: it reads the scene's trace, arithmetic and network."""

from manim import AnimationGroup, MathTex, Succession, VGroup

from scenes.arith import Eq, agrees, value
from scenes.cycle_phases import LINE_REST
from scenes.edge_labels import (
    APART,
    TIERS,
    WELL_APART,
    keep_places,
    opacity,
    outline,
    overlaps,
    place_along_edges,
)
from scenes.story import TEX_SIZE
from scenes.story_network import CROWDED_SCALE, SMALL_SCALE
from scenes.tex import Formula
from scenes.tweens import StyleTween, fade_in, fade_out

CHANGE_TIME = 1.5  # an update's edges and numbers changing
GLOW_WIDTHS = (1.5, 9.0)  # an update's glow: the least and the largest change of a weight


class EdgeWeights:
    """``label_weights`` once; ``show_edge_gradients`` in each backward phase, then
    ``update_layers`` at each update (``change_weights`` beside ``animate_weights``,
    which changes the edges; the two alone at the restart). ``layer_labels``: each
    layer's numbers on its edges, weights or gradients; ``shown_weights``: those on
    screen (a layer whose numbers do not all fit apart along its edges shows none)."""

    edges_rounding_explained = False  # the note on rounded numbers on the edges, once
    red_layers: "set[int]" = frozenset()  # layers whose gradients the backward phase put up

    def edges(self, layer: int):
        return self.net.diagram.layer_edges(layer)

    def laid_out(self, layer: int, shown: list, choices: list[list[str]], colour: str,
                 avoid: list, edges: "list[int] | None" = None
                 ) -> "tuple[list[MathTex], bool] | None":
        """Labels of the first of ``choices`` (a layer's texts, marked ≈ first, then
        plain: a mark that crowds the layer out is dropped) that all stand where the
        ``shown`` ones lie, or else fit anew along the edges, clear of ``avoid``, well
        apart from each other with no stub of edge before one that reads as a minus;
        else the first that fits apart with such stubs; else the first choice as it
        fits (``place_along_edges``); with whether they kept those places; None where
        none fits. With ``edges``, labels of those edges alone (in that order), each as
        large as the one it replaces."""
        diagram, some = self.net.diagram, edges is not None
        edges = list(range(len(shown))) if edges is None else edges
        for tiers, stubs, tried in ((WELL_APART, False, choices), (APART, True, choices),
                                    (TIERS, True, choices[:1])):
            for texts, scale in tried:
                labels = [self.net.edge_label(texts[k], self.theme[colour],
                                              self.theme["background"]) for k in edges]
                labels = [m.sized_as(shown[k]) if some else m.scale(scale)
                          for k, m in zip(edges, labels)]
                if keep_places(diagram, [(layer, k, shown[k], new)
                                         for k, new in zip(edges, labels)], avoid):
                    return labels, True
                if place_along_edges(diagram, [(layer, k, m) for k, m in zip(edges, labels)],
                                     avoid, tiers=tiers, stubs=stubs):
                    return labels, False
        return None

    def weight_labels_at(self, layer: int, t: int) -> list[MathTex]:
        """State t's weights (then biases) of a layer, one label per edge, in edge order."""
        return [self.net.edge_label(text, self.theme["text"], self.theme["background"])
                for text in self.edge_texts(layer, t)]

    @staticmethod
    def marked(texts: list[str], agree: list[bool]) -> list[tuple[list[str], float]]:
        """Choices of a layer's (texts, scale): each number marked ≈ where a
        calculator does not give it; the same with a small ≈ (the digits keep their
        size); both a little smaller, then the small marks smaller still (a crowded
        layer may have room for that); plain, the last resort of a layer whose marks
        crowd it out. Unmarked: as they are, else smaller, then smaller still."""
        if all(agree):
            return [(texts, 1.0), (texts, CROWDED_SCALE), (texts, SMALL_SCALE)]
        marks = [[text if ok else rf"{{{mark}\approx}}{text}" for text, ok in zip(texts, agree)]
                 for mark in ("", r"\scriptstyle")]
        return [(marks[0], 1.0), (marks[1], 1.0), (marks[0], CROWDED_SCALE),
                (marks[1], CROWDED_SCALE), (marks[1], SMALL_SCALE), (texts, 1.0)]

    def edge_texts(self, layer: int, t: int, gradients: bool = False) -> list[str]:
        """State t's numbers on a layer's edges: its weights (then biases), or the
        gradients the update after state t takes."""
        tr = self.trace
        if gradients:
            values = self.net.edge_values(layer, tr.weight_gradients(layer)[t],
                                          tr.bias_gradients(layer)[t] if self.has_bias else None)
        else:
            values = self.net.edge_values(layer, tr.weights(t)[layer], self.layer_biases(t, layer))
        return [self.arith.n(v) for v in values]

    def label_weights(self, avoid: list) -> None:
        """State 0's numbers along every layer's edges, output layer first (ŷ is worked
        out from its numbers), each layer where all of its numbers fit apart, clear of
        ``avoid`` (mobjects or boxes) and of the layers placed before."""
        self.weights_avoid, self.layer_labels = avoid, {}
        for layer in reversed(range(len(self.trace.layers) - 1)):
            labels = self.weight_labels_at(layer, 0)
            if self.net.place_layer(layer, labels, avoid + self.shown_weights_but(layer)):
                self.layer_labels[layer] = labels
        # kept as they first stood: the restart brings back these very places
        self.first_weights = {layer: [label.copy() for label in labels]
                              for layer, labels in self.layer_labels.items()}
        self.add(*self.shown_weights)

    @property
    def shown_weights(self) -> list[MathTex]:
        return [label for labels in self.layer_labels.values()
                for label in labels if opacity(label) > 0]

    def shown_weights_but(self, layer: int) -> list[MathTex]:
        return [label for other, labels in self.layer_labels.items() if other != layer
                for label in labels if opacity(label) > 0]

    def output_weights_shown(self) -> bool:
        return bool(self.layer_labels.get(len(self.trace.layers) - 2))

    def change_weights(self, t: int, clear_of: list = (), layers: "list[int] | None" = None,
                       only: "list[int] | None" = None) -> list:
        """Animations: state t's numbers replace those shown on these layers' edges
        (None: every layer's; with ``only``, those edges alone, where they fit clear
        of the layer's other numbers), the old leaving before the new come (never
        morphed), each marked ≈ where a calculator's old − η × red, from the numbers
        shown, is not it; each new one where its old one lies when all fit there, else
        placed anew (a whole layer hidden where it does not fit), clear of
        ``clear_of`` too (names that stay); state 0's exactly where they first stood."""
        changed = [layer for layer in self.layer_labels if layers is None or layer in layers]
        olds, news = [], []
        for layer in changed:
            shown = self.layer_labels[layer]
            if t == 0:
                labels = [label.copy() for label in self.first_weights[layer]]
            else:
                texts = self.edge_texts(layer, t)
                avoid = self.weights_avoid + self.shown_weights_but(layer) + list(clear_of)
                choices = self.marked(texts, self.updates_agree(layer, t))
                # some edges' numbers: the layer's others stay, kept clear of
                placed = only is not None and self.laid_out(
                    layer, shown, choices, "text", avoid + [
                        m for k, m in enumerate(shown) if k not in only and opacity(m) > 0],
                    edges=only)
                if placed:
                    olds += [shown[k] for k in only if opacity(shown[k]) > 0]
                    news += [m for m in placed[0] if opacity(m) > 0]
                    new = dict(zip(only, placed[0]))
                    self.layer_labels[layer] = [new.get(k, old) for k, old in enumerate(shown)]
                    continue
                placed = self.laid_out(layer, shown, choices, "text", avoid)
                # (hidden where the layer does not fit)
                labels = placed[0] if placed else [m.set_opacity(0)
                                                   for m in self.weight_labels_at(layer, t)]
            olds += [m for m in shown if opacity(m) > 0]
            news += [m for m in labels if opacity(m) > 0]
            self.layer_labels[layer] = labels
        steps = [AnimationGroup(*[fade(label) for label in labels])
                 for fade, labels in ((fade_out, olds), (fade_in, news)) if labels]
        return [AnimationGroup(*steps, lag_ratio=1)] if steps else []

    def animate_weights(self, t: int, glow: bool = True, also: list = (),
                        layers: "list[int] | None" = None, only: "list[int] | None" = None
                        ) -> None:
        """These layers' edges (None: every layer's; with ``only``, those edges of
        theirs) take state t's colour and width;
        with ``glow`` (the update), each glows as it changes, as wide as its weight
        moves (relative to the weight of any layer that moves most: one step changes a
        weight too little for its width to show it), and goes on glowing while its new
        number is read, until a step turns other edges (``EdgeTags.set_back``): the
        key's "changing" colour stays on the edge that changed; ``also`` plays with
        it."""
        every = range(len(self.trace.layers) - 1)
        layers = list(every) if layers is None else layers
        target = self.net.diagram.copy()
        target.set_weights(self.trace.weights(t), self.biases(t))
        moves = [StyleTween(edge, stroke_color=new.get_stroke_color(),
                            stroke_width=new.get_stroke_width(),
                            stroke_opacity=new.get_stroke_opacity())
                 for layer in layers
                 for k, (edge, new) in enumerate(zip(self.net.diagram.layer_edges(layer),
                                                     target.layer_edges(layer)))
                 if only is None or k in only]
        extra = []
        if glow:
            steps = {layer: [abs(new - old) for old, new in zip(
                self.net.edge_values(layer, self.trace.weights(t - 1)[layer],
                                     self.layer_biases(t - 1, layer)),
                self.net.edge_values(layer, self.trace.weights(t)[layer],
                                     self.layer_biases(t, layer)))] for layer in every}
            largest = max(max(max(s) for s in steps.values()), 1e-12)
            thin, wide = GLOW_WIDTHS
            glows = [edge.copy().set_stroke(self.theme["update"], opacity=1,
                                            width=thin + (wide - thin) * step / largest)
                     for layer in layers
                     for k, (edge, step) in enumerate(zip(self.edges(layer), steps[layer]))
                     if only is None or k in only]
            extra = [fade_in(g) for g in glows]
        self.play(*moves, *extra, *also, run_time=CHANGE_TIME)  # every edge: seen changing
        if glow:  # (the glows before these left with this step)
            self.glows = glows

    def update_layers(self, t: int, layers: list[int], names: list, also: list = (),
                      only: "list[int] | None" = None, passing: list = ()) -> list:
        """These layers' edges and numbers (with ``only``, those edges') take state
        t's, glowing, clear of the weights' ``names`` where they can be; a name that a
        new number would cover leaves first, as does a ``passing`` one (which the
        numbers need not keep clear of). Returns the names that left."""
        if not layers:
            return []
        names = [m for m in names if m is not None]
        moves = self.change_weights(t, clear_of=names, layers=layers, only=only)
        taken = [outline(m) for m in self.shown_weights]
        leaving = [m for m in [*names, *passing]
                   if any(overlaps(outline(m), other) for other in taken)]
        if leaving:  # gone before the number that covers it comes: never one fading
            self.play(*[fade_out(m) for m in leaving], run_time=0.3)  # into the other
        self.animate_weights(t, also=moves + list(also), layers=layers, only=only)
        return leaving

    def gradients_in_place(self, t: int, avoid: list) -> list:
        """Animations: the ∂L/∂w the update after state t takes, red (marked ≈ where
        a calculator's product of the numbers shown is not it), in the place of
        each weight's number (the old numbers leaving first), layer by layer where all
        of a layer's fit there, or anew along its edges, clear of ``avoid``; a layer
        that does not fit keeps its weights. The update then replaces the red numbers
        with the new weights, where they stand."""
        olds, news, self.red_layers = [], [], set()
        for layer, shown in list(self.layer_labels.items()):
            texts = self.edge_texts(layer, t, gradients=True)
            clear = self.weights_avoid + self.shown_weights_but(layer) + avoid
            placed = self.laid_out(layer, shown, self.marked(texts, self.products_agree(layer, t)),
                                   "gradient", clear)
            if placed is not None:
                labels = placed[0]
                self.red_layers.add(layer)
                olds += shown
                news += labels
                self.layer_labels[layer] = labels
        if not news:
            return []
        return [AnimationGroup(AnimationGroup(*[fade_out(old) for old in olds]),
                               AnimationGroup(*[fade_in(new) for new in news]), lag_ratio=1)]

    def show_edge_gradients(self, t: int, marks: list) -> bool:
        """Every weight's ∂L/∂w red on its edge, keyed in the formulas' place and held:
        the update changes no weight whose gradient was not on screen. Whether they
        are there (a layer whose numbers are not shown shows none)."""
        swap = self.gradients_in_place(t, [m for m in marks if m is not None])
        # the red numbers come with the node gradients they are made from, where
        # those are one row each; else with the rule
        with_rows = bool(swap) and bool(self.node_gradients(t))
        if swap:
            red, white = self.theme["gradient"], self.theme["text"]
            words, (start, end) = self.labels["edge_gradients"], self.labels["edge_rule"]
            # how each was found, as the worked lines found theirs: the gradient of the
            # sum it feeds (upstream) times the value the edge carries (local)
            self.show_line(self.labels["backward"], [
                (VGroup(self.text(words, size=34, color=red),
                        Formula(r"\partial L/\partial w", font_size=TEX_SIZE, color=red)),
                 f"{words} ∂L/∂w"),
                (VGroup(Formula(r"= \partial L/\partial", font_size=TEX_SIZE, color=white),
                        self.text(end, size=34, color=white),
                        Formula(r"\times", font_size=TEX_SIZE, color=white),
                        self.text(start, size=34, color=white)),
                 f"= ∂L/∂{end} × {start}")], [] if with_rows else swap)
            self.wait(LINE_REST)
            self.show_node_gradients(t, swap if with_rows else [])
        return bool(swap)

    def node_gradients(self, t: int) -> list[Eq]:
        """Each node's ∂L/∂(its sum) the red numbers take, in rows that fit the
        formulas' place (one, else two); none where the update takes a batch's mean
        or an L2 penalty (not one product per edge) or where they do not fit."""
        if not self.one_product_per_edge(t):
            return []
        a, pieces = self.arith, []
        for layer in range(1, len(self.trace.layers)):
            for j in self.net.diagram.shown[layer]:
                tex, text = a.pre_name(layer, j)
                number = a.n(a.delta(layer, j, t)).replace("-", "−")
                pieces.append((rf"\partial L/\partial {tex} = {a.n(a.delta(layer, j, t))}",
                               f"∂L/∂{text} = {number}"))
        for count in (1, 2):
            size = -(-len(pieces) // count)
            rows = [Eq(r",\quad ".join(tex for tex, _ in pieces[k:k + size]),
                       ", ".join(text for _, text in pieces[k:k + size]))
                    for k in range(0, len(pieces), size)]
            if all(self.numbers_fit([row], rows_free=1) for row in rows):
                return rows
        return []

    def one_product_per_edge(self, t: int) -> bool:
        """Whether each red number of the update after state t is one product, ∂L/∂(its
        end) × (value at its start): not with a batch's mean or an L2 penalty."""
        a = self.arith
        return (a.batch_size(t) == 1 and bool(self.trace.probe_in_batch[t, a.p])
                and not self.trace.config.train.l2)

    def show_node_gradients(self, t: int, also: list) -> None:
        """After the rule: the ∂L/∂(sum) of every node, with ``also`` (the red numbers
        made from them), so that each red number is (a value on the diagram) × (one
        of these); then, once, where a number on an edge is marked ≈, what that means."""
        rows = self.node_gradients(t)
        if rows:
            self.cue(self.labels["backward"], *rows)
            self.show_numbers([(eq, "gradient") for eq in rows], also)
            self.wait(max(LINE_REST, self.reading_time(rows)))
        marks = [ok for layer in self.layer_labels
                 for ok in self.products_agree(layer, t) + self.updates_agree(layer, t + 1)]
        if not self.edges_rounding_explained and not all(marks):
            self.edges_rounding_explained = True
            muted = self.theme["muted"]
            self.show_line(self.labels["backward"], [
                (VGroup(self.text(words, size=34, color=muted)), words)
                for words in self.labels["edge_rounding"]], [])
            self.wait(self.reading_time(list(self.labels["edge_rounding"])))

    def products_agree(self, layer: int, t: int) -> list[bool]:
        """Per edge of a layer, whether a calculator makes its red number (the update
        after state t) from ∂L/∂(its end) × (value at its start) as shown; all True
        where the red numbers are not such products."""
        a, texts = self.arith, self.edge_texts(layer, t, gradients=True)
        if not self.one_product_per_edge(t):
            return [True] * len(texts)
        pairs = self.net.diagram.edge_pairs(layer)
        units = range(self.trace.layers[layer + 1]) if self.has_bias else []
        starts = [a.act_text(layer, i, t) for i, _ in pairs] + ["1" for _ in units]
        ends = [a.n(a.delta(layer + 1, j, t)) for j in [j for _, j in pairs] + list(units)]
        return [agrees(value(start) * value(end), grad)
                for start, end, grad in zip(starts, ends, texts)]

    def updates_agree(self, layer: int, t: int) -> list[bool]:
        """Per edge of a layer, whether a calculator makes state t's number from state
        t − 1's and its red one, old − η × red, as shown (plain SGD; all True at
        state 0 or for another optimizer, whose step is not that)."""
        news, train = self.edge_texts(layer, t), self.trace.config.train
        if t == 0 or train.optimizer != "sgd":
            return [True] * len(news)
        olds, grads = self.edge_texts(layer, t - 1), self.edge_texts(layer, t - 1, gradients=True)
        return [agrees(value(old) - train.learning_rate * value(grad), new)
                for old, grad, new in zip(olds, grads, news)]

    def edges_into(self, layer: int, node: "int | None" = None) -> list:
        """The edges into a node of diagram layer ``layer`` (None: into any of its)."""
        pairs = self.net.diagram.edge_pairs(layer - 1)
        return [edge for edge, (_, to) in zip(self.edges(layer - 1), pairs)
                if node is None or to == node]

    def sweep(self, colour: str, backwards: bool) -> AnimationGroup:
        """Flashes through the layers, left to right or right to left."""
        layers = range(len(self.trace.layers) - 1)
        order = reversed(layers) if backwards else layers
        steps = []
        for layer in order:
            steps.append(AnimationGroup(*[self.net.flash(edge, colour, reverse=backwards)
                                          for edge in self.edges(layer)]))
        return Succession(*steps)

    def layer_biases(self, t: int, layer: int):
        biases = self.biases(t)
        return biases[layer] if biases else None
