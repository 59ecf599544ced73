"""Scene names, their classes and what they show; importing this does not import manim."""

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class SceneInfo:
    name: str
    module: str
    cls: str
    summary: str
    default_config: str
    most_configs: int = 1  # how many configs --config takes (a comparison: several)

    def load(self):
        return getattr(import_module(self.module), self.cls)


SCENES: dict[str, SceneInfo] = {
    info.name: info for info in [
        SceneInfo("forward", "scenes.forward", "ForwardScene",
                  "the post's forward pass, node by node, with its arithmetic", "post"),
        SceneInfo("backward", "scenes.backward", "BackwardScene",
                  "the backward pass: the chain rule at every node, then the update", "post"),
        SceneInfo("chain-rule", "scenes.chain_rule", "ChainRuleScene",
                  "z = (x + y)^2 as a computational graph, then a general gate", "post"),
        SceneInfo("graph", "scenes.graph", "GraphScene",
                  "any formula as a computational graph: --expr \"(x + y) * z\" --at x=-2 "
                  "y=5 z=-4", "post"),
        SceneInfo("cycle", "scenes.cycle", "CycleScene",
                  "forward, error, backward, update, repeated: a looping GIF", "post"),
        SceneInfo("training", "scenes.training", "TrainingScene",
                  "network, decision boundary and loss curve learning together", "moons"),
        SceneInfo("landscape", "scenes.landscape", "LandscapeScene",
                  "the loss over a plane of weight space and the path of descent across it "
                  "(--weights w11,v21: exact, over two weights)", "moons"),
        SceneInfo("gradients", "scenes.gradients", "GradientsScene",
                  "the gradient's size in every layer, and the chain of factors that "
                  "shrinks it: why deep sigmoid networks learn slowly", "deep"),
        SceneInfo("compare", "scenes.compare", "CompareScene",
                  "two to four runs side by side on one clock: --vary a key, or several "
                  "configs", "moons", most_configs=4),
    ]
}

# The post's story, in order: what ./render.sh renders with no arguments.
STORY = [name for name in ("forward", "backward", "chain-rule", "cycle", "training")
         if name in SCENES]
