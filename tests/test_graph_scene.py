"""The graph scene: a typed formula (or a unit of a network) as a computational graph,
its forward and backward pass written out. Published circuits show their published
numbers; every line survives a calculator; the picture keeps its texts apart, in the
frame and large enough; bad input is refused in one line before any work."""

import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from core import config, trainer, unit_graph
from core.errors import ConfigError
from core.expression import parse, variables
from core.graph import build
from scenes.graph import GraphScene, wiring
from scenes.graph_arith import GraphArithmetic
from scenes.layout import inside_safe_area, overlap, segment_meets_box
from scenes.options import resolve
from scenes.settings import Settings
from scenes.story import MIN_TEXT_SIZE, TEX_SIZE
from tests import dry_run
from tests.arithmetic import check_line, count_checked

ROOT = Path(__file__).resolve().parent.parent

# cs231n's two circuits and its staged example, micrograd's neuron (tanh expanded: its
# exp is a fork), a fork through max, and every other function once
EXAMPLES = {
    "cs231n": ("(x + y) * z", "x=-2 y=5 z=-4", False),
    "neuron": ("sigmoid(w0*x0 + w1*x1 + w2)", "w0=2 x0=-1 w1=-3 x1=-2 w2=-3", True),
    "staged": ("(x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)", "x=3 y=-4", False),
    "micrograd": ("tanh(x1*w1 + x2*w2 + b)", "x1=2 x2=0 w1=-3 w2=1 b=6.8813735870195432",
                  True),
    "fork": ("x*y + max(x, y)", "x=3 y=-2", False),
    "routes": ("relu(a - b) * abs(c) + min(a, c)", "a=4 b=1.5 c=-0.5", False),
    "powers": ("sqrt(a) / 2 + 2^c - log(b) * b^3", "a=4 b=1.5 c=-0.5", False),
}


def options(expr: str, at: str, expand: bool, **more) -> dict:
    return resolve(GraphScene.OPTIONS, {"expr": expr, "at": at, "expand": expand} | more)


def graph_layout(expr: str, at: str, expand: bool):
    """The graph, its layout and the area it was laid out in."""
    opts = options(expr, at, expand)
    _, graph, display = GraphScene.graph_of(opts)
    arith = GraphArithmetic(graph, GraphScene.decimals(opts, graph, display), display)
    title = GraphScene.title_words(opts, graph, display)
    return graph, GraphScene.arrange_or_refuse(graph, arith, title), GraphScene.area(graph,
                                                                                    title)


def text_meets_wire(layout) -> list:
    return [(k, w) for k, b in enumerate(layout.texts()) for w in layout.wires
            if any(segment_meets_box(p, q, b) for p, q in zip(w, w[1:]))]


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_layout_keeps_every_text_apart_off_the_wires_and_in_its_area(name):
    graph, layout, area = graph_layout(*EXAMPLES[name])
    assert not layout.crowded(pad=0.0), "two texts, or a text and a circle, overlap"
    assert not text_meets_wire(layout), "a wire runs through a number or a name"
    for box in layout.boxes():
        assert area[0] - 1e-9 <= box[0] and box[2] <= area[2] + 1e-9
        assert area[1] - 1e-9 <= box[1] and box[3] <= area[3] + 1e-9
    # inputs left of every gate they feed, the output rightmost
    x = [c[0] for c in layout.centre]
    assert x[-1] == max(x)
    assert all(x[j] < x[k] for k, node in enumerate(graph.nodes) for j in wiring(graph)[k])


def random_formula(rng: random.Random, depth: int) -> str:
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(["a", "b", "c", "d", "2", "0.5"])
    kind = rng.random()
    if kind < 0.5:
        op = rng.choice(["+", "-", "*", "/"])
        return f"({random_formula(rng, depth - 1)} {op} {random_formula(rng, depth - 1)})"
    fn = rng.choice(["sigmoid", "tanh", "exp", "relu", "abs"])
    return f"{fn}({random_formula(rng, depth - 1)})"


def test_random_formulas_fit_or_are_refused_with_the_reason():
    rng, fitted, refused = random.Random(7), 0, 0
    for _ in range(80):
        text = random_formula(rng, 4)
        names = variables(parse(text))
        if not names:
            continue
        at = " ".join(f"{n}={rng.choice([0.7, -1.2, 1.5, 2.0])}" for n in names)
        try:
            GraphScene.check_config({}, options(text, at, False))
        except ConfigError as err:
            assert re.search(r"does not fit|at most \d+|division by zero|overflows|single var",
                             str(err)), str(err)
            refused += 1
            continue
        fitted += 1
        _, layout, _ = graph_layout(text, at, False)
        assert not layout.crowded(pad=0.0) and not text_meets_wire(layout), text
    assert fitted >= 40, f"only {fitted} of the random formulas fit ({refused} refused)"


