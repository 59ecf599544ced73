"""How the story scenes open and end: forward sums its pass up (and, on the post's
example, shows the post's own rounding); the cycle writes what each phase computes,
changes the loss where it is computed and plots it; backward names its weights and
frames its gradients."""

import pytest
from manim import Dot

from core import config, trainer
from scenes import layout
from scenes.edge_labels import opacity
from scenes.registry import SCENES
from scenes.settings import Settings
from tests import dry_run
from tests.test_edge_labels import distance
from tests.test_story_numbers import EXAMPLES


def lines(scene) -> list[str]:
    return [line for *_, cue in scene.captions for line in cue.split("\n")]


def texts_at(snapshot) -> set[str]:
    return {text for _, text, *_ in snapshot[1]}


def held_texts(scene) -> dict[str, set[str]]:
    """The texts on screen at each caption's last still moment (its lines held to be
    read), by the caption's first line."""
    held = {}
    for snapshot, still in zip(scene.snapshots, scene.snapshot_still):
        if still:
            held[snapshot[0]] = texts_at(snapshot)
    return held


@pytest.fixture(scope="module")
def post_backward():
    """The post's backward pass, run once for the tests that only read it; at each hold
    it keeps its weight labels' texts, opacities and centres (``held_weights``), dimmed
    ones too, by the caption's first line, and whether a node's gradient is on screen
    with the colours of the key's frames (``held_key_frames``)."""
    base = SCENES["backward"].load()

    class Watched(base):
        def hold(self, seconds=None):
            super().hold(*([] if seconds is None else [seconds]))
            cue = self.captions[-1][2].split("\n")[0] if self.captions else ""
            self.held_weights.append((cue, [(m.tex_string, opacity(m), m.get_center()[:2])
                                            for m in self.weight_labels]))
            self.held_key_frames.append((
                any(opacity(label) > 0 for label in self.grad_labels),
                [m.get_stroke_color().to_hex().lower() for m in self.legend.get_family()
                 if type(m).__name__ == "SurroundingRectangle" and m.get_stroke_opacity() > 0]))

    Watched.held_weights, Watched.held_key_frames = [], []
    settings = Settings(trainer.train(config.load("post")), "post", "dark", "en",
                        {"precision": 3})
    return dry_run.run(Watched, settings)


def test_forward_ends_on_a_summary_after_the_posts_rounding():
    """The post's own line (its figure, which a calculator confirms from its operands)
    comes as an aside before the summary: the video ends on its own result."""
    scene = dry_run.run_example("forward", config.load("post"), {"precision": 3}, "post")
    said = lines(scene)
    aside = said.index("ŷ = 0.73 × 0.3 + 0.79 × 0.5 + 0.69 × 0.9 = 1.235")
    # says whose line it is: the post's ŷ, not a second answer to choose from
    # and why it differs from the result the viewer just saw
    assert said[aside - 1] == ("The source blog post has ŷ = 1.235, not 1.233: "
                               "it rounds each σ(h) to 2 decimals first.")
    assert said[aside + 1:] == ["(σ(h₁), σ(h₂), σ(h₃)) = (0.731, 0.786, 0.690)", "ŷ = 1.233",
                                "L = ½(ŷ − y)² = ½(1.233 − 0)² = 0.760"]
    last = "".join(texts_at(scene.snapshots[-1]))
    assert "1.233" in last and "1.235" not in last, "the last frame shows the result"
    # in English and in Korean, every row of the aside within the frame (a longer
    # wording ran past its right edge)
    for language in ("en", "ko"):
        seen = scene if language == "en" else dry_run.run(SCENES["forward"].load(), Settings(
            trainer.train(config.load("post")), "post", "dark", "ko", {"precision": 3}))
        assert all(-layout.FRAME_X <= x0 and x1 <= layout.FRAME_X
                   for _, texts in seen.snapshots for _, _, (x0, _, x1, _), *_ in texts), language


