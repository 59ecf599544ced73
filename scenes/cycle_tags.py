"""The cycle's edges in use: a weight's tag (its name, with its value where that
fits) beside its edge, and an edge lit while a line reads it and turned back after;
while any edge is lit, the others are set back, with the numbers on them.

A mixin of ``CycleScene``: it reads the scene's arithmetic, network, values and
shown weights."""

from manim import AnimationGroup, FadeOut, ManimColor, MathTex

from scenes.edge_labels import BESIDE, SIDES, opacity, place_along_edges
from scenes.forward import DIMMED
from scenes.redraw import leaves
from scenes.story_network import SMALL_SCALE
from scenes.tweens import StyleTween, fade_in, fade_out


class EdgeTags:
    """Tags and lighting of the edges the lines work on."""

    glows: list = []  # the edges that changed last, glowing in the update's colour

    def tag_edge(self, layer: int, i: int, j: int, t: int, clear_of: list = (),
                 valued: "bool | None" = None) -> MathTex | None:
        """The weight's name and its value at state t along its edge (v_{21} = 0.5),
        clear of the nodes, their names and values (and ``clear_of``); its name alone
        where that does not fit, or (``valued`` None) where the weights' numbers stand
        on the edges already."""
        a = self.arith
        name = a.weight_name(layer, i, j)[0]
        k = self.net.diagram.edge_pairs(layer).index((i, j))
        avoid = [*self.net.names, *self.values, *self.net.taken, *self.shown_weights,
                 *[m for m in clear_of if m is not None]]
        # the name and value only where they keep off the nodes too (not jammed
        # against one), else the name alone where it fits best; the name alone where
        # the number is on the edge already
        valued = not self.output_weights_shown() if valued is None else valued
        tags = [(f"{name} = {a.n(a.weight(layer, i, j, t))}", True, 1.0)] * valued
        for tex, nodes, scale in tags + [(name, False, 1.0), (name, False, SMALL_SCALE)]:
            label = self.net.edge_label(tex, self.theme["text"], self.theme["background"])
            label.scale(scale)
            # beside its edge, else on it with no short stub of the bright edge before
            # it: that would read as a minus sign
            for sides in (BESIDE, SIDES):
                if place_along_edges(self.net.diagram, [(layer, k, label)],
                                     avoid + (self.net.node_boxes() if nodes else []),
                                     sides=sides, stubs=False):
                    return label
        return None  # no room on its edge: the lines name it

    def tag_edges(self, layer: int, edges: tuple, t: int, clear_of: list) -> list:
        """Tags of these edges' weights at state t (biases have their own place), each
        clear of ``clear_of`` and of the tags before it."""
        pairs, tags = self.net.diagram.edge_pairs(layer), []
        for k in edges:
            if k < len(pairs):
                tag = self.tag_edge(layer, *pairs[k], t, clear_of=clear_of + tags, valued=True)
                tags += [tag] if tag is not None else []
        return tags

    def unlit(self, edge, weight: tuple[int, int, int], t: int) -> StyleTween:
        """The weight's edge back in its sign's colour at state t."""
        return StyleTween(edge, stroke_color=self.net.diagram.sign_colour(
            self.arith.weight(*weight, t)))

    def hidden_edge(self, t: int):
        """The edge of the weight worked one layer back (``followed_hidden``)."""
        layer, pair = self.hidden_layer - 1, self.followed_hidden(t)
        return self.net.diagram.layer_edges(layer)[self.net.diagram.edge_pairs(layer).index(pair)]

    def retag(self, old: MathTex | None, weight: tuple[int, int, int], t: int, gone: bool
              ) -> MathTex | None:
        """The weight's tag at state t in place of ``old`` (already gone with ``gone``)."""
        new = self.tag_edge(*weight, t)
        swap = ([] if gone or old is None else [FadeOut(old)]) + (
            [fade_in(new)] if new is not None else [])
        if swap:
            self.play(AnimationGroup(*swap, lag_ratio=1), run_time=0.6)
        return new

    def play(self, *animations, **kwargs) -> None:
        """Every step: while some edge is lit (in use: the text's colour, as the key
        says) or changing, the others are set back with their numbers, and they all
        come back once none is; an edge whose opacity the step sets itself (a weight
        changing) is left to it, and so is a number the step brings or takes. A
        step that turns no edge (a wait, a name coming) keeps the focus where it is:
        a weight that has just changed holds the eye until the next step turns edges
        or the next phase starts (``edges_whole``)."""
        super().play(*animations, *self.set_back(animations), **kwargs)

    def set_back(self, animations) -> list:
        """Tweens that bring each edge, and the number on it, to its opacity at the
        end of these animations: full where it is lit or where none is, DIMMED where
        another is."""
        edges = [e for layer in range(len(self.trace.layers) - 1) for e in self.edges(layer)]
        mine = {id(e): [] for e in edges}
        tweens = leaves(animations)
        for tween in tweens:
            if isinstance(tween, StyleTween) and id(tween.mobject) in mine:
                mine[id(tween.mobject)].append(tween.targets)
        if not any(mine.values()):
            return []  # (the focus stays where it is)
        glows, self.glows = self.glows, []  # the last change is read: its glow goes
        text = self.theme["text"].lower()

        def lit(edge) -> bool:
            colours = [t["color"] for t in mine[id(edge)] if t["color"] is not None]
            colour = colours[-1] if colours else edge.get_stroke_color()
            return ManimColor(colour).to_hex().lower() == text

        def own(edge) -> bool:  # the step sets this edge's opacity itself
            return any(t["stroke_opacity"] is not None or t["opacity"] is not None
                       for t in mine[id(edge)])

        def changing(edge) -> bool:  # its weight changes: its width with it
            return any(t["width"] is not None for t in mine[id(edge)])

        # an edge changing is in focus as a lit one is, and a node ringed while its
        # lines are read (σ′, ∂L/∂h, which read no edge): the rest stay set back
        rest = DIMMED if any(lit(e) or changing(e) for e in edges) or self.ringed(tweens) else 1.0
        back = [StyleTween(e, stroke_opacity=want) for e in edges
                if not own(e) and abs(e.get_stroke_opacity() - (want := 1.0 if lit(e) else rest))
                > 1e-3]
        # the numbers on the edges: each as its edge (whole where the step changes it)
        shown = {id(m) for m in self.mobjects}
        moved = {id(m) for tween in tweens for m in tween.mobject.get_family()}
        for layer, labels in self.layer_labels.items():
            for edge, label in zip(self.edges(layer), labels):
                want = 1.0 if lit(edge) or own(edge) else rest
                if (id(label) in shown and id(label) not in moved
                        and abs((now := opacity(label)) - want) > 1e-3 and now > 0):
                    back.append(StyleTween(label, opacity=want))
        return back + [fade_out(g) for g in glows]

    def ringed(self, tweens: list) -> bool:
        """Whether a node stands ringed in the gradients' colour once these tweens end
        (``HiddenStep.ring``: its backward lines are being read)."""
        ring = ManimColor(self.theme["gradient"]).to_hex().lower()
        last = {}
        for tween in tweens:
            if isinstance(tween, StyleTween) and tween.targets["color"] is not None:
                last[id(tween.mobject)] = tween.targets["color"]
        nodes = [n for layer in self.net.diagram.nodes for n in layer]
        return any(ManimColor(last.get(id(n), n.get_stroke_color())).to_hex().lower() == ring
                   for n in nodes)

    def edges_whole(self) -> list:
        """Tweens that bring every edge set back, and the number on it, back whole,
        and end the last change's glow: a new phase starts with nothing in focus."""
        edges = [e for layer in range(len(self.trace.layers) - 1) for e in self.edges(layer)]
        shown = {id(m) for m in self.mobjects}
        labels = [m for labels in self.layer_labels.values() for m in labels
                  if id(m) in shown and 0 < opacity(m) < 1]
        glows, self.glows = self.glows, []
        return ([StyleTween(e, stroke_opacity=1.0) for e in edges if e.get_stroke_opacity() < 1]
                + [StyleTween(m, opacity=1.0) for m in labels] + [fade_out(g) for g in glows])

    def brighten(self, edges: list) -> tuple[list, list]:
        """Animations that turn these edges (the ones in use) the text's colour, and
        that turn them back to their colours now."""
        on = [StyleTween(edge, stroke_color=self.theme["text"]) for edge in edges]
        off = [StyleTween(edge, stroke_color=edge.get_stroke_color()) for edge in edges]
        return on, off