# --- the scene, run without frames ---------------------------------------------------

def run_scene(opts: dict, source="post"):
    trace = trainer.train(config.load(source))
    return dry_run.run(GraphScene, Settings(trace, "post", "dark", "en", opts),
                       typeset_ahead=True)


@pytest.fixture(scope="module")
def scenes():
    runs = {name: run_scene(options(*spec)) for name, spec in EXAMPLES.items()}
    for unit in ("h1", "y"):
        runs[f"unit {unit}"] = run_scene(resolve(GraphScene.OPTIONS, {"unit": unit}))
    return runs


def caption_lines(scene) -> list[str]:
    return [line for _, _, text in scene.captions for line in text.split("\n")]


@pytest.mark.parametrize("name", [*EXAMPLES, "unit h1", "unit y"])
def test_every_line_survives_a_calculator(scenes, name):
    scene = scenes[name]
    lines = caption_lines(scene)
    problems = [p for line in lines for p in check_line(line, 2)]
    assert not problems, problems
    gates = len(scene.graph.gates)
    # a forward line per gate and a downstream line per wire into a gate, checked
    assert sum(count_checked(line) for line in lines) >= gates + sum(
        s.name not in scene.no_gradient for g in scene.graph.gates for s in g.inputs)


def last_caption(scene) -> str:
    return scene.captions[-1][2]


@pytest.mark.parametrize("name,published", [
    ("cs231n", {"f": -12, "∂f/∂x": -4, "∂f/∂y": -4, "∂f/∂z": 3}),
    ("neuron", {"f": 0.73, "∂f/∂w₀": -0.20, "∂f/∂x₀": 0.39, "∂f/∂w₁": -0.39, "∂f/∂x₁": -0.59,
                "∂f/∂w₂": 0.20}),
    ("micrograd", {"f": 0.71, "∂f/∂x₁": -1.5, "∂f/∂w₁": 1.0, "∂f/∂x₂": 0.5, "∂f/∂w₂": 0.0}),
])
def test_published_circuits_show_their_published_numbers(scenes, name, published):
    """At the scene's two decimals, as cs231n and micrograd print them."""
    final = last_caption(scenes[name])
    for what, number in published.items():
        shown = re.search(rf"(?:^|, |\n){re.escape(what)} = ([−\d.]+)", final)
        assert shown, (what, final)
        assert float(shown.group(1).replace("−", "-")) == pytest.approx(number, abs=0.005)


def test_the_patterns_are_named_when_they_first_happen(scenes):
    def said(name):
        return " ".join(text for _, _, text in scenes[name].captions)

    assert "+ distributes" in said("cs231n") and "× swaps" in said("cs231n")
    assert "route" in said("fork") and "A fork sums" in said("fork")
    # the fork's gradient is written as the sum of its parts: ∂f/∂x = y + 1 = −1
    assert any(re.fullmatch(r"∂f/∂x = \S+ \+ \S+ = −1", line)
               for line in caption_lines(scenes["fork"]))
    assert "A fork sums" in said("micrograd"), "expanded tanh uses exp(2x) twice"


@pytest.mark.parametrize("name", [*EXAMPLES, "unit h1", "unit y"])
def test_texts_stay_apart_in_the_frame_and_large_enough(scenes, name):
    scene = scenes[name]
    assert scene.snapshots
    for moment, texts in scene.snapshots:
        for kind, text, box, size, _ in texts:
            assert inside_safe_area(box), (moment, text)
            assert size >= (TEX_SIZE if kind == "MathTex" else MIN_TEXT_SIZE) - 1e-6, text
        boxes = [t[2] for t in texts]
        for k, b in enumerate(boxes):
            shared = overlap(b, boxes[k + 1:])
            assert shared < 1e-3, (moment, texts[k][1], [t[1] for t in texts
                                                         if overlap(b, [t[2]]) > 1e-3])


def test_no_line_defines_a_gradient_by_itself(scenes):
    """At the output gate the downstream gradient is its local one: written as
    ∂f/∂f · ∂f/∂t = 1 × …, never as ∂f/∂t = ∂f/∂f · ∂f/∂t."""
    for scene in scenes.values():
        for line in caption_lines(scene):
            named = re.match(r"(∂\w+/∂\S+) = (.*)", line)
            assert not (named and named.group(1) in named.group(2).split(" = ")[0]), line


