"""The cycle's bottom left: the phase row (forward → loss → backward → update, the
word of the phase playing lit and underlined), the iteration's counter and loss, and
the formulas' place above the row, where each phase writes its formula, then its
lines of numbers (two rows at most, left of the loss plot).

A mixin of ``CycleScene``: it reads the scene's labels, theme and arithmetic."""

import re

from manim import (
    DL,
    DOWN,
    DR,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    FadeOut,
    Line,
    MathTex,
    Transform,
    VGroup,
)

from scenes.arith import Eq
from scenes.story import TEX_SIZE
from scenes.tex import Formula
from scenes.tweens import StyleTween, fade_in

LIGHT_TIME = 0.25  # a phase's word lights up before its phase plays
PHASE_REST = 1.2  # after a phase, before the next: time to read its formula
RULE_REST = 3.0  # the update's rule, before its numbers take its place
NUMBERS_REST = 5.0  # after a block of numbers: time to follow them to the diagram
# a worked line or rule, at least: a line found on the diagram and checked in 5 s was
# gone before a viewer had checked it (8 s on screen, with its coming and going)
LINE_REST = 7.0
UNDERLINE, UNDERLINE_GAP = 4, 0.1  # the lit phase's underline: stroke width, gap below
SKETCH_BOX = (3.0, -3.7, 6.75, -0.7)  # the loss plot: bottom right, under the output
LOSS, UPDATE = 1, 3  # the loss's and the update's places in the phase row
SUMMARY_REST = 10.0  # the loop's payoff, the loss before and after, before the replay
REPLAY_REST = 1.0  # the replay's words alone, before the edges go back


