"""Under a comparison's columns: the runs' losses and steps on shared axes, the table
read a few times a second, and at the end the title naming the run with the lowest
final loss, each checked against the runs' own records."""

from types import SimpleNamespace

import numpy as np
import pytest

from core.schedule import iteration_at, progress_at, read_at
from scenes.compare import READINGS, TABLE_AT, CompareScene
from scenes.numerals import loss_text
from tests.test_compare import MOONS, render


@pytest.fixture(scope="module")
def paired(tmp_path_factory):
    """Each optimizer at its own η: 30 iterations in 2 s, read 4 times a second."""
    return render(tmp_path_factory.mktemp("paired"), MOONS, "paired",
                  vary="train.optimizer=sgd,adam train.learning_rate=0.5,0.05")


def test_the_table_reads_each_runs_loss_a_few_times_a_second_and_at_the_end(paired):
    """30 iterations in 2 s, read 4 times a second: at iterations 3.75 j, whole."""
    trained, scene, _, _ = paired
    assert READINGS == 4
    for t, read in ((0, 0), (2.9, 0), (3.75, 3), (4, 3), (15, 15), (16, 15), (29, 26),
                    (30, 30)):
        scene.on_state(t)
        for (_, trace), row in zip(trained.runs, scene.readouts):
            assert row[0].text == loss_text(trace.loss[read])
            assert row[1].text == f"{trace.accuracy[read] * 100:.0f}%"
        assert scene.counter.text == str(int(round(t)))  # the iteration: every frame


def test_each_updates_mean_step_is_drawn_on_an_axis_of_its_own(paired):
    trained, scene, _, _ = paired
    losses, steps = scene.plots
    assert losses.box[2] < steps.box[0]  # side by side, the losses first
    assert steps.still[0].text.startswith("step|Δw|")  # (Text drops spaces)
    for (_, trace), (first, points, curve, _) in zip(trained.runs, steps.curves):
        # by hand: the mean |w_k − w_(k−1)| over every weight, from the first update on
        moved = [np.concatenate([np.abs(trace.weights(k)[i] - trace.weights(k - 1)[i]).ravel()
                                 for i in range(trace.n_weight_layers)]).mean()
                 for k in range(1, trace.n_states)]
        assert first == 1 and len(points) == trace.n_states - 1
        assert np.allclose(points[:, 1], steps.at_y(np.array(moved)))
        assert np.allclose(points[:, 0], steps.at_x(np.arange(1, trace.n_states)))
        steps.draw(0.5)  # no update yet: nothing to draw
        assert np.ptp(curve.points[:, :2], axis=0).max() == 0
        steps.draw(10.5)  # to half way between the 10th and 11th updates
        assert curve.points[-1][0] == pytest.approx((points[9][0] + points[10][0]) / 2)
    sgd, adam = (np.diff(points[:, 1]) for _, points, *_ in steps.curves)
    assert not np.allclose(sgd, adam)  # two different paths


def test_the_title_ends_naming_the_run_with_the_lowest_final_loss(paired):
    trained, scene, frames, _ = paired
    finals = [trace.loss[-1] for _, trace in trained.runs]
    name = trained.runs[int(np.argmin(finals))][0]
    assert scene.ending.text.replace(" ", "") == f"Lowestfinalloss:{name}".replace(" ", "")
    assert scene.ending in scene.mobjects and scene.title_words not in scene.mobjects
    corner = [-1, 1, 0]  # in the title's place
    assert np.allclose(scene.ending.get_corner(corner), scene.title_words.get_corner(corner))
    colour = scene.readouts[int(np.argmin(finals))][0].body.get_fill_color().to_hex()
    coloured = [m for m in scene.ending if m.get_fill_color().to_hex() == colour]
    assert len(coloured) == len(name.replace(" ", ""))  # the name, in its run's colour


def test_no_run_is_named_when_the_lowest_two_read_alike_or_all_diverged():
    def verdict(*runs):
        fake = SimpleNamespace(runs=[(name, SimpleNamespace(loss=np.array([1.0, loss]),
                                                            diverged_at=diverged))
                                     for name, loss, diverged in runs],
                               look=SimpleNamespace(labels={"lowest_loss": "{name}"},
                                                    words=lambda text, *a, **k: text))
        return CompareScene.verdict(fake, ["#fff"] * len(runs))

    assert verdict(("a", 0.0104, None), ("b", 0.0101, None)) is None  # both read 0.010
    assert verdict(("a", 0.5, 3), ("b", 0.7, 5)) is None
    assert verdict(("a", 0.02, None), ("b", 0.01, 4), ("c", 0.03, None)) == "a"


