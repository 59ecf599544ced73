"""cs231n's general gate, one idea at a time: a gate f(x, y) with its forward values
above the wires, its local gradients, the upstream gradient coming back along z and
the downstream gradients going on along x and y; then the same figure on the + gate's
numbers, on the × gate's symbols, the rule of a neuron's weight, and last the × gate
of a weight of the network on its own numbers.

A mixin of ``ChainRuleScene``: it reads the scene's trace, arithmetic, labels and
theme, and draws with its gates and wires."""

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Arrow,
    Create,
    FadeOut,
    Line,
    SurroundingRectangle,
    VGroup,
)

from scenes import layout
from scenes.arith import Eq, agrees, value
from scenes.pacing import END_HOLD
from scenes.story import MIN_TEXT_SIZE, TEX_SIZE
from scenes.tex import Formula
from scenes.tweens import fade_in, write

ROW_GAP = 0.3  # between the last downstream result and the rule below it
RULE_BUFF = 0.12  # between "downstream = upstream × local" and its frame
IDEA_HOLD = 4.5  # each idea of the gate (its words, then its symbols found on the picture)


class GeneralGate:
    """``general_gate``: the scene's last part."""

    def general_gate(self) -> None:
        """cs231n's figure, symbols only, one idea at a time: a gate with its forward
        values above the wires; its local gradients; the upstream gradient coming back
        along z; the downstream gradients going on along x and y, each upstream × local."""
        # the title says what the figure is: any gate, z = f(x, y)
        # the key gains the local gradients' colour: they are neither values nor ∂L/∂…
        key = self.number_key((("value", "forward"), ("gradient", "gradient"),
                               ("local_gradient", "local")))
        key.to_corner(UP + RIGHT, buff=layout.SAFE_MARGIN)
        self.play(*[FadeOut(m) for m in self.mobjects if m is not self.key], run_time=0.5)
        self.title_mobject = self.title_text(f"{self.labels['general_gate']}: z = f(x, y)")
        green, red = self.theme["forward"], self.theme["gradient"]
        gate = self.gate("f", [0.3, 0.9, 0])
        gate.scale(1.3)
        wx = self.bent_wire(-6.2, 2.6, gate.get_left() + [0, 0.25, 0])
        wy = self.bent_wire(-6.2, -0.7, gate.get_left() + [0, -0.25, 0])
        wz = Line(gate.get_right(), [5.6, 0.9, 0])
        wires = VGroup(wx, wy, wz).set_stroke(self.theme["node_stroke"], width=3)
        forward = [self.on_wire(wx, "x", green, False), self.on_wire(wy, "y", green, False),
                   self.on_wire(wz, "z", green, False)]
        local = Formula(r"\frac{\partial z}{\partial x},\ \frac{\partial z}{\partial y}",
                        font_size=TEX_SIZE, color=self.theme["local"]).next_to(gate, UP, buff=0.25)
        local_words = self.text(self.labels["local_gradients"], size=MIN_TEXT_SIZE,
                                color=self.theme["local"]).next_to(local, RIGHT, buff=0.3)
        upstream_arrow = self.back_arrow(wz.get_end()[0], wz.get_start()[0] + 0.3,
                                         wz.get_y() - 0.3, red)
        upstream = Formula(r"\frac{\partial L}{\partial z}", font_size=TEX_SIZE, color=red)
        upstream.next_to(upstream_arrow, DOWN, buff=0.15)
        upstream_words = self.text(self.labels["upstream"], size=MIN_TEXT_SIZE,
                                   color=red).next_to(upstream, DOWN, buff=0.15)
        downstream_arrows = [self.back_arrow(w.label_anchor[0] + 1.6, w.label_anchor[0] - 1.6,
                                             w.label_anchor[1] - 0.3, red) for w in (wx, wy)]
        down = [Formula(rf"\frac{{\partial L}}{{\partial {v}}} = \frac{{\partial L}}"
                        rf"{{\partial z}} \cdot \frac{{\partial z}}{{\partial {v}}}",
                        font_size=TEX_SIZE, color=red).next_to(arrow, DOWN, buff=0.15)
                for v, arrow in zip("xy", downstream_arrows)]
        # the rule at the bottom right, under the upstream gradient, clear of the
        # downstream formulas at the left (and of their numbers, which come last)
        # framed: a statement of its own, not the end of the formula in its row
        words = self.text(self.labels["downstream"], color=red)
        frame = SurroundingRectangle(words, color=red, buff=RULE_BUFF, corner_radius=0.1,
                                     stroke_width=2)
        rule = VGroup(words, frame)
        # (as far right as the frame allows: away from the downstream formula and the
        # numbers that come to its right)
        rule.align_to([0, -layout.FRAME_Y + layout.SAFE_MARGIN + 0.3, 0], DOWN).align_to(
            [layout.FRAME_X - layout.SAFE_MARGIN, 0, 0], RIGHT)
        symbols = [self.title_mobject, gate[1], *forward, local, upstream, *down]
        numbers = self.example_labels(symbols)  # (the local gradients are numbers[5])
        times = self.times_labels(symbols)
        # in the example, the gate's output is t and the gradients are of z: z stands
        # where the figure has L
        upstream_as = self.text(self.labels["upstream_as"], size=MIN_TEXT_SIZE, color=red)
        upstream_as.move_to(upstream_words).align_to(upstream_words, RIGHT)
        # the × gate's rule as backward uses it: a weight's gradient is its input's
        # value times the gradient of the sum it feeds; in the rule's row, which moves
        # up under the upstream gradient
        neuron = VGroup(self.text(self.labels["neuron_weight"]),
                        Formula(r"\partial L/\partial w = \partial L/\partial h \cdot x",
                                font_size=TEX_SIZE, color=red)).arrange(RIGHT, buff=0.2)
        neuron.align_to(rule, DOWN).align_to([-layout.FRAME_X + layout.SAFE_MARGIN, 0, 0], LEFT)
        steps = [
            (self.labels["general_gate"] + ": z = f(x, y)",
             [fade_in(self.title_mobject), fade_in(wires), fade_in(gate),
              *[fade_in(m) for m in forward],
              AnimationGroup(FadeOut(self.key), fade_in(key), lag_ratio=1)]),
            (self.labels["local_gradients"] + ": ∂z/∂x, ∂z/∂y",
             [fade_in(local), fade_in(local_words)]),
            (self.labels["upstream"] + ": ∂L/∂z",
             [Create(upstream_arrow), fade_in(upstream), fade_in(upstream_words)]),
            (self.labels["downstream"] + ": ∂L/∂x = ∂L/∂z · ∂z/∂x, ∂L/∂y = ∂L/∂z · ∂z/∂y",
             [*[Create(a) for a in downstream_arrows], *[write(m) for m in down],
              fade_in(rule)]),
            # the same figure on the numbers the viewer saw: the + gate of z = (x + y)²,
            # whose output is t and whose gradients are of z: each name in its place
            (f"{self.example_words()} {self.gate_example().text}",
             [AnimationGroup(FadeOut(old), fade_in(new), lag_ratio=1)
              for old, new in zip(symbols, numbers)]
             + [local_words.animate.next_to(numbers[5], RIGHT, buff=0.3),
                AnimationGroup(FadeOut(upstream_words), fade_in(upstream_as), lag_ratio=1)]),
            # the gate of every weight: × hands each input the other's value as its
            # local gradient
            (f"{self.labels['times_gate']}: ∂z/∂x = y, ∂z/∂y = x; ∂L/∂x = ∂L/∂z · y, "
             "∂L/∂y = ∂L/∂z · x",
             [AnimationGroup(FadeOut(old), fade_in(new), lag_ratio=1)
              for old, new in zip(numbers, times)]
             + [local_words.animate.next_to(times[5], RIGHT, buff=0.3),
                AnimationGroup(FadeOut(upstream_as), fade_in(upstream_words.copy()),
                               lag_ratio=1)]),
        ]
        steps.append(  # then what that means in a neuron, a step of its own
            (f"{self.labels['neuron_weight']} ∂L/∂w = ∂L/∂h · x",
             [rule.animate.next_to(upstream_words, DOWN, buff=0.35).align_to(rule, RIGHT),
              fade_in(neuron)]))
        # each idea IDEA_HOLD; the pictures of numbers and of the × gate, whose eight
        # texts all change, and the neuron's rule, as long as four lines take
        holds = [IDEA_HOLD] * 4 + [self.reading_time(4)] * (len(steps) - 4)
        # last, the same × gate on the network's numbers, as the backward pass finds
        # them (one output: the value's only way to ŷ), held to the end
        weighed = (self.weight_gate(symbols, gate, wx, neuron) if self.trace.layers[-1] == 1
                   else None)
        if weighed is not None:
            texts, (term, rule), captions = weighed
            # where the numbers come from, in the rule's row until the rule needs it
            source = self.rows_within(self.labels["numbers_from"], 2 * layout.FRAME_X
                                      - 2 * layout.SAFE_MARGIN)
            source.align_to(term, LEFT).align_to(term, DOWN)
            pairs = list(zip(times + [neuron, source, term], texts + [source, term, rule]))

            def swap(ks):
                return [AnimationGroup(FadeOut(pairs[k][0]), fade_in(pairs[k][1]), lag_ratio=1)
                        for k in ks]
            # one idea at a time, as the general gate came: the values (the symbols of
            # x and y that are gone leave with them), then the gradients at the gate
            # with why the upstream one is ∂L/∂ŷ, then downstream with the neuron's rule
            parts = [swap([0, 1, 2, 3, 4, 9]) + [FadeOut(m) for m in [*times[5:9], local_words]],
                     [fade_in(texts[5]), fade_in(texts[6]), *swap([10]),
                      *self.words_beside(local_words, texts[5])],
                     [fade_in(texts[7]), fade_in(texts[8]), *swap([11])]]
            for caption, moves in zip(captions, parts):
                steps.append((caption, moves))
                holds.append(self.reading_time([caption]))
        holds[-1] = max(END_HOLD, holds[-1])
        for (words, moves), hold in zip(steps, holds):
            self.cue(words)
            self.play(*moves, run_time=1.2)
            self.hold(hold)

    def gate_example(self) -> Eq:
        """downstream = upstream × local, on the + gate's numbers of the first part."""
        d = self.d
        return Eq(r"\partial z/\partial x = \partial z/\partial t \cdot \partial t/\partial x"
                  r" = $g \times 1 = $dx", "∂z/∂x = ∂z/∂t · ∂t/∂x = $g × 1 = $dx",
                  g=self.op(d["t"]), dx=d["x"])

    def example_words(self) -> str:
        return self.labels["gate_example"].replace("{z}", "z = (x + y)²")

    def example_labels(self, symbols: list) -> list:
        """The general gate's texts (title, f, x, y, z, local, upstream, both
        downstream) on the + gate's numbers of the first part, each where its symbol
        stands: the output is t, the gradients are of z."""
        v, d = self.v, self.d
        frac = r"\frac{{\partial {}}}{{\partial {}}}".format
        texts = ["+", f"x = {v['x']}", f"y = {v['y']}", f"t = {v['t']}",
                 rf"{frac('t', 'x')} = {frac('t', 'y')} = 1",
                 rf"{frac('z', 't')} = {d['t']}"] + [
            rf"{frac('z', w)} = {self.op(d['t'])} \times 1 = {d[w]}" for w in "xy"]
        return self.in_places(self.labels["plus_gate"], texts, symbols)

    def times_labels(self, symbols: list) -> list:
        """The general gate's texts for a × gate, z = x · y, each where its symbol
        stands: each input's local gradient is the other input."""
        frac = r"\frac{{\partial {}}}{{\partial {}}}".format
        texts = [r"\times", "x", "y", r"z = x \cdot y",
                 rf"{frac('z', 'x')} = y,\ {frac('z', 'y')} = x", frac("L", "z")] + [
            rf"{frac('L', a)} = {frac('L', 'z')} \cdot {b}" for a, b in ("xy", "yx")]
        return self.in_places(self.labels["times_gate"] + ": z = x · y", texts, symbols)

    def weight_gate(self, symbols: list, gate, wx, neuron: VGroup
                    ) -> "tuple[list, list[VGroup], list[str]] | None":
        """The × gate of an output weight, p = a · w (p for product: z is the
        general gate's output and the opening's square), on the network's numbers (its
        first sample, before any update): a and w above their wires, p, the local
        gradients (each the other input), the upstream ∂L/∂p = ∂L/∂ŷ (p is a term of
        ŷ's sum) and both downstream products. The first output weight whose three
        products a calculator makes from the numbers shown, to the last digit (the
        figure has no room for a note on ≈); none where none does. With the neuron's
        rule on these names, in its row's place, and the captions of its three steps
        (the values, the gradients at the gate, downstream with the rule)."""
        a, layer = self.arith, len(self.trace.layers) - 2
        for i in range(self.trace.layers[layer]):
            x, w = a.act_text(layer, i, 0), a.o(a.weight(layer, i, 0, 0))
            up = a.o(a.delta(layer + 1, 0, 0))
            exact = {"p": a.activation(layer, i, 0) * a.weight(layer, i, 0, 0),
                     "x": a.delta(layer + 1, 0, 0) * a.weight(layer, i, 0, 0),
                     "w": float(self.trace.probe_weight_gradients(layer)[0, a.p, i, 0])}
            shown = {"p": (x, w), "x": (up, w), "w": (up, x)}
            if all(agrees(value(p) * value(q), a.n(exact[key]))
                   for key, (p, q) in shown.items()):
                break
        else:
            return None
        eq = {key: rf"{p} \times {q} = {a.n(exact[key])}" for key, (p, q) in shown.items()}
        x_tex, x_text = a.act_name(layer, i)
        w_tex, w_text = a.weight_name(layer, i, 0)
        o_tex, o_text = a.pre_name(layer + 1, 0)
        frac = r"\frac{{\partial {}}}{{\partial {}}}".format
        texts = [r"\times", f"{x_tex} = {x}", f"{w_tex} = {w}", rf"p = {eq['p']}",
                 rf"{frac('p', x_tex)} = {w},\ {frac('p', w_tex)} = {x}",
                 rf"{frac('L', 'p')} = {frac('L', o_tex)} = {a.n(a.delta(layer + 1, 0, 0))}",
                 rf"{frac('L', x_tex)} = {eq['x']}", rf"{frac('L', w_tex)} = {eq['w']}"]
        title = self.labels["times_example"]
        labels = self.in_places(title, texts, symbols)
        # p's product clear of the gate; the downstream products from the left margin,
        # their results on a row of their own where the upper one would run into the
        # wire that bends into the gate (never shrunk: where they do not fit even so,
        # the figure keeps its symbols)
        labels[4].shift(RIGHT * max(0.0, gate.get_right()[0] + 0.15 - labels[4].get_left()[0]))
        left = -layout.FRAME_X + layout.SAFE_MARGIN
        bend = max(p[0] for p in wx.get_anchors() if abs(p[1] - wx.get_start()[1]) < 1e-6)
        for label in labels[-2:]:
            label.align_to([left, 0, 0], LEFT)
        if labels[-2].get_right()[0] > bend - 0.15:
            for k, key in ((-2, "x"), (-1, "w")):
                labels[k] = self.two_rows(texts[k].split(" = ")[0], eq[key],
                                          labels[k].get_color()).align_to(labels[k], UP)
                labels[k].align_to([left, 0, 0], LEFT)
        # why the upstream gradient is ∂L/∂ŷ: p is a term of ŷ's sum, so ∂ŷ/∂p = 1
        # (with the gradients at the gate); then the neuron's rule on these names (with
        # downstream), each in the rule's row
        words = self.labels["in_network"]
        term = (rf"{o_tex} = \ldots + p + \ldots \ \Rightarrow\ "
                rf"\partial {o_tex}/\partial p = 1,\ "
                rf"\partial L/\partial p = \partial L/\partial {o_tex}")
        rule = (rf"{o_tex} = \ldots + {x_tex} \cdot {w_tex} + \ldots \ \Rightarrow\ "
                rf"\partial L/\partial {w_tex} = \partial L/\partial {o_tex} \cdot {x_tex}")
        here = [VGroup(self.text(words), Formula(tex, font_size=TEX_SIZE,
                                                 color=neuron[1].get_color()))
                for tex in (term, rule)]
        for row in here:
            row.arrange(RIGHT, buff=0.2).align_to(neuron, LEFT).align_to(neuron, DOWN)
            # a row's gap under the last result, down into the margin where it must be
            gap = labels[-1].get_bottom()[1] - row.get_top()[1]
            room = row.get_bottom()[1] - (-layout.FRAME_Y + layout.SAFE_MARGIN)
            row.shift(DOWN * max(0.0, min(ROW_GAP - gap, room)))
        if labels[-2].get_right()[0] > bend - 0.15 or not all(
                layout.inside_safe_area(layout.box(m)) for m in labels + here):
            return None
        plain = {key: e.replace(r"\times", "×") for key, e in eq.items()}
        captions = [f"{title}: p = {x_text} · {w_text} = {plain['p']}. "
                    f"{self.labels['numbers_from']}",
                    f"∂p/∂{x_text} = {w}, ∂p/∂{w_text} = {x}; "
                    f"∂L/∂p = ∂L/∂{o_text} = {a.n(a.delta(layer + 1, 0, 0))}. "
                    f"{words} {o_text} = … + p + … ⇒ ∂{o_text}/∂p = 1, "
                    f"∂L/∂p = ∂L/∂{o_text}",
                    f"∂L/∂{x_text} = {plain['x']}, ∂L/∂{w_text} = {plain['w']}. "
                    f"{words} {o_text} = … + {x_text} · {w_text} + … ⇒ "
                    f"∂L/∂{w_text} = ∂L/∂{o_text} · {x_text}"]
        return labels, here, captions

    def rows_within(self, words: str, room: float) -> VGroup:
        """Words in one row, or in two split at the space nearest the middle where one
        is wider than ``room``."""
        row = self.text(words, size=MIN_TEXT_SIZE)
        spaces = [k for k, c in enumerate(words) if c == " "]
        if row.width <= room or not spaces:
            return VGroup(row)
        cut = min(spaces, key=lambda k: abs(k - len(words) / 2))
        return VGroup(*[self.text(part, size=MIN_TEXT_SIZE) for part in
                        (words[:cut], words[cut + 1:])]).arrange(DOWN, aligned_edge=LEFT,
                                                                 buff=0.12)

    @staticmethod
    def two_rows(name: str, line: str, colour) -> VGroup:
        """``name = product`` over ``= result``, the second row's = under the first's."""
        product, result = line.rsplit(" = ", 1)
        first = Formula(f"{name} = {product}", font_size=TEX_SIZE, color=colour)
        second = Formula(f"= {result}", font_size=TEX_SIZE, color=colour)
        second.next_to(first, DOWN, buff=0.1, aligned_edge=LEFT)
        indent = Formula(name, font_size=TEX_SIZE).width + 0.1  # (TeX's space before =)
        return VGroup(first, second.shift(RIGHT * indent))

    def words_beside(self, words, label) -> list:
        """The local gradients' words back, right of their formula, where they fit
        there; else not (the formula's colour keys it)."""
        beside = words.copy().next_to(label, RIGHT, buff=0.3)
        return [fade_in(beside)] if layout.inside_safe_area(layout.box(beside)) else []

    def in_places(self, title: str, texts: list[str], symbols: list) -> list:
        """A title and formulas for the general gate's symbols (title, f, x, y, z,
        local, upstream, both downstream), each in its symbol's colour and place; the
        downstream formulas from the same left edge, the local gradients too, right
        of the wire that bends into the gate."""
        labels = [Formula(tex, font_size=TEX_SIZE, color=old.get_color())
                  for tex, old in zip(texts, symbols[1:])]
        for label, old in zip(labels, symbols[1:]):
            label.move_to(old)
        for label, old in [(labels[4], symbols[5])] + list(zip(labels[-2:], symbols[-2:])):
            label.align_to(old, LEFT)
        return [self.title_text(title)] + labels

    def back_arrow(self, start_x: float, end_x: float, level: float, colour: str) -> Arrow:
        """A gradient's way back, under its wire: right to left, the head where it goes."""
        return Arrow([start_x, level, 0], [end_x, level, 0], color=colour, buff=0,
                     stroke_width=4, max_tip_length_to_length_ratio=0.08)
