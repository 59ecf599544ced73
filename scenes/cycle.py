"""The post's opening figure: forward sweep, error at the output, backward sweep,
weight update, again and again while the loss ticks down. Each phase writes its
formula, then its numbers for one weight, all traceable to the diagram. A video
ends on what the loop did to the loss; a GIF replays back to its first frame, so it
loops without a jump."""

import re

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    FadeOut,
    MathTex,
    VGroup,
)

from core.errors import ConfigError
from scenes import layout
from scenes.arith import Eq
from scenes.cycle_hidden import HiddenStep
from scenes.cycle_phases import (
    LOSS,
    NUMBERS_REST,
    PHASE_REST,
    SKETCH_BOX,
    UPDATE,
    PhaseRow,
)
from scenes.cycle_tags import EdgeTags
from scenes.cycle_updates import WeightUpdates
from scenes.cycle_weights import EdgeWeights
from scenes.forward import DIMMED, ForwardScene
from scenes.loss_sketch import LossSketch
from scenes.options import Option
from scenes.story_network import StoryNetwork
from scenes.tweens import StyleTween, fade_in

# the counter and the key stand under the title: a value above the top node, clear of
# the title, needs the network this much lower than the other scenes draw it
NODES_TOP = layout.STORY_NODES_TOP - 0.1
LABEL_ROOM = 0.55  # above a node: where its value may go
NUMBERS_TOP = -1.4  # the phases' formulas and numbers (two rows at most) stay below