def test_forward_says_what_sigma_is_where_it_first_uses_it():
    scene = dry_run.run_example("forward", config.load("post"), {"precision": 3}, "post")
    said = lines(scene)
    first = next(i for i, line in enumerate(said) if line.startswith("σ(h₁)"))
    assert said[first - 1] == "σ(h) = 1 / (1 + e^(−h))", "read before it is applied"
    assert said.count("σ(h) = 1 / (1 + e^(−h))") == 1, "once, not at every node"


def test_the_key_names_every_kind_of_green_number_and_what_width_tells():
    """Inputs, hidden outputs and the output are all green: the key says so, not
    only σ(h); and an edge's width is the size of its weight."""
    scene = dry_run.run_example("forward", config.load("post"), {"precision": 3}, "post")
    first = texts_at(scene.snapshots[0])
    assert r"x,\ \sigma(h),\ \hat{y}" in first
    assert {"width", r"\propto |w|"} <= first


def test_the_backward_key_names_the_gradients_by_the_nodes(post_backward):
    """Where the key is too wide for one row beside the title, it takes a column of
    rows rather than leave out what the red numbers are: the framed ones by the hidden
    nodes, gradients of L by their sums (the one by h₁ is ∂L/∂h₁, named or not), as
    the green ones are σ(h); the output's is named (∂L/∂ŷ = 1.233), those on the
    edges are ∂L/∂w (the edges' own row)."""
    scene = post_backward
    assert scene.key_shape == "column"
    first = next(texts_at(s) for s in scene.snapshots if s[0].startswith("backward pass"))
    assert {r"\partial L/\partial h", r"x,\ \sigma(h),\ \hat{y}", "gradient"} <= first
    # the rows stand one under another at the right, each clear of every other text
    shown = [s for s in scene.snapshots if s[0].startswith("backward pass")][0][1]
    rows = [box for _, text, box, *_ in shown
            if text in ("value", "gradient") or text.startswith(r"\partial L/\partial w")]
    assert len(rows) >= 2 and len({round(y0, 2) for _, y0, _, _ in rows}) == len(rows)


def test_the_note_on_approx_quotes_the_line_it_explains_and_comes_back_much_later(post_backward):
    """Quoted at the first ≈; a minute later, the second pass's sums say ≈ again, and
    the note comes back on them, as one line that recalls it."""
    scene = post_backward
    notes = [(start, cue.split("\n")) for start, _, cue in scene.captions if "≈ :" in cue]
    assert [quoted for _, (quoted, *_) in notes] == [
        "∂L/∂h₃ = ∂L/∂σ(h₃) × σ'(h₃) = 1.110 × 0.214 ≈ 0.237",
        "h₁ = 1 × 0.793 + 1 × 0.193 ≈ 0.985"]
    assert notes[1][0] - notes[0][0] > 60
    assert notes[0][1][1:] == [" ".join(scene.labels["approx_note"])]
    assert notes[1][1][1:] == scene.labels["approx_again"]


def test_another_example_ends_on_its_summary_without_the_posts_note():
    scene = dry_run.run_example("forward", config.resolve(EXAMPLES["softmax"]),
                                {"precision": 3})
    said = lines(scene)
    assert not any("The post" in line for line in said)
    assert said[-1].startswith("L = ")
    assert any(line.startswith("(ŷ₁, ŷ₂, ŷ₃) = (") for line in said)


