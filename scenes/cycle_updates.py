"""The cycle's update phase after its worked weight: in the first iteration every
other weight changes by itself, under its red number worked out and the update that
takes it; in the later ones, which repeat it with new numbers, so again where a red
number is a product a calculator makes, else two at a time, under their update lines
(nine steps an iteration made the post's loop 7:47 long, and a layer at once under
its rule alone left its numbers unchecked).

A mixin of ``CycleScene``: it reads the scene's trace, arithmetic and network, and
changes numbers by ``EdgeWeights.update_layers``."""

from scenes.arith import Eq, agrees, value
from scenes.cycle_weights import CHANGE_TIME
from scenes.pacing import Paced, products
from scenes.tweens import fade_in

CHECK_REST = 2.5  # an update line read against the red numbers, before they change
MIN_REST = 2.0  # after a line whose numbers changed, at least


class WeightUpdates:
    """``update_rest`` after a layer's worked weight (or for a layer none is worked
    in): ``work_updates`` one weight at a time, or ``group_updates`` two at a time."""

    def update_rest(self, t: int, layer: int, done: list[int], names: list) -> list:
        """The layer's numbers but those ``done``: one by one in the first iteration,
        and in the later ones where their red numbers are worked out
        (``reds_to_work``); else two at a time. Returns the ``names`` that left."""
        by_one = t == 0 or self.reds_to_work(layer, t, done)
        left = (self.work_updates if by_one else self.group_updates)(t, layer, done, names)
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

    def reds_to_work(self, layer: int, t: int, done: list[int]) -> bool:
        """Whether a later iteration works this layer's red numbers out one weight at a
        time: where one of them is a product a calculator has to make (1.022 × 0.728
        = 0.744 came from nowhere in a pair's lines) and each fits over its update; a
        layer of ∂L/∂h × 1 reads its numbers off the row of ∂L/∂h, in pairs."""
        lines = self.update_lines(layer, t, done)
        worked = [self.taken_lines(layer, k, t, eq)[0] for k, eq in lines]
        return (bool(lines) and all(line.text.startswith("∂") for line in worked)
                and any(products(line) for line in worked))

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
        and named while they are read (clear of ``names``, which stay); over its
        update, the lines of ``taken_lines``. Returns the ``names`` that left
        (covered by a new number)."""
        left = []
        for k, eq in self.update_lines(layer, t, done):
            on, _ = self.brighten([self.edges(layer)[k]])
            kept = [m for m in names if m is not None and m not in left]
            tags = self.tag_edges(layer, (k,), t, kept)
            eqs = self.taken_lines(layer, k, t, eq)
            self.cue(f"{self.labels['update']}: {self.arith.update_rule()[1]}", *eqs)
            self.show_numbers([(line, "text" if line is eq or not line.text.startswith("∂")
                                else "gradient") for line in eqs],
                              on + [fade_in(m) for m in tags])
            # the red number worked out and checked against its edge, where it still
            # stands; then the update read while the number changes (a line each, as
            # the pace checks lines: the phases' longer LINE_REST is for a line alone)
            worked = eqs[:-1]
            self.wait(max(CHECK_REST, Paced.check_time(self, worked) if worked else 0.0))
            gone = self.update_layers(t + 1, [layer], kept, only=[k], passing=tags)
            left += [m for m in gone if m not in tags]
            self.wait(max(Paced.check_time(self, [eq]) - CHANGE_TIME, MIN_REST))
            self.leave([m for m in tags if m not in gone])
            self.explain_if_approx(worked)  # (once: right after the line it explains)
        return left

    def taken_lines(self, layer: int, k: int, t: int, update: Eq) -> list[Eq]:
        """The lines over a number's update, which the update line ends: its red
        number worked out from the numbers it multiplies, named where that fits
        (∂L/∂v₁₁ = ∂L/∂ŷ × σ(h₁) = 1.233 × 0.731 ≈ 0.902), else unnamed (the rule on
        the edges named them); where it is no such product, the two numbers the
        update takes (v₁₁ = 0.3, ∂L/∂v₁₁ ≈ 0.902); where neither fits, the update
        alone."""
        candidates = [self.worked_red(layer, k, t, named) for named in (True, False)]
        candidates.append(self.taken_numbers(layer, k, t))
        for line in candidates:
            if line is not None and self.numbers_fit([line, update]):
                return [line, update]
        return [update]

    def worked_red(self, layer: int, k: int, t: int, named: bool) -> Eq | None:
        """∂L/∂w = ∂L/∂(its end) × (value at its start) of a layer's k-th edge, by the
        numbers on screen (the end's gradient as its line and the row of them gave
        it, the start's value on the diagram), ≈ where the edge marks it so; None for
        a bias or where the red number is not one product (``one_product_per_edge``)."""
        a, pairs = self.arith, self.net.diagram.edge_pairs(layer)
        if k >= len(pairs) or not self.one_product_per_edge(t):
            return None
        i, j = pairs[k]
        w_tex, w_text = a.weight_name(layer, i, j)
        s_tex, s_text = a.act_name(layer, i)
        z_tex, z_text = a.pre_name(layer + 1, j)
        nums = {"d": a.o(a.delta(layer + 1, j, t)), "s": a.act_text(layer, i, t),
                "g": self.edge_texts(layer, t, gradients=True)[k]}
        names = ((rf"\partial L/\partial {z_tex} \times {s_tex} = ",
                  f"∂L/∂{z_text} × {s_text} = ") if named else ("", ""))
        # ≈ where a calculator differs; where the edge is marked so too, the note on
        # the edges' ≈ explained it, not one for the formulas to give again
        exact = agrees(value(nums["d"]) * value(nums["s"]), nums["g"])
        tex_rel, text_rel = ((r"\approx", "≈") if not exact and self.marked_approx(layer, k)
                             else ("$eq", "$eq"))
        return Eq(rf"\partial L/\partial {w_tex} = {names[0]}$d \times $s {tex_rel} $g",
                  f"∂L/∂{w_text} = {names[1]}$d × $s {text_rel} $g",
                  exact or tex_rel != "$eq", **nums)

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

