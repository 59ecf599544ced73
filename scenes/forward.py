"""The post's forward pass: signals travel layer by layer and every node writes
its arithmetic, h = sum of inputs x weights, then its activation, then the loss."""

from functools import cached_property

from manim import (
    DOWN,
    RIGHT,
    UP,
    FadeOut,
    Polygon,
    VGroup,
)

from core.errors import ConfigError
from core.setup import build
from scenes import layout
from scenes.edge_labels import opacity
from scenes.options import Option
from scenes.pacing import END_HOLD, HOLD
from scenes.story import TEX_SIZE, StoryScene
from scenes.story_network import StoryNetwork
from scenes.tex import Formula
from scenes.tweens import StyleTween, Withheld, fade_in, fade_out, write

DIMMED = 0.3  # edges and labels not in use while a node is computed
MOST_LINES = 3  # of the summary on one screen
POST_DECIMALS = 2  # the post writes its hidden outputs with two decimals
KEY_GAP = 0.6  # at least between the title and the key, top left and top right
KEY_ROW_GAP = 0.12  # between the key's rows, where it takes several
LABEL_ROOM = (1.2, 0.6)  # kept beside and above a node, clear of a key's rows: its labels


class ForwardScene(StoryScene):
    """Forward pass of one sample through a small network (the post's 2-3-1)."""

    NUMBER_COLOURS = (("value", "forward"),)  # (labels key, theme colour) of the colour key
    KEY_LATER: tuple[str, ...] = ()  # kinds of number the key names once the first comes
    STATES = (0,)  # the states whose weights the scene shows
    OPTIONS = StoryScene.OPTIONS + (
        Option("sample", None, "the data row shown, from 1 (auto: the config's first "
               "trace.probe, else row 1)", int, 1, 100000),
    )

    @classmethod
    def adapt_config(cls, config: dict, options: dict) -> dict:
        """--sample N records row N as the first probe: the sample the scene shows."""
        if options["sample"] is None:
            return config
        return config | {"trace": config["trace"] | {"probe": [options["sample"] - 1]}}

    @classmethod
    def check_config(cls, config: dict, options: dict) -> None:
        super().check_config(config, options)
        if options["sample"] is not None:
            count = len(build(config).X)
            if options["sample"] > count:
                raise ConfigError(f"--sample {options['sample']}: the data has {count} "
                                  f"sample(s); choose 1 to {count}")

    def construct(self) -> None:
        self.setup_story()
        self.title_mobject = self.title("forward")
        self.add(self.title_mobject)
        self.net = self.draw_network(t=0)
        self.forward_pass(t=0)
        self.summary(t=0)
        self.end_captions()

    def draw_network(self, t: int) -> StoryNetwork:
        """The diagram with input values, the label and every weight at state t."""
        tr, a = self.trace, self.arith
        max_abs = self.largest_parameter()
        input_texts = [f"{a.act_name(0, i)[0]} = {a.data(a.activation(0, i, t))}"
                       for i in range(tr.layers[0])]
        # the input labels left of the network and the targets right of it stay inside
        # the frame: the network moves, and narrows where both sides need the room
        left = max(Formula(text, font_size=TEX_SIZE).width for text in input_texts) + 0.45
        right = max(Formula(tex, font_size=TEX_SIZE).width for tex, _ in self.targets()) + 0.45
        width = layout.STORY_NETWORK_WIDTH
        for _ in range(2):
            net = StoryNetwork(tr.layers, self.theme, self.font, max_abs, width, self.has_bias)
            room_left = net.node(0, 0).get_left()[0] + layout.FRAME_X - layout.SAFE_MARGIN
            room_right = (layout.FRAME_X - layout.SAFE_MARGIN
                          - net.node(len(tr.layers) - 1, 0).get_right()[0])
            short = left + right - room_left - room_right
            if short <= 0:
                break
            width -= short + 0.1
        net.shift(max(left - room_left, 0) * RIGHT - max(right - room_right, 0) * RIGHT)
        net.diagram.set_weights(tr.weights(t), self.biases(t))
        self.fit_key(net)
        self.legend = self.sign_legend("w", self.parameters(self.STATES))
        self.focused = None  # the node ringed by ``focus``
        # the widest key the scene will show stays clear of the labels
        self.widest_legend = max((self.sign_legend(symbol) for symbol in self.edge_symbols()),
                                 key=lambda legend: legend.width)
        # and so does the widest title
        self.widest_title = max((self.title_text(words) for words in self.titles()),
                                key=lambda title: title.width)
        net.taken += [*map(layout.box, self.key_rows(self.widest_legend)),
                      layout.box(self.widest_title), layout.EQ_ZONE]
        inputs = [net.value_label(0, i, text, self.theme["forward"])
                  for i, text in enumerate(input_texts)]
        targets = [net.target_label(k, tex, self.theme["muted"])
                   for k, (tex, _) in enumerate(self.targets())]
        placeholders = [net.value_label(layer, j, self.value_text(layer, j, t),
                                        self.theme["text"])
                        for layer in range(1, len(tr.layers)) for j in range(tr.layers[layer])]
        placeholders += self.reserved_places(net)
        weights, biases = tr.weights(t), self.biases(t)
        texts = [[a.n(v) for v in net.edge_values(layer, weights[layer],
                                                  biases[layer] if biases else None)]
                 for layer in range(len(tr.layers) - 1)]
        self.weight_labels = net.make_weight_labels(texts, self.theme["text"],
                                                    inputs + targets + placeholders
                                                    + [self.widest_title, layout.EQ_ZONE,
                                                       *self.key_rows(self.widest_legend)],
                                                    self.theme["background"])
        net.name_nodes(self.node_names(), self.theme["text"])
        # the key's entries for numbers still to come stay out of sight till they come
        self.key_to_come = [Withheld(self.key_entry(kind)) for kind in self.KEY_LATER]
        self.add(net, *inputs, *targets, self.weight_labels, self.legend)
        self.cue(self.labels["forward"] + ": " + ", ".join(
            f"{a.act_name(0, i)[1]} = {a.data(a.activation(0, i, t))}"
            for i in range(tr.layers[0])) + ", " + ", ".join(text for _, text in self.targets()))
        self.hold()
        return net

    def node_names(self) -> list[list[str]]:
        """What each node is called in the equations (TeX): x, then h (g, k), then ŷ."""
        return [[self.node_name(layer, k)[0] for k in range(width)]
                for layer, width in enumerate(self.trace.layers)]

    def node_name(self, layer: int, k: int) -> tuple[str, str]:
        """A node's name, as TeX and as text: x₁, h₁ (g, k), ŷ."""
        a = self.arith
        if layer == 0:
            return a.act_name(0, k)
        if layer == len(self.trace.layers) - 1:
            return a.out_name(k)
        return a.pre_name(layer, k)

    def focus(self, node, edges: list, colour: str, label_dim: float = DIMMED) -> list:
        """Animations that mark a node (None: none) and keep the edges it uses (and
        their labels) bright while the rest dims (the labels to ``label_dim``);
        ``unfocus`` undoes them."""
        in_use = {id(edge) for edge in edges}
        self.dimmed = [(edge, label) for edge, label in zip(self.all_edges(), self.weight_labels)
                       if id(edge) not in in_use]
        moves = [StyleTween(node, stroke_color=colour, stroke_width=5)] if node is not None else []
        if self.focused is not None and self.focused is not node:  # one ring at a time
            moves.append(StyleTween(self.focused, stroke_color=self.theme["node_stroke"],
                                    stroke_width=2))
        self.focused = node
        # what an earlier focus dimmed and this one uses comes back
        moves += [StyleTween(edge, stroke_opacity=1) for edge in edges
                  if edge.get_stroke_opacity() < 1]
        moves += [StyleTween(label, opacity=1) for edge, label
                  in zip(self.all_edges(), self.weight_labels)
                  if id(edge) in in_use and 0 < opacity(label) < 1]
        return moves + [
            StyleTween(edge, stroke_opacity=DIMMED) for edge, _ in self.dimmed] + [
            StyleTween(label, opacity=label_dim) for _, label in self.dimmed
            if opacity(label) > label_dim]

    def unfocus(self) -> list:
        # every dimmed label now on the diagram (one replaced meanwhile is gone:
        # animating it would bring it back, and its replacement is dimmed as it was)
        ring = ([StyleTween(self.focused, stroke_color=self.theme["node_stroke"], stroke_width=2)]
                if self.focused is not None else [])
        return ring + [
            StyleTween(edge, stroke_opacity=1) for edge, _ in self.dimmed] + [
            StyleTween(label, opacity=1) for label in self.weight_labels
            if 0 < opacity(label) < 1]

    def all_edges(self) -> list:
        """Every edge, in the order of the weight labels."""
        return [edge for layer in range(len(self.trace.layers) - 1)
                for edge in self.net.diagram.layer_edges(layer)]

    def value_text(self, layer: int, j: int, t: int) -> str:
        """What a node shows above itself: its output (a lone output with its name, as
        the result of the pass; several outputs, crowded, have theirs inside)."""
        value = self.arith.n(self.arith.activation(layer, j, t))
        if layer == len(self.trace.layers) - 1 and self.trace.layers[-1] == 1:
            return f"{self.arith.out_name(j)[0]} = {value}"
        return value

    def targets(self) -> list[tuple[str, str]]:
        """(LaTeX, text) of what each output is compared with: y, or t_k (a target, or
        1 for the sample's class and 0 for the others)."""
        a = self.arith
        out = []
        for k in range(self.trace.layers[-1]):
            (tex, text), number = a.target_name(k), a.data(a.target(k))
            out.append((f"{tex} = {number}", f"{text} = {number}"))
        return out

    def reserved_places(self, net: StoryNetwork) -> list:
        """Places later steps will fill (the backward scene's gradients)."""
        return []

    def titles(self) -> list[str]:
        """Every title the scene shows, in turn, top left."""
        return [self.labels["forward"]]

    def edge_symbols(self) -> list[str]:
        """What the edges show in this scene, as the key names it (TeX)."""
        return ["w"]

    def sign_legend(self, symbol: str, values=None) -> VGroup:
        """What colours and widths mean, at the top right: the quantity on the edges, a
        swatch of each colour with its sign (only the signs its ``values`` have; both
        when not given) and what an edge's width tells; then the colour of each kind of
        number the scene writes (values; gradients) with what they are. In one row where
        it fits beside the title, else in two, the colours of the numbers below."""
        short = self.key_shape == "short"
        signs = self.sign_swatches(symbol, values, sizes=not short)
        symbols = {} if short else self.key_symbols()
        key = self.number_key(self.NUMBER_COLOURS, symbols)
        if self.key_shape != "column":
            legend = VGroup(*signs, *key).arrange(RIGHT, buff=0.3)
        else:  # each kind of number with its symbol on a row of its own: a narrow column
            rows = [signs, *key] if symbols else [signs, key]
            legend = VGroup(*rows).arrange(DOWN, aligned_edge=RIGHT, buff=KEY_ROW_GAP)
        return legend.to_corner(UP + RIGHT, buff=layout.SAFE_MARGIN)

    def key_symbols(self) -> dict[str, str]:
        """What the key says the numbers of each colour are (σ(h), ∂L/∂h)."""
        return self.arith.hidden_symbols()

    def key_rows(self, legend: VGroup) -> list[VGroup]:
        """A key's rows, each a place of its own that labels keep clear of (a key of
        several rows leaves free the corner beside its shorter ones)."""
        return list(legend.submobjects) if self.key_shape == "column" else [legend]

    def sign_swatches(self, symbol: str, values=None, sizes: bool = True) -> VGroup:
        """``symbol:``, a wedge with its sign for each sign of ``values`` (None: both),
        then, with ``sizes``, "width ∝ |symbol|", in a row. A wedge runs thin to thick,
        as edges do. Gradients (any symbol but w) have one wedge in the gradients'
        colour: edges that carry gradients look unlike edges that carry weights (their
        numbers give their signs)."""
        muted = self.theme["muted"]
        row = VGroup(Formula(f"{symbol}:", font_size=TEX_SIZE, color=muted))
        signs = {True, False} if values is None else {float(v) >= 0 for v in values}
        swatches = (((self.theme["positive"], "> 0", True), (self.theme["negative"], "< 0", False))
                    if symbol == "w" else ((self.theme["gradient"], "", True),))
        for colour, relation, positive in swatches:
            if positive in signs or not relation:
                wedge = Polygon([0, -0.012, 0], [0.6, -0.06, 0], [0.6, 0.06, 0],
                                [0, 0.012, 0], stroke_width=0, fill_color=colour,
                                fill_opacity=1)
                swatch = VGroup(wedge)
                if relation:
                    label = Formula(relation, font_size=TEX_SIZE, color=muted)
                    swatch.add(label.next_to(wedge, RIGHT, buff=0.12))
                row.add(swatch)
        if sizes:
            width = self.text(self.labels["edge_width"], size=32, color=muted)
            size = Formula(rf"\propto |{symbol}|", font_size=TEX_SIZE, color=muted)
            row.add(VGroup(width, size.next_to(width, RIGHT, buff=0.15)))
        return row.arrange(RIGHT, buff=0.3)

    @cached_property
    def key_shape(self) -> str:
        """How every key of the scene is laid out: "row", where the widest (both
        signs, the widest quantity, what the numbers are) fits in one row beside the
        widest title; else "column", a row for the edges and one for each kind of
        number; "short" (one row: the signs, then the colours alone) where the
        diagram leaves no room for the column (``fit_key``)."""
        key = self.number_key(self.NUMBER_COLOURS, self.key_symbols()).width
        widest = max(self.sign_swatches(symbol).width for symbol in self.edge_symbols())
        title = max(self.title_text(words).width for words in self.titles())
        room = 2 * (layout.FRAME_X - layout.SAFE_MARGIN) - title - KEY_GAP
        return "row" if widest + 0.3 + key <= room else "column"

    def fit_key(self, net: StoryNetwork) -> None:
        """A column key that would stand on a node or where its labels go (several
        outputs or a wide layer reach up to the top right) gives way to the short
        one."""
        if self.key_shape != "column":
            return
        rows = self.key_rows(max((self.sign_legend(symbol) for symbol in self.edge_symbols()),
                                 key=lambda legend: legend.width))
        (dx, dy), nodes = LABEL_ROOM, net.node_boxes()
        around = [(x0 - dx, y0 - dy, x1 + dx, y1 + dy) for x0, y0, x1, y1 in nodes]
        # (the first row, the edges', stands where a key of one row would)
        if any(layout.overlap(layout.box(row), around, 0.0) for row in rows[1:]):
            self.key_shape = "short"

    def forward_pass(self, t: int) -> None:
        tr, a = self.trace, self.arith
        self.value_labels, defined = [], set()
        for layer in range(1, len(tr.layers)):
            edges = self.net.diagram.layer_edges(layer - 1)
            self.play(*[self.net.flash(e, self.theme["forward"]) for e in edges], run_time=1.2)
            for j in range(tr.layers[layer]):
                eqs = [e for e in (a.weighted_sum(layer, j, t), a.activation_eq(layer, j, t)) if e]
                kind = a.function_at(layer)
                if len(eqs) > 1 and kind not in defined and a.definition_eq(kind):
                    # what σ is, where it first appears: before the line that applies it
                    eqs.insert(1, a.definition_eq(kind))
                    defined.add(kind)
                said = {}
                if layer == len(tr.layers) - 1 and a.net.output == "linear":
                    # no σ here, unlike the hidden units: said, not left to be guessed
                    note = self.text(self.labels["linear_output"], size=34)
                    said[id(note)] = self.labels["linear_output"]
                    eqs.append(note)
                pages = self.pages(eqs, len(eqs))
                node = self.net.node(layer, j)
                for number, (page, shown) in enumerate(pages):
                    self.cue(*[said.get(id(line), line) for line in page])
                    on = (self.focus(node, self.net.edges_into(layer, j), self.theme["forward"])
                          if number == 0 else [])
                    self.play(write(shown), *on, run_time=self.write_time(shown))
                    if number < len(pages) - 1:  # a long line can take a screen of its own
                        self.hold()
                        self.play(fade_out(shown), run_time=0.4)
                value = self.net.value_label(layer, j, self.value_text(layer, j, t),
                                             self.theme["forward"])
                self.play(fade_in(value), run_time=0.5)
                self.value_labels.append(value)
                self.hold()
                # the next node's focus takes over from this one: no full-bright flash
                last = j == tr.layers[layer] - 1
                self.play(fade_out(shown), *(self.unfocus() if last else []), run_time=0.4)
        loss, words = self.loss_lines(t)
        self.cue(*words)
        # the loss compares the output with its target: the output is ringed (a lone
        # one), the edges wait dimmed
        last = len(tr.layers) - 1
        self.play(write(loss), *self.focus(self.net.node(last, 0) if tr.layers[-1] == 1
                                           else None, [], self.theme["text"]), run_time=1.4)
        self.loss_line = loss

    def summary(self, t: int) -> None:
        """For the post's own example, first why the post's last digit differs (it
        rounded first); then the pass in a few lines, the video's end: each layer's
        outputs, then the loss."""
        a, last = self.arith, len(self.trace.layers) - 1
        self.hold()
        self.play(FadeOut(self.loss_line), *self.unfocus(), run_time=0.4)
        if self.config_name == "post":
            # (what the viewer saw, against the post's: both results, then how)
            eq = a.weighted_sum(last, 0, t, rounded_to=POST_DECIMALS)
            ours = a.weighted_sum(last, 0, t).text.rsplit("= ", 1)[1]
            words = [row.format(d=POST_DECIMALS, post=eq.text.rsplit("= ", 1)[1], ours=ours)
                     for row in self.labels["post_rounding"]]
            self.cue(" ".join(words), eq)
            shown = self.lines([*[self.text(row) for row in words], eq])
            self.play(write(shown), run_time=self.write_time(shown))
            self.hold(self.reading_time([*words, eq]))
            self.play(fade_out(shown), run_time=0.4)
        eqs = [a.layer_values_eq(layer, t) for layer in range(1, last + 1)] + [a.loss_eq(t)]
        pages = self.pages(eqs, MOST_LINES)
        for number, (page, shown) in enumerate(pages):
            self.cue(*page)
            self.play(write(shown), run_time=self.write_time(shown))
            last_screen = number == len(pages) - 1
            self.hold(END_HOLD if last_screen else HOLD)
            if not last_screen:
                self.play(fade_out(shown), run_time=0.4)
