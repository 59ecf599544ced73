"""The backward scene's second forward pass: the updated network on the same sample,
layer by layer, each new value worked out from the new weights on the edges, and
the loss before and after.

A mixin of ``BackwardScene``: it reads the scene's trace, arithmetic, diagram, key
and labels."""

from manim import FadeOut

from scenes.edge_labels import opacity, stand_apart
from scenes.forward import MOST_LINES
from scenes.numerals import minus_signs
from scenes.tweens import fade_in, fade_out, write


class SecondPass:
    """``second_forward``: the loss goes down."""

    def second_forward(self) -> None:
        """The updated network on the same sample: the loss goes down."""
        tr, a = self.trace, self.arith
        new_values = [[self.net.value_label(layer, j, self.value_text(layer, j, 1),
                                            self.theme["forward"]) for j in range(tr.layers[layer])]
                       for layer in range(1, len(tr.layers))]
        before, after = (a.n(float(tr.probe_losses[t, 0])) for t in (0, 1))
        title = self.title_text(self.titles()[-1])
        # like with like: this sample's loss before and after, and the training set's
        compare = [f"{self.labels['sample_loss']}: {before} → {after}"]
        if len(tr.X) > 1:
            compare.append(f"{self.labels['training_loss']}: {a.n(float(tr.loss[0]))} → "
                           f"{a.n(float(tr.loss[1]))}")
        said = [self.text(minus_signs(c), size=34)
                for c in compare]
        pages = self.pages([a.loss_eq(1), *said], 3)
        # no gradient stays on screen: the key's entry for them leaves with them (the
        # key's last entry, in every shape); a layer whose new weights the update left
        # end to end is laid out anew (two numbers with an edge between read as one
        # minus the other), as the pass is about to read them
        gone = [] if opacity(self.legend[-1]) == 0 else [FadeOut(self.legend[-1])]
        self.play(self.retitle(title), *gone, run_time=0.6)
        if relaid := [step for layer in range(len(tr.layers) - 1)
                      for step in self.relaid(layer)]:
            self.play(*relaid, run_time=0.8)
        # the old values were the old weights': they leave; then layer by layer, as the
        # first pass went, the signal reaches a layer and each new value comes with its
        # working
        if shown := [old for old in self.value_labels if opacity(old) > 0]:
            self.play(*[FadeOut(old) for old in shown], run_time=0.4)
        for layer, values in enumerate(new_values):
            self.play(*[self.net.flash(e, self.theme["forward"])
                        for e in self.net.diagram.layer_edges(layer)], run_time=1.0)
            self.new_values_worked(layer + 1, values)
        self.value_labels = [label for values in new_values for label in values]
        words = {id(text): c for text, c in zip(said, compare)}
        for number, (page, shown) in enumerate(pages):  # a long loss line: its own screen
            lines = [words[id(p)] if id(p) in words else p.text for p in page]
            self.cue((self.titles()[-1] + ": " if number == 0 else "") + lines[0],
                     *lines[1:])
            self.play(write(shown), run_time=self.write_time(shown))
            if number < len(pages) - 1:
                self.hold()
                self.play(fade_out(shown), run_time=0.4)

    def relaid(self, layer: int) -> list:
        """A layer's weight labels placed anew where they do not stand apart."""
        labels = self.weight_labels.submobjects[
            self.label_offset(layer):self.label_offset(layer + 1)]
        if stand_apart(labels) or not any(opacity(m) > 0 for m in labels):
            return []
        return self.relabel(layer, [m.tex_string for m in labels], self.theme["text"])

    def new_values_worked(self, layer: int, news: list) -> None:
        """How the layer's new values come from the new weights on the edges: node by
        node, ringed with its edges, its weighted sum and activation, then its new
        value."""
        a = self.arith
        for j, new in enumerate(news):
            eqs = [eq for eq in (a.weighted_sum(layer, j, 1), a.activation_eq(layer, j, 1)) if eq]
            focus = self.focus(self.net.node(layer, j), self.net.edges_into(layer, j),
                               self.theme["forward"])
            pages = self.pages(eqs, MOST_LINES)
            for number, (page, shown) in enumerate(pages):
                self.cue(*page)
                self.play(write(shown), *focus, run_time=self.write_time(shown))
                focus = []
                if number == len(pages) - 1:
                    self.play(fade_in(new), run_time=0.5)
                # each line checked with a calculator (h₂'s two in 5.7 s were too fast)
                self.hold(self.check_time(page))
                self.play(fade_out(shown), run_time=0.4)
        if restore := self.unfocus():
            self.play(*restore, run_time=0.4)
