"""Any typed formula as a computational graph, in the cs231n style: forward gate by
gate, left to right, each value written out and set above its wire (green); then
backward from ∂f/∂f = 1, each gate's local gradient, then upstream × local =
downstream, each gradient set below its wire (red). A value used by several gates
(a fork) gets the sum of what comes back along its wires. The patterns are named
the first time they happen: + distributes, × swaps, max routes, a fork sums.

The numbers are core.graph's; the lines are scenes.graph_arith's, which follow the
calculator rule; the places are scenes.graph_layout's.
"""

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Dot,
    VGroup,
    VMobject,
)

from core import unit_graph
from core.errors import ConfigError
from core.expression import parse, parse_values
from core.graph import Graph, build
from core.notation import sub
from scenes import layout
from scenes.arith import Eq, agrees, value
from scenes.graph_arith import GraphArithmetic, formula, name_text
from scenes.graph_forks import fork_parts, junctions, part_spots
from scenes.graph_layout import DoesNotFit, Layout, arrange
from scenes.graph_sizes import NUMBER_HEIGHT, estimate, number_width, title_width
from scenes.options import Option
from scenes.pacing import END_HOLD
from scenes.pulses import pulse
from scenes.story import MIN_TEXT_SIZE, TEX_SIZE, StoryScene
from scenes.tex import Formula
from scenes.tweens import StyleTween, fade_in, fade_out, write

# cs231n's first circuit, f = (x + y) z: what the scene draws when given no formula
DEFAULT_EXPR, DEFAULT_AT = "(x + y) * z", "x=-2 y=5 z=-4"
MAX_NODES = 25  # inputs and gates: more would not stay legible at 720p
# two lines of arithmetic at the bottom (a gate's local gradient and its downstream one)
EQ_ZONE = (-layout.EQ_WIDTH / 2, -layout.FRAME_Y + layout.SAFE_MARGIN, layout.EQ_WIDTH / 2,
           -2.5)
