"""One run's column in a comparison: its heading, its output over the input (the
training scene's plane or curve panel, small and without a key), its network, and
notes on it while they hold (diverging, stopped, hidden units all equal); with the
initial scale compared, under each hidden layer its spread (a bar) and its share of
f′ ≈ 0 (a number): cs231n's two failures of an initialisation, a signal that fades
to nothing layer by layer and units pinned at their flat ends."""

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Polygon,
    Rectangle,
    RoundedRectangle,
    SurroundingRectangle,
    VGroup,
)

from core import compare, depth
from core.activations import HIDDEN
from scenes import layout
from scenes.camera import CachedPath
from scenes.glyphs import MonoNumber
from scenes.numerals import significant
from scenes.panels import CurvePanel, Look, NetworkPanel, PlanePanel
from scenes.panels.base import Panel
from scenes.panels.loss import OFF_AXIS

TOP = 2.45  # the columns' panels start here, their headings above

# under a network, room for its layers' spreads (bars up to BAR high) and shares of
# f′ ≈ 0, or else for its last update's gradient and step in two rows
BAR, FLAT_ROOM, MOTION_ROOM = 0.3, 0.65, 0.65
BAR_WIDTH = 0.2
PLANE_SIDE = 2.25  # at most: the plane's side


class RunColumn(Panel):
    """One run's heading, output panel, network and notes, drawn at the shared clock's
    state, held at the run's last state once it has none further (a diverged run)."""

    def __init__(self, name: str, trace, centre: float, width: float, look: Look,
                 colour: str, edge_scale: float | None = None,
                 value_range: tuple[float, float] | None = None, flat: bool = False,
                 read=None):
        """``flat``: under each hidden layer, its spread and its share of f′ ≈ 0 as the
        run goes, and a note while ŷ is one answer for every sample; else, the update's
        numbers. ``read``: the iteration whose numbers show at a state (read a few
        times a second: see core.schedule.read_at); by default, the state's own."""
        super().__init__(trace, (centre - width / 2, -1.5, centre + width / 2, TOP), look)
        labels = look.labels
        heading = look.words(name, 24, colour).move_to([centre, TOP + 0.3, 0])
        if heading.width > width - 0.1:
            heading.scale_to_fit_width(width - 0.1)
        side = min(PLANE_SIDE, width - 0.5)
        if trace.X.shape[1] == 1:
            box = (centre - (width - 0.4) / 2, TOP - 2.2, centre + (width - 0.4) / 2, TOP)
            self.output = CurvePanel(trace, box, look, keyed=False, value_range=value_range,
                                     probe=False)
            bottom = TOP - 2.2
        else:
            box = (centre - side / 2, TOP - side, centre + side / 2, TOP)
            self.output = PlanePanel(trace, box, look, keyed=False, probe=False)
            bottom = TOP - side
        net_width = min(width - 0.2, 4.2)
        # room above the network for a note astride the panel's lower edge
        # (and below it, room for the rows under it)
        net_box = (centre - net_width / 2, -1.45 + (FLAT_ROOM if flat else MOTION_ROOM),
                   centre + net_width / 2, bottom - 0.3)
        self.network = NetworkPanel(trace, net_box, look, maps=False, labels=False,
                                    keyed=False, max_abs=edge_scale, probe=False)
        self.last = trace.n_states - 1
        # per hidden layer, (S,) its share of (unit, sample) pairs with f′ ≈ 0, and its
        # number under the layer's lowest node; its spread as a bar above the number
        shares = depth.flat_shares(trace) if flat else []
        self.flat = [share.mean(axis=1) for share in shares]
        self.flat_overall = depth.flat_share(trace, shares) if flat else None  # the table's
        self.spreads = depth.spreads(trace) if flat else None
        self.flat_numbers, self.bars, row_keys = [], [], []
        if flat:
            self.full_spread = full_spread(trace.config.network.activation)
            below = min(node.get_bottom()[1] for node in self.network.diagram.all_nodes())
            self.bar_base = below - 0.08 - BAR
            for column in self.network.diagram.nodes[1:-1]:
                x = column[0].get_x()
                self.bars.append(Polygon(*[[x, self.bar_base, 0]] * 4, color=colour,
                                         fill_opacity=1.0, stroke_width=0))
                # the bar's outline at full height: the most the activation allows
                outline = Rectangle(width=BAR_WIDTH, height=BAR, stroke_width=1.5,
                                    stroke_color=look.theme["muted"])
                row_keys.append(outline.move_to([x, self.bar_base + BAR / 2, 0]))
                self.flat_numbers.append(MonoNumber("100", 18, colour).move_to(
                    [x, self.bar_base - 0.06, 0], aligned_edge=UP))
            first = self.network.diagram.nodes[1][0].get_x() - 0.3
            for text, y in ((labels["spread_row"], self.bar_base + BAR / 2),
                            (labels["flat_row"], self.flat_numbers[0].get_y())):
                words = look.words(text, 16, "muted")
                room = first - (centre - width / 2)
                if words.width > room:
                    words.scale_to_fit_width(room)
                row_keys.append(words.move_to([first, y, 0], aligned_edge=RIGHT))
        # else, the update that led to the state: its mean |∂L/∂w| and its step, mean
        # |Δw|, and under them the step as a multiple of the gradient (why an optimizer
        # wins: plain SGD's is η, momentum's grows, Adam's grows as its gradient shrinks)
        grads, self.steps = depth.motion(trace)  # the steps: the comparison's own axis
        self.motion = None if flat else (grads, self.steps)
        self.read = read or (lambda s: int(round(s)))
        self.motion_numbers, self.motion_rows = [], []
        if not flat:
            below = min(node.get_bottom()[1] for node in self.network.diagram.all_nodes())
            size = 20  # the largest that fits the column: from 20, scaled down by measure
            while True:
                parts, self.motion_numbers = [], []
                for text in labels["motion_row"]:  # the widest number: 1.2e151
                    number = MonoNumber("8.8e−88", size, colour)
                    parts += [look.words(text, size - 2, "muted"), number]
                    self.motion_numbers.append(number)
                row = VGroup(*parts).arrange(RIGHT, buff=0.08)
                VGroup(*parts[2:]).shift(RIGHT * 0.25)  # a number nearer its name
                if row.width <= width - 0.15 or size == 14:
                    break
                size = max(14, min(size - 1, int(size * (width - 0.15) / row.width)))
            row.move_to([centre, below - 0.12, 0], aligned_edge=UP)  # clear of frames
            self.ratio_number = MonoNumber("88", size, colour)  # the number ends the row,
            # so it is centred on a short one
            ratio = VGroup(look.words(labels["motion_ratio"], size - 2, "muted"),
                           self.ratio_number).arrange(RIGHT, buff=0.1)
            ratio.next_to(row, DOWN, buff=0.08)
            row_keys += [*parts[::2], ratio[0]]
            self.motion_rows = [row, ratio]
            self.motion_numbers.append(self.ratio_number)
            with np.errstate(all="ignore"):
                self.motion = (*self.motion, self.motion[1] / self.motion[0])
        self.notes = []  # (from which state it shows, until which, (box, words))
        if trace.diverged_at is not None:  # exploding from where it leaves the loss axis,
            # then stopped where it overflowed
            away = np.flatnonzero(trace.loss > OFF_AXIS * trace.loss[0])
            start = int(away[0]) if len(away) else self.last
            if start < self.last:
                self.notes.append(self.note(labels["diverging"], "gradient", centre, bottom,
                                            start, self.last))
            text = labels["diverged_short"].format(k=trace.diverged_at)
            self.notes.append(self.note(text, "gradient", centre, bottom, self.last, np.inf))
        if flat:  # a signal faded to nothing by the output: the same ŷ for every sample
            same = [depth.one_answer(trace, spread) for spread in self.spreads[:, -1]]
            for start, until in runs_of(same):
                self.notes.append(self.note(labels["one_answer"], "text", centre, bottom,
                                            start, until))
        equal = compare.equal_units(trace)
        self.equal_until = -1.0  # while the hidden units are copies, each layer's are framed
        self.groups = []
        if equal[0]:
            self.equal_until = int(np.argmin(equal)) if not equal.all() else np.inf
            self.notes.append(self.note(labels["units_equal"], "text", centre, bottom, 0,
                                        self.equal_until))
            for column in self.network.diagram.nodes[1:-1]:
                self.groups.append(SurroundingRectangle(
                    VGroup(*column), color=look.theme["text"], buff=0.08, corner_radius=0.1,
                    stroke_width=2.5))
        self.still += [heading, *self.output.still, *self.network.still, *row_keys]
        self.moving += [*self.output.moving, *self.network.moving, *self.flat_numbers,
                        *self.bars, *self.motion_numbers,
                        *self.groups,
                        *[note for *_, note in self.notes]]

    def note(self, text: str, colour: str, centre: float, bottom: float, start: float,
             until: float):
        """Words on a box of the background's colour astride the panel's lower edge, or
        above it as far as needed to clear the network (its nodes, its bias units and
        the frames around copies): read over any picture, hiding little of it and
        nothing of the network; in two lines (after its colon) when one is wider than
        the column."""
        theme, room = self.look.theme, self.box[2] - self.box[0] - 0.4
        head, colon, tail = text.partition(": ")
        shapes = [[text]] + ([[head + ":", tail]] if colon else [])
        for size in (20, 18, 16):  # the largest that fits: one line, else two
            for shape in shapes:
                lines = VGroup(*[self.look.words(line, size, colour) for line in shape])
                if lines.arrange(DOWN, buff=0.08).width <= room:
                    break
            else:
                continue
            break
        words = CachedPath.of(lines)
        box = RoundedRectangle(corner_radius=0.08, width=words.width + 0.3,
                               height=words.height + 0.2, stroke_color=theme["muted"],
                               stroke_width=1.5, fill_color=theme["background"])
        shown = VGroup(box, words).move_to([centre, bottom, 0])
        clear = max(node.get_top()[1] for node in self.network.diagram.all_nodes()) + 0.15
        shown.shift(UP * max(0.0, clear - shown.get_bottom()[1]))
        edge = layout.FRAME_X - 0.1  # a note wider than its column stays in the frame
        shown.shift(RIGHT * min(0.0, edge - shown.get_right()[0])
                    + RIGHT * max(0.0, -edge - shown.get_left()[0]))
        return start, until, shown

    def draw(self, s: float) -> None:
        s = min(s, self.last)
        self.output.draw(s)
        self.network.draw(s)
        for group in self.groups:
            group.set_stroke(opacity=float(s < self.equal_until))
        k, read = int(round(s)), self.last if s >= self.last else min(self.read(s), self.last)
        for i, (number, bar, share) in enumerate(zip(self.flat_numbers, self.bars,
                                                     self.flat)):
            x = self.network.diagram.nodes[i + 1][0].get_x()
            text = f"{share[read] * 100:.0f}"
            if text != number.text:  # centred under its layer
                number.set_text(text).set_x(x)
            spread = self.spreads[k, i]
            height = BAR * min(1.0, spread / self.full_spread) if np.isfinite(spread) else 0
            top = self.bar_base + max(height, 0.01)  # a hairline: the bar is there, empty
            bar.set_points_as_corners([[x - BAR_WIDTH / 2, self.bar_base, 0],
                                       [x + BAR_WIDTH / 2, self.bar_base, 0],
                                       [x + BAR_WIDTH / 2, top, 0],
                                       [x - BAR_WIDTH / 2, top, 0],
                                       [x - BAR_WIDTH / 2, self.bar_base, 0]])
        if self.motion is not None:
            k = max(min(k, 1), read)  # no update before the first
            for number, values in zip(self.motion_numbers, self.motion):
                known = k > 0 and np.isfinite(values[k])  # no update yet; no gradient
                number.set_text(significant(values[k]) if known else "–")
        for start, until, (box, words) in self.notes:
            shown = start <= s < until
            box.set_fill(opacity=0.92 if shown else 0.0).set_stroke(opacity=float(shown))
            words.set_opacity(float(shown))


def full_spread(activation: str) -> float:
    """The largest spread a bounded activation's values can have, half its range
    (tanh 1, sigmoid 0.5): a full bar."""
    ends = HIDDEN[activation].forward(np.array([-40.0, 40.0]))
    return float(ends[1] - ends[0]) / 2


def runs_of(flags: list[bool]) -> list[tuple[int, float]]:
    """The (start, until) states of each stretch of True; a stretch that lasts to the end
    until infinity."""
    out, start = [], None
    for k, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = k
        elif not flag and start is not None:
            out.append((start, k if k < len(flags) else np.inf))
            start = None
    return out