def test_the_cycle_writes_each_phase_and_changes_the_loss_when_computed():
    cycle = dry_run.run_example("cycle", config.load("post"), {"precision": 3,
                                                             "iterations": 2}, "post")
    # the first line of each cue -> the texts on screen when it ends
    seen = {name: {text for _, text, *_ in shown} for name, shown in cycle.snapshots}
    first = seen["forward pass (iteration 0)"]
    assert not any(text.startswith("L = 0") for text in first), "no loss before its pass"
    assert r"\hat{y} = 1.233" in first, "the pass's values on the nodes"
    assert {"x_{1} = 1", "x_{2} = 1", "y = 0"} <= first, "the sample it learns from"
    forward_again = seen["forward pass (iteration 1)"]
    assert not any(text.startswith("L = ") for text in forward_again), (
        "the new loss is not known before its pass, and the old one left with its number")
    assert r"\hat{y} = 1.022" in forward_again and r"\hat{y} = 1.233" not in forward_again
    error = seen["loss: L = 0.522"]  # the readout, the plot's point, the loss from ŷ
    assert r"L = 0.522" in error and {"0", "0.760"} <= error, (
        "the plot's scale: from 0 to the first loss")
    assert "0.522" in error, "the new point's loss by it"
    assert r"L = \tfrac{1}{2}(\hat{y} - y)^2 = \tfrac{1}{2}(1.022 - 0)^2 = 0.522" in error
    # the last update's result: one more forward pass and its loss
    assert r"L = 0.362" in seen["loss: L = 0.362"]
    rule = r"w \leftarrow w - \eta \cdot \partial L/\partial w,\quad \eta = 0.1"
    assert any({rule, "everyweight:"} <= texts_at(snapshot) for snapshot in cycle.snapshots
               if snapshot[0].startswith("weight update")), (
        "the rule, said to be every weight's, then one weight's numbers")
    # one weight's numbers, from what is on screen: the output weight the update moves
    # most, v₂₁ (σ(h₂) = 0.786 is the largest hidden output); the error ŷ − y = 1.233,
    # its gradient ∂L/∂ŷ × σ(h₂) = 1.233 × 0.786, then its update
    said = lines(cycle)
    error_line = said.index("∂L/∂ŷ = ŷ − y = 1.233 − 0 = 1.233")
    gradient = said.index("∂L/∂v₂₁ = ∂L/∂ŷ × σ(h₂) = 1.233 × 0.786 = 0.969")
    assert error_line < gradient < said.index("v₂₁ ← 0.5 − 0.1 × 0.969 = 0.403")
    for phase, tags in (("backward pass", {"v_{21}", "0.5"}), ("weight update", {"0.403"})):
        # named beside its edge, from the value the update starts from (on the edge) to
        # the value its line computed
        assert any(tags <= texts_at(snapshot) for snapshot in cycle.snapshots
                   if snapshot[0].startswith(phase)), f"{tags} by its edge during {phase}"
    # blue and orange are the key's signs of w: no phase and no loss point wears them
    signs = {cycle.theme["positive"], cycle.theme["negative"]}
    assert not signs & {cycle.theme[key] for key in cycle.PHASE_COLOURS}
    assert len({cycle.theme[key] for key in cycle.PHASE_COLOURS}) == 4, "each phase its own"
    assert cycle.sketch.colour not in signs


def test_backwards_second_pass_works_out_each_new_value(post_backward):
    """After the update, each new value on a node comes with its working, from the
    new weights on the edges: h₁ = 1 × 0.793 + 1 × 0.193 ≈ 0.985 (the weights shown
    are rounded), σ(h₁) = σ(0.985) = 0.728, ..., then ŷ and the loss."""
    scene = post_backward
    said = lines(scene)
    second = said.index("h₁ = 1 × 0.793 + 1 × 0.193 ≈ 0.985")
    assert said[second + 1] == "σ(h₁) = σ(0.985) = 0.728"
    output = said.index("ŷ = 0.728 × 0.210 + 0.782 × 0.403 + 0.680 × 0.815 = 1.022")
    loss = next(i for i, line in enumerate(said) if line.endswith("= 0.522"))
    assert second < output < loss
    seen = {name: texts_at(snapshot) for name, snapshot in zip(
        [name for name, _ in scene.snapshots], scene.snapshots)}
    at_h1 = seen["h₁ = 1 × 0.793 + 1 × 0.193 ≈ 0.985"]
    # each weight a line uses stands on its edge, new, while the line is written
    assert {"0.793", "0.193"} <= at_h1
    assert {"0.390", "0.890"} <= seen["h₂ = 1 × 0.390 + 1 × 0.890 ≈ 1.279"]
    assert {"0.276", "0.476"} <= seen["h₃ = 1 × 0.276 + 1 × 0.476 ≈ 0.753"]
    # the old values leave with the old weights; a new one comes with its working
    assert "0.728" in at_h1 and not {"0.782", "0.680"} & at_h1
    # no gradient is left on screen: the key no longer names one (values still are)
    assert "value" in at_h1 and not {"gradient", r"\partial L/\partial h"} & at_h1
    assert not {"0.786", "0.690", r"\hat{y} = 1.233"} & at_h1
    assert r"\hat{y} = 1.022" in seen["ŷ = 0.728 × 0.210 + 0.782 × 0.403 + 0.680 × 0.815 = 1.022"]