def test_a_forks_wires_part_at_a_dot():
    from scenes.graph_forks import junctions

    graph, layout, _ = graph_layout(*EXAMPLES["fork"])
    dots = junctions(layout)
    assert len(dots) == 2, "x and y each feed two gates"
    for dot in dots:  # on the level stretch of the node whose wires part there
        owners = {i for w, (i, _) in zip(layout.wires, layout.wire_ends)
                  if any(abs(p[1] - dot[1]) < 1e-6 and abs(p[0] - dot[0]) < 1e-6 for p in w)}
        assert len(owners) == 1
    _, single, _ = graph_layout(*EXAMPLES["cs231n"])
    assert junctions(single) == []


def distance(box, wire) -> float:
    """The least distance from a box to a wire (a polyline), sampled along the wire."""
    least = float("inf")
    for (x0, y0), (x1, y1) in zip(wire, wire[1:]):
        steps = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) / 0.01))
        for t in range(steps + 1):
            x, y = x0 + (x1 - x0) * t / steps, y0 + (y1 - y0) * t / steps
            dx, dy = max(box[0] - x, 0, x - box[2]), max(box[1] - y, 0, y - box[3])
            least = min(least, (dx * dx + dy * dy) ** 0.5)
    return least


@pytest.mark.parametrize("name", ["staged", "fork"])
def test_a_forks_parts_stand_by_their_own_wires_and_add_up_to_its_gradient(scenes, name):
    scene, ga = scenes[name], scenes[name].ga
    nodes, place = scene.graph.nodes, scene.place
    forks = {j for j, _ in scene.parts}
    assert forks, "some fork of the example has room for its parts"
    sums = dict(m.groups() for m in (re.fullmatch(r"(∂f/∂\S+) = (\S+(?: \+ \S+)+) [=≈] \S+",
                                                  line) for line in caption_lines(scene)) if m)
    for j in forks:
        readers = scene.graph.consumers(nodes[j])
        ends = {(j, nodes.index(r)) for r in readers}
        assert ends <= set(scene.parts), "a fork shows all its parts or none"
        shown = []
        for end in ends:
            part = scene.parts[end]
            box = (part.get_left()[0], part.get_bottom()[1], part.get_right()[0],
                   part.get_top()[1])
            near = {e: distance(box, w) for w, e in zip(place.wires, place.wire_ends)}
            assert near[end] < 0.12, "next to its own wire"
            assert all(d > 0.12 for e, d in near.items() if e != end), "clear of the others"
            reader = nodes[end[1]]
            slot = next(k for k, i in enumerate(reader.inputs) if i is nodes[j])
            assert part.tex_string == ga.n(reader.grad * reader.local[slot])
            shown.append(part.tex_string.replace("-", "−"))
        # the sum written at the node adds exactly the parts on the wires
        terms = sums[ga.partial(scene.graph.output, nodes[j])[1]].split(" + ")
        assert sorted(t.strip("()") for t in terms) == sorted(shown)


def test_a_unit_says_what_its_held_number_is_and_skips_the_labels_gradient(scenes):
    said = caption_lines(scenes["unit h1"])
    assert said[0].startswith("L = ½(v₁₁ · σ(w₁₁ · x₁ + w₂₁ · x₂) + 1.01 − y)²")
    assert any(line.startswith("1.01 = v₂₁·σ(h₂) + v₃₁·σ(h₃) = 0.5 × 0.79 + 0.9 × 0.69")
               for line in said)
    assert not any("∂L/∂y" in line for line in said)
    assert any(line.startswith("∂L/∂w₁₁ = ") for line in said)
    # its gates go by the network's names: the sum h₁, its output σ(h₁), the output ŷ
    # (the post: h₁ = 0.8 + 0.2 = 1, σ(1) = 0.73, ŷ = 0.3 × 0.73 + 1.01 ≈ 1.23)
    forward = [line.partition(": ")[2] for line in said if line.startswith("forward pass")]
    assert "h₁ = t₁ + t₂ = 0.8 + 0.2 = 1" in forward
    assert "σ(h₁) = σ(1) = 0.73" in forward, "named by its form: said once"
    assert any(line.startswith("ŷ = ") and line.endswith("1.23") for line in forward)
    assert any(line.startswith("∂L/∂h₁ = ∂L/∂σ(h₁) · ∂σ(h₁)/∂h₁ = ") for line in said)
    assert any(line.partition(": ")[2].startswith("ŷ = t₃ + t₄ = ")
               for line in caption_lines(scenes["unit y"]))


# --- a unit of a network ---------------------------------------------------------------

