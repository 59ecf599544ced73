"""The cycle's weights as numbers on their edges: ŷ = Σ σ(hⱼ)·vⱼ₁ reads off the
picture (the values above the nodes, the weights on the edges), and every update is
seen as the numbers change, every layer's, not only the one weight worked through.

A mixin of ``CycleScene``: it reads the scene's trace, arithmetic and network."""

from manim import AnimationGroup, MathTex
from manim.utils.rate_functions import there_and_back

from scenes.edge_labels import keep_places, opacity
from scenes.tweens import StyleTween, fade_in, fade_out

GLOW_WIDTHS = (1.5, 9.0)  # an update's glow: the least and the largest change of a weight


class EdgeWeights:
    """``label_weights`` once, then ``change_weights`` at each update and at the
    restart, beside ``animate_weights``, which changes the edges. ``shown_weights``:
    the labels on screen (a layer whose numbers do not all fit apart along its edges
    shows none)."""

    def weight_labels_at(self, layer: int, t: int) -> list[MathTex]:
        """State t's weights (then biases) of a layer, one label per edge, in edge order."""
        values = self.net.edge_values(layer, self.trace.weights(t)[layer],
                                      self.layer_biases(t, layer))
        return [self.net.edge_label(self.arith.n(v), self.theme["text"],
                                    self.theme["background"]) for v in values]

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

    def change_weights(self, t: int, clear_of: list = ()) -> list:
        """Animations: state t's numbers replace those shown, the old leaving before
        the new come (never morphed); each new one where its old one lies when all of
        its layer's fit there, else the layer placed anew (and hidden where it does not
        fit), clear of ``clear_of`` too (names that stay); state 0's exactly where they
        first stood."""
        if not self.layer_labels:
            return []
        olds = self.shown_weights
        for layer, shown in list(self.layer_labels.items()):
            if t == 0:
                news = [label.copy() for label in self.first_weights[layer]]
            else:
                news = self.weight_labels_at(layer, t)
                avoid = self.weights_avoid + self.shown_weights_but(layer) + list(clear_of)
                if not keep_places(self.net.diagram, [(layer, k, old, new) for k, (old, new)
                                                      in enumerate(zip(shown, news))], avoid):
                    self.net.place_layer(layer, news, avoid)
            self.layer_labels[layer] = news
        return [AnimationGroup(AnimationGroup(*[fade_out(old) for old in olds]),
                               AnimationGroup(*[fade_in(new) for new in self.shown_weights]),
                               lag_ratio=1)]

    def animate_weights(self, t: int, glow: bool = True, also: list = ()) -> None:
        """Every edge takes state t's colour and width; with ``glow`` (the update), each
        glows as it changes, as wide as its weight moves (relative to the weight that
        moves most: one step changes a weight too little for its width to show it);
        ``also`` plays with it."""
        target = self.net.diagram.copy()
        target.set_weights(self.trace.weights(t), self.biases(t))
        moves = [StyleTween(edge, stroke_color=new.get_stroke_color(),
                            stroke_width=new.get_stroke_width(),
                            stroke_opacity=new.get_stroke_opacity())
                 for layer in range(len(self.trace.layers) - 1)
                 for edge, new in zip(self.net.diagram.layer_edges(layer),
                                      target.layer_edges(layer))]
        extra = []
        if glow:
            layers = range(len(self.trace.layers) - 1)
            steps = [abs(new - old) for layer in layers for old, new in zip(
                self.net.edge_values(layer, self.trace.weights(t - 1)[layer],
                                     self.layer_biases(t - 1, layer)),
                self.net.edge_values(layer, self.trace.weights(t)[layer],
                                     self.layer_biases(t, layer)))]
            largest, (thin, wide) = max(max(steps), 1e-12), GLOW_WIDTHS
            edges = [edge for layer in layers for edge in self.edges(layer)]
            extra = [
                fade_in(edge.copy().set_stroke(self.theme["update"], opacity=1,
                                              width=thin + (wide - thin) * step / largest),
                       rate_func=there_and_back, remover=True)
                for edge, step in zip(edges, steps)]
        self.play(*moves, *extra, *also, run_time=1.5)  # every edge: seen changing

    def layer_biases(self, t: int, layer: int):
        biases = self.biases(t)
        return biases[layer] if biases else None
