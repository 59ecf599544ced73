"""The backward scene's update step: the update rule, then, line by line, each
weight with the gradient it takes on its edge, and its new value in its place.

A mixin of ``BackwardScene``: it reads the scene's trace, arithmetic, diagram and
labels, and places labels with the scene's ``relabel`` and ``fixed_texts``."""

from manim import LEFT, RIGHT, AnimationGroup, FadeOut, MathTex, VGroup

from scenes import layout
from scenes.edge_labels import (
    Stacked,
    keep_places,
    opacity,
    outline,
    overlaps,
    place_along_edges,
)
from scenes.pacing import HOLD
from scenes.tweens import StyleTween, Withheld, fade_in, fade_out, replace, write

UPDATE_LINES = 3  # update lines on screen at once
LINE_DIMMED = 0.55  # the group's other lines while one is used: set back, still legible
EDGE_REST = 1.1  # a weight with its gradient before it changes, and after


class UpdateStep:
    """``update_weights``: every weight of the network takes its new value."""

    def update_weights(self) -> None:
        tr, a = self.trace, self.arith
        rule_tex, rule_text = a.update_rule(mean=self.batch_matters())
        words = f"{self.labels['update']}:  {rule_text}"
        # words in the language's font, the rule in TeX's: ∂ and η look as in every
        # equation (a Korean font has no such glyphs of its own)
        header = VGroup(self.text(f"{self.labels['update']}:", size=36),
                        self.tex(rule_tex)).arrange(RIGHT, buff=0.3)
        header.move_to(layout.EQ_CENTER).align_to([-layout.EQ_WIDTH / 2, 0, 0], LEFT)
        self.cue(words)
        title = self.title_text(self.labels["update"])
        self.play(fade_in(header), self.retitle(title), run_time=0.6)
        self.hold()
        self.play(FadeOut(header), run_time=0.3)
        self.updated_edges: set[tuple[int, int]] = set()  # (layer, edge) with new weights
        before = self.net.diagram.copy()
        before.set_weights(tr.weights(0), self.biases(0))
        after = self.updated_diagram = self.net.diagram.copy()
        after.set_weights(tr.weights(1), self.biases(1))
        # the old weights come back on every edge, as the legend says: each update line
        # uses one; the nodes' gradients leave together (the update uses the edges')
        layers = range(len(tr.layers) - 1)
        node_gradients = [StyleTween(label, opacity=0) for label in self.grad_labels
                          if opacity(label) > 0]
        self.edge_gradients_only = True  # the new key names the red numbers by the weights
        self.given_way = [(m, was) for m, was in self.given_way
                          if all(m is not label for label in self.grad_labels)]
        key = self.new_legend("w", self.parameters(self.STATES))
        # its gradients' entry names the red numbers by the weights: it comes with the first
        self.key_to_come = [Withheld(self.key_entry("gradient"))]
        self.play(*node_gradients, *[move for layer in layers for move in
                    self.restroke(layer, before, range(len(self.net.diagram.layer_edges(layer))))
                    + self.relabel(layer, self.parameter_texts(layer, 0), self.theme["text"])],
                  *key, run_time=0.8)
        self.mark_legend("w")
        # the key's gradients' entry leaves with the last red number the update takes
        # (it stood over a group of new weights with nothing red on screen)
        last = layers[-1]
        self.last_red = (last, len(self.net.diagram.layer_edges(last)) - 1)
        for layer in layers:
            eqs = [a.update_eq(layer, i, j, 0) for i, j in self.layer_pairs(layer)]
            if self.has_bias:
                eqs += [a.bias_update_eq(layer, j, 0) for j in range(tr.layers[layer + 1])]
            old_texts, new_texts = self.parameter_texts(layer, 0), self.parameter_texts(layer, 1)
            used = [a.o(g) for g in self.net.edge_values(layer, tr.weight_gradients(layer)[0],
                                                         self.mean_bias_gradient(layer))]
            start = 0
            for chunk, shown in self.pages(eqs, UPDATE_LINES, self.theme["text"]):
                # the chunk's edges (bias lines have none where bias units are not drawn)
                drawn = len(self.net.diagram.layer_edges(layer))
                edges = [k for k in range(start, start + len(chunk)) if k < drawn]
                start += len(chunk)
                self.cue(*chunk)
                in_use = [self.net.diagram.layer_edges(layer)[k] for k in edges]
                self.play(write(shown), *self.focus(None, in_use, self.theme["text"]),
                          run_time=0.9)
                # each weight in turn changes on its edge: its line and its edge
                # bright, the others of the group dimmed
                first, texts = start - len(chunk), (old_texts, new_texts, used)
                for k in edges:
                    if len(shown) > 1:
                        self.play(*self.focus(None, [self.net.diagram.layer_edges(layer)[k]],
                                              self.theme["text"]),
                                  *[StyleTween(line, opacity=1 if n == k - first else LINE_DIMMED)
                                    for n, line in enumerate(shown)], run_time=0.4)
                    self.change_on_edge(layer, k, *texts, also=[])
                if edges and len(shown) > 1:  # the group again, read as a whole
                    self.play(*self.focus(None, in_use, self.theme["text"]),
                              *[StyleTween(line, opacity=1) for line in shown], run_time=0.3)
                # each line was read while its edge changed: the group then stays as
                # long as any finished block
                self.hold(self.reading_time(len(chunk)) if not edges else HOLD)
                # (the next group's focus takes over: no full-bright flash between)
                self.play(fade_out(shown), run_time=0.3)
                if stuck := self.unstick(layers):
                    self.play(*stuck, run_time=0.5)
        self.play(*[FadeOut(g) for g in self.grad_labels], *self.unfocus(), run_time=0.5)
        if back := self.come_back():
            self.play(*back, run_time=0.3)
        if stuck := self.unstick(layers):  # the second pass finds every weight on its edge
            self.play(*stuck, run_time=0.6)

    def unstick(self, layers) -> list:
        """A weight that gave way and finds no free place to come back to: its layer is
        laid out anew, with each weight's value as it stands (new where its line has
        been written), so that no weight stays off its edge for long."""
        waiting = {id(m) for m, _ in self.given_way}
        stuck = [layer for layer in layers if any(
            id(m) in waiting for m in self.weight_labels.submobjects[
                self.label_offset(layer):self.label_offset(layer + 1)])]
        moves = [move for layer in stuck for move in self.relabel(layer, [
            new if (layer, k) in self.updated_edges else old for k, (old, new) in enumerate(
                zip(self.parameter_texts(layer, 0), self.parameter_texts(layer, 1)))],
            self.theme["text"])]
        self.given_way = [(m, was) for m, was in self.given_way
                          if any(m is label for label in self.weight_labels)]
        return moves

    def change_on_edge(self, layer: int, k: int, old_texts: list[str], new_texts: list[str],
                       gradients: list[str], also: list) -> None:
        """What the update line of edge k uses, on the edge: the weight with its
        gradient stacked over it (never end to end), held to be read; then the weight
        takes its new value and the gradient goes. Labels the update does not use give
        way where these need room, and come back once nothing visible stands where they
        do. ``also`` plays with the first step."""
        mine = self.weight_labels.submobjects[self.label_offset(layer) + k]
        others = [m for m in self.weight_labels if m is not mine] + self.grad_labels + (
            self.value_labels)
        # clear of every label where it can be; else the labels in the way give way
        # (the places kept for the second pass's values are where the values are)
        # (and with no stub of edge before a number that reads as a minus, where any
        # place has none)
        # (the gradient over its weight, else under it)
        shown, taken = [], []
        for ignore, stubs in ((self.later_values, False), (others + self.later_values, False),
                              (others + self.later_values, True)):
            for side in (1, -1):
                if not shown:
                    shown, taken = self.place_gradients(layer, [k], old_texts, new_texts,
                                                        gradients, ignore, stubs, side)
        hidden = [(m, opacity(m)) for m in others if opacity(m) > 0 and any(
            overlaps(outline(m), outline(place)) for place in taken)]
        # (its own label, if it gave way before, is now in place again)
        self.given_way = [(m, was) for m, was in self.given_way if m is not mine] + hidden
        if shown or also:
            key, self.key_to_come = (self.key_to_come, []) if shown else ([], self.key_to_come)
            self.play(*shown, *[StyleTween(m, opacity=0) for m, _ in hidden], *also, *key,
                      run_time=0.8 if shown else 0.5)
        if shown:
            self.wait(EDGE_REST)  # the weight and its gradient, before the weight changes
        self.play(*self.restroke(layer, self.updated_diagram, [k]), *(
            self.swap_in_place(layer, [k], new_texts) if shown
            else self.relabel_some(layer, [k], new_texts)), run_time=0.6)
        self.updated_edges.add((layer, k))
        self.wait(EDGE_REST)
        if shown:
            gone, self.used_gradients = self.used_gradients, []
            # the place beside the gradient may be where the second pass writes a
            # value: the new weight moves clear of it as the gradient goes
            top = self.weight_labels.submobjects[self.label_offset(layer) + k]
            moves = [] if not any(overlaps(outline(top), outline(v))
                                  for v in self.later_values) else (
                self.relabel_some(layer, [k], new_texts))
            labels = {id(m) for m in [*self.weight_labels, *self.grad_labels,
                                      *self.value_labels]}
            self.given_way = [(m, was) for m, was in self.given_way if id(m) in labels]
            # the gradient gone before a label comes back where it stood; then a layer
            # with a label that finds no place to come back to is laid out anew: each
            # in turn, no number fading out where another fades in
            key = [fade_out(self.legend[-1])] if (layer, k) == self.last_red else []
            steps = [[fade_out(g) for g in gone] + key, moves, self.come_back(),
                     self.unstick([layer])]
            steps = [AnimationGroup(*step) for step in steps if step]
            self.play(AnimationGroup(*steps, lag_ratio=1), run_time=0.25 * len(steps) + 0.05)

    def come_back(self) -> list:
        """Labels that gave way come back, each where it stood if it overlaps no label
        on screen there (nor one coming back before it); a weight whose place is
        still taken comes back at another place along its own edge, clear of them."""
        # (on screen, or coming with this animation; not the places the second pass's
        # values are kept, which the fixed texts include)
        later = {id(m) for m in self.later_values}
        on_screen = [m for m in [*self.weight_labels, *self.grad_labels, *self.value_labels,
                                 *self.fixed_texts()]
                     if not isinstance(m, tuple) and id(m) not in later and opacity(m) > 0]
        back, waiting = [], []
        for m, was in self.given_way:
            if not any(overlaps(outline(m), outline(o)) for o in on_screen if o is not m):
                back.append(StyleTween(m, opacity=was))
                on_screen.append(m)
            elif moved := self.moved_aside(m, was, on_screen):
                back.append(fade_in(moved))
                on_screen.append(moved)
            else:
                waiting.append((m, was))
        self.given_way = waiting
        return back

    def moved_aside(self, label, was: float, on_screen: list):
        """A weight's label that gave way, anew along its own edge clear of everything on
        screen and of the places kept (at its opacity before), or None where no such
        place is free (or it is not a weight's)."""
        index = next((n for n, m in enumerate(self.weight_labels) if m is label), None)
        if index is None:
            return None
        layer = max(n for n in range(len(self.trace.layers) - 1) if self.label_offset(n) <= index)
        moved = self.net.edge_label(label.tex_string, self.theme["text"],
                                    self.theme["background"]).sized_as(label)
        avoid = [m for m in on_screen if m is not label] + [
            m for m in self.fixed_texts() if isinstance(m, tuple) or opacity(m) > 0]
        # (with a stub of edge that reads as a minus, better to wait: ``unstick``)
        if not place_along_edges(self.net.diagram, [(layer, index - self.label_offset(layer),
                                                     moved)], avoid, stubs=False):
            return None
        if was < 1:  # dimmed while other edges are in use: comes back so
            moved.set_opacity(was)
        self.weight_labels.submobjects[index] = moved
        return moved

    def label_offset(self, layer: int) -> int:
        """Where a weight layer's labels start among all weight labels."""
        return sum(len(self.net.diagram.layer_edges(m)) for m in range(layer))

    def place_gradients(self, layer: int, edges: list[int], weights: list[str],
                        new_weights: list[str], gradients: list[str], ignore: list,
                        stubs: bool = True, side: int = 1) -> tuple[list, list]:
        """Some edges of a layer labelled with their weight and the gradient the update
        takes (in the gradient colour), stacked over it (``side`` 1) or under it (-1),
        each pair along its own edge, clear of every label but ``ignore``, with room for
        the new weight (``stubs``: as ``place_along_edges`` takes it). Returns the
        animations and the places taken (labels as wide as they will be); nothing
        changes where they do not all fit."""
        diagram = self.net.diagram
        offset = sum(len(diagram.layer_edges(k)) for k in range(layer))
        olds = [self.weight_labels.submobjects[offset + k] for k in edges]
        # a label that gave way to another edge's gradient takes its place again
        if not edges or not all(opacity(old) > 0 or any(old is m for m, _ in self.given_way)
                                for old in olds):
            return [], []

        def label(text: str, colour: str) -> MathTex:
            return self.net.edge_label(text, self.theme[colour], self.theme["background"])

        # each weight's place has room for the wider of its old and new numbers, at the
        # size of its layer's labels (a crowded layer's stand smaller)
        rooms = [max(label(weights[k], "text").sized_as(old),
                     label(new_weights[k], "text").sized_as(old), key=lambda m: m.width)
                 for k, old in zip(edges, olds)]
        grads = [label(gradients[k], "gradient") for k in edges]
        avoid = [m for m in [*self.weight_labels, *self.fixed_texts()] if isinstance(m, tuple)
                 or (opacity(m) > 0 and all(m is not o for o in [*ignore, *olds]))]
        if not place_along_edges(diagram, [(layer, k, Stacked(room, grad, side))
                                           for k, room, grad in zip(edges, rooms, grads)],
                                 avoid, stubs=stubs):
            return [], []
        tops = []
        for k, room, old in zip(edges, rooms, olds):
            top = label(weights[k], "text").sized_as(old).rotate(
                diagram.layer_edges(layer)[k].get_angle())
            tops.append(top.move_to(room))
            self.weight_labels.submobjects[offset + k] = top
        self.used_gradients = grads
        # the old number leaves before the two come: never both where they overlap
        return [replace(olds, tops + grads)], rooms + grads

    def swap_in_place(self, layer: int, edges: list[int], texts: list[str]) -> list:
        """New numbers for some edges' labels, each where its old one lies, turned with
        its edge (the place was chosen with room for it)."""
        offset = sum(len(self.net.diagram.layer_edges(k)) for k in range(layer))
        olds, news = [], []
        for k in edges:
            old = self.weight_labels.submobjects[offset + k]
            new = self.net.edge_label(texts[k], self.theme["text"],
                                      self.theme["background"]).sized_as(old)
            new.rotate(self.net.diagram.layer_edges(layer)[k].get_angle()).move_to(old)
            self.weight_labels.submobjects[offset + k] = new
            olds.append(old)
            news.append(new)
        return [replace(olds, news)]

    def parameter_texts(self, layer: int, t: int) -> list[str]:
        """A weight layer's weights (then biases) at state t, as its edge labels."""
        biases = self.biases(t)
        return [self.arith.n(v) for v in self.net.edge_values(
            layer, self.trace.weights(t)[layer], biases[layer] if biases else None)]

    def restroke(self, layer: int, state, which) -> list:
        """Edges ``which`` of a weight layer take their look in ``state`` (a copy of
        the diagram with other weights)."""
        edges, targets = self.net.diagram.layer_edges(layer), state.layer_edges(layer)
        return [StyleTween(edges[k], stroke_color=targets[k].get_stroke_color(),
                           stroke_width=targets[k].get_stroke_width(),
                           stroke_opacity=targets[k].get_stroke_opacity()) for k in which]

    def relabel_some(self, layer: int, which, texts: list[str],
                     colours: list[str] | None = None) -> list:
        """Replace the labels of some edges of a layer (edge k gets texts[k], in
        colours[k]; the text colour when not given), placed clear of every label on
        screen; where they do not fit so, the whole layer is placed anew with ``texts``.
        A layer whose labels are hidden stays so."""
        offset = sum(len(self.net.diagram.layer_edges(k)) for k in range(layer))
        olds = [self.weight_labels.submobjects[offset + k] for k in which]
        if not any(opacity(old) > 0 for old in olds):
            return []
        colours = colours or [self.theme["text"]] * len(texts)
        news = [self.net.edge_label(texts[k], colours[k], self.theme["background"]).sized_as(old)
                for k, old in zip(which, olds)]
        others = [m for m in self.weight_labels if all(m is not o for o in olds)]
        avoid = [m for m in others if opacity(m) > 0] + self.fixed_texts()
        if not (keep_places(self.net.diagram, [(layer, k, old, new) for k, old, new
                                               in zip(which, olds, news)], avoid)
                or place_along_edges(self.net.diagram,
                                     list(zip([layer] * len(news), which, news)), avoid)):
            return self.relabel(layer, texts, colours)
        for k, new in zip(which, news):
            self.weight_labels.submobjects[offset + k] = new
        return [replace(olds, news)]