BCE = {"network": {"layers": [2, 3, 1], "activation": "tanh", "output": "sigmoid",
                   "loss": "bce", "bias": True, "seed": 3},
       "data": {"dataset": "inline", "X": [[0.5, -1.0], [1.0, 2.0]], "y": [1, 0]},
       "train": {"iterations": 2, "batch_size": 2}}


@pytest.mark.parametrize("source,probe", [("post", 0), (BCE, 0)])
def test_a_units_graph_has_the_traces_own_loss_and_gradients(source, probe):
    trace = trainer.train(config.load(source) if isinstance(source, str)
                          else config.resolve(source))
    for unit in [f"h{j + 1}" for j in range(trace.layers[1])] + ["y"]:
        tree, values = unit_graph.formula(trace, unit)
        graph = build(tree, values)
        assert graph.output.value == pytest.approx(float(trace.probe_losses[0, probe]),
                                                   rel=1e-12)
        dw, dv = trace.probe_weight_gradients(0)[0, probe], trace.probe_weight_gradients(1)[0,
                                                                                            probe]
        grads = {node.name: node.grad for node in graph.inputs}
        if unit == "y":
            for k in range(trace.layers[1]):
                assert grads[f"v{k + 1}1"] == pytest.approx(float(dv[k, 0]), rel=1e-9)
        else:
            j = int(unit[1:]) - 1
            for i in range(trace.layers[0]):
                assert grads[f"w{i + 1}{j + 1}"] == pytest.approx(float(dw[i, j]), rel=1e-9)
            assert grads[f"v{j + 1}1"] == pytest.approx(float(dv[j, 0]), rel=1e-9)


def test_a_unit_the_network_does_not_have_or_cannot_draw_is_refused():
    post = config.load("post")
    with pytest.raises(ConfigError, match="its units: h1, h2, h3, y"):
        unit_graph.check(post, "h4")
    deep = config.resolve({"network": {"layers": [2, 4, 4, 1]}})
    with pytest.raises(ConfigError, match="one hidden layer"):
        unit_graph.check(deep, "h1")


# --- the command line -------------------------------------------------------------------

BAD = {  # arguments -> what the one line must say
    ("--expr", "x + * y", "--at", "x=1", "y=2"): "column 5",
    ("--expr", "foo(x)", "--at", "x=1"): "unknown function 'foo'",
    ("--expr", "x * y", "--at", "x=1"): "give a value for y",
    ("--expr", "x * y", "--at", "x=1", "y=2", "z=3"): "does not use",
    ("--expr", "log(x) * y", "--at", "x=-1", "y=2"): "log of -1",
    ("--expr", "x / (y - y)", "--at", "x=1", "y=2"): "division by zero",
    ("--expr", "__import__('os').system('touch pwned') * x", "--at", "x=1"): "unexpected",
    ("--expr", "x.__class__ * y", "--at", "x=1", "y=2"): "unexpected",
    ("--expr", "exp(exp(exp(x))) * y", "--at", "x=10", "y=1"): "overflows",
    ("--expr", "a*b + c*d + e*g + h*k + m*n + p*r + s*u", "--at", "a=1", "b=1", "c=1", "d=1",
     "e=1", "g=1", "h=1", "k=1", "m=1", "n=1", "p=1", "r=1", "s=1", "u=1"): "at most 25",
    ("--at", "x=one"): "is not a number",
    ("--unit", "h9"): "its units: h1, h2, h3, y",
    ("--unit", "h1", "--expr", "x * y"): "drop --expr",
}


@pytest.fixture(scope="module")
def refusals(tmp_path_factory):
    base = tmp_path_factory.mktemp("graph-cli")

    def run(number_args):
        number, args = number_args
        folder = base / str(number)
        folder.mkdir()
        out = folder / "out.mp4"
        done = subprocess.run([sys.executable, "-m", "cli", "graph", *args, "-o", str(out)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        return args, done, sorted(p.name for p in folder.iterdir())

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(run, enumerate(BAD)))


def test_bad_input_is_one_line_exit_2_and_no_file(refusals):
    for args, done, files in refusals:
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1, (args, done.stderr)
        assert BAD[args] in lines[0], (args, lines[0])
        assert "Traceback" not in done.stderr and files == [], (args, files)
    assert not (ROOT / "pwned").exists()


def test_at_takes_several_words_and_a_deck_passes_them_on():
    from cli.args import scene_parser
    from scenes.registry import SCENES

    info = SCENES["graph"]
    args = scene_parser(info).parse_args(["--expr", "x*y", "--at", "x=1", "y=-2"])
    at = next(o for o in GraphScene.OPTIONS if o.name == "at")
    assert at.check(args.at) == "x=1 y=-2"
    assert at.as_argv("x=1 y=-2") == ["--at", "x=1", "y=-2"]
