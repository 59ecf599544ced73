"""What each red number of the backward scene is, without narration: a node's gradient
named where the name fits, framed; an edge's gradient told by its edge, unframed; a
key that names the gradients no sooner than an edge shows one; and a word that the
output has no σ, where it has none."""

import pytest
from manim import Text

from core import config, trainer
from scenes import layout
from scenes.edge_labels import opacity
from scenes.registry import SCENES
from scenes.settings import Settings
from tests import dry_run
from tests.test_story_endings import lines
from tests.test_story_numbers import EXAMPLES

POST = config.load("post")


class Watched(SCENES["backward"].load()):
    """Records after every step the key's texts, whether any edge is drawn in the
    gradients' colour, and the frames of the edge labels in that colour; and the
    title with the key's words then seen, and whether a gradient the update takes
    stands on its edge."""

    def play(self, *args, **kwargs):
        super().play(*args, **kwargs)
        if not hasattr(self, "net"):
            return
        red = self.theme["gradient"].lower()
        key = {getattr(m, "tex_string", "") for m in self.legend.get_family()}
        edges = [e for layer in range(len(self.trace.layers) - 1)
                 for e in self.net.diagram.layer_edges(layer)]
        self.steps.append((key, any(e.get_stroke_color().to_hex().lower() == red
                                    for e in edges)))
        self.titled_keys.append((self.title_mobject.text, {
            m.text for m in self.legend.get_family() if isinstance(m, Text) and opacity(m) > 0},
            any(opacity(m) > 0.5 for m in self.used_gradients)))
        self.edge_frames += [
            float(label.background_rectangle.get_stroke_width()) for label in self.weight_labels
            if label.get_color().to_hex().lower() == red]

    def write_rows(self, shown, also):
        """(each line's TeX, its colour) of the blocks written at the hidden nodes."""
        self.written.append([(line.get_tex_string(), line.get_color().to_hex().lower())
                             for line in shown if hasattr(line, "get_tex_string")])
        super().write_rows(shown, also)


@pytest.fixture(scope="module")
def post():
    Watched.steps, Watched.edge_frames, Watched.written, Watched.titled_keys = [], [], [], []
    return dry_run.run(Watched, Settings(trainer.train(POST), "post", "dark", "en",
                                         {"precision": 3}))


def test_a_nodes_gradient_is_named_where_the_name_fits_clear_of_every_edge(post):
    """The post's ŷ has room for its name; h₁ and h₂, hemmed in by edges and values,
    show their numbers alone, and so does h₃, which has room: a hidden layer's are all
    named or all numbers (the key names them), one named beside two bare numbers
    reading as another kind of number."""
    texts = [label.tex_string for label in post.grad_labels]
    assert texts[0] == r"\partial L/\partial \hat{y} = 1.233"
    assert texts[1:] == ["0.073", "0.104", "0.237"]
    for label, text in zip(post.grad_labels, texts):
        if "partial" in text:
            assert not post.net.crosses_edges(layout.box(label)), text


def test_sigma_prime_is_written_in_the_texts_colour_and_the_gradients_in_red(post):
    """At each hidden node, ∂L/∂σ(h) and ∂L/∂h are gradients of L, red as the key
    says; σ′(h) is the activation's own slope, no gradient of L: not red."""
    red, white = post.theme["gradient"].lower(), post.theme["text"].lower()
    blocks = [rows for rows in post.written if any(tex.startswith(r"\sigma'") for tex, _ in rows)]
    assert len(blocks) == 3  # h₁, h₂, h₃
    for rows in blocks:
        colours = {tex.split("=")[0].strip(): colour for tex, colour in rows}
        assert [colour for name, colour in colours.items() if name.startswith(r"\sigma'")] == [
            white]
        assert [colour for name, colour in colours.items() if name.startswith(r"\partial")] == [
            red, red]


def test_an_edges_gradient_is_unframed_and_a_nodes_is_framed(post):
    """The frame marks a node's gradient, as the key's framed "gradient" entry; an
    edge's gradient lies on an edge drawn as the key's gradient edge, unframed: the
    ten red numbers of ∂L/∂w are not ten boxes alike."""
    assert post.edge_frames and all(width == 0 for width in post.edge_frames)
    assert all(float(label.background_rectangle.get_stroke_width()) > 0
               for label in post.grad_labels)


