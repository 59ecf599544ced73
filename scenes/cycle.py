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
from scenes.forward import ForwardScene
from scenes.options import Option
from scenes.pulses import pulse
from scenes.story import TEX_SIZE
from scenes.story_network import StoryNetwork
from scenes.tweens import StyleTween

LIGHT_TIME = 0.25  # a phase's word lights up before its phase plays


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
        self.readout = self.loss_readout(0)
        self.phases = self.phase_row()
        self.add(self.readout, self.phases)
        for t in range(shown):
            self.iteration(t)
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

    # the colour of each phase's word while it plays: values, the error and gradients,
    # then the weights
    PHASE_COLOURS = ("forward", "gradient", "gradient", "text")

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

    def loss_readout(self, t: int) -> MathTex:
        a = self.arith
        text = rf"\text{{{self.iteration_word()}}}\ {t} \qquad L = {a.n(a.tr['probe_loss'][t, 0])}"
        readout = MathTex(text, font_size=TEX_SIZE, color=self.theme["text"])
        # above the row of phase words, at the right
        return readout.to_corner(DOWN + RIGHT, buff=0.5).shift(UP * 0.75)

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
            steps.append(AnimationGroup(*[pulse(edge, colour, reverse=backwards)
                                          for edge in self.edges(layer)]))
        return Succession(*steps)

    def iteration(self, t: int) -> None:
        tr, a = self.trace, self.arith
        out = self.net.node(len(tr.layers) - 1, 0)
        # each phase's word lights first, then its phase plays
        self.cue(f"{self.labels['forward']} ({self.iteration_word()} {t})")
        self.play(*self.light(0), run_time=LIGHT_TIME)
        self.play(self.sweep(self.theme["forward"], backwards=False), run_time=1.4)
        self.cue(f"{self.labels['loss']}: L = {a.n(tr['probe_loss'][t, 0])}")
        self.play(*self.light(1), run_time=LIGHT_TIME)
        self.play(Indicate(out, color=self.theme["gradient"], scale_factor=1.3), run_time=0.8)
        self.cue(self.labels["backward"])
        self.play(*self.light(2), run_time=LIGHT_TIME)
        self.play(self.sweep(self.theme["gradient"], backwards=True), run_time=1.4)
        self.cue(f"{self.labels['update']}: L = {a.n(tr['probe_loss'][t, 0])} → "
                 f"{a.n(tr['probe_loss'][t + 1, 0])}")
        self.play(*self.light(3), run_time=LIGHT_TIME)
        self.animate_weights(t + 1)

    def animate_weights(self, t: int, readout: bool = True) -> None:
        target = self.net.diagram.copy()
        target.set_weights(self.trace.weights(t), self.biases(t))
        moves = [StyleTween(edge, stroke_color=new.get_stroke_color(),
                            stroke_width=new.get_stroke_width(),
                            stroke_opacity=new.get_stroke_opacity())
                 for layer in range(len(self.trace.layers) - 1)
                 for edge, new in zip(self.net.diagram.layer_edges(layer),
                                      target.layer_edges(layer))]
        swap = []
        if readout:  # the update: the number is replaced, never morphed into the next,
            new = self.loss_readout(t)  # and every edge, changing, glows where it is
            swap = [FadeOut(self.readout), FadeIn(new)] + [
                FadeIn(edge.copy().set_stroke(self.theme["text"], width=6, opacity=1),
                       rate_func=there_and_back, remover=True)
                for layer in range(len(self.trace.layers) - 1) for edge in self.edges(layer)]
            self.readout = new
        self.play(*moves, *swap, run_time=0.9)

    def restart(self) -> None:
        """Back to the first state, said on screen where the readout was, so the last
        frame is the first frame."""
        words = self.text(self.labels["cycle_restart"], size=34, color=self.theme["muted"])
        words.move_to(self.readout, aligned_edge=RIGHT)
        self.play(FadeOut(self.readout), FadeIn(words), *self.light(None), run_time=0.4)
        self.readout = self.loss_readout(0)
        self.animate_weights(0, readout=False)
        self.wait(0.6)
        self.play(FadeOut(words), FadeIn(self.readout), run_time=0.4)
        self.wait(0.5)  # the loop's seam: these frames equal the first one


