"""The loss against the iteration, growing with the clock: training loss and, when
the run holds data back, validation loss.

With the log schedule the iteration axis is logarithmic, as the animation's clock
is (core/schedule.py). A loss that falls more than
``LOG_LOSS_RANGE`` times is drawn on a logarithmic loss axis (else most of the run
lies flat on zero); a diverging run's axis is cut at five times the start, and a loss
that leaves it for good ends there under an arrowhead. When the
validation loss ends well above its lowest point, a note names it where it starts
rising: overfitting."""

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, Triangle, VGroup

from core.depth import layer_sizes
from core.schedule import progress_at
from scenes.camera import CachedPath, CachedPolyline, Polyline
from scenes.panels.axes import nice_ticks, scale, tick_text
from scenes.panels.base import Look, Panel

LOG_LOSS_RANGE = 30.0  # largest over smallest loss beyond which the loss axis is log
OFF_AXIS = 5.0  # the axis ends at this many times the start: a diverging loss leaves it
TICK_GAP = 0.45  # the least room between iteration ticks on a log axis
# the least room between loss ticks: a number's height and a gap, and half a height
# more, as the lowest number stands above the corner (see y_ticks)
TICK_ROOM = 0.38
OVERFIT = 1.08  # the validation loss ends this much above its minimum: a note says so
# a loss that ends within this share of its start has not learned; where the first
# weight layer's mean |∂L/∂w| is under VANISHED times the last's, a note says why
STUCK, VANISHED = 0.05, 1e-3
# a curve's points up to the last multiple of this many (or of a 32nd of the run) are
# drawn once, as an image; the points since, every frame
SETTLED = 16