class PhaseRow:
    """``phase_row`` once; ``show_phase`` and ``show_numbers`` as the phases play;
    ``summarise`` and, where it ``loops``, ``restart`` where the loop ends, in the
    formulas' place."""

    # the colour of each phase's word while it plays: values and gradients in their
    # keyed colours; the error (the output is ringed in it) and the update (the edges
    # glow in it) in colours of their own, since blue and orange mean w's sign
    PHASE_COLOURS = ("forward", "error", "gradient", "update")
    phase_keys: dict = {}  # phase: the key of its colour, where it has room
    output_rings: list = []  # the output nodes' rings, as they were, while ringed

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
        row.to_corner(DOWN + LEFT, buff=0.55)
        first = self.phase_words[0]
        self.phase_line = Line(first.get_corner(DL), first.get_corner(DR), stroke_opacity=0,
                               stroke_width=UNDERLINE).shift(DOWN * UNDERLINE_GAP)
        return row

    def light(self, phase: int | None) -> list:
        """Animations that light the word of ``phase`` (None: none) and dim the rest;
        the lit word is underlined too, a mark that does not hang on telling colours
        apart. Through the loss phase the output is ringed in its colour. The key of
        the loss's ring, and that of the update's colour, each stands while its phase
        plays alone: one entry fewer to read in the other phases."""
        words = [word.animate.set_color(self.theme[self.PHASE_COLOURS[k]] if k == phase
                                        else self.theme["muted"])
                 for k, word in enumerate(self.phase_words)]
        words += [StyleTween(key, opacity=float(phase == k))
                  for k, key in self.phase_keys.items()]
        words += self.ring_outputs(phase == LOSS) + self.edges_whole()
        if phase is None:
            return words + [StyleTween(self.phase_line, stroke_opacity=0)]
        word = self.phase_words[phase]
        under = Line(word.get_corner(DL), word.get_corner(DR), stroke_width=UNDERLINE,
                     color=self.theme[self.PHASE_COLOURS[phase]]).shift(DOWN * UNDERLINE_GAP)
        return words + [Transform(self.phase_line, under)]

    def ring_outputs(self, on: bool) -> list:
        """Animations that ring the output nodes in the loss phase's colour (their
        loss is being worked out), or that take the rings off."""
        last = len(self.trace.layers) - 1
        nodes = [self.net.node(last, j) for j in range(self.trace.layers[last])]
        if on and not self.output_rings:
            self.output_rings = [(n.get_stroke_color(), n.get_stroke_width()) for n in nodes]
            return [StyleTween(n, stroke_color=self.theme["error"], stroke_width=6)
                    for n in nodes]
        if on or not self.output_rings:
            return []
        rings, self.output_rings = self.output_rings, []
        return [StyleTween(n, stroke_color=colour, stroke_width=width)
                for n, (colour, width) in zip(nodes, rings)]

    def counter_readout(self, t: int) -> VGroup:
        """The iteration's number, under the title (the right holds output nodes); the
        word in the viewer's language, as text (LaTeX has no Korean)."""
        counter = VGroup(self.text(self.labels["iteration"]), self.tex(str(t)))
        counter.arrange(RIGHT, buff=0.2, aligned_edge=DOWN)
        return counter.next_to(self.title_mobject, DOWN, buff=0.25, aligned_edge=LEFT)

    def loss_readout(self, t: int) -> MathTex:
        """Iteration t's loss, beside the iteration's number, from its error phase on,
        where it is computed (the plot keeps the earlier ones)."""
        loss = Formula(rf"L = {self.arith.n(self.trace.probe_losses[t, 0])}",
                       font_size=TEX_SIZE, color=self.theme["text"])
        return loss.next_to(self.counter, RIGHT, buff=0.6)

    def phase_formulas(self) -> list[MathTex]:
        """What each phase computes, as a formula without numbers: ŷ from x and the
        weights, the loss, every ∂L/∂w by the chain rule, the update."""
        a = self.arith
        # the chain rule as it holds for every weight: through the output(s)
        chain = (r"\partial L/\partial w = \partial L/\partial \hat{y} \cdot "
                 r"\partial \hat{y}/\partial w" if self.trace.layers[-1] == 1 else
                 r"\partial L/\partial w = \textstyle\sum_j \partial L/\partial \hat{y}_j"
                 r" \cdot \partial \hat{y}_j/\partial w")
        sources = [r"\hat{y} = f(x;\, w)", a.loss_formula(), chain, a.update_rule()[0]]
        formulas = [Formula(tex, font_size=TEX_SIZE, color=self.theme["text"])
                    for tex in sources]
        # f said in words: the network itself, x in and the weights as they stand
        output = self.text(self.labels["forward_formula"], size=34)
        formulas[0] = VGroup(output, formulas[0]).arrange(RIGHT, buff=0.25)
        # the update is every weight's, though one weight is worked through above it
        every = self.text(self.labels["every_weight"], size=34)
        formulas[-1] = VGroup(every, formulas[-1]).arrange(RIGHT, buff=0.25)
        return [f.next_to(self.phases, UP, buff=0.3, aligned_edge=LEFT) for f in formulas]

    def show_phase(self, phase: int) -> None:
        """Light the phase's word and write its formula in place of the last formula
        or numbers."""
        new = self.formulas[phase]
        # the old text leaves before the new one comes: never both at once
        gone = [m for m in (self.formula, self.numbers) if m is not None]
        swap = AnimationGroup(*[FadeOut(m) for m in gone], fade_in(new), lag_ratio=1)
        self.formula, self.numbers = new, None
        self.play(*self.light(phase), swap, run_time=2 * LIGHT_TIME)

    def show_line(self, heading: str, rows: list[tuple[VGroup, str]], also: list) -> None:
        """Rows of words and symbols (each with its caption), no numbers, in the
        formulas' place (the old text leaving first), cued under ``heading``, with
        ``also`` as they come; a row too wide for the place is left out."""
        for row, _ in rows:
            row.arrange(RIGHT, buff=0.2)
        rows = [(row, text) for row, text in rows if row.width <= self.numbers_room()]
        self.cue(heading, *[text for _, text in rows])
        line = VGroup(*[row for row, _ in rows]).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        line.next_to(self.phases, UP, buff=0.3, aligned_edge=LEFT)
        gone = [m for m in (self.formula, self.numbers) if m is not None]
        self.play(AnimationGroup(*[FadeOut(m) for m in gone], fade_in(line), lag_ratio=1),
                  *also, run_time=0.6)
        self.formula, self.numbers = None, line

    @staticmethod
    def recalled(eq: Eq) -> Eq:
        """A gradient's line cut to its name and result (∂L/∂v₂₁ = 0.969), to stand
        by the update that takes it."""
        tex = (eq.tex.split("=")[0].strip(), re.split(r"=|\\approx", eq.tex)[-1].strip())
        text = (eq.text.split("=")[0].strip(), re.split(r"=|≈", eq.text)[-1].strip())
        return Eq(" = ".join(tex), " = ".join(text))

    def recalled_with_weight(self, eq: Eq, weight: tuple[int, int, int], t: int) -> Eq:
        """The gradient recalled, after the weight's value at state t where both fit
        one row (v₂₁ = 0.5, ∂L/∂v₂₁ = 0.969): the update takes both, and the edge
        shows the gradient in the weight's place."""
        a, gradient = self.arith, self.recalled(eq)
        name_tex, name_text = a.weight_name(*weight)
        old = a.n(a.weight(*weight, t))
        both = Eq(rf"{name_tex} = {old},\quad {gradient.tex}",
                  f"{name_text} = {old.replace('-', '−')}, {gradient.text}")
        return both if self.numbers_fit([both], rows_free=1) else gradient

    def show_update(self, recall: list[Eq], update: list[Eq], also: list = ()) -> None:
        """After the rule is read: the gradient it takes, recalled, over the weight's
        update line, where both fit in the formulas' place; else the update line over
        the rule; ``also`` as they come."""
        if recall and update and self.numbers_fit(recall + update):
            # the rule, where on screen: its η is said nowhere else
            self.wait(RULE_REST if self.formula is not None else PHASE_REST)
            # red where it is the gradient alone; a row that starts with the weight's
            # value is a weight's line, as the update under it
            colour = "gradient" if recall[0].text.startswith("∂") else "text"
            self.show_numbers([(recall[0], colour), (update[0], "text")], list(also))
        else:
            self.show_numbers([(eq, "text") for eq in update], list(also), keep_formula=True)

    def explain_if_approx(self, eqs: list[Eq]) -> None:
        """Once, after its line was read: what ≈ means."""
        if any(not eq.exact for eq in eqs) and not self.approx_explained:
            self.explain_approx()

    def explain_approx(self) -> None:
        """In the place of the line just read, the phase row and the plot staying;
        without quoting that line: the note's two rows take all the room there is."""
        self.first_approx = None
        super().explain_approx()

    def place_note(self, note: VGroup) -> None:
        """Where the formulas and numbers go, above the phase row."""
        note.next_to(self.phases, UP, buff=0.3, aligned_edge=LEFT)

    def note_may_come(self) -> bool:
        return self.formula is None and self.numbers is None  # between two iterations

    def aside_for_note(self) -> list:
        return [m for m in (self.formula, self.numbers) if m is not None]

    def numbers_room(self) -> float:
        return SKETCH_BOX[0] - 0.3 - self.phases.get_left()[0]

    def check_time(self, block: list) -> float:
        """How long a finished block of worked lines holds: time to follow its numbers
        to the diagram too (two lines of a later iteration held 4.9 s were too fast
        for σ on a calculator, and ŷ's three products in 5.9 s too fast as well; one
        line in 5.6 s too fast to check: LINE_REST at least)."""
        return max(LINE_REST, super().check_time(block))

    def numbers_fit(self, eqs: list[Eq], rows_free: int = 2) -> bool:
        """Whether these lines fit the formulas' place: ``rows_free`` rows at most, none
        shrunk (else the phase keeps its formula and the numbers are left to the
        scenes that work them out)."""
        blocks = [self.wrapped(eq, None, room=self.numbers_room()) for eq in eqs]
        rows = [row for block in blocks
                for row in (block.submobjects if isinstance(block, VGroup) else [block])]
        return len(rows) <= rows_free and all(row.font_size >= TEX_SIZE - 0.5 for row in rows)

    def show_numbers(self, lines: list[tuple[Eq, str]], also: list,
                     keep_formula: bool = False) -> None:
        """Lines of numbers (each with its theme colour) in place of the phase's
        formula: its instance, each line starting with the formula itself; or, with
        ``keep_formula``, one row above the formula, which stays."""
        if not lines:  # the formula stays
            if also:
                self.play(*also, run_time=0.6)
            return
        room = self.numbers_room()
        eqs = [eq for eq, _ in lines]
        line = VGroup(*[self.wrapped(eq, self.theme[colour], room=room)
                        for eq, colour in lines])
        line.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        line.next_to(self.formula if keep_formula else self.phases, UP, buff=0.3,
                     aligned_edge=LEFT)  # the formulas' place, or above the formula
        self.track_lines(line, eqs)
        kept = self.formula if keep_formula else None
        gone = [m for m in (self.formula, self.numbers) if m is not None and m is not kept]
        swap = AnimationGroup(*[FadeOut(m) for m in gone], fade_in(line), lag_ratio=1)
        self.play(swap, *also, run_time=0.6)
        self.formula, self.numbers = kept, line

    def summarise(self, shown: int) -> None:
        """The loss before the first update and after the last, in the formulas'
        place, held; the loop then starts again."""
        a = self.arith
        first, last = (a.n(self.trace.probe_losses[t, 0]) for t in (0, shown))
        words = f"{self.labels['iteration']} 0 → {shown}:"
        line = VGroup(self.text(words, size=34, color=self.theme["text"]),
                      Formula(rf"L = {first} \rightarrow {last}", font_size=TEX_SIZE,
                              color=self.theme["text"]))
        line.arrange(RIGHT, buff=0.25).next_to(self.phases, UP, buff=0.3, aligned_edge=LEFT)
        self.cue(f"{words} L = {first} → {last}")
        gone = [m for m in (self.formula, self.numbers) if m is not None]
        self.play(AnimationGroup(*[FadeOut(m) for m in gone], fade_in(line), lag_ratio=1),
                  *self.light(None), run_time=0.6)
        self.formula, self.numbers = None, line
        self.hold(SUMMARY_REST)

    def loops(self) -> bool:
        """Whether the video ends as it began: a GIF plays again by itself, and a
        jump from the summary back to the start would read as a glitch; a video
        played in a lecture or a post stops, and should stop on the summary."""
        chosen = self.options.get("loop")
        return self.output_format == "gif" if chosen is None else chosen

    def restart(self) -> None:
        """Back to the first state, said on screen where the phases' formulas were, so
        the last frame is the first frame."""
        words = self.text(self.labels["cycle_restart"], size=34, color=self.theme["muted"])
        words.next_to(self.phases, UP, buff=0.3, aligned_edge=LEFT)  # the formulas' place
        readout = [m for m in [self.counter, self.loss, self.numbers, self.formula,
                               self.error, *self.values] if m is not None] + self.sketch.clear()
        self.play(AnimationGroup(AnimationGroup(*map(FadeOut, readout)),
                                 fade_in(words), lag_ratio=1), *self.light(None), run_time=0.8)
        self.wait(REPLAY_REST)  # the words read before anything goes back
        # as at the start
        self.counter, self.loss, self.values, self.error = self.counter_readout(0), None, [], None
        self.numbers = self.formula = None
        self.animate_weights(0, glow=False, also=self.change_weights(0))
        self.wait(0.6)
        self.play(AnimationGroup(FadeOut(words), fade_in(self.counter), lag_ratio=1),
                  run_time=0.6)
        self.wait(0.5)  # the loop's seam: these frames equal the first one