def test_the_axes_numbers_stand_apart_at_the_corners_and_between_the_axes(paired):
    """"0.0001" beside "0" under it, or after "300" of the axis on its left, reads as
    one number: the lowest loss or step stands above the iterations' numbers, and the
    steps' numbers clear of the losses' last iteration."""
    _, scene, _, _ = paired
    losses, steps = scene.plots
    for plot in scene.plots:
        x_numbers, y_numbers = plot.still[-2][0][1::2], plot.still[-1][1::2]
        lowest = min(y_numbers, key=lambda n: n.get_y())
        assert lowest.get_bottom()[1] >= plot.box[1] - 1e-6
        assert lowest.get_bottom()[1] > max(n.get_top()[1] for n in x_numbers)
    right_of_losses = max(n.get_right()[0] for n in losses.still[-2][0][1::2])
    assert min(n.get_left()[0] for n in steps.still[-1][1::2]) - right_of_losses > 0.1


def test_on_a_log_clock_numbers_are_read_evenly_in_time_not_in_iterations():
    """Where the log schedule spends seconds on the first few iterations and passes
    dozens in a frame at the end, the numbers still change a few times a second."""
    last, readings = 400, 80  # 20 s at 4 a second
    clock = np.linspace(0, 1, 20 * 30, endpoint=False)  # every frame at 30 fps
    read = [read_at(float(iteration_at(u, last, "log")), last, "log", readings)
            for u in clock]
    changes = np.flatnonzero(np.diff(read)) + 1
    gaps = np.diff(clock[changes])  # in clock time, between changes
    assert len(changes) >= 0.8 * readings and gaps.min() >= 1 / readings - 1 / 600
    for u, shown in zip(clock, read):  # never ahead of the clock, never a reading behind
        now = float(iteration_at(u, last, "log"))
        assert shown <= now
        assert progress_at(shown + 1, last, "log") > u - 1 / readings


def test_the_tables_columns_stand_apart_inside_the_frame(tmp_path):
    """Four columns (run, loss, accuracy, saturated): each as wide as its header or
    its widest number, none past the frame, the names clear of the numbers."""
    from scenes import layout

    raw = MOONS | {"network": {"layers": [2, 4, 3, 1], "init": "normal"}}
    trained, scene, _, _ = render(tmp_path, raw, "scales", duration=1.0,
                                  vary="network.init_scale=0.1,5")
    header = scene.header
    assert [word.text for word in header] == ["run", "loss", "accuracy", "saturated"]
    for row in scene.readouts:  # at their widest
        row[0].set_text(max((loss_text(v) for _, trace in trained.runs for v in trace.loss),
                            key=len))
        for number in row[1:]:
            number.set_text("100%")
    for k, word in enumerate(header[1:]):
        numbers = [row[k] for row in scene.readouts]
        assert all(abs(n.get_left()[0] - word.get_left()[0]) < 0.02 for n in numbers)
        right = max([word.get_right()[0]] + [n.get_right()[0] for n in numbers])
        if k + 2 < len(header):
            assert right + 0.2 < header[k + 2].get_left()[0]
        else:
            assert right < layout.FRAME_X - 0.2
    names = [m for top in scene.mobjects for m in top.get_family()
             if getattr(m, "text", "").startswith("init_scale") and m.get_y() < TABLE_AT[1]]
    assert len(names) == 2 and max(n.get_right()[0] for n in names) < header[1].get_left()[0]


def test_the_columns_follow_no_sample(paired):
    """No probe sample to explain: no sight on the planes, no key for one, and the
    networks' nodes plain, where the training scene fills them by the probe's values."""
    from scenes.panels.plane import PlanePanel

    trained, scene, _, _ = paired
    key = [m.text for top in scene.mobjects for m in top.get_family() if hasattr(m, "text")]
    assert not any("probe" in text for text in key)
    for column, (_, trace) in zip(scene.columns, trained.runs):
        column.draw(10)
        assert column.network.raster.drawn[1] == {}  # every node its plain colour
        # the same plane with the sight covers more pixels: the data alone here
        sighted = PlanePanel(trace, column.output.box, scene.look, keyed=False).points_layer
        plain = column.output.points_layer
        assert len(plain.rim) + len(plain.solid) < len(sighted.rim) + len(sighted.solid)
