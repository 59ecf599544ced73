"""The loss against the iteration, drawn point by point as a run computes it: in the
cycle scene, the learning the small weight changes add up to. It owns its scales."""

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    MathTex,
    VGroup,
)

from scenes.layout import Box
from scenes.tex import Formula, Words
from scenes.tweens import fade_in

NUMBER_SIZE = 46  # the axes' numbers: as large as any formula on screen
POINT_SIZE = 46  # the last point's loss, right of it
POINT_GAP = 0.12  # between a point and its number
HEADROOM = 1.15  # the highest loss sits this far below the axis's top
MOST_TICKS = 5  # iterations numbered along the axis; more: the first and the last only


class LossSketch(VGroup):
    """Axes for ``losses`` (one per iteration, written as ``texts``) in ``box``, the
    loss from 0 to the first one (marked once it is drawn); ``add_point(k)`` draws
    the k-th loss and the segment from the one before, ``clear()`` takes them away."""

    def __init__(self, losses: list[float], texts: list[str], box: Box, theme: dict,
                 font: str, iteration_word: str):
        super().__init__()
        x0, y0, x1, y1 = box
        self.losses, self.texts, self.colour = losses, texts, theme["loss"]
        muted = theme["muted"]

        def number(text: str) -> MathTex:
            return Formula(text, font_size=NUMBER_SIZE, color=muted)

        word = Words(iteration_word, font=font, font_size=32, color=muted)
        name = number("L")
        top_tick, zero = number(texts[0]), number("0")
        # the axes' corner leaves room left for the loss's numbers, below for the
        # iterations' numbers and the word, above for the name L
        self.left = x0 + top_tick.width + 0.15
        self.bottom = y0 + word.height + zero.height + 0.35
        self.right, self.top = x1, y1 - name.height - 0.1
        # the points spread so that the widest number still fits right of the last one
        # (which ``at`` puts half a step short of ``points_right``)
        widest = max(Formula(t, font_size=POINT_SIZE).width for t in texts)
        last = self.right - widest - POINT_GAP - 0.05
        self.points_right = self.left + (last - self.left) * len(losses) / (len(losses) - 0.5)
        axes = VGroup(Line([self.left, self.bottom, 0], [self.right, self.bottom, 0]),
                      Line([self.left, self.bottom, 0], [self.left, self.top, 0]))
        axes.set_stroke(muted, width=2)
        name.next_to(axes[1], UP, buff=0.1)
        top_tick.next_to([self.left, self.at(0)[1], 0], LEFT, buff=0.1)
        zero.next_to([self.left, self.bottom, 0], LEFT, buff=0.1)
        count = len(losses)
        numbered = range(count) if count <= MOST_TICKS else (0, count - 1)
        ticks = VGroup(*[number(str(k)).next_to([self.at(k)[0], self.bottom, 0], DOWN,
                                                buff=0.12) for k in numbered])
        word.next_to(ticks, DOWN, buff=0.12).align_to(axes[0], RIGHT)
        # the first loss marks the axis once it is computed, not before
        self.add(axes, name, zero, ticks, word)
        self.top_tick = top_tick
        self.drawn: list = []
        self.value = None  # the number of the last point

    def at(self, k: int) -> list[float]:
        """Where the k-th loss goes: iterations spread over the width, losses from 0
        at the axis up to the highest below the top."""
        x = self.left + (self.points_right - self.left) * (k + 0.5) / len(self.losses)
        y = self.bottom + (self.top - self.bottom) * self.losses[k] / (
            max(self.losses) * HEADROOM)
        return [x, y, 0]

    def add_point(self, k: int) -> list:
        """Animations that draw the k-th loss (and the line from the one before), its
        number beside it; the number of the one before leaves (one number at a time).
        The first point's number is the axis's top tick, which comes with it: it is
        not written twice."""
        dot = Dot(self.at(k), radius=0.08, color=self.colour)
        moves, numbers = [FadeIn(dot, scale=2)], []
        if k == 0:
            moves.append(fade_in(self.top_tick))
            self.drawn.append(self.top_tick)
        if self.value is not None:
            numbers.append(FadeOut(self.value))
            self.drawn.remove(self.value)
        self.value = None
        if k > 0:
            value = Formula(self.texts[k], font_size=POINT_SIZE, color=self.colour)
            # right of it, where the line to the next point is not drawn yet
            value.next_to(dot, RIGHT, buff=POINT_GAP)  # (the points leave it room: ``at``)
            numbers.append(FadeIn(value))
            self.value = value
            self.drawn.append(value)
        if numbers:  # the old number leaves before the new one comes: never both at once
            moves.append(AnimationGroup(*numbers, lag_ratio=1))
        self.drawn.append(dot)
        if k > 0:
            segment = Line(self.at(k - 1), self.at(k), color=self.colour, stroke_width=4)
            self.drawn.append(segment)
            moves.append(Create(segment))
        return moves

    def clear(self) -> list:
        """The points, lines and numbers drawn so far (the first loss's tick too), to
        fade out (the bare axes stay)."""
        drawn, self.drawn, self.value = self.drawn, [], None
        return drawn
