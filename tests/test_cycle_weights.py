"""The cycle's weights as numbers on their edges (scenes.cycle_weights): ŷ reads off
the picture, and every update is seen as every number changes."""

from core import config
from tests import dry_run
from tests.test_story_endings import lines

POST = config.load("post")


def test_the_cycles_output_comes_from_numbers_on_the_diagram():
    """ŷ is worked out from the values above the hidden nodes and the output weights
    on their edges; every weight stands on its edge, and the update changes every
    number, not only the one weight worked through (as the backward scene's update
    lines compute them: w₁₁ 0.8 → 0.793, …, v₃₁ 0.9 → 0.815), while the values the
    old weights gave dim."""
    cycle = dry_run.run_example("cycle", POST, {"precision": 3, "iterations": 1}, "post")
    said = lines(cycle)
    assert said.index("ŷ = 0.731 × 0.3 + 0.786 × 0.5 + 0.690 × 0.9 = 1.233") < said.index(
        "ŷ = 0.728 × 0.210 + 0.782 × 0.403 + 0.680 × 0.815 = 1.022")
    shown = {name: {text for _, text, *_ in texts} for name, texts in cycle.snapshots}
    first, second = shown["forward pass (iteration 0)"], shown["forward pass (iteration 1)"]
    old_weights = {"0.8", "0.4", "0.3", "0.2", "0.9", "0.5"}
    new_weights = {"0.793", "0.390", "0.276", "0.193", "0.890", "0.476", "0.210", "0.403",
                   "0.815"}
    assert old_weights | {"0.731", "0.786", "0.690", r"\hat{y} = 1.233"} <= first
    assert new_weights | {"0.728", "0.782", "0.680", r"\hat{y} = 1.022"} <= second
    assert not old_weights & second
    update = next(texts for name, texts in reversed(list(shown.items()))
                  if name.startswith("weight update"))
    assert new_weights <= update and not {"0.731", "0.786", "0.690"} & update
