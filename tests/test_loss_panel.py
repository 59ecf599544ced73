"""The loss panel and the clock: a log schedule that moves from the start and a log
axis that follows it, a log loss axis for a loss that falls far, the overfitting note,
and the note on a flat loss whose gradient vanishes."""

import re

import numpy as np
import pytest
from manim import Line

from core import config, schedule, trainer
from scenes import layout
from scenes.panels import LossPanel
from tests.test_training_panels import SINE, look


def test_a_log_schedule_draws_the_loss_on_a_log_axis():
    raw = {"network": {"layers": [2, 3, 1]}, "data": {"n_samples": 40},
           "train": {"iterations": 99}, "trace": {"grid": 20, "frames": 5}}
    trace = trainer.train(config.resolve(raw))
    box = layout.TRAINING_LOSS
    log, linear = LossPanel(trace, box, look(), log=True), LossPanel(trace, box, look())
    x0, x1 = box[0], box[2]
    assert float(log.at_x(0)) == pytest.approx(x0) and float(log.at_x(99)) == pytest.approx(x1)
    # a log axis: iterations whose (i + c) are in equal ratios lie equally far apart
    c = 99 / 49
    a, b, d = (float(log.at_x(i)) for i in (c - c, 3 * c - c, 9 * c - c))
    assert b - a == pytest.approx(d - b)
    assert float(linear.at_x(9)) == pytest.approx(x0 + 9 / 99 * (x1 - x0))
    for u in (0.1, 0.25, 0.5, 0.9):  # the axis runs as the video's clock does
        at = float(log.at_x(schedule.iteration_at(u, 99, "log")))
        assert at == pytest.approx(x0 + u * (x1 - x0))
    texts = [m.text for m in log.still[2].get_family() if hasattr(m, "text")]
    assert {"0", "10", "99"} <= set(texts) and any("log" in t for t in texts), texts
    ticks = sorted(m.get_x() for m in log.still[2][0] if isinstance(m, Line))
    assert min(np.diff(ticks)) >= 0.45, ticks  # no two iteration numbers crowd


def test_the_log_schedule_moves_from_the_first_second():
    """Each quarter of a log-scheduled video covers more iterations than the one before,
    and the first quarter already a few percent of the run (with log(i + 1), 1 %)."""
    for last in (100, 300, 2000):
        quarters = np.diff(schedule.iteration_at(np.linspace(0, 1, 5), last, "log"))
        assert np.all(np.diff(quarters) > 0) and quarters[0] >= 0.03 * last, (last, quarters)
        assert quarters.sum() == pytest.approx(last)
    grids = trainer.grid_iterations(301, 9, "log")
    assert grids[0] == 0 and grids[-1] == 300 and grids[2] >= 9, grids


def test_a_rising_validation_loss_is_named_overfitting_once_it_has_risen():
    moons = trainer.train(config.load("moons"))  # its validation loss ends above its lowest
    val = moons.val_loss
    assert val[-1] >= 1.08 * val.min()
    panel = LossPanel(moons, layout.TRAINING_LOSS, look())
    start = panel.note_from
    assert int(np.argmin(val)) < start < moons.n_states - 1
    assert val[start] >= (val.min() + val[-1]) / 2 > val[start - 1]
    opacity = []
    for s in (0.0, start - 1.0, float(start), float(moons.n_states - 1)):
        panel.draw(s)
        opacity.append(panel.note.get_fill_opacity())
    assert opacity == [0, 0, 1, 1]
    raw = {"network": {"layers": [2, 3, 1]}, "data": {"n_samples": 40},
           "train": {"iterations": 20}, "trace": {"grid": 20, "frames": 5}}
    assert LossPanel(trainer.train(config.resolve(raw)), layout.TRAINING_LOSS,
                     look()).note is None  # no validation data: nothing to say


def test_a_loss_that_falls_thirtyfold_is_drawn_on_a_log_axis():
    sine = trainer.train(config.resolve(SINE | {"train": {"learning_rate": 0.3,
                                                          "iterations": 400}}))
    assert sine.loss[0] / sine.loss.min() > 30
    panel = LossPanel(sine, layout.TRAINING_LOSS, look())
    assert panel.log_loss
    a, b, c = (float(panel.at_y(v)) for v in (0.001, 0.01, 0.1))
    assert b - a == pytest.approx(c - b)  # powers of ten equally apart
    words = " ".join(m.text for m in panel.still if hasattr(m, "text"))
    assert "log" in words
    moons = trainer.train(config.resolve({"network": {"layers": [2, 3, 1]},
                                          "data": {"n_samples": 40},
                                          "train": {"iterations": 20}}))
    assert not LossPanel(moons, layout.TRAINING_LOSS, look()).log_loss


def test_the_schedule_follows_the_config_unless_given():
    from scenes.training import TrainingScene

    xor = config.load("xor")
    assert xor["trace"]["schedule"] == "log"  # the preset asks for it
    assert TrainingScene.adapt_config(xor, {"schedule": None}) == xor
    linear = TrainingScene.adapt_config(xor, {"schedule": "linear"})
    assert linear["trace"]["schedule"] == "linear" and xor["trace"]["schedule"] == "log"