def test_backward_holds_its_recap_and_its_second_pass_long_enough_to_check(post_backward):
    """The forward pass's result, for a viewer who starts at backward, stands long
    enough to read its four values and check its loss (6 s was too short); the second
    pass's blocks stand 4 s a line, each checked with a calculator (h₂'s two lines in
    5.7 s were too fast), and ŷ's line its three products, 2.5 s each."""
    spans = {cue: end - start for start, end, cue in post_backward.captions}
    recap = next(span for cue, span in spans.items() if cue.startswith("forward pass: L = "))
    assert recap >= 5 * 1.5
    for h in ("h₁ = 1 × 0.793", "h₂ = 1 × 0.390", "h₃ = 1 × 0.276"):
        blocks = [span for cue, span in spans.items() if cue.startswith(h) and "≈ :" not in cue]
        assert blocks and min(blocks) >= 2 * 4.0 - 1e-6, h
    y_hat = [span for cue, span in spans.items() if cue.startswith("ŷ = 0.728 × 0.210")]
    assert y_hat and y_hat[0] >= 3 * 2.5 - 1e-6


def test_backwards_values_come_back_after_giving_way_to_an_update(post_backward):
    """A node's value that makes room for a weight and its gradient returns once they
    have gone: each group of update lines ends with every node's value in place (a
    place kept for the second pass's value is not a label on screen)."""
    scene = post_backward
    last = held_texts(scene)
    groups = [name for name in last if "←" in name and name.split()[0] in ("w₁₁", "w₂₁", "v₁₁")]
    assert len(groups) == 3
    for name in groups:
        assert {"0.731", "0.786", "0.690", r"\hat{y} = 1.233"} <= last[name], name
        # the nodes' framed gradients are gone: the key names the red numbers by the
        # weights instead, until the last of them has gone (the last group's end)
        named = {"gradient", r"\partial L/\partial w"} & last[name]
        assert named == (set() if name == groups[-1] else {"gradient", r"\partial L/\partial w"})
        assert r"\partial L/\partial h" not in last[name], name


def test_backwards_update_keeps_every_weight_of_the_layer_on_its_own_edge(post_backward):
    """While the first layer's second group of lines is read, all six of its weights
    stand on screen (the three already updated too, none set aside for good), each
    nearer its own edge than any other: a number between two edges reads as either's."""
    scene = post_backward
    edges = scene.net.diagram.layer_edges(0)
    # the post's first layer after its update, in the diagram's edge order (x₁'s, x₂'s)
    numbers = ["0.793", "0.390", "0.276", "0.193", "0.890", "0.476"]
    held = [labels for cue, labels in scene.held_weights if cue.startswith("w₂₁ ←")]
    assert held
    shown = {text: (seen, centre) for text, seen, centre in held[-1]}  # every line written
    for number, own in zip(numbers, edges):
        assert shown.get(number, (0,))[0] > 0, f"{number} is not on screen"
        centre = shown[number][1]
        near = sorted(distance(centre, e.get_start()[:2], e.get_end()[:2]) for e in edges)
        mine = distance(centre, own.get_start()[:2], own.get_end()[:2])
        assert mine == near[0] and near[1] - mine > 0.14, f"{number} is between edges"


