"""The post's chain-rule example, z = (x + y)^2 with t = x + y, as a two-gate
computational graph in the cs231n style: forward values above the wires (green),
gradients below (red). It opens on the graph, with the derivative found by expanding;
the chain rule then finds it symbolically and with numbers. Then the same picture for a
general gate f(x, y): upstream gradient, local gradients, downstream gradients."""

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Create,
    FadeOut,
    Line,
    MathTex,
    SurroundingRectangle,
    VGroup,
    VMobject,
)

from core.graph import square_of_sum
from scenes import layout
from scenes.arith import Eq, agrees, value
from scenes.general_gate import GeneralGate
from scenes.options import Option
from scenes.pulses import pulse
from scenes.story import MIN_TEXT_SIZE, TEX_SIZE, StoryScene
from scenes.tex import Formula
from scenes.tweens import StyleTween, fade_in, fade_out, write

GATE_RADIUS = 0.5


class ChainRuleScene(GeneralGate, StoryScene):
    """Forward values and gradients of z = (x + y)^2, then a general gate."""

    FRAMES_GRADIENTS = False  # its gradients stand under their wires, unframed

    OPTIONS = StoryScene.OPTIONS + (
        Option("x", 1.0, "the input x of z = (x + y)²", float, -100, 100),
        Option("y", 2.0, "the input y of z = (x + y)²", float, -100, 100),
    )

    def construct(self) -> None:
        self.setup_story()
        self.title_mobject = self.title("chain_rule")
        key = self.number_key((("value", "forward"), ("gradient", "gradient")))
        self.key = key.to_corner(UP + RIGHT, buff=layout.SAFE_MARGIN)
        self.add(self.title_mobject, self.key)
        g = square_of_sum(self.options["x"], self.options["y"])
        self.v = {name: self.data(node.value) for name, node in g.items()}
        self.d = {name: self.data(node.grad) for name, node in g.items()}
        self.graph()
        self.expanded()
        self.forward_values()
        self.backward_values()
        self.general_gate()
        self.end_captions()

    def expanded(self) -> None:
        """The derivative the long way first, from the inputs' values on the wires
        (ringed while the line uses them)."""
        v, d = self.v, self.d
        eqs = [Eq(r"z = (x + y)^2 = x^2 + 2xy + y^2", "z = (x + y)² = x² + 2xy + y²"),
               Eq(r"\partial z/\partial x = 2x + 2y = 2 \times $x + 2 \times $y $eq $dx",
                  "∂z/∂x = 2x + 2y = 2 × $x + 2 × $y $eq $dx",
                  agrees(2 * value(v["x"]) + 2 * value(v["y"]), d["x"]), x=self.op(v["x"]),
                  y=self.op(v["y"]), dx=d["x"])]
        self.expansion = eqs[1]  # set beside the chain rule's result later
        shown = self.lines(eqs)
        self.cue(*eqs)
        self.play(write(shown[0]), run_time=1.0)
        rings = self.rings(self.input_labels, self.theme["forward"])
        self.play(write(shown[1]), *[Create(r) for r in rings], run_time=1.2)
        self.hold(self.reading_time(len(eqs)))
        self.play(fade_out(shown), *[FadeOut(r) for r in rings], run_time=0.4)

    def rings(self, labels: list, colour: str) -> list[SurroundingRectangle]:
        """Frames around the labels a line takes its numbers from."""
        return [SurroundingRectangle(m, color=colour, buff=0.08, stroke_width=3,
                                     corner_radius=0.08) for m in labels]

    def op(self, text: str) -> str:
        return f"({text})" if text.startswith("-") else text

    # --- the graph ----------------------------------------------------------------------

    def graph(self) -> None:
        y0 = 0.9
        self.plus = self.gate("+", [-1.6, y0, 0])
        self.square = self.gate(r"(\cdot)^2", [2.2, y0, 0])
        self.wire_x = self.bent_wire(-6.0, y0 + 1.45, self.plus.get_left() + [0, 0.2, 0])
        self.wire_y = self.bent_wire(-6.0, y0 - 1.45, self.plus.get_left() + [0, -0.2, 0])
        self.wire_t = Line(self.plus.get_right(), self.square.get_left())
        self.wire_z = Line(self.square.get_right(), [6.0, y0, 0])
        self.wires = VGroup(self.wire_x, self.wire_y, self.wire_t, self.wire_z).set_stroke(
            self.theme["node_stroke"], width=3)
        names = VGroup(*[Formula(n, font_size=TEX_SIZE, color=self.theme["muted"]).next_to(
            w.get_start() if n != "z" else w.get_end(), LEFT if n != "z" else RIGHT, buff=0.15)
            for n, w in (("x", self.wire_x), ("y", self.wire_y), ("z", self.wire_z))])
        self.names = names
        # the inputs' values are given: above their wires from the first frame
        v, green = self.v, self.theme["forward"]
        self.input_labels = [self.on_wire(self.wire_x, f"x = {v['x']}", green, False),
                             self.on_wire(self.wire_y, f"y = {v['y']}", green, False)]
        self.add(self.wires, self.plus, self.square, names, *self.input_labels)
        self.cue(self.labels["chain_rule"] + f": t = x + y, z = t², x = {v['x']}, y = {v['y']}")
        self.hold()

    def bent_wire(self, start_x: float, level: float, end) -> VMobject:
        """An input wire: level first (where its labels sit), then slanting into a gate."""
        knee = [end[0] - 1.2, level, 0]
        wire = VMobject().set_points_as_corners([[start_x, level, 0], knee, end])
        wire.label_anchor = [(start_x + knee[0]) / 2, level, 0]
        return wire

    def gate(self, symbol: str, at) -> VGroup:
        circle = Circle(GATE_RADIUS, color=self.theme["node_stroke"], fill_color=self.theme["node"],
                        fill_opacity=1, stroke_width=3).move_to(at)
        return VGroup(circle, Formula(symbol, font_size=TEX_SIZE, color=self.theme["text"])
                      .move_to(at))

    def on_wire(self, wire, tex: str, colour: str, below: bool) -> MathTex:
        label = Formula(tex, font_size=TEX_SIZE, color=colour)
        anchor = getattr(wire, "label_anchor", None)
        if anchor is None:
            anchor = wire.point_from_proportion(0.5)
        return label.next_to(anchor, DOWN if below else UP, buff=0.15)

    def forward_values(self) -> None:
        v, green = self.v, self.theme["forward"]
        above = [self.on_wire(self.wire_t, f"t = {v['t']}", green, False),
                 self.on_wire(self.wire_z, f"z = {v['z']}", green, False)]
        eqs = [Eq(r"t = x + y = $x + $y $eq $t", "t = x + y = $x + $y $eq $t",
                  agrees(value(v["x"]) + value(v["y"]), v["t"]), x=v["x"],
                  y=self.op(v["y"]), t=v["t"]),
               Eq(r"z = t^2 = $t^2 $eq $z", "z = t² = $t² $eq $z",
                  agrees(value(v["t"]) ** 2, v["z"]), t=self.op(v["t"]), z=v["z"])]
        shown = self.lines(eqs, green)
        self.cue(self.labels["forward"] + ": " + eqs[0].text, eqs[1].text)
        flashes = [pulse(w, green) for w in self.wires]
        self.play(*flashes, write(shown), run_time=1.4)
        self.play(*[fade_in(a) for a in above], run_time=0.6)
        self.hold()
        self.play(fade_out(shown), run_time=0.3)
        self.forward_labels = self.input_labels + above

    def backward_values(self) -> None:
        v, d, red = self.v, self.d, self.theme["gradient"]
        steps = [  # (wire, its label, lines, the gate differentiated)
            (self.wire_z, r"\partial z/\partial z = $g", [Eq(
                r"\partial z/\partial z = $g", "∂z/∂z = $g", g=d["z"])], None),
            (self.wire_t, r"\partial z/\partial t = $g", [Eq(
                r"\partial z/\partial t = 2t = 2 \times $t $eq $g", "∂z/∂t = 2t = 2 × $t $eq $g",
                agrees(2 * value(v["t"]), d["t"]), t=self.op(v["t"]), g=d["t"])], self.square),
        ]
        t_label = [self.backward_step(wire, tex, eqs, red, gate)
                   for wire, tex, eqs, gate in steps][-1]
        # the chain rule in symbols first: it gives what expanding gave
        symbolic = [Eq(r"\partial z/\partial x = \partial z/\partial t \cdot "
                       r"\partial t/\partial x = 2t \cdot 1 = 2(x + y)",
                       "∂z/∂x = ∂z/∂t · ∂t/∂x = 2t · 1 = 2(x + y)"),
                    Eq(r"\partial z/\partial y = \partial z/\partial t \cdot "
                       r"\partial t/\partial y = 2t \cdot 1 = 2(x + y)",
                       "∂z/∂y = ∂z/∂t · ∂t/∂y = 2t · 1 = 2(x + y)")]
        shown = self.lines(symbolic, red)
        self.cue(*symbolic)
        # the + gate's step: its local derivative ∂t/∂x = 1
        self.play(write(shown), *self.ring(self.plus, red), run_time=1.6)
        self.hold(self.reading_time(symbolic))
        self.play(fade_out(shown), run_time=0.4)
        add_eqs = [self.gate_example(),
                   Eq(r"\partial z/\partial y = \partial z/\partial t \cdot \partial t/\partial y"
                      r" = $g \times 1 = $dy", "∂z/∂y = ∂z/∂t · ∂t/∂y = $g × 1 = $dy",
                      g=self.op(d["t"]), dy=d["y"])]
        # the same number the long way, from the opening: the chain rule agrees
        words = self.labels["as_expanded"]
        again = VGroup(self.text(words, size=MIN_TEXT_SIZE, color=self.theme["text"]),
                       self.tex(self.expansion, self.theme["text"])).arrange(RIGHT, buff=0.15)
        shown = self.stack(add_eqs, [self.line(eq, red) for eq in add_eqs] + [again])
        self.cue(*add_eqs, f"{words} {self.expansion.text}")
        labels = [self.on_wire(self.wire_x, rf"\partial z/\partial x = {d['x']}", red, True),
                  self.on_wire(self.wire_y, rf"\partial z/\partial y = {d['y']}", red, True)]
        # the number the lines take, ringed where it stands on the wire
        used = self.rings([t_label], red)
        self.play(write(shown), *self.ring(self.plus, red), *[Create(r) for r in used],
                  run_time=1.4)
        # the + gate hands its gradient back along both of its inputs
        self.play(pulse(self.wire_x, red, reverse=True), pulse(self.wire_y, red, reverse=True),
                  *[fade_in(m) for m in labels], run_time=1.2)
        self.hold(self.reading_time(len(add_eqs) + 1))
        self.play(*self.ring(self.plus, None), *[FadeOut(r) for r in used], run_time=0.3)
        note = VGroup(*[self.text(row, size=MIN_TEXT_SIZE, color=self.theme["text"])
                        for row in self.labels["add_gate"]]).arrange(DOWN, aligned_edge=LEFT)
        note.move_to(layout.EQ_CENTER).align_to([-layout.EQ_WIDTH / 2, 0, 0], LEFT)
        self.play(fade_out(shown), run_time=0.4)  # one thing at a time: no cross-fade
        self.cue(" ".join(self.labels["add_gate"]))
        self.play(fade_in(note), run_time=0.5)
        self.hold(self.reading_time(3))
        self.play(FadeOut(note), run_time=0.3)

    def backward_step(self, wire: Line, tex: str, eqs: list, red: str, gate) -> MathTex:
        """One wire's gradient: its line, the gate ringed, the gradient on the wire."""
        shown = self.lines(eqs, red)
        self.cue(*eqs)
        label = self.on_wire(wire, tex.replace("$g", eqs[0].tex.split()[-1]), red, True)
        self.play(pulse(wire, red, reverse=True), write(shown), *self.ring(gate, red),
                  run_time=1.2)
        self.play(fade_in(label), run_time=0.5)
        self.hold()
        self.play(fade_out(shown), *self.ring(gate, None), run_time=0.3)
        return label

    def ring(self, gate, colour: str | None) -> list:
        """The gate being differentiated ringed in ``colour`` (None: as drawn)."""
        if gate is None:
            return []
        return [StyleTween(gate[0], stroke_color=colour or self.theme["node_stroke"],
                           stroke_width=6 if colour else 3)]

    # --- a general gate -----------------------------------------------------------------
