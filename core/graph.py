"""A tiny computational graph for worked chain-rule examples (micrograd style).

Each node keeps its value, its inputs and the local derivative with respect to
each input; ``backward`` fills in dOut/dNode for every node by the chain rule:
downstream = upstream x local. Scenes draw these numbers; they compute none.
"""

from dataclasses import dataclass, field


@dataclass(eq=False)
class Node:
    """A value in the graph; ``op`` is '' for an input."""

    value: float
    name: str
    op: str = ""
    inputs: tuple["Node", ...] = ()
    local: tuple[float, ...] = ()  # d self / d input, per input
    grad: float = 0.0
    upstream_parts: list[float] = field(default_factory=list)

    def __add__(self, other: "Node") -> "Node":
        return Node(self.value + other.value, f"({self.name}+{other.name})", "+",
                    (self, other), (1.0, 1.0))

    def __mul__(self, other: "Node") -> "Node":
        return Node(self.value * other.value, f"{self.name}*{other.name}", "*",
                    (self, other), (other.value, self.value))

    def square(self) -> "Node":
        return Node(self.value**2, f"{self.name}^2", "^2", (self,), (2 * self.value,))


def topological(out: Node) -> list[Node]:
    """Nodes in an order where every node comes after its inputs."""
    order, seen = [], set()

    def visit(node: Node) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.inputs:
            visit(parent)
        order.append(node)

    visit(out)
    return order


def backward(out: Node) -> list[Node]:
    """Set every node's grad to d out / d node; returns the nodes, output last."""
    order = topological(out)
    for node in order:
        node.grad, node.upstream_parts = 0.0, []
    out.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.inputs, node.local):
            part = node.grad * local
            parent.upstream_parts.append(part)
            parent.grad += part
    return order


def square_of_sum(x: float, y: float) -> dict[str, Node]:
    """The post's example z = (x + y)^2 with t = x + y, after the backward pass."""
    nx, ny = Node(float(x), "x"), Node(float(y), "y")
    t = nx + ny
    t.name = "t"
    z = t.square()
    z.name = "z"
    backward(z)
    return {"x": nx, "y": ny, "t": t, "z": z}
