"""The cycle's output weights as numbers on their edges: ŷ = Σ σ(hⱼ)·vⱼ₁ reads off
the picture (the values above the nodes, the weights on the edges), and every update
is seen as the numbers change, not only the one weight worked through.

A mixin of ``CycleScene``: it reads the scene's trace, arithmetic and network."""

from manim import AnimationGroup, MathTex

from scenes.edge_labels import keep_places
from scenes.tweens import fade_in, fade_out


class OutputWeights:
    """``label_output_weights`` once, then ``change_output_weights`` at each update
    and at the restart."""

    def output_layer(self) -> int:
        return len(self.trace.layers) - 2

    def output_weight_labels(self, t: int) -> list[MathTex]:
        """State t's output weights (then biases), one label per edge, in edge order."""
        layer = self.output_layer()
        values = self.net.edge_values(layer, self.trace.weights(t)[layer],
                                      self.layer_biases(t, layer))
        return [self.net.edge_label(self.arith.n(v), self.theme["text"],
                                    self.theme["background"]) for v in values]

    def label_output_weights(self, avoid: list) -> None:
        """State 0's numbers along the output layer's edges, where they all fit apart
        clear of ``avoid`` (mobjects or boxes); else none, and the lines alone name
        the weights."""
        self.weights_avoid = avoid
        labels = self.output_weight_labels(0)
        if not self.net.place_layer(self.output_layer(), labels, avoid):
            self.first_weights = self.shown_weights = []
            return
        # kept as they first stood: the restart brings back these very places
        self.first_weights = [label.copy() for label in labels]
        self.shown_weights = labels
        self.add(*labels)

    def change_output_weights(self, t: int, leaving: list = ()) -> list:
        """Animations: state t's numbers replace those shown, the old leaving (with
        ``leaving``) before the new come (never morphed); each new one where its old one
        lies when all fit there, else all placed anew; state 0's exactly where they
        first stood."""
        if not self.shown_weights:
            return []
        if t == 0:
            news = [label.copy() for label in self.first_weights]
        else:
            news, layer = self.output_weight_labels(t), self.output_layer()
            olds = [(layer, k, old, new)
                    for k, (old, new) in enumerate(zip(self.shown_weights, news))]
            if not keep_places(self.net.diagram, olds, self.weights_avoid):
                self.net.place_layer(layer, news, self.weights_avoid)  # hidden where none fit
        olds, self.shown_weights = self.shown_weights, news
        return [AnimationGroup(AnimationGroup(*[fade_out(old) for old in [*olds, *leaving]]),
                               AnimationGroup(*[fade_in(new) for new in news]), lag_ratio=1)]