def test_the_cycle_plots_each_loss_as_it_is_computed_and_clears_it_to_loop():
    base = SCENES["cycle"].load()

    class Watched(base):
        output_format = "gif"  # which plays again by itself: the scene ends as it began

        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            if self.captions and hasattr(self, "sketch"):
                dots = [m for m in self.mobjects if isinstance(m, Dot)]
                cue = self.captions[-1][2].split("\n")[0]
                self.seen[cue] = [float(d.get_center()[1]) for d in dots
                                  if d.get_fill_opacity() > 0]
                self.during.setdefault(cue, []).append(self.seen[cue])
                value = self.sketch.value
                self.numbered[cue] = None if value is None else value.tex_string

    Watched.seen, Watched.during, Watched.numbered = {}, {}, {}
    trace = trainer.train(config.load("post"))
    cycle = dry_run.run(Watched, Settings(trace, "post", "dark", "en",
                                          {"precision": 3, "iterations": 3}))
    assert cycle.seen["forward pass (iteration 0)"] == []
    assert len(cycle.seen["loss: L = 0.760"]) == 1
    # the first point's number is the axis's top tick: not written beside it again
    assert cycle.numbered["loss: L = 0.760"] is None
    assert cycle.numbered["loss: L = 0.522"] == "0.522"
    heights = cycle.seen["loss: L = 0.253"]  # after the last of three updates
    assert len(heights) == 4 and heights[0] > heights[1] > heights[2] > heights[3], (
        "the loss goes down")
    assert cycle.seen[cycle.labels["cycle_restart"]] == [], "the last frame is the first"
    assert cycle.captions[-1][2] == cycle.labels["cycle_restart"]
    # the note on ≈ takes its line's place after it was read: the plot keeps its points
    words = " ".join(cycle.labels["approx_short"])
    note = next(cue for *_, cue in cycle.captions if words in cue).split("\n")[0]
    assert note == words, "its own cue: the line it speaks of was read in the one before"
    # (iteration 1's forward pass: iteration 0's loss alone is on the plot)
    assert cycle.during[note] and all(len(points) == 1 for points in cycle.during[note])
    # a loop explains ≈ once: never again in a later iteration, nor during its replay
    assert sum("≈ :" in cue for *_, cue in cycle.captions) == 1


def test_backward_names_each_layers_weights_on_their_edges_before_using_the_names(post_backward):
    """The lines call weights by name (∂L/∂ŷ × v₁₁): first every edge shows its name,
    with a line reading the first few, then its number again."""
    scene = post_backward
    said = lines(scene)
    v_names, w_names = "v₁₁: h₁ → ŷ, v₂₁: h₂ → ŷ, v₃₁: h₃ → ŷ", "w₁₁: x₁ → h₁, w₁₂: x₁ → h₂"
    first_v = next(i for i, line in enumerate(said) if "v₁₁" in line)
    first_w = next(i for i, line in enumerate(said) if "w₁₁" in line)
    assert said[first_v] == v_names and said[first_w].startswith(w_names)
    held = held_texts(scene)
    # where there is room, with the value each one has: v₁₁ = 0.3 (else the names alone)
    assert {"v_{11} = 0.3", "v_{21} = 0.5", "v_{31} = 0.9"} <= held[v_names]
    assert {f"w_{{{i}{j}}}" for i in (1, 2) for j in (1, 2, 3)} <= held[said[first_w]]
    # the numbers are back on the edges for the lines that use them (∂L/∂ŷ × v₁₁ …)
    # (after the naming cue's second line, a weight's local gradient)
    assert said[first_v + 1] == "ŷ = σ(h₁)·v₁₁ + … ⇒ ∂ŷ/∂v₁₁ = σ(h₁)"
    assert "0.3" in held[said[first_v + 2]] and "v_{11}" not in held[said[first_v + 2]]