def test_a_loss_that_leaves_the_axis_for_good_ends_under_an_arrowhead():
    """Not flat along the axis's top, which reads as a loss that stays put: the curve
    ends where it leaves, and an arrowhead there points up from that iteration on."""
    good = trainer.train(config.resolve(SINE | {"train": {"learning_rate": 0.3,
                                                          "iterations": 60}}))
    wild = trainer.train(config.resolve(SINE | {"train": {"learning_rate": 2.0,
                                                          "iterations": 60}}))
    runs = [("good", good.loss, "#ffffff"), ("wild", wild.loss, "#ffd000")]
    panel = LossPanel(good, layout.TRAINING_LOSS, look(), runs=runs)
    top = panel.box[3]
    leaves = int(np.argmax(wild.loss > 5 * max(good.loss[0], wild.loss[0])))
    assert leaves > 0 and (wild.loss[leaves:] > 5 * wild.loss[0]).all()
    (_, points, *_), (_, wild_points, *_) = panel.curves
    assert len(points) == good.n_states and len(wild_points) == leaves + 1
    assert wild_points[-1][1] == pytest.approx(top)
    ((at, head, words),) = panel.exits
    assert at == leaves and head.get_top()[1] == pytest.approx(top)
    # named "off the axis" beside it, inside the axes, under the axis's top
    assert words.get_left()[0] > head.get_right()[0] and words.get_right()[0] < panel.box[2]
    assert words.get_top()[1] <= top + 1e-6
    shown = []
    for s in (leaves - 1.0, float(leaves), 30.0):
        panel.draw(s)
        shown.append((head.get_fill_opacity(), words.get_fill_opacity()))
    assert shown == [(0, 0), (1, 1), (1, 1)]


def test_a_wide_log_axis_numbers_fewer_decades_where_every_one_would_crowd():
    moons = trainer.train(config.resolve(SINE | {"train": {"iterations": 60}}))
    # seven decades on 1.15 units: a decade is 0.16, a number with its room 0.38
    series = np.geomspace(1.0, 2e-7, moons.n_states)
    panel = LossPanel(moons, (-5.8, -3.2, -3.4, -2.05), look(), runs=[
        ("a", series, "#ffffff")])
    numbers = sorted(panel.still[-1][1::2], key=lambda n: n.get_y())
    assert [n.text for n in numbers] == ["1e−7", "0.0001", "0.1"]  # every third
    for low, high in zip(numbers, numbers[1:]):  # apart, the lowest one lifted too
        assert high.get_bottom()[1] - low.get_top()[1] > 0.05


def test_a_curve_drawn_once_per_chunk_and_its_tail_look_as_one_curve():
    """The part of a curve that no longer changes is an image, made again only when a
    chunk of points has passed; with the tail drawn every frame it is the whole curve,
    as one polyline draws it, within antialiasing."""
    from manim import Camera, VGroup

    from scenes.camera import PanelCamera, Polyline

    def frame(camera_class, *mobjects):
        camera = camera_class()
        camera.reset()
        camera.capture_mobjects(list(mobjects))
        return camera.pixel_array[..., :3].astype(int)

    rng = np.random.default_rng(7)
    run = trainer.train(config.resolve(SINE | {"train": {"iterations": 100}}))
    noisy = run.loss * np.exp(rng.normal(0, 0.3, run.n_states))  # sharp bends
    panel = LossPanel(run, layout.TRAINING_LOSS, look(), runs=[("a", noisy, "#ffcc00")])
    (first, points, tail, settled), = panel.curves
    assert panel.chunk == 16
    made = []
    for s in np.arange(0, 100.01, 0.25):
        panel.draw(float(s))
        made.append(len(settled.points))
        upto = int(np.floor(s))
        assert np.allclose(settled.points[0], points[0])
        assert np.allclose(tail.points[-1][:2], points[upto][:2]) or s % 1
    assert len(set(made)) == 100 // 16 + 1  # made again at 16, 32, … 96 only
    panel.draw(60.0)
    whole = Polyline(stroke_color="#ffcc00", stroke_width=3).set_corners(points[:61])
    split, plain = frame(PanelCamera, VGroup(settled, tail)), frame(Camera, whole)
    lit = (split.max(axis=2) > 40) | (plain.max(axis=2) > 40)
    assert lit.sum() > 2000  # the curve is there
    assert np.abs(split - plain)[lit].mean() < 1 and np.abs(split - plain).max() < 100


def test_a_flat_loss_whose_gradient_vanishes_says_so_with_both_sizes():
    """deep (five sigmoid layers) stays at chance, 0.693, from the first iteration to
    the last: a fifth of the way in a note says the gradient fades on its way back,
    with the mean |∂L/∂w| of the output layer and of the first, read from the update's
    recorded gradients (σ′ ≤ 0.25 at each layer: tenfold smaller a layer, or more)."""
    deep = trainer.train(config.load("deep"))
    assert abs(deep.loss[-1] - deep.loss[0]) < 0.01
    assert deep.loss[0] == pytest.approx(0.693, abs=0.01)
    first = float(np.abs(deep.weight_gradients(0)[0]).mean())
    last = float(np.abs(deep.weight_gradients(len(deep.layers) - 2)[0]).mean())
    assert first < 1e-4 * last
    panel = LossPanel(deep, layout.TRAINING_LOSS, look())
    rows = panel.note_text.split("\n")
    assert len(rows) == 2 and "the gradient fades" in rows[0]
    shown = re.findall(r"output ([\d.e−]+), input ([\d.e−]+)", rows[1])
    assert shown, rows[1]
    out, into = (float(v.replace("−", "-")) for v in shown[0])
    assert out == pytest.approx(last, rel=0.05) and into == pytest.approx(first, rel=0.05)
    x0, _, x1, _ = layout.TRAINING_LOSS
    assert x0 < panel.note.get_left()[0] and panel.note.get_right()[0] < x1  # within its axes
    assert panel.note_from == (deep.n_states - 1) // 5
    # a run that learns says nothing of the kind
    sine = trainer.train(config.load("sine"))
    assert LossPanel(sine, layout.TRAINING_LOSS, look()).note is None