class LossPanel(Panel):
    """``runs``: [(name, values, colour)] draws each run's series on the same axes
    instead, without a legend (a comparison names its runs itself): its loss, or any
    value per state, nan where it has none yet (no update leads to state 0); ``title``
    names the axis (the loss by default)."""

    note_text = ""  # what the note under the curve says, where there is one (its rows)

    def __init__(self, trace, box, look: Look, log: bool = False, runs=None,
                 title: str | None = None):
        super().__init__(trace, box, look)
        theme, labels = look.theme, look.labels
        x0, y0, x1, y1 = box
        if runs is None:
            series = [(labels["train_loss"], trace.loss, theme["loss"])]
            if trace.val_loss is not None:
                series.append((labels["val_loss"], trace.val_loss, theme["val_loss"]))
            starts = [float(trace.loss[0])]
        else:
            series = [(name, np.asarray(values, float), colour) for name, values, colour
                      in runs]
            starts = [float(values[first_value(values)]) for _, values, _ in series]
        self.last = max(len(values) for _, values, _ in series) - 1
        self.log = log
        values = np.concatenate([kept[np.isfinite(kept)] for kept in
                                 (values[first_value(values):] for _, values, _ in series)])
        start = max(starts)
        top = min(float(values.max()) * 1.1, OFF_AXIS * max(start, 1e-9))
        low = float(values.min())
        self.log_loss = low > 0 and top / low > LOG_LOSS_RANGE
        if self.log_loss:
            bottom = 10 ** np.floor(np.log10(low))
            span = np.log10(top / bottom)
            self.at_y = lambda v: y0 + np.log10(np.maximum(np.asarray(v), bottom) / bottom
                                                ) / span * (y1 - y0)
            # a decade a tick, or every second or third where they would crowd
            every = int(np.ceil(TICK_ROOM * span / (y1 - y0)))
            y_values = [10.0 ** k for k in range(int(np.log10(bottom)), 1, every)
                        if 10.0 ** k <= top]
        else:
            self.at_y = scale(0, top, y0, y1)
            y_values = nice_ticks(0, top, 3)
        schedule = "log" if log else "linear"
        self.at_x = lambda t: x0 + progress_at(t, self.last, schedule) * (x1 - x0)
        muted = theme["muted"]
        x_axis = Line([x0, y0, 0], [x1, y0, 0], color=muted, stroke_width=2)
        y_axis = Line([x0, y0, 0], [x0, y1, 0], color=muted, stroke_width=2)
        # (the state of the first point, points, the part drawn every frame, the part
        # drawn once per chunk of points)
        self.curves = []
        self.chunk = max(SETTLED, self.last // 32)
        self.exits = []  # (state, arrowhead, words): where a series leaves the axis
        for _, values, colour in series:
            first = first_value(values)
            # beyond the axis: above it, and so is an overflow (inf or nan) after the start
            raw = np.where(np.isfinite(values), values, np.inf)[first:]
            states = np.arange(first, len(values))
            points = np.column_stack([self.at_x(states), self.at_y(np.minimum(raw, top)),
                                      np.zeros(len(raw))])
            out = np.flatnonzero(raw > top)
            if len(out) and (raw[out[0]:] > top).all():  # it never comes back: the
                # curve ends at the axis's top, under an arrowhead, not flat along it
                points = points[:out[0] + 1]
                head = Triangle(color=colour, fill_opacity=1, stroke_width=0).scale(0.09)
                head.move_to(points[-1], aligned_edge=UP)  # inside: clear of the name
                # named beside it, inside the axes, below any named before (drawn every
                # frame: filled once)
                words = look.words(labels["off_axis"], 16, colour)
                side = RIGHT if head.get_right()[0] + 0.06 + words.width <= x1 else LEFT
                words.next_to(head, side, 0.06).align_to(head, UP)
                words = CachedPath.of(words.shift(DOWN * 0.22 * len(self.exits)))
                words.set_opacity(0)
                self.exits.append((first + int(out[0]), head.set_opacity(0), words))
            self.curves.append((first, points, Polyline(stroke_color=colour, stroke_width=3),
                                CachedPolyline(stroke_color=colour, stroke_width=3)))
        # a legend names the loss otherwise
        name = (title or labels["loss"]) if runs is not None else ""
        if self.log_loss:
            name = f"{name} ({labels['log_axis']})".strip()
        if name:  # over the axis it is about
            self.still.append(look.words(name, 18).next_to([x0, y1, 0], UP, buff=0.06)
                              .align_to([x0 - 0.3, 0, 0], LEFT))
        self.still += [x_axis, y_axis, self.x_ticks(), self.y_ticks(y_values)]
        if runs is None:
            legend = VGroup(*[look.words(name, 20, colour) for name, _, colour in series])
            legend.arrange(RIGHT, buff=0.4)
            legend.next_to([x1, y1, 0], UP, buff=0.04).align_to([x1, 0, 0], RIGHT)
            self.still.append(legend)
        curves = [part for *_, tail, settled in self.curves for part in (settled, tail)]
        self.moving += curves + [part for _, *parts in self.exits for part in parts]
        self.note_from, self.note = self.overfitting(trace) if runs is None else (None, None)
        if runs is None and self.note is None:
            self.note_from, self.note = self.vanishing(trace)

    def y_ticks(self, values: list[float]) -> VGroup:
        """Loss values left of the axis (a log axis says so in the legend)."""
        look, x0 = self.look, self.box[0]
        group = VGroup()
        for v in values:
            y = float(self.at_y(v))
            mark = Line([x0, y, 0], [x0 - 0.08, y, 0], color=look.theme["muted"],
                        stroke_width=2)
            number = look.number(tick_text(v), 18).next_to(mark, LEFT, buff=0.05)
            if y - self.box[1] < 0.01:  # at the corner: above the iterations' numbers,
                number.align_to(mark, DOWN)  # not beside them ("0.0001 0" reads as one)
            group.add(mark, number)
        return group

    def x_ticks(self) -> VGroup:
        """Iterations under the axis: round numbers, or powers of ten on a log axis;
        the axis's name under them."""
        look, (x0, y0, x1, _) = self.look, self.box
        if self.log:  # 1, 2, 5 times powers of ten, each clear of the one before
            values = [0]
            for k in range(int(np.log10(max(self.last, 1))) + 1):
                for v in (10 ** k, 2 * 10 ** k, 5 * 10 ** k):
                    if v <= self.last and self.at_x(v) - self.at_x(values[-1]) >= TICK_GAP:
                        values.append(v)
        else:
            values = nice_ticks(0, self.last, 4)
        if values[-1] != self.last:  # the last iteration, and no tick crowding it
            far = float(self.at_x(self.last)) - 0.6
            values = [v for v in values if float(self.at_x(v)) <= far] + [self.last]
        group = VGroup()
        for v in values:
            x = float(self.at_x(v))
            mark = Line([x, y0, 0], [x, y0 - 0.08, 0], color=look.theme["muted"], stroke_width=2)
            group.add(mark, look.number(f"{v:g}", 18).next_to(mark, DOWN, buff=0.05))
        name = look.labels["iteration"] + (f" ({look.labels['log_axis']})" if self.log else "")
        label = look.words(name, 20).next_to(group, DOWN, buff=0.05)
        label.move_to([(x0 + x1) / 2, label.get_center()[1], 0])
        return VGroup(group, label)

    def overfitting(self, trace):
        """(the state from which the note shows, the note), or (None, None): the
        validation loss ends OVERFIT times its lowest, and the note comes once it has
        risen half way from its lowest to its end."""
        val, x1, y1 = trace.val_loss, self.box[2], self.box[3]
        if val is None or trace.diverged_at is not None:
            return None, None
        lowest = int(np.argmin(val))
        if val[-1] < OVERFIT * val[lowest]:
            return None, None
        halfway = val[lowest] + (val[-1] - val[lowest]) / 2
        start = lowest + int(np.argmax(val[lowest:] >= halfway))
        self.note_text = self.look.labels["overfitting"]
        words = self.look.words(self.note_text, 20, "val_loss")
        # inside the axes, top right: where a falling loss has left room
        words.next_to([x1, y1, 0], DOWN, buff=0.08).align_to([x1, 0, 0], RIGHT)
        note = CachedPath.of(words)  # drawn every frame: filled once, then copied
        note.set_opacity(0)
        self.note_shown = False
        self.moving.append(note)
        return start, note

    def vanishing(self, trace):
        """(the state from which the note shows, the note), or (None, None): where the
        loss ends within STUCK of its start and the first weight layer's mean
        |∂L/∂w| is under VANISHED times the last's at the first update, the note
        says so with both numbers (a deep sigmoid network's video showed a flat loss
        and said nothing of why), from a fifth of the way in."""
        loss = trace.loss
        if trace.diverged_at is not None or len(loss) < 3 or len(trace.layers) < 4:
            return None, None
        if abs(loss[-1] - loss[0]) > STUCK * abs(loss[0]):
            return None, None
        first, last = (float(v) for v in layer_sizes(trace)[0][[0, -1]])
        if not first < VANISHED * last:
            return None, None
        labels, (x0, y0, x1, _) = self.look.labels, self.box
        rows = [labels["vanishing"], labels["vanishing_sizes"].format(
            first=tick_text(float(f"{first:.2g}")), last=tick_text(float(f"{last:.2g}")))]
        self.note_text = "\n".join(rows)
        words = VGroup(*[self.look.words(row, 18, "text") for row in rows])
        words.arrange(DOWN, aligned_edge=LEFT, buff=0.06)
        if words.width > x1 - x0 - 0.2:  # (a small panel: the note within its axes)
            words.scale_to_fit_width(x1 - x0 - 0.2)
        # inside the axes, bottom left: under a flat loss, which lies at the axis's top
        words.next_to([x0 + 0.1, y0, 0], UP, buff=0.1, aligned_edge=LEFT)
        note = CachedPath.of(words)
        note.set_opacity(0)
        self.note_shown = False
        self.moving.append(note)
        return (len(loss) - 1) // 5, note

    def draw(self, s: float) -> None:
        for first, points, tail, settled in self.curves:  # a diverged run's stops there
            last = len(points) - 1
            upto = max(min(int(np.floor(s)) - first, last), 0)
            frac = max(s - first - upto, 0.0)
            done = upto - upto % self.chunk
            if len(settled.points) != 4 * max(done, 1):  # its corners: drawn once
                settled.set_corners(points[: done + 1])
            # the tail from a point before the seam: the bend there is joined, not cut
            pts = points[max(done - 1, 0): upto + 1]
            if frac > 0 and upto < last:
                pts = np.vstack([pts, points[upto] + (points[upto + 1] - points[upto]) * frac])
            tail.set_corners(pts)
        for exit_at, head, words in self.exits:
            if (s >= exit_at) != (head.get_fill_opacity() > 0):
                head.set_opacity(float(s >= exit_at))
                words.set_opacity(float(s >= exit_at))
        if self.note is not None and (s >= self.note_from) != self.note_shown:
            self.note_shown = not self.note_shown
            self.note.set_opacity(1.0 if self.note_shown else 0.0)


def first_value(values: np.ndarray) -> int:
    """The index of a series' first value (a series of updates has none at state 0)."""
    known = np.flatnonzero(~np.isnan(values))
    return int(known[0]) if len(known) else 0
