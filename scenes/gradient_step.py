"""The backward scene's gradients on the edges: a weight layer's lines a few at a
time, each edge taking its gradient as its own line is written, the key naming the
gradient as the first edges take theirs.

A mixin of ``BackwardScene``: it reads the scene's trace, arithmetic, diagram, key
and labels, and replaces labels with the update step's ``relabel_some``."""

import numpy as np

from scenes.tweens import StyleTween, fade_out, write

CHUNK = 3  # equation lines on screen at once
UNKNOWN_WIDTH = 1.5  # an edge whose gradient is still to come: thin and grey
OTHER_NUMBERS = 0.1  # edge numbers not in the lines shown: all but gone


class GradientStep:
    """``gradients_on_edges``: a weight layer's gradients, line by line, on its edges."""

    def gradients_on_edges(self, layer: int, grads: list[float], symbol: str, eqs: list
                           ) -> None:
        """The layer's lines (one per edge, in edge order) a few at a time, as many as
        fit the bottom area, each edge taking its gradient as its line is written: in
        the gradients' colour, widened by its size, the number on it; the key names
        the gradient with the first lines. No number stands on an edge before its line;
        only the edges of the lines shown stay bright (``unfocus`` brings the rest back
        at the end)."""
        red = self.theme["gradient"]
        edges, texts = self.net.diagram.layer_edges(layer), self.parameter_texts(layer, 0)
        # the layer's edges lose the weights' look (a plain grey line, until its
        # gradient comes), and as the key turns to gradients, so do those of every
        # layer still to come: no edge is drawn by its weight under a key of gradients
        coming = range(layer + 1) if self.legend_symbol != symbol else [layer]
        self.play(*[StyleTween(edge, stroke_color=self.theme["muted"], stroke_width=UNKNOWN_WIDTH)
                    for k in coming for edge in self.net.diagram.layer_edges(k)], run_time=0.6)
        scale = self.gradient_scale(symbol)
        colours, start = [self.theme["text"]] * len(texts), 0
        for number, (chunk, shown) in enumerate(self.pages(eqs, CHUNK, red)):
            ks = [k for k in range(start, start + len(chunk)) if k < len(edges)]
            start += len(chunk)  # (bias lines may have no edge drawn)
            for k in ks:
                texts[k], colours[k] = self.arith.n(grads[k]), red
            # in the gradients' colour, unlike a weight's edge; its number gives the sign
            restyle = [StyleTween(edges[k], stroke_opacity=1, stroke_width=2 + 6 * abs(
                grads[k]) / scale, stroke_color=red) for k in ks]
            self.cue(*chunk)
            # the other numbers all but leave: one chunk's numbers at a time
            # the key names the gradient as the first edges take theirs, not before
            key = self.new_legend(symbol, grads) if number == 0 else []
            self.play(write(shown), *restyle, *self.relabel_some(layer, ks, texts, colours),
                      *self.focus(None, [edges[k] for k in ks], red, OTHER_NUMBERS), *key,
                      run_time=0.9)
            if number == 0:
                self.mark_legend(symbol)
            self.hold(self.reading_time(chunk))
            self.play(fade_out(shown), run_time=0.3)
        self.play(*self.unfocus(), run_time=0.4)

    def gradient_scale(self, symbol: str) -> float:
        """The largest gradient of any layer, the widest edge: widths compare across
        layers as the key says (the batch's mean gradients where the symbol is theirs)."""
        return max(float(np.abs(self.edge_gradients(k, symbol)).max())
                   for k in range(len(self.trace.layers) - 1)) or 1e-12

    def edge_gradients(self, layer: int, symbol: str) -> list[float]:
        """A weight layer's gradients in the order of its edges (biases last): this
        sample's, or, for the batch's mean symbol, the mean the update takes."""
        tr, a = self.trace, self.arith
        if symbol.startswith(r"\overline"):
            return self.net.edge_values(layer, tr.weight_gradients(layer)[0],
                                        self.mean_bias_gradient(layer))
        deltas = [a.delta(layer + 1, j, 0) for j in range(tr.layers[layer + 1])]
        return self.net.edge_values(layer, tr.probe_weight_gradients(layer)[0, 0], np.array(deltas))