def test_backward_puts_each_gradient_on_its_edge_with_its_line():
    """No number stands on an edge before the line that derives it: while the lines of
    x₁'s weights are held, x₂'s edges still show their weights; then theirs come."""
    base = SCENES["backward"].load()

    class Watched(base):
        def hold(self, *args, **kwargs):
            cue = self.captions[-1][2].split("\n")[0]
            self.labels_at[cue] = [m.tex_string for m in self.weight_labels]
            if hasattr(self, "net"):
                self.colours_at[cue] = [e.get_stroke_color().to_hex().lower()
                                        for e in self.net.diagram.layer_edges(0)]
            super().hold(*args, **kwargs)

    Watched.labels_at, Watched.colours_at = {}, {}
    trace = trainer.train(config.load("post"))
    scene = dry_run.run(Watched, Settings(trace, "post", "dark", "en", {"precision": 3}))
    held = Watched.labels_at
    first = next(cue for cue in held if cue.startswith("∂L/∂w₁₁"))
    second = next(cue for cue in held if cue.startswith("∂L/∂w₂₁"))
    assert held[first][:6] == ["0.073", "0.104", "0.237", "0.2", "0.9", "0.5"]
    assert held[second][:6] == ["0.073", "0.104", "0.237"] * 2
    # an edge that carries its gradient is drawn in the gradients' colour, not as a
    # weight: x₁'s edges while x₁'s lines are read, x₂'s still grey
    red, grey = scene.theme["gradient"].lower(), scene.theme["muted"].lower()
    colours = Watched.colours_at[first]
    assert colours[:3] == [red] * 3 and colours[3:] == [grey] * 3, colours

def test_gradients_are_framed_and_values_are_not(post_backward):
    """Colour alone cannot tell a value from a gradient for many colour-blind viewers:
    every gradient's number on the diagram is framed in its colour, as the key's
    gradient entry is, and no value is."""
    scene = post_backward
    red = scene.theme["gradient"]

    def frame(label) -> float:
        return float(label.background_rectangle.get_stroke_width())

    assert scene.grad_labels and all(frame(label) > 0 for label in scene.grad_labels)
    assert all(frame(label) == 0 for label in scene.value_labels)
    # the key's gradient entry framed while the nodes' framed gradients are on screen,
    # and not once they are gone (the update's red numbers, by the weights, are not)
    framed = [frames for shown, frames in scene.held_key_frames if shown]
    unframed = [frames for shown, frames in scene.held_key_frames if not shown]
    assert framed and all(frames == [red.lower()] for frames in framed)
    assert any(frames == [] for frames in unframed)


def test_the_cycle_underlines_the_phase_it_lights():
    """The lit phase word is also underlined, in its colour: a mark for viewers who
    cannot tell the colours apart; no phase stays marked once a new iteration starts."""
    base = SCENES["cycle"].load()

    class Watched(base):
        def show_phase(self, phase):
            super().show_phase(phase)
            word, line = self.phase_words[phase], self.phase_line
            self.marks.append((phase, float(line.get_stroke_opacity()),
                               abs(line.get_center()[0] - word.get_center()[0]),
                               line.get_top()[1] < word.get_bottom()[1],
                               line.get_stroke_color().to_hex().lower()))

    Watched.marks = []
    trace = trainer.train(config.load("post"))
    scene = dry_run.run(Watched, Settings(trace, "post", "dark", "en",
                                          {"precision": 3, "iterations": 1}))
    assert [phase for phase, *_ in Watched.marks] == [0, 1, 2, 3, 0, 1]
    for phase, shown, off_centre, below, colour in Watched.marks:
        assert shown == 1 and off_centre < 0.05 and below
        assert colour == scene.theme[scene.PHASE_COLOURS[phase]].lower()
    assert scene.phase_line.get_stroke_opacity() == 0, "unmarked at the replay"