def test_the_key_names_gradients_no_sooner_than_an_edge_shows_one(post):
    # (the edges' row of the key: "∂L/∂w:"; the update's key names ∂L/∂w too, for the
    # red numbers beside the weights, in the entry of the gradients' colour)
    named = [red for key, red in post.steps if r"\partial L/\partial w:" in key]
    assert named and all(named)
    # and before it, the weights' key over edges drawn by their weights
    first = next(i for i, (key, _) in enumerate(post.steps)
                 if r"\partial L/\partial w:" in key)
    assert not any(red for _, red in post.steps[:first])


def test_the_key_names_gradients_only_once_the_backward_pass_begins(post):
    """At 0:04 the title said "forward pass" while the key's framed "gradient" stood
    beside it: under the forward pass's result the key names values alone, and the
    gradients' entry comes with the backward pass's title. At the update (2:12) it
    named ∂L/∂w while no gradient was on screen: it comes with the first red number
    the update takes on its edge, and it leaves with the last of them (at 3:05 it
    stood over new weights with nothing red on screen)."""
    gradient = post.labels["gradient"]
    seen = {title: set() for title, *_ in post.titled_keys}
    for title, words, _ in post.titled_keys:
        seen[title].add(gradient in words)
    # (a Text's text has no spaces)
    assert seen[post.labels["forward"].replace(" ", "")] == {False}
    assert seen[post.labels["backward"].replace(" ", "")] == {True}
    # (from the update's key of the weights on: before it, the nodes' gradients stand)
    update = [(gradient in words, red) for (key, _), (title, words, red)
              in zip(post.steps, post.titled_keys)
              if title == post.labels["update"].replace(" ", "") and "w:" in key]
    named = [k for k, (key, _) in enumerate(update) if key]
    reds = [k for k, (_, red) in enumerate(update) if red]
    assert named and reds and named[0] >= reds[0]
    assert named[-1] <= reds[-1], "no step names them after the last is gone"


def test_a_linear_output_is_said_to_have_no_sigma_where_its_error_is_written(post):
    said = lines(post)
    error = next(i for i, line in enumerate(said) if line.startswith("backward pass: ∂L/∂ŷ"))
    assert said[error + 1] == "The output is linear (no σ)."


def test_a_sigmoid_output_gets_no_such_note():
    scene = dry_run.run_example("backward", config.resolve(EXAMPLES["full-batch"]),
                                {"precision": 3})
    assert "The output is linear (no σ)." not in lines(scene)



def test_each_weights_local_gradient_is_said_before_its_gradients(post):
    """Why ∂L/∂v₁₁ = ∂L/∂ŷ × σ(h₁) and ∂L/∂w₁₁ = ∂L/∂h₁ × x₁: a weight meets its input
    at a × gate, whose local gradient is that input; said with the weights' names,
    before the lines that use it."""
    said = lines(post)
    for why, used in (("ŷ = σ(h₁)·v₁₁ + … ⇒ ∂ŷ/∂v₁₁ = σ(h₁)",
                       "∂L/∂v₁₁ = ∂L/∂ŷ × ∂ŷ/∂v₁₁ = ∂L/∂ŷ × σ(h₁) = 1.233 × 0.731 ≈ 0.902"),
                      ("h₁ = x₁·w₁₁ + … ⇒ ∂h₁/∂w₁₁ = x₁",
                       "∂L/∂w₁₁ = ∂L/∂h₁ × x₁ = 0.073 × 1 = 0.073")):
        assert said.count(why) == 1 and said.index(why) < said.index(used), why


def test_a_hidden_nodes_lines_come_one_at_a_time(post):
    """Upstream, local, downstream: each row read before the next is written, a
    second between them; then all three stand together."""
    upstream = r"\partial L/\partial \sigma(h_{1}) = \partial L/\partial \hat{y} \times v_{11}"
    local = r"\sigma'(h_{1}) = \sigma(h_{1})(1 - \sigma(h_{1}))"

    def shown(texts, start):
        return any(text.startswith(start) for _, text, *_ in texts)

    moments = [(shown(texts, upstream), shown(texts, local)) for _, texts in post.snapshots]
    alone = [k for k, (up, lo) in enumerate(moments) if up and not lo]
    both = [k for k, (up, lo) in enumerate(moments) if up and lo]
    assert alone and both and alone[0] < both[0]