AREA_X, AREA_BOTTOM = layout.FRAME_X - layout.SAFE_MARGIN, EQ_ZONE[3] + 0.08
# the graph's room: above the arithmetic, below the title and the key; the key in one
# row beside a title that leaves it room
# (the title's width judged from its characters, as before typesetting), else in two
AREA_TOP, AREA_TOP_UNDER_KEY, AREA_TOP_WORDS = 2.95, 2.75, 3.1  # a title in words is lower
KEY_ROOM = 7.15  # the key in one row (in either language), and its gap to the title
# the patterns a gate shows, named the first time (labels' keys)
LESSONS = {"add": "graph_add", "mul": "graph_mul", "route": "graph_route"}
class GraphScene(StoryScene):
    """A typed formula's graph: its forward pass, then its backward pass."""

    FRAMES_GRADIENTS = False  # gradients stand under their wires, unframed
    EQ_ZONE = EQ_ZONE
    OPTIONS = (
        Option("precision", None, "decimals of the numbers shown (auto: 2, as cs231n writes "
                                  "them; for --unit, whose gradients are small, 3 where the "
                                  "graph fits)", int, 1, 6),
        StoryScene.OPTIONS[1],  # pace
        Option("expr", DEFAULT_EXPR, "the formula", str, pattern="FORMULA"),
        Option("at", None, f"the variables' values (none: {DEFAULT_AT} for the default "
                           f"formula)", str, pattern="NAME=VALUE ...", many=True),
        Option("expand", None, "draw sigmoid and tanh as their primitive gates "
                               "(·(−1), exp, +1, 1/x)", bool),
        Option("unit", None, "a unit of the network of --config (h1, h2, ..., y) as its "
                             "graph, from its inputs down to the loss of sample 1",
               str, pattern="NAME"),
    )

    @classmethod
    def graph_of(cls, options: dict, trace=None) -> tuple:
        """The formula's tree, its graph at the values given and the names its
        variables go by where they are not their own (the output unit's σ(h₁)); with
        --unit, the network unit's, from the trace."""
        display = {}
        if options["unit"]:
            tree, values = unit_graph.formula(trace, options["unit"])
            graph = build(tree, values)
            graph.output.name = "L"
            if options["unit"] in ("y", "ŷ"):
                display = unit_graph.output_names(trace)
            display |= unit_graph.gate_names(trace, options["unit"], graph)
        else:
            tree = parse(options["expr"])
            at = options["at"] or (DEFAULT_AT if options["expr"] == DEFAULT_EXPR else "")
            graph = build(tree, parse_values(at), bool(options["expand"]))
        if len(graph.nodes) > MAX_NODES:
            raise ConfigError(f"the formula makes {len(graph.nodes)} nodes (inputs and gates); "
                              f"this scene draws at most {MAX_NODES}: split it")
        return tree, graph, display

    @classmethod
    def check_config(cls, config: dict, options: dict) -> None:
        """The formula and its values, and whether its graph fits the frame, before
        anything else; with --unit, whether the network has that unit (the graph is
        made from the trace)."""
        if options["unit"]:
            if options["expr"] != DEFAULT_EXPR or options["at"] or options["expand"]:
                raise ConfigError("--unit draws a unit of the network of --config: drop "
                                  "--expr, --at and --expand")
            unit_graph.check(config, options["unit"])
            return
        cls.check_fits(*cls.graph_of(options)[1:], options)

    @classmethod
    def check_trace(cls, trace, options: dict) -> None:
        """Only the unit of --unit reads the trace: its graph must fit the frame."""
        if options["unit"]:
            cls.check_fits(*cls.graph_of(options, trace)[1:], options)

    @classmethod
    def decimals(cls, options: dict, graph: Graph, display: dict) -> int:
        """--precision, or by default 2; 3 for a unit where its graph fits so."""
        if options["precision"] or not options["unit"]:
            return options["precision"] or 2
        try:
            cls.check_fits(graph, display, options | {"precision": 3})
            return 3
        except ConfigError:
            return 2

    @classmethod
    def check_fits(cls, graph: Graph, display: dict, options: dict) -> None:
        arith = GraphArithmetic(graph, cls.decimals(options, graph, display), display)
        cls.arrange_or_refuse(graph, arith, cls.title_words(options, graph, display))

    @classmethod
    def title_words(cls, options: dict, graph: Graph, display: dict, tree=None,
                    labels: dict | None = None) -> str:
        """The title as text: the formula, or for a unit, the words that say so."""
        if options["unit"]:
            words = (labels or {}).get("graph_unit", "the loss through {unit}")
            unit = "ŷ" if options["unit"] in ("y", "ŷ") else name_text(options["unit"])
            return words.replace("{unit}", unit)
        tree = tree or parse(options["expr"])
        digits = options["precision"] or 2
        return f"{graph.output.name} = {formula(tree, False, digits, 0, display)}"

    @staticmethod
    def key_in_one_row(title: str) -> bool:
        return title_width(title) + KEY_ROOM <= 2 * AREA_X

    @classmethod
    def area(cls, graph: Graph, title: str) -> tuple[float, float, float, float]:
        """The graph's room: below the title (a formula, or lower words) and the key
        (in one row or two), above the lines of arithmetic."""
        top = (AREA_TOP_UNDER_KEY if not cls.key_in_one_row(title) else AREA_TOP_WORDS
               if not title.startswith(graph.output.name + " = ") else AREA_TOP)
        return -AREA_X, AREA_BOTTOM, AREA_X, top

    @classmethod
    def arrange_or_refuse(cls, graph: Graph, arith: GraphArithmetic, title: str) -> Layout:
        """The layout, from the texts' estimated sizes (the same before and during the
        render), or ConfigError saying what does not fit."""
        sizes = [estimate(graph, arith, i) for i in range(len(graph.nodes))]
        try:
            return arrange(wiring(graph), sizes, cls.area(graph, title))
        except DoesNotFit as err:
            raise ConfigError(f"the graph does not fit the frame ({err}); use a shorter "
                              f"formula or --precision 1") from None

    def construct(self) -> None:
        self.setup_story()
        self.tree, self.graph, self.display = self.graph_of(self.options, self.trace)
        self.precision = self.decimals(self.options, self.graph, self.display)
        # a unit's label y is data: its gradient, though computed, teaches nothing
        self.no_gradient = {"y"} if self.options["unit"] else set()
        out = self.graph.output.name
        self.ga = GraphArithmetic(self.graph, self.precision, self.display)
        self.green, self.red = self.theme["forward"], self.theme["gradient"]
        words = self.title_words(self.options, self.graph, self.display, self.tree,
                                 self.labels)
        if self.options["unit"]:
            self.title_mobject = self.title_text(words)
        else:
            title = formula(self.tree, digits=self.precision, display=self.display)
            self.title_mobject = Formula(f"{out} = {title}", font_size=TEX_SIZE,
                                         color=self.theme["text"]).to_corner(UP + LEFT,
                                                                             buff=0.35)
        key = self.number_key((("value", "forward"), ("gradient", "gradient"),
                               ("local_gradient", "local")))
        one_row = self.key_in_one_row(words)
        if one_row and self.title_mobject.width + key.width + 0.3 > 2 * AREA_X:
            raise ConfigError("the formula is too long to stand beside the key; use a "
                              "shorter formula")
        if not one_row:  # beside a long title, in two rows
            values, grads, local = key
            key = VGroup(VGroup(values, grads).arrange(RIGHT, buff=0.4), local).arrange(
                DOWN, aligned_edge=RIGHT, buff=0.12)
        self.key = key.to_corner(UP + RIGHT, buff=layout.SAFE_MARGIN)
        self.title_words_shown = words
        self.draw_graph()
        self.forward()
        self.backward()
        self.ending()
        self.end_captions()

    # --- the picture ---------------------------------------------------------------------

    def draw_graph(self) -> None:
        graph, ga = self.graph, self.ga
        n = len(graph.nodes)
        self.symbols = [self.tex(ga.gate_label(node)[0]) if node.op else None
                        for node in graph.nodes]
        self.names = [self.tex(ga.names(node)[0]) for node in graph.nodes]
        self.values = [self.tex(ga.n(node.value), self.green) for node in graph.nodes]
        self.grads = [self.tex(ga.grad_text(node), self.red) for node in graph.nodes]
        # laid out from the glyphs' widths, as checked before rendering: the same
        # layout whatever typesets the texts (a first run stands boxes in for them)
        self.place = self.arrange_or_refuse(graph, ga, self.title_words_shown)
        place: Layout = self.place
        self.circles = []
        for i in range(n):
            for texts, boxes in ((self.values, place.value_box), (self.grads, place.grad_box),
                                 (self.names, place.name_box)):
                b = boxes[i]
                texts[i].move_to([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, 0])
            if self.symbols[i] is not None:
                circle = Circle(place.radius[i], color=self.theme["node_stroke"],
                                fill_color=self.theme["node"], fill_opacity=1,
                                stroke_width=3).move_to([*place.centre[i], 0])
                self.symbols[i].move_to(circle)
                self.circles.append(circle)
            else:
                self.circles.append(None)
        self.wires = {}
        for points, (i, k) in zip(place.wires, place.wire_ends):
            wire = VMobject().set_points_as_corners([[x, y, 0] for x, y in points])
            self.wires.setdefault((i, k), wire.set_stroke(self.theme["node_stroke"], width=3))
        # a fork's wires part at a dot: a crossing without one is no junction
        forks = [Dot([*point, 0], radius=0.07, color=self.theme["node_stroke"])
                 for point in junctions(place)]
        gates = [VGroup(c, s) for c, s in zip(self.circles, self.symbols) if c is not None]
        inputs = [self.values[graph.nodes.index(node)] for node in graph.inputs]
        self.add(self.title_mobject, self.key, *self.wires.values(), *forks, *gates,
                 *self.names, *inputs)
        # each fork wire's part of the gradient, on its own stretch (where all fit)
        parts = fork_parts(graph)
        spots = part_spots(place, {end: (number_width(ga.n(v)), NUMBER_HEIGHT)
                                   for end, v in parts.items()},
                           self.area(graph, self.title_words_shown))
        self.parts = {end: self.tex(ga.n(parts[end]), self.red).move_to(
            [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, 0]) for end, b in spots.items()}
        given = ", ".join(f"{ga.names(node)[1]} = {ga.n(node.value)}" for node in graph.inputs)
        self.cue(f"{graph.output.name} = "
                 f"{formula(self.tree, False, self.precision, display=self.display)}", given)
        self.hold()
        if self.options["unit"]:
            self.unit_intro()

    def unit_intro(self) -> None:
        """A unit's loss as a formula, and where a hidden unit's held number comes from:
        the other hidden units, weighted (and the output's bias)."""
        eqs = [Eq(f"L = {formula(self.tree, digits=self.precision, display=self.display)}",
                  f"L = {formula(self.tree, False, self.precision, display=self.display)}")]
        unit = self.options["unit"]
        if unit.startswith("h"):
            rest = unit_graph.others(self.trace, unit)
            bias = self.trace.config.network.bias
            c = float(self.trace.bias_history(1)[0][0]) if bias else 0.0
            total = self.ga.n(c + sum(v * a for _, v, a in rest))
            names = unit_graph.output_names(self.trace)
            terms_tex = [rf"v_{{{k}1}} {names[f'a{k}'][0]}" for k, _, _ in rest]
            terms_text = [f"v{sub(k)}₁·{names[f'a{k}'][1]}" for k, _, _ in rest]
            nums = [rf"{self.ga.o(v)} \times {self.ga.o(a)}" for _, v, a in rest]
            shown = sum(value(self.ga.n(v)) * value(self.ga.n(a)) for _, v, a in rest)
            if bias:
                terms_tex, terms_text = terms_tex + ["c_{1}"], terms_text + ["c₁"]
                nums.append(self.ga.o(c))
                shown += value(self.ga.n(c))
            eqs.append(Eq(f"{total} = {' + '.join(terms_tex)} = {' + '.join(nums)} $eq $r",
                          f"{total} = {' + '.join(terms_text)} = "
                          f"{' + '.join(nums).replace(chr(92) + 'times', '×')} $eq $r",
                          agrees(shown, total), r=total))
        for eq in eqs:  # one at a time: the loss, then the number it holds
            shown = self.lines([eq])
            self.cue(eq)
            self.play(write(shown), run_time=1.0)
            self.hold(self.reading_time([eq]))
            self.play(fade_out(shown), run_time=0.3)

    def index(self, node) -> int:
        return next(i for i, m in enumerate(self.graph.nodes) if m is node)

    def ring(self, i: int, colour: str | None) -> list:
        """The gate being worked on ringed in ``colour`` (None: as drawn)."""
        return [StyleTween(self.circles[i], stroke_color=colour or self.theme["node_stroke"],
                           stroke_width=6 if colour else 3)]

    # --- forward -------------------------------------------------------------------------

    def forward(self) -> None:
        for node in self.graph.gates:
            i = self.index(node)
            eq = self.ga.forward_eq(node)
            shown = self.lines([eq], self.green)
            self.cue(self.labels["forward"] + ": " + eq.text)
            into = [self.wires[(self.index(s), i)] for s in dict.fromkeys(node.inputs)]
            self.play(*self.ring(i, self.green), *[pulse(w, self.green) for w in into],
                      write(shown), run_time=1.0)
            self.play(fade_in(self.values[i]), run_time=0.4)
            self.hold(self.reading_time([eq]))
            self.play(fade_out(shown), *self.ring(i, None), run_time=0.3)

    # --- backward ------------------------------------------------------------------------

    def backward(self) -> None:
        out = len(self.graph.nodes) - 1
        start = self.ga.start_eq()
        shown = self.lines([start], self.red)
        self.cue(self.labels["backward"] + ": " + start.text)
        self.play(write(shown), pulse(self.wires[(out, -1)], self.red, reverse=True),
                  run_time=1.0)
        self.play(fade_in(self.grads[out]), run_time=0.4)
        self.hold()
        self.play(fade_out(shown), run_time=0.3)
        self.arrived = {id(node): 0 for node in self.graph.nodes}
        self.taught: set[str] = set()
        for node in reversed(self.graph.gates):
            for slot in range(len(node.inputs)):
                if node.inputs[slot].name not in self.no_gradient:
                    self.backward_step(node, slot)

    def backward_step(self, node, slot: int) -> None:
        """One of a gate's inputs: its local gradient, then upstream × local; the
        gradient back along the wire, and on it once every part has come."""
        ga, source = self.ga, node.inputs[slot]
        i, j = self.index(node), self.index(source)
        parts = len(source.upstream_parts)
        whole = parts == 1
        part = node.grad * node.local[slot]
        eqs = [ga.local_eq(node, slot), ga.downstream_eq(node, slot, part, whole)]
        colours = [self.theme["local"], self.red]
        shown = self.stack(eqs, [self.line(e, c) for e, c in zip(eqs, colours)])
        self.cue(*eqs)
        self.play(*self.ring(i, self.red), write(shown), run_time=1.0)
        self.play(pulse(self.wires[(j, i)], self.red, reverse=True), run_time=0.8)
        if (j, i) in self.parts:  # a fork's part, on its own wire until the sum
            self.play(fade_in(self.parts[(j, i)]), run_time=0.4)
        self.arrived[id(source)] += 1
        done = self.arrived[id(source)] == parts
        if done and whole:
            self.play(fade_in(self.grads[j]), run_time=0.4)
        self.hold(self.reading_time(eqs))
        self.play(fade_out(shown), *self.ring(i, None), run_time=0.3)
        self.lesson(LESSONS.get(node.kind.lesson))
        if done and not whole:
            self.fork(source, j)

    def lesson(self, key: str | None) -> None:
        """The pattern a gate shows, named the first time it happens, on its own."""
        if key is None or key in self.taught:
            return
        self.taught.add(key)
        rows = self.labels[key]
        note = VGroup(*[self.text(row, size=MIN_TEXT_SIZE) for row in rows]).arrange(
            DOWN, aligned_edge=LEFT, buff=0.2)
        self.place_note(note)
        self.cue(" ".join(rows))
        self.play(fade_in(note), run_time=0.5)
        self.hold(self.reading_time(rows))
        self.play(fade_out(note), run_time=0.3)

    def fork(self, node, j: int) -> None:
        """A fork's gradient: the sum of its wires' parts."""
        eq = self.ga.fork_eq(node)
        shown = self.lines([eq], self.red)
        self.cue(eq)
        wires = [self.wires[(j, self.index(k))] for k in self.graph.consumers(node)]
        self.play(write(shown), *[pulse(w, self.red, reverse=True) for w in wires],
                  run_time=1.0)
        self.play(fade_in(self.grads[j]), run_time=0.4)
        self.hold(self.reading_time([eq]))
        self.play(fade_out(shown), run_time=0.3)
        self.lesson("graph_fork")

    def ending(self) -> None:
        """Every value and gradient on the graph, and in the caption."""
        ga = self.ga
        values = ", ".join(f"{ga.names(n)[1]} = {ga.n(n.value)}" for n in self.graph.nodes)
        grads = ", ".join(f"{ga.partial(self.graph.output, n)[1]} = {ga.grad_text(n)}"
                          for n in self.graph.nodes if n.name not in self.no_gradient)
        self.cue(values, grads)
        self.hold(END_HOLD)


def wiring(graph: Graph) -> list[list[int]]:
    """Per node, the indices of the nodes it reads (the layout's input)."""
    where = {id(node): i for i, node in enumerate(graph.nodes)}
    return [[where[id(s)] for s in node.inputs] for node in graph.nodes]
