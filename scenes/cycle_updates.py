"""The cycle's update phase after its worked weight: in the first iteration every
other weight changes by itself, under the lines that name the two numbers it takes;
in the later ones, which repeat it with new numbers, two at a time, under their
update lines (nine steps an iteration made the post's loop 7:47 long, and a layer at
once under its rule alone left its numbers unchecked).

A mixin of ``CycleScene``: it reads the scene's trace, arithmetic and network, and
changes numbers by ``EdgeWeights.update_layers``."""

from scenes.arith import Eq
from scenes.cycle_weights import CHANGE_TIME
from scenes.tweens import fade_in

CHECK_REST = 2.5  # an update line read against the red numbers, before they change
MIN_REST = 2.0  # after a line whose numbers changed, at least


class WeightUpdates:
    """``update_rest`` after a layer's worked weight (or for a layer none is worked
    in): ``work_updates`` one weight at a time, or ``group_updates`` two at a time."""

    def update_rest(self, t: int, layer: int, done: list[int], names: list) -> list:
        """The layer's numbers but those ``done``: one by one in the first iteration,
        two at a time in the later ones. Returns the ``names`` that left."""
        left = (self.work_updates if t == 0 else self.group_updates)(t, layer, done, names)
        if back := self.edges_whole():  # the layer done: its new numbers among the rest
            self.play(*back, run_time=0.3)
        return left

    def group_updates(self, t: int, layer: int, done: list[int], names: list) -> list:
        """The layer's other numbers two at a time (the two into one node together,
        which take one ∂L/∂(sum)), each pair's update lines over one another, their
        edges bright while they are read against the red numbers still on them, then
        changing together: every number a calculator checks, in fewer steps than one
        a weight (where two lines do not fit, one at a time). Returns the ``names``
        that left."""
        lines = dict(self.update_lines(layer, t, done))
        pairs = self.net.diagram.edge_pairs(layer)
        # by the node each goes into (a bias after its node's weights), then from
        order = sorted(lines, key=lambda k: (pairs[k][1], 0, pairs[k][0]) if k < len(pairs)
                       else (k - len(pairs), 1, 0))
        blocks: list[list[int]] = []
        for k in order:
            if blocks and len(blocks[-1]) < 2 and self.numbers_fit(
                    [lines[e] for e in blocks[-1]] + [lines[k]]):
                blocks[-1].append(k)
            else:
                blocks.append([k])
        left = []
        for block in blocks:
            eqs = [lines[k] for k in block]
            on, _ = self.brighten([self.edges(layer)[k] for k in block])
            kept = [m for m in names if m is not None and m not in left]
            # the caption reads out the red numbers the lines take, as the screen
            # shows them on their edges
            reds = [self.taken_numbers(layer, k, t).text.split(", ")[-1] for k in block]
            self.cue(f"{self.labels['update']}: {self.arith.update_rule()[1]}",
                     self.labels["on_their_edges"], *reds, *eqs)
            self.show_numbers([(eq, "text") for eq in eqs], on)
            # every line checked against the red numbers it takes, still on their
            # edges (replaced halfway through the second line, they were missed)
            self.wait(self.check_time(eqs))
            left += self.update_layers(t + 1, [layer], kept, only=block)
            self.wait(MIN_REST)  # the new numbers seen in place
        return left

    def update_lines(self, layer: int, t: int, done: list[int]) -> list[tuple[int, Eq]]:
        """(edge, line) of each of a layer's numbers the update after state t changes,
        but those ``done`` (worked out before): old − η × red, where every red number
        of the layer stands on its edge and the step is plain SGD; else none."""
        a, tr = self.arith, self.trace
        if tr.config.train.optimizer != "sgd" or layer not in self.red_layers:
            return []
        lines = [a.update_eq(layer, i, j, t, short=True)
                 for i, j in self.net.diagram.edge_pairs(layer)]
        if self.has_bias:  # after the weights, as on the edges
            lines += [a.bias_update_eq(layer, b, t, short=True)
                      for b in range(tr.layers[layer + 1])]
        return [(k, eq) for k, eq in enumerate(lines) if k not in done]

    def updates_fit(self, layer: int, t: int, done: list[int]) -> bool:
        """Whether the layer's other numbers can be worked out one line each."""
        lines = self.update_lines(layer, t, done)
        return bool(lines) and all(self.numbers_fit([eq], rows_free=1) for _, eq in lines)

    def work_updates(self, t: int, layer: int, done: list[int], names: list) -> list:
        """After the worked weight's update: each other number of the layer changes
        on its edge as its lines are written, one weight at a time, its edge bright
        and named while they are read (clear of ``names``, which stay); the line
        above its update says the two numbers it takes, the old value (which the red
        number has replaced on the edge) and the red one (where both lines fit; else
        the update line alone). Returns the ``names`` that left (covered by a new
        number)."""
        left = []
        for k, eq in self.update_lines(layer, t, done):
            on, _ = self.brighten([self.edges(layer)[k]])
            kept = [m for m in names if m is not None and m not in left]
            tags = self.tag_edges(layer, (k,), t, kept)
            taken = self.taken_numbers(layer, k, t)
            eqs = [taken, eq] if self.numbers_fit([taken, eq]) else [eq]
            self.cue(f"{self.labels['update']}: {self.arith.update_rule()[1]}", *eqs)
            self.show_numbers([(line, "text") for line in eqs], on + [fade_in(m) for m in tags])
            self.wait(CHECK_REST)  # the red number it takes, still on its edge
            gone = self.update_layers(t + 1, [layer], kept, only=[k], passing=tags)
            left += [m for m in gone if m not in tags]
            # (read while the number changed too)
            self.wait(max(self.reading_time(eqs) - CHECK_REST - CHANGE_TIME, MIN_REST))
            self.leave([m for m in tags if m not in gone])
        return left

    def marked_approx(self, layer: int, k: int) -> bool:
        """Whether the number on a layer's k-th edge is marked ≈ (``marked``)."""
        labels = self.layer_labels.get(layer)
        return bool(labels) and r"\approx" in labels[k].tex_string

    def taken_numbers(self, layer: int, k: int, t: int) -> Eq:
        """What the update of a layer's k-th number (its weights', then its biases')
        after state t takes: its old value and its gradient, the red number on its
        edge (v₁₁ = 0.3, ∂L/∂v₁₁ ≈ 0.902: each a value, rounded; the gradient
        marked ≈ as its edge marks it, where a calculator's product of the numbers
        shown is not it)."""
        a, pairs = self.arith, self.net.diagram.edge_pairs(layer)
        name = (a.weight_name(layer, *pairs[k]) if k < len(pairs)
                else a.bias_name(layer, k - len(pairs)))
        old = self.edge_texts(layer, t)[k]
        red = self.edge_texts(layer, t, gradients=True)[k]
        g_tex, g_text = a.update_gradient_name(*name, t)
        # its ≈ is the edge's, which the note on the edges explained: not a line's
        # own result, for the formulas' note to explain again
        tex_rel, text_rel = (r"\approx", "≈") if self.marked_approx(layer, k) else ("=", "=")
        return Eq(rf"{name[0]} = $old,\quad {g_tex} {tex_rel} $red",
                  f"{name[1]} = $old, {g_text} {text_rel} $red", old=old, red=red)

