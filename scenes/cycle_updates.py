"""The cycle's update phase after its worked weight: in the first iteration every
other weight changes by itself, under the line that works it out; in the later ones,
which repeat it with new numbers, each layer's others change at once under its rule,
the red number each takes standing on its edge (a loop of nine lines an iteration
would hide the loss going down behind three minutes of them).

A mixin of ``CycleScene``: it reads the scene's trace, arithmetic and network, and
changes numbers by ``EdgeWeights.update_layers``."""

from manim import VGroup

from scenes.arith import Eq
from scenes.cycle_weights import CHANGE_TIME
from scenes.numerals import fmt
from scenes.story import TEX_SIZE
from scenes.tex import Formula
from scenes.tweens import fade_in

CHECK_REST = 2.0  # an update line read against the red numbers, before they change
MIN_REST = 1.5  # after a line whose numbers changed, at least


class WeightUpdates:
    """``update_rest`` after a layer's worked weight (or for a layer none is worked
    in): ``work_updates`` one line a weight, or ``group_updates`` the layer at once."""

    def update_rest(self, t: int, layer: int, done: list[int], names: list) -> list:
        """The layer's numbers but those ``done``: one by one in the first iteration,
        at once in the later ones. Returns the ``names`` that left."""
        if t == 0:
            return self.work_updates(t, layer, done, names)
        return self.group_updates(t, layer, done, names)

    def group_updates(self, t: int, layer: int, done: list[int], names: list) -> list:
        """The layer's other numbers change together, their edges bright while the
        rule they follow is read (w ← w − η × its red number), the red numbers still
        on their edges; each new one marked ≈ where a calculator's old − η × red, from
        the numbers shown, is not it. Returns the ``names`` that left."""
        edges = [k for k, _ in self.update_lines(layer, t, done)]
        if not edges:
            return []
        red, white = self.theme["gradient"], self.theme["text"]
        rate = fmt(self.trace.config.train.learning_rate, 6)
        words, where = self.labels["others_at_once" if done else "layer_at_once"], \
            self.labels["red_on_its_edge"]
        on, _ = self.brighten([self.edges(layer)[k] for k in edges])
        rule = f"w ← w − {rate} × ∂L/∂w {where}"
        self.show_line(f"{self.labels['update']}: {self.arith.update_rule()[1]}", [
            (VGroup(self.text(words, size=34, color=white)), words),
            (VGroup(Formula(rf"w \leftarrow w - {rate} \times", font_size=TEX_SIZE, color=white),
                    Formula(r"\partial L/\partial w", font_size=TEX_SIZE, color=red),
                    self.text(where, size=34, color=white)), rule)], on)
        self.wait(CHECK_REST)  # the red numbers it takes, still on their edges
        left = self.update_layers(t + 1, [layer], [m for m in names if m is not None],
                                  only=edges)
        self.wait(max(self.reading_time([words, rule]) - CHECK_REST - CHANGE_TIME, MIN_REST))
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

    def taken_numbers(self, layer: int, k: int, t: int) -> Eq:
        """What the update of a layer's k-th number (its weights', then its biases')
        after state t takes: its old value and its gradient, the red number on its
        edge (v₁₁ = 0.3, ∂L/∂v₁₁ = 0.902: each a value, rounded; a ≈ on the edge
        speaks of a product this line does not show)."""
        a, pairs = self.arith, self.net.diagram.edge_pairs(layer)
        name = (a.weight_name(layer, *pairs[k]) if k < len(pairs)
                else a.bias_name(layer, k - len(pairs)))
        old = self.edge_texts(layer, t)[k]
        red = self.edge_texts(layer, t, gradients=True)[k]
        g_tex, g_text = a.update_gradient_name(*name, t)
        return Eq(rf"{name[0]} = $old,\quad {g_tex} = $red", f"{name[1]} = $old, {g_text} = $red",
                  old=old, red=red)