class CycleScene(PhaseRow, HiddenStep, EdgeTags, WeightUpdates, EdgeWeights, ForwardScene):
    """A few training iterations of a small network, one weight worked through in
    each."""

    OPTIONS = ForwardScene.OPTIONS + (
        Option("iterations", 2, "iterations shown before the summary", int, 1, 10),
        Option("loop", None, "end on the first frame, after a replay, so that the video "
               "loops without a jump (auto: for a GIF; else it ends on its summary)", bool),
    )

    # the colour key: what the edges and the numbers on screen are
    NUMBER_COLOURS = (("value", "forward"), ("gradient", "gradient"))

    @classmethod
    def check_config(cls, config: dict, options: dict) -> None:
        super().check_config(config, options)
        shown, runs = options["iterations"], config["train"]["iterations"]
        if shown > runs:
            raise ConfigError(f"--iterations {shown} needs a run of at least {shown} "
                              f"iterations; the config sets train.iterations = {runs}")

    @classmethod
    def states_shown(cls, options: dict) -> int:
        return options["iterations"] + 1

    def construct(self) -> None:
        self.setup_story()
        shown = self.options["iterations"]
        self.title_mobject = self.title("cycle")
        self.add(self.title_mobject)
        self.net = self.draw_plain_network()
        shown_states = tuple(range(shown + 1))
        # the key under the long title, at the right (the counter has the left)
        key = self.sign_legend("w", self.parameters(shown_states))
        key.next_to(self.title_mobject, DOWN, buff=0.25).to_edge(RIGHT, buff=layout.SAFE_MARGIN)
        # where a node or the value above it would be there (a tall network), none
        above = [(x0, y0, x1, y1 + LABEL_ROOM) for x0, y0, x1, y1 in self.net.node_boxes()]
        rows = [layout.box(row) for row in self.key_rows(key)]
        self.key = key if not any(layout.overlap(row, above, 0.0) for row in rows) else VGroup()
        self.add(self.key)
        self.phases = self.phase_row()
        # no loss is on screen before its forward pass computed it
        self.counter, self.loss = self.counter_readout(shown), None
        # the nodes' values keep clear of every text around the network
        readout = VGroup(self.counter, *[self.loss_readout(t) for t in range(shown + 1)])
        self.net.taken += [layout.box(m) for m in (
            self.title_mobject, readout, *(self.key_rows(key) if self.key else []))] + [
            SKETCH_BOX, (-layout.FRAME_X, -layout.FRAME_Y, SKETCH_BOX[0], NUMBERS_TOP)]
        self.add(*self.sample_labels())
        self.in_use = self.in_use_key()
        # the loss's and the update's colours are keyed while they play, not before
        # (see ``light``)
        self.phase_keys = dict(zip((LOSS, UPDATE), self.in_use[1:]))
        for key in self.phase_keys.values():
            key.set_opacity(0)
        self.add(*self.in_use)
        # the places of the values and of the output's error, taken as the first pass
        # will take them, and then the weights' numbers clear of all of it
        for layer in range(1, len(self.trace.layers)):
            for j in range(self.trace.layers[layer]):
                self.net.value_label(layer, j, self.value_text(layer, j, 0), self.theme["forward"])
        self.error_label(self.arith.output_delta_eq(self.most_moved(0)[1], 0),
                         self.most_moved(0)[1])
        self.hidden_gradient_label(0)
        self.label_weights(list(self.net.taken))
        self.counter = self.counter_readout(0)
        self.formula = self.numbers = self.error = None
        self.values = []  # the nodes' values of the last forward pass
        losses = [float(self.trace.probe_losses[t, 0]) for t in range(shown + 1)]
        self.sketch = LossSketch(losses, [self.arith.n(v) for v in losses], SKETCH_BOX,
                                 self.theme, self.font, self.labels["iteration"])
        self.add(self.counter, self.phases, self.phase_line, self.sketch)
        for t in range(shown):
            self.iteration(t)
        self.forward_and_error(shown)  # what the last update did to the loss
        self.summarise(shown)  # where the loop got to, before it starts again
        if self.loops():
            self.cue(self.labels["cycle_restart"])
            self.restart()
        self.end_captions()

    # a loop of a minute or two: its note on ≈ once, not again in its last iteration;
    # in two rows that fit left of the plot, where its line was
    NOTE_RECALLED, APPROX_NOTE = False, "approx_short"

    def titles(self) -> list[str]:
        return [self.labels["cycle"]]

    def key_symbols(self) -> dict[str, str]:
        """None: the key stands beside the counter, short (the formulas name the
        numbers)."""
        return {}

    def sample_labels(self) -> list:
        """The sample every iteration learns from, as the forward scene shows it: each
        input's value left of its node, each target right of its output; none where
        they do not all fit clear of the rest (the nodes' values then say it all)."""
        a, net = self.arith, self.net
        crowded = set(net.crowded)
        labels = [net.value_label(0, i, f"{a.act_name(0, i)[0]} = {a.data(a.activation(0, i, 0))}",
                                  self.theme["forward"]) for i in range(self.trace.layers[0])]
        labels += [net.target_label(k, tex, self.theme["muted"])
                   for k, (tex, _) in enumerate(self.targets())]
        boxes = [layout.box(m) for m in labels]
        if all(layout.inside_safe_area(b) for b in boxes) and net.crowded == crowded:
            return labels
        net.taken = [b for b in net.taken if b not in boxes]
        net.crowded = crowded
        return []

    def in_use_key(self) -> list:
        """The edges' own colours: white, in use (the edges the line on screen reads),
        under the counter; then, in the top right corner beside the title (where the
        labels around the network never go), one at a time, the loss phase's ring
        (the output is ringed in it while its loss is worked out) and the update's
        colour, changing (an edge glows so as its weight changes); each only where it
        stands clear of every node and text (else white alone, else none)."""
        around = [(x0 - 0.1, y0 - 0.1, x1 + 0.1, y1 + 0.1) for x0, y0, x1, y1 in
                  self.net.taken + self.net.node_boxes()]

        def clear(key) -> bool:
            box = layout.box(key)
            return not layout.overlap(box, around, 0.0) and layout.inside_safe_area(box)

        white, loss, changing = (self.number_key((kind,)) for kind in (
            ("in_use", "text"), ("loss", "error"), ("changing", "update")))
        white.next_to(self.counter, DOWN, buff=0.25, aligned_edge=LEFT)
        for key in (loss, changing):
            key.to_corner(UP + RIGHT, buff=layout.SAFE_MARGIN)
        for keys in ([white, loss, changing], [white]):
            if all(clear(key) for key in keys):
                self.net.taken += [layout.box(key) for key in keys]
                return keys
        return []

    def draw_plain_network(self) -> StoryNetwork:
        tr = self.trace
        net = StoryNetwork(tr.layers, self.theme, self.font, self.largest_parameter(),
                           bias=self.has_bias, top=NODES_TOP)
        net.diagram.set_weights(tr.weights(0), self.biases(0))
        net.name_nodes(self.node_names(), self.theme["text"])
        self.add(net)
        return net

    def iteration(self, t: int) -> None:
        a = self.arith
        if t == 0:
            self.formulas = self.phase_formulas()
        self.forward_and_error(t)
        # one weight's numbers, the output weight this update moves most: its gradient
        # as the backward sweep finds it (from ŷ and σ(h) on the diagram), then the
        # update that takes it
        i, j = self.most_moved(t)
        layer = len(self.trace.layers) - 2
        # the update: its rule for every weight stays, with this one's numbers above it
        gradient = self.gradient_lines(layer, i, j, t)
        update = [a.update_eq(layer, i, j, t, short=True)]
        if not (self.numbers_fit(gradient) and self.numbers_fit(update, rows_free=1)):
            gradient, update = [], []  # too long for the place: the formulas alone
        self.cue(self.labels["backward"], *gradient)
        self.show_phase(2)
        self.play(self.sweep(self.theme["gradient"], backwards=True), run_time=1.4)
        if gradient:  # the formula, read before its numbers take its place
            self.wait(PHASE_REST)
        # its name and its value now: the update below starts from this number
        name = self.tag_edge(layer, i, j, t)
        # the weight worked through: named, and its edge bright until the update
        edge = self.net.diagram.layer_edges(layer)[self.net.diagram.edge_pairs(layer).index((i, j))]
        marks = ([fade_in(name)] if name is not None else []) + [
            StyleTween(edge, stroke_color=self.theme["text"])]
        self.show_numbers([(eq, "gradient") for eq in gradient], marks if update else [])
        self.wait(NUMBERS_REST if update else PHASE_REST)
        self.explain_if_approx(gradient)
        # bright only while a line reads it (the key's "in use"): again at its update;
        # named so too (standing between, its name was read as left over)
        on = self.brighten([edge])[0]
        if update:
            self.play(self.unlit(edge, (layer, i, j), t),
                      *([FadeOut(name)] if name is not None else []), run_time=0.3)
            name = None
        # once, one layer further back: a weight into the node whose σ(h) this one took
        worked = self.work_hidden_gradient(t) if update else None
        hidden_name, hidden_label = worked or (None, None)
        # its name leaves with its lines (it stood through the other nodes' lines and
        # the updates of other edges), as the output weight's did: each comes back
        # with its own update
        self.leave([hidden_name])
        if worked:
            self.work_other_hidden(t)
        self.work_later_node_gradients(t)
        hidden_update = self.hidden_update_lines(t) if worked else ([], [])
        # then every weight's: the update takes each by its weight's number
        self.show_edge_gradients(t, [name, hidden_label])
        # the gradient the update takes, again by its line: its own left the screen
        recall = [self.recalled_with_weight(gradient[-1], (layer, i, j), t)] if gradient else []
        self.cue(f"{self.labels['update']}: {a.update_rule()[1]}", *recall, *update)
        self.show_phase(UPDATE)
        if update:  # named again, clear of the red numbers now on the edges
            name = self.tag_edge(layer, i, j, t)
            on += [fade_in(name)] if name is not None else []
        self.show_update(recall, update, on if update else [])
        # the values were the old weights': they dim as the weights change
        dim = [StyleTween(m, opacity=DIMMED)
               for m in [*self.values, self.error, hidden_label] if m is not None]
        # the output layer's weights change after its worked line, the layers before it
        # after theirs (at once where none is worked): red numbers give way to new ones
        numbered = not self.output_weights_shown()  # a name that tells the old value too
        # the worked weight changes first, then the layer's others, each by its line
        # (all at once where their lines do not fit)
        k = self.net.diagram.edge_pairs(layer).index((i, j))
        by_line = bool(update) and self.updates_fit(layer, t, [k])
        left = self.update_layers(t + 1, [layer], [name], also=dim, only=[k] if by_line else None)
        if update and name is not None and (numbered or name in left):
            name = self.retag(name, (layer, i, j), t + 1, gone=name in left)
        self.wait(NUMBERS_REST if update else PHASE_REST)
        if by_line:  # its name leaves with its lines: the next edge is another
            self.leave([name])
            name = None
            left += self.update_rest(t, layer, [k], [])
        earlier, hidden = list(range(layer)), layer - 1
        if hidden_update[1]:  # then the weight one layer back, its update from its own line
            self.cue(f"{self.labels['update']}: {a.update_rule()[1]}", *hidden_update[0],
                     *hidden_update[1])
            self.leave([name])
            into, to = self.followed_hidden(t)
            name = self.tag_edge(hidden, into, to, t)
            self.show_update(*hidden_update, self.brighten([self.hidden_edge(t)])[0]
                             + ([fade_in(name)] if name is not None else []))
            k = self.net.diagram.edge_pairs(hidden).index((into, to))
            by_line = self.updates_fit(hidden, t, [k])
            # (the name, placed after the red numbers, gives way to the new one)
            left = self.update_layers(t + 1, [hidden] if by_line else earlier, [],
                                      only=[k] if by_line else None,
                                      passing=[name] if name is not None else [])
            if name is not None and (numbered or name in left):
                name = self.retag(name, (hidden, into, to), t + 1, gone=name in left)
            self.wait(NUMBERS_REST)
            if by_line:
                self.leave([name])
                name = None
                self.update_rest(t, hidden, [k], [])
                self.update_layers(t + 1, earlier[:-1], [])  # (deeper ones: at once)
        elif earlier and self.updates_fit(hidden, t, []):
            self.leave([name])
            name = None
            self.update_rest(t, hidden, [], [])
            self.update_layers(t + 1, earlier[:-1], [])
        elif earlier:
            if name in self.update_layers(t + 1, earlier, [name]):
                name = None
            self.wait(PHASE_REST)
        self.leave([name, hidden_label])

    def gradient_lines(self, layer: int, i: int, j: int, t: int) -> list[Eq]:
        """∂L/∂w of the output weight (i, j), from σ(h) on the diagram and the
        output's error written before; where the update takes a batch's mean, that
        mean."""
        a = self.arith
        if a.batch_size(t) > 1 or not self.trace.probe_in_batch[t, a.p]:
            w_tex, w_text = a.weight_name(layer, i, j)
            g_tex, g_text = a.update_gradient_name(w_tex, w_text, t)
            return [Eq(rf"{g_tex} = $g", f"{g_text} = $g",
                       g=a.n(float(self.trace.weight_gradients(layer)[t][i, j])))]
        return [a.weight_grad_eq(layer, i, j, t)]

    def most_moved(self, t: int) -> tuple[int, int]:
        """(from, to) of the output weight the update after state t changes most."""
        return self.trace.most_moved(len(self.trace.layers) - 2, t)

    def forward_and_error(self, t: int) -> None:
        """The forward sweep with state t's weights and the values it gives at the
        nodes, then its loss, from ŷ: at the output, beside the iteration's number
        and on the plot."""
        a = self.arith
        if t > 0:  # a new iteration starts here: its number, and no loss yet
            counter = self.counter_readout(t)
            gone = [self.counter, self.numbers, self.formula, self.loss, self.error,
                    *self.values]
            self.counter, self.numbers, self.formula, self.loss = counter, None, None, None
            self.error = None
            self.values = []  # (a note on ≈ may come now, between two iterations)
            # the old number leaves before the new one comes: never both in one place
            # (and no phase stays lit on an iteration that has not started one)
            self.play(AnimationGroup(AnimationGroup(*[FadeOut(m) for m in gone if m is not None]),
                                     fade_in(counter), lag_ratio=1), *self.light(None),
                      run_time=0.6)
        # ŷ from the numbers on the diagram, where the weights it takes are there
        last = len(self.trace.layers) - 1
        outputs = [eq for j in range(self.trace.layers[-1])
                   for eq in (a.weighted_sum(last, j, t), a.activation_eq(last, j, t)) if eq]
        if not (self.output_weights_shown() and self.numbers_fit(outputs)):
            outputs = []
        # once, before ŷ: the hidden values it takes, from x and w
        hidden = self.hidden_forward_lines(t) if outputs else []
        # each phase's word and formula light first, then the phase plays, then it rests
        heading = f"{self.labels['forward']} ({self.labels['iteration']} {t})"
        self.cue(heading)  # then each block's lines, as they come
        self.show_phase(0)
        self.play(self.sweep(self.theme["forward"], backwards=False), run_time=1.4)
        values = {(layer, j): self.net.value_label(layer, j, self.value_text(layer, j, t),
                                                   self.theme["forward"])
                  for layer in range(1, len(self.trace.layers))
                  for j in range(self.trace.layers[layer])}
        # each block with the edges it sums over, bright while it is read (h's, then
        # ŷ's), and the values it works out, which come with it, not before
        worked = [(block, self.edges_into(self.hidden_layer, j),
                   [values[self.hidden_layer, j]] if k == len(blocks) - 1 else [])
                  for j, blocks in hidden for k, block in enumerate(blocks)]
        if outputs:
            worked.append((outputs, self.edges_into(last),
                           [values[last, j] for j in range(self.trace.layers[-1])]))
        held = [id(m) for *_, comes in worked for m in comes]
        swap = [FadeOut(m) for m in self.values] + [
            fade_in(m) for m in values.values() if id(m) not in held]
        if swap:  # (none where every value comes with its line)
            self.play(*swap, run_time=0.5)
        self.values = list(values.values())
        self.wait(PHASE_REST)
        lit, off = None, []
        for block, edges, comes in worked:
            on = []
            if edges != lit:
                if off:
                    self.play(*off, run_time=0.3)
                (on, off), lit = self.brighten(edges), edges
            self.cue(heading, *block)
            self.show_numbers([(eq, "forward") for eq in block], on + [fade_in(m) for m in comes])
            self.wait(self.check_time(block))
            # once, what ≈ means: right after its first line's block, its edges still lit
            self.explain_if_approx(block)
        if off:
            self.play(*off, run_time=0.3)
        # the loss, and the error at the output the followed weight leads to (none
        # after the last update: nothing follows it)
        lines = [(a.loss_eq(t), "text")]
        if t < self.options["iterations"]:
            lines.append((a.output_delta_eq(self.most_moved(t)[1], t), "gradient"))
        if not self.numbers_fit([eq for eq, _ in lines]):
            lines = []
        self.cue(f"{self.labels['loss']}: L = {a.n(self.trace.probe_losses[t, 0])}",
                 *[eq for eq, _ in lines])
        self.show_phase(LOSS)
        loss = self.loss_readout(t)  # computed now: replaced, never morphed
        # (the output ringed through the phase), then the loss where it is kept
        self.show_numbers(lines, [])
        self.play(fade_in(loss), *self.sketch.add_point(t), run_time=0.5)
        self.loss = loss
        if len(lines) > 1:  # the output's error stays by its node: the backward step uses it
            self.error = self.error_label(lines[1][0], self.most_moved(t)[1])
            if self.error is not None:
                self.play(fade_in(self.error), run_time=0.4)
        self.wait(NUMBERS_REST if lines else PHASE_REST)

    def error_label(self, eq: Eq, j: int) -> MathTex | None:
        """∂L/∂ŷ = 1.233 (the line's name and result) by output j, in the gradient
        colour; None where no side of the node is free for it (several outputs)."""
        name, result = eq.tex.split("=")[0].strip(), re.split(r"=|\\approx", eq.tex)[-1].strip()
        last = len(self.trace.layers) - 1
        label = self.net.gradient_label(last, j, f"{name} = {result}", self.theme["gradient"])
        return None if ("gradient", last, j) in self.net.crowded else label
