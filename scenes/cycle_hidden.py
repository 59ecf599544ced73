"""One layer further back, once: in its first iteration the cycle works a hidden
node's σ(h) forward and a weight into that node backward, so backpropagation is
seen to carry the output's error on through v and σ′, and that weight's update
is traced to numbers on screen; then the layer's other nodes' ∂L/∂h, a line each,
so that every red number on the first layer's edges comes from a worked line. Later
iterations update the output weight alone, their hidden values and ∂L/∂h worked by
the numbers (one hidden layer, one output): the loop stays short, and no number on
a node or in a line comes from nowhere.

A mixin of ``CycleScene``: it reads the scene's trace, arithmetic and network."""

from manim import FadeOut, MathTex

from scenes.arith import Eq, agrees, value
from scenes.tweens import StyleTween, fade_in


class HiddenStep:
    """``followed_hidden`` says which weight (None: none); ``hidden_forward_lines``
    gives the hidden values' lines, ``work_hidden_gradient`` shows its gradient's;
    ``hidden_update_lines`` its update."""

    def followed_hidden(self, t: int) -> tuple[int, int] | None:
        """(from, to) of the weight into the hidden node whose σ(h) the output weight
        worked through takes, the one of those the update moves most: in the first
        iteration only, with a hidden layer and one output (whose error is the only
        one on screen), and where the update takes this sample's own gradient."""
        a, layers = self.arith, self.trace.layers
        if (t > 0 or len(layers) < 3 or layers[-1] != 1 or a.batch_size(t) != 1
                or not self.trace.probe_in_batch[t, a.p]):
            return None
        into = self.most_moved(t)[0]
        return self.trace.most_moved(len(layers) - 3, t, into=into)

    @property
    def hidden_layer(self) -> int:
        """The diagram layer of the hidden node followed: the last hidden layer."""
        return len(self.trace.layers) - 2

    def hidden_forward_lines(self, t: int) -> list[tuple[int, list[list[Eq]]]]:
        """h = Σ x·w and σ(h) of each hidden node, top to bottom, as (node, blocks of
        lines that fit the formulas' place), σ's definition over the line that first
        uses it where both fit: every value ŷ takes has its line. Beyond one hidden
        layer (whose inputs would have no lines), the followed node's alone; none
        where a line does not fit."""
        a, layer = self.arith, self.hidden_layer
        if t > 0:  # the same sums with the new weights, where they are the inputs'
            if not self.later_worked():
                return []
            nodes = self.net.diagram.shown[layer]
        else:
            followed = self.followed_hidden(t)
            if followed is None:
                return []
            nodes = self.net.diagram.shown[layer] if layer == 1 else [followed[1]]
        definition = a.definition_eq(a.function_at(layer)) if t == 0 else None
        worked = []
        for j in nodes:
            eqs = [eq for eq in (a.weighted_sum(layer, j, t), a.activation_eq(layer, j, t)) if eq]
            if not worked and len(eqs) == 2 and definition and self.numbers_fit(
                    [definition, eqs[1]]):
                first = self.blocks(eqs[:1])
                blocks = first and first + [[definition, eqs[1]]]
            else:
                blocks = self.blocks(eqs)
            if not blocks:
                return []
            worked.append((j, blocks))
        return worked

    def later_worked(self) -> bool:
        """Whether later iterations work every hidden value and ∂L/∂h out too, a line
        a node: with one hidden layer (whose inputs are on screen) and one output."""
        layers = self.trace.layers
        return len(layers) == 3 and layers[-1] == 1 and self.hidden_layer == 1

    def later_node_gradients(self, t: int) -> list[tuple[int, list[Eq]]]:
        """In a later iteration, each hidden node's σ′(h) and ∂L/∂h from numbers on
        screen, as iteration 0 worked them but without the names (σ'(h₁) = 0.728 ×
        (1 − 0.728) = 0.198, ∂L/∂h₁ = 1.022 × 0.210 × 0.198 = 0.042), as (node, its
        block); none where the activation's slope is not written through its own
        value, where the update does not take this sample's own gradient, or where a
        line does not fit."""
        a, layer = self.arith, self.hidden_layer
        if (t == 0 or not self.later_worked() or a.f.local_from_output is None
                or not self.one_product_per_edge(t)):
            return []
        blocks = []
        for j in self.net.diagram.shown[layer]:
            block = [a.local_eq(layer, j, t, named=False),
                     self.through_output_eq(layer, j, t, named=False)]
            if not self.numbers_fit(block):
                return []
            blocks.append((j, block))
        return blocks

    def work_later_node_gradients(self, t: int) -> None:
        """A later iteration's ∂L/∂h, node by node, while the weights they take are
        still on their edges (the red numbers that take them come next)."""
        layer = self.hidden_layer
        pairs = self.net.diagram.edge_pairs(layer)
        for j, block in self.later_node_gradients(t):
            on, off = self.brighten([self.edges(layer)[pairs.index((j, 0))]])
            ring, unring = self.ring(layer, j)
            on, off = on + ring, off + unring
            self.cue(self.labels["backward"], *block)
            self.show_numbers([(eq, self.colour_of(eq)) for eq in block], on)
            # two products whose operands are found on the diagram, each checked
            self.wait(self.check_time(block))
            self.explain_if_approx(block)
            self.play(*off, run_time=0.3)

    def hidden_gradient_lines(self, t: int) -> list[list[Eq]]:
        """∂L/∂σ(h) from the output's error and v, σ′(h), ∂L/∂h, then ∂L/∂w of the
        weight into the node, as blocks; none where a line does not fit."""
        followed = self.followed_hidden(t)
        if followed is None:
            return []
        a, layer, (k, i) = self.arith, self.hidden_layer, followed
        up, local = a.upstream_eq(layer, i, t), a.local_eq(layer, i, t)
        down, grad = a.downstream_eq(layer, i, t), a.weight_grad_eq(layer - 1, k, i, t)
        blocks = self.blocks([up, local, down, grad])
        if any(down in block and up not in block and local not in block for block in blocks):
            # ∂L/∂h's two numbers left the screen with their own blocks: they come back
            # over it, named, and it takes them as they stand
            both = Eq(rf"{self.recalled(up).tex},\quad {self.recalled(local).tex}",
                      f"{self.recalled(up).text}, {self.recalled(local).text}")
            recalled = [both, a.downstream_eq(layer, i, t, named=False)]
            before, after = self.blocks([up, local]), self.blocks([grad])
            if self.numbers_fit(recalled) and before and after:
                return before + [recalled] + after
        return blocks

    def hidden_update_lines(self, t: int) -> tuple[list[Eq], list[Eq]]:
        """The weight's value and gradient, recalled, and its update line (none:
        none)."""
        followed, blocks = self.followed_hidden(t), self.hidden_gradient_lines(t)
        if followed is None or not blocks:
            return [], []
        k, i = followed
        return ([self.recalled_with_weight(blocks[-1][-1], (self.hidden_layer - 1, k, i), t)],
                [self.arith.update_eq(self.hidden_layer - 1, k, i, t, short=True)])

    def other_hidden_lines(self, t: int) -> list[tuple[int, list[list[Eq]]]]:
        """σ′(h) and ∂L/∂h of each other node of the followed node's layer, as (node,
        blocks of lines that fit the formulas' place); with one hidden layer only
        (nodes further back would have no lines of their own), none where a line
        does not fit."""
        followed = self.followed_hidden(t)
        if followed is None or self.hidden_layer != 1:
            return []
        a, layer = self.arith, self.hidden_layer
        worked = []
        for j in self.net.diagram.shown[layer]:
            if j == followed[1]:
                continue
            local = a.local_eq(layer, j, t)
            blocks = self.blocks([local, self.through_output_eq(layer, j, t)])
            if len(blocks) == 2:
                # σ′'s line leaves before ∂L/∂h's takes its number: the three numbers
                # it multiplies come back over it, named
                recalled = [self.factors_recalled(layer, j, t, local),
                            self.through_output_eq(layer, j, t, named=False)]
                blocks = blocks[:1] + [recalled] if self.numbers_fit(recalled) else blocks
            if not blocks:
                return []
            worked.append((j, blocks))
        return worked

    def factors_recalled(self, layer: int, j: int, t: int, local: Eq) -> Eq:
        """What ∂L/∂h = ∂L/∂ŷ × v × σ′(h) takes, each named with its number as it
        stands on screen (∂L/∂ŷ = 1.233, v₁₁ = 0.3, σ'(h₁) = 0.197)."""
        a = self.arith
        z_tex, z_text = a.pre_name(layer + 1, 0)
        w_tex, w_text = a.weight_name(layer, j, 0)
        d, w, f = a.n(a.delta(layer + 1, 0, t)), a.n(a.weight(layer, j, 0, t)), self.recalled(local)
        # (a space after each comma, not a \quad: with it the post's row is too wide)
        return Eq(rf"\partial L/\partial {z_tex} = $d,\ {w_tex} = $w,\ {f.tex}",
                  f"∂L/∂{z_text} = $d, {w_text} = $w, {f.text}", d=d, w=w)

    def through_output_eq(self, layer: int, j: int, t: int, named: bool = True) -> Eq:
        """∂L/∂h = ∂L/∂ŷ × v × σ′(h) in one line, from numbers on screen: the output's
        error, the weight on its edge and σ′(h) on the line above (without
        ``named``, the numbers alone). One output only (``followed_hidden`` and
        ``later_worked`` hold that)."""
        a = self.arith
        h_tex, h_text = a.pre_name(layer, j)
        z_tex, z_text = a.pre_name(layer + 1, 0)
        w_tex, w_text = a.weight_name(layer, j, 0)
        f_tex, f_text = a.derivative_name(layer, j)
        nums = {"d": a.o(a.delta(layer + 1, 0, t)), "w": a.o(a.weight(layer, j, 0, t)),
                "l": a.o(float(self.trace.local_derivatives(layer)[t, a.p, j])),
                "g": a.n(a.delta(layer, j, t))}
        exact = agrees(value(nums["d"]) * value(nums["w"]) * value(nums["l"]), nums["g"])
        names = ((rf"\partial L/\partial {z_tex} \times {w_tex} \times {f_tex} = ",
                  f"∂L/∂{z_text} × {w_text} × {f_text} = ") if named else ("", ""))
        return Eq(rf"\partial L/\partial {h_tex} = {names[0]}$d \times $w \times $l $eq $g",
                  f"∂L/∂{h_text} = {names[1]}$d × $w × $l $eq $g", exact, **nums)

    def work_other_hidden(self, t: int) -> None:
        """The layer's other nodes the same way, each with its edge to the output
        bright and named (v₁₁) while its lines are read: one node at a time (the
        weights worked before have left with their lines: no name to keep clear of)."""
        layer, others = self.hidden_layer, self.other_hidden_lines(t)
        if not others:
            return
        pairs = self.net.diagram.edge_pairs(layer)
        for j, blocks in others:
            edge = self.edges(layer)[pairs.index((j, 0))]
            on, off = self.brighten([edge])
            ring, unring = self.ring(layer, j)
            on, off = on + ring, off + unring
            name = self.tag_edge(layer, j, 0, t)
            on += [fade_in(name)] if name is not None else []
            off += [FadeOut(name)] if name is not None else []
            for n, block in enumerate(blocks):
                self.cue(self.labels["backward"], *block)
                also = on if n == 0 else []
                self.show_numbers([(eq, self.colour_of(eq)) for eq in block], also)
                self.wait(self.check_time(block))
                self.explain_if_approx(block)
            self.play(*off, run_time=0.3)

    def blocks(self, eqs: list[Eq]) -> list[list[Eq]]:
        """The lines in order, as few blocks as fit the formulas' place one after the
        other; none where a line alone does not fit."""
        out: list[list[Eq]] = []
        for eq in eqs:
            if out and self.numbers_fit(out[-1] + [eq]):
                out[-1].append(eq)
            elif self.numbers_fit([eq]):
                out.append([eq])
            else:
                return []
        return out

    def hidden_gradient_label(self, t: int) -> MathTex | None:
        """∂L/∂h = 0.104 beside the followed node, in the gradient colour, where a side
        clear of the edges holds it; else None."""
        followed = self.followed_hidden(t)
        if followed is None:
            return None
        a, layer, i = self.arith, self.hidden_layer, followed[1]
        text = rf"\partial L/\partial {a.pre_name(layer, i)[0]} = {a.n(a.delta(layer, i, t))}"
        # named or not at all: a bare number by the node reads as the gradient of the
        # weight beside it (the lines name it in any case)
        return self.net.clear_label("gradient", layer, i, text, self.theme["gradient"])

    def work_hidden_gradient(self, t: int) -> tuple[MathTex | None, MathTex | None] | None:
        """The backward phase, one layer further back: its lines block by block, the
        weight's edge bright and named with its own, ∂L/∂h set by the node once
        computed. Returns the weight's name and that label (None where not shown), for
        the update; None where no such weight is worked."""
        blocks = self.hidden_gradient_lines(t)
        if not blocks:
            return None
        k, i = self.followed_hidden(t)
        layer = self.hidden_layer - 1
        # the weights the lines read: v (into ŷ) for ∂L/∂σ(h), the first line, and the
        # worked weight for its own gradient, the last; none for σ′(h) and ∂L/∂h
        lines = [eq for block in blocks for eq in block]
        weights = {id(lines[0]): [(layer + 1, i, 0)], id(lines[-1]): [(layer, k, i)]}
        name = self.tag_edge(layer, k, i, t)
        node_gradient = self.hidden_gradient_label(t)
        # the node ringed while the lines through it are read (∂L/∂w's is the edge's)
        ring, unring = self.ring(layer + 1, i)
        ringed, lit = False, []
        for block in blocks:
            self.cue(self.labels["backward"], *block)
            # ∂L/∂h by its node with the block that computes it
            computed = node_gradient is not None and any(
                eq.text.startswith(f"∂L/∂{self.arith.pre_name(layer + 1, i)[1]} ")
                for eq in block)
            reads = [w for eq in block for w in weights.get(id(eq), [])]
            # white while its line reads it, no longer
            also = [self.unlit(self.edge_of(w), w, t) for w in lit if w not in reads] + [
                StyleTween(self.edge_of(w), stroke_color=self.theme["text"])
                for w in reads if w not in lit]
            # named with its own line, not before (it stood through h's lines, and
            # read as the name of the edge they lit)
            also += ([fade_in(name)] if (layer, k, i) in reads and name is not None else []) + (
                [fade_in(node_gradient)] if computed else [])
            through = any(not eq.text.startswith("∂L/∂" + self.arith.weight_name(layer, k, i)[1])
                          for eq in block)
            if through and ring:  # (each once: the ∂L/∂w line comes last)
                also, ring, ringed = also + ring, [], True
            elif not through and ringed:
                also, ringed = also + unring, False
            lit = reads
            self.show_numbers([(eq, self.colour_of(eq)) for eq in block], also)
            self.wait(self.check_time(block))
            self.explain_if_approx(block)
        # bright only while its lines read it: again at its update
        if lit or ringed:
            self.play(*[self.unlit(self.edge_of(w), w, t) for w in lit],
                      *(unring if ringed else []), run_time=0.3)
        return name, node_gradient

    def edge_of(self, weight: tuple[int, int, int]):
        """The edge of a weight (weight layer, from, to)."""
        layer, a, b = weight
        return self.edges(layer)[self.net.diagram.edge_pairs(layer).index((a, b))]

    def leave(self, marks: list) -> None:
        """Fade these out (None: nothing there)."""
        marks = [m for m in marks if m is not None]
        if marks:
            self.play(*[FadeOut(m) for m in marks], run_time=0.3)

    @staticmethod
    def colour_of(eq: Eq) -> str:
        """A backward line's colour: the gradients', but σ′ (no gradient of L) and a
        row of recalled numbers (∂L/∂ŷ = 1.233, v₁₁ = 0.3, σ'(h₁) = 0.197: a weight and
        σ′ in red were read as gradients)."""
        return "text" if eq.local or ", " in eq.text else "gradient"

    def ring(self, layer: int, j: int) -> tuple[list, list]:
        """Animations that ring a node in the gradients' colour (its lines are being
        read: σ′ and ∂L/∂h take its σ(h) and give its gradient), and that take the
        ring off."""
        node = self.net.node(layer, j)
        return ([StyleTween(node, stroke_color=self.theme["gradient"], stroke_width=6)],
                [StyleTween(node, stroke_color=node.get_stroke_color(),
                            stroke_width=node.get_stroke_width())])
