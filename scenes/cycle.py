"""The post's opening figure: forward sweep, error at the output, backward sweep,
weight update, again and again while the loss ticks down. The last frame equals
the first, so the GIF loops without a jump."""

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    FadeIn,
    FadeOut,
    Indicate,
    MathTex,
    Succession,
    VGroup,
)
from manim.utils.rate_functions import there_and_back

from core.errors import ConfigError
from scenes.arith import Eq
from scenes.edge_labels import place_along_edges
from scenes.forward import ForwardScene
from scenes.loss_sketch import LossSketch
from scenes.options import Option
from scenes.story import TEX_SIZE
from scenes.story_network import StoryNetwork
from scenes.tweens import StyleTween

LIGHT_TIME = 0.25  # a phase's word lights up before its phase plays
PHASE_REST = 1.2  # after a phase, before the next: time to read its formula
NUMBERS_REST = 3.0  # after a phase with a line of numbers: time to follow them
SKETCH_BOX = (3.0, -3.7, 6.75, -0.7)  # the loss plot: bottom right, under the output
GLOW_WIDTHS = (1.5, 9.0)  # an update's glow: the least and the largest change of a weight


class CycleScene(ForwardScene):
    """A few training iterations of a small network, light on arithmetic."""

    OPTIONS = ForwardScene.OPTIONS + (
        Option("iterations", 3, "iterations shown before the loop restarts", int, 1, 10),
    )

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
        self.phases = self.phase_row()
        # no loss is on screen before its forward pass computed it
        self.counter, self.loss = self.counter_readout(0), None
        self.formula = self.numbers = None
        losses = [float(self.trace["probe_loss"][t, 0]) for t in range(shown + 1)]
        self.sketch = LossSketch(losses, [self.arith.n(v) for v in losses], SKETCH_BOX,
                                 self.theme, self.font, self.labels["iteration"])
        self.add(self.counter, self.phases, self.sketch)
        for t in range(shown):
            self.iteration(t)
        self.forward_and_error(shown)  # what the last update did to the loss
        self.hold()  # where the loop got to, before it starts again
        self.cue(self.labels["cycle_restart"])
        self.restart()
        self.end_captions()

    def draw_plain_network(self) -> StoryNetwork:
        tr = self.trace
        net = StoryNetwork(tr.layers, self.theme, self.font, self.largest_parameter(),
                           bias=self.has_bias)
        net.diagram.set_weights(tr.weights(0), self.biases(0))
        net.name_nodes(self.node_names(), self.theme["text"])
        self.add(net)
        return net

    # the colour of each phase's word while it plays: values, the error (the output
    # flashes in it too), gradients, then the weights: four phases, four colours
    PHASE_COLOURS = ("forward", "negative", "gradient", "positive")

    def phase_row(self) -> VGroup:
        """forward → error → backward → update, bottom left; the word of the phase
        playing lights up."""
        # one Text, so that every word sits on one baseline; a word is its letters
        # (a Text keeps no glyph for a space)
        words = self.labels["cycle_phases"]
        row = self.text("  →  ".join(words), size=34, color=self.theme["muted"])
        self.phase_words, start = [], 0
        for word in words:
            count = len(word.replace(" ", ""))
            self.phase_words.append(VGroup(*row[start:start + count]))
            start += count + 1  # and its arrow
        return row.to_corner(DOWN + LEFT, buff=0.55)

    def light(self, phase: int | None) -> list:
        """Animations that light the word of ``phase`` (None: none) and dim the rest."""
        return [word.animate.set_color(self.theme[self.PHASE_COLOURS[k]] if k == phase
                                       else self.theme["muted"])
                for k, word in enumerate(self.phase_words)]

    def counter_readout(self, t: int) -> MathTex:
        """The iteration's number, under the title (the right holds output nodes)."""
        text = rf"\text{{{self.iteration_word()}}}\ {t}"
        counter = MathTex(text, font_size=TEX_SIZE, color=self.theme["text"])
        return counter.next_to(self.title_mobject, DOWN, buff=0.25, aligned_edge=LEFT)

    def loss_readout(self, t: int) -> MathTex:
        """Iteration t's loss, beside the iteration's number, from its error phase on,
        where it is computed (the plot keeps the earlier ones)."""
        loss = MathTex(rf"L = {self.arith.n(self.trace['probe_loss'][t, 0])}",
                       font_size=TEX_SIZE, color=self.theme["text"])
        return loss.next_to(self.counter, RIGHT, buff=0.6)

    def phase_formulas(self) -> list[MathTex]:
        """What each phase computes, as a formula without numbers: ŷ from x and the
        weights, the loss, every ∂L/∂w by the chain rule, the update."""
        a = self.arith
        sources = [r"\hat{y} = f(x;\, w)", a.loss_formula(),
                   r"\partial L/\partial w = \partial L/\partial \hat{y} \cdots"
                   r" \partial h/\partial w", a.update_rule()[0]]
        return [MathTex(tex, font_size=TEX_SIZE, color=self.theme["text"]).next_to(
            self.phases, UP, buff=0.3, aligned_edge=LEFT) for tex in sources]

    def show_phase(self, phase: int) -> None:
        """Light the phase's word and write its formula in place of the last one."""
        new = self.formulas[phase]
        # the old formula leaves before the new one comes: never both at once
        swap = AnimationGroup(*([FadeOut(self.formula)] if self.formula else []), FadeIn(new),
                              lag_ratio=1)
        self.formula = new
        self.play(*self.light(phase), swap, run_time=2 * LIGHT_TIME)

    def iteration_word(self) -> str:
        return "iteration" if self.lang == "en" else "t ="

    def edges(self, layer: int):
        return self.net.diagram.layer_edges(layer)

    def sweep(self, colour: str, backwards: bool) -> AnimationGroup:
        """Flashes through the layers, left to right or right to left."""
        layers = range(len(self.trace.layers) - 1)
        order = reversed(layers) if backwards else layers
        steps = []
        for layer in order:
            steps.append(AnimationGroup(*[self.net.flash(edge, colour, reverse=backwards)
                                          for edge in self.edges(layer)]))
        return Succession(*steps)

    def iteration(self, t: int) -> None:
        a = self.arith
        if t == 0:
            self.formulas = self.phase_formulas()
        self.forward_and_error(t)
        # one weight's numbers, the one this update moves most: its gradient as the
        # backward sweep finds it, then the update that takes it
        layer, i, j = self.most_moved(t)
        w_tex, w_text = a.weight_name(layer, i, j)
        g_tex, g_text = a.update_gradient_name(w_tex, w_text, t)
        gradient = Eq(rf"{g_tex} = $g", f"{g_text} = $g",
                      g=a.n(float(self.trace[f"dW{layer}"][t][i, j])))
        update = a.update_eq(layer, i, j, t)
        self.cue(self.labels["backward"], gradient)
        self.show_phase(2)
        self.play(self.sweep(self.theme["gradient"], backwards=True), run_time=1.4)
        name = self.name_edge(layer, i, j, w_tex)
        self.show_numbers(gradient, self.theme["gradient"], [FadeIn(name)])
        self.wait(NUMBERS_REST)
        self.cue(f"{self.labels['update']}: {a.update_rule()[1]}", update)
        self.show_phase(3)
        self.show_numbers(update, self.theme["text"], [])
        self.animate_weights(t + 1)
        self.wait(NUMBERS_REST)
        self.play(FadeOut(name), FadeOut(self.numbers), run_time=0.3)
        self.numbers = None

    def most_moved(self, t: int) -> tuple[int, int, int]:
        """(weight layer, from, to) of the weight the update after state t changes most."""
        before, after = self.trace.weights(t), self.trace.weights(t + 1)
        steps = [(abs(float(new[i, j] - old[i, j])), layer, i, j)
                 for layer, (old, new) in enumerate(zip(before, after))
                 for i in range(old.shape[0]) for j in range(old.shape[1])]
        return max(steps)[1:]

    def name_edge(self, layer: int, i: int, j: int, tex: str) -> MathTex:
        """The weight's name along its edge, clear of the nodes and their names."""
        label = self.net.edge_label(tex, self.theme["text"], self.theme["background"])
        k = self.net.diagram.edge_pairs(layer).index((i, j))
        place_along_edges(self.net.diagram, [(layer, k, label)], list(self.net.names))
        return label

    def show_numbers(self, eq: Eq, colour: str, also: list) -> None:
        """A line of numbers above the phase's formula, in place of the last one."""
        line = self.wrapped(eq, colour, room=SKETCH_BOX[0] - 0.3 - self.phases.get_left()[0])
        line.next_to(self.formula, UP, buff=0.3, aligned_edge=LEFT)
        swap = AnimationGroup(*([FadeOut(self.numbers)] if self.numbers else []),
                              FadeIn(line), lag_ratio=1)
        self.play(swap, *also, run_time=0.6)
        self.numbers = line

    def forward_and_error(self, t: int) -> None:
        """The forward sweep with state t's weights, then its loss: at the output,
        beside the iteration's number and on the plot."""
        out = self.net.node(len(self.trace.layers) - 1, 0)
        # each phase's word and formula light first, then the phase plays, then it rests
        self.cue(f"{self.labels['forward']} ({self.iteration_word()} {t})")
        self.show_phase(0)
        self.play(self.sweep(self.theme["forward"], backwards=False), run_time=1.4)
        self.wait(PHASE_REST)
        self.cue(f"{self.labels['loss']}: L = {self.arith.n(self.trace['probe_loss'][t, 0])}")
        self.show_phase(1)
        loss = self.loss_readout(t)  # computed now: replaced, never morphed
        self.play(Indicate(out, color=self.theme["negative"], scale_factor=1.3),
                  *([FadeOut(self.loss)] if self.loss else []), FadeIn(loss),
                  *self.sketch.add_point(t),
                  run_time=0.8)
        self.loss = loss
        self.wait(PHASE_REST)

    def animate_weights(self, t: int, glow: bool = True) -> None:
        """Every edge takes state t's colour and width; with ``glow`` (the update), each
        glows as it changes, as wide as its weight moves (relative to the weight that
        moves most: one step changes a weight too little for its width to show it),
        and the iteration's number moves on."""
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
            counter = self.counter_readout(t)
            layers = range(len(self.trace.layers) - 1)
            steps = [abs(new - old) for layer in layers for old, new in zip(
                self.net.edge_values(layer, self.trace.weights(t - 1)[layer],
                                     self.layer_biases(t - 1, layer)),
                self.net.edge_values(layer, self.trace.weights(t)[layer],
                                     self.layer_biases(t, layer)))]
            largest, (thin, wide) = max(max(steps), 1e-12), GLOW_WIDTHS
            edges = [edge for layer in layers for edge in self.edges(layer)]
            # the loss beside the number was the last state's: it goes with it
            extra = [FadeOut(self.counter), FadeIn(counter)] + (
                [FadeOut(self.loss)] if self.loss else []) + [
                FadeIn(edge.copy().set_stroke(self.theme["text"], opacity=1,
                                              width=thin + (wide - thin) * step / largest),
                       rate_func=there_and_back, remover=True)
                for edge, step in zip(edges, steps)]
            self.counter, self.loss = counter, None
        self.play(*moves, *extra, run_time=0.9)

    def layer_biases(self, t: int, layer: int):
        biases = self.biases(t)
        return biases[layer] if biases else None

    def restart(self) -> None:
        """Back to the first state, said on screen where the phases' formulas were, so
        the last frame is the first frame."""
        words = self.text(self.labels["cycle_restart"], size=34, color=self.theme["muted"])
        words.next_to(self.phases, UP, buff=0.3, aligned_edge=LEFT)  # the formulas' place
        readout = [self.counter, *([self.loss] if self.loss else []),
                   *self.sketch.clear()]  # as at the start
        self.play(AnimationGroup(AnimationGroup(*map(FadeOut, readout + [self.formula])),
                                 FadeIn(words), lag_ratio=1), *self.light(None), run_time=0.6)
        self.counter, self.loss = self.counter_readout(0), None
        self.animate_weights(0, glow=False)
        self.wait(0.3)
        self.play(AnimationGroup(FadeOut(words), FadeIn(self.counter), lag_ratio=1),
                  run_time=0.6)
        self.wait(0.5)  # the loop's seam: these frames equal the first one
