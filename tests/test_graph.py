"""The chain-rule graph against the expanded derivative and finite differences."""

import pytest

from core.graph import Node, backward, square_of_sum


@pytest.mark.parametrize("x,y", [(1, 2), (-1.5, 0.25), (0, 0), (3, -3)])
def test_square_of_sum_matches_the_expanded_derivative(x, y):
    g = square_of_sum(x, y)
    assert g["t"].value == x + y and g["z"].value == (x + y) ** 2
    assert g["t"].grad == 2 * (x + y)                 # dz/dt = 2t
    assert g["x"].grad == 2 * x + 2 * y == g["y"].grad  # the post's 2x + 2y
    assert g["x"].upstream_parts == [g["t"].grad * 1.0]  # the + gate passes it on


def test_product_gate_and_shared_inputs_against_finite_differences():
    def f(a, b):
        x, y = Node(a, "x"), Node(b, "y")
        out = (x * y + x).square()
        backward(out)
        return out, x, y

    out, x, y = f(0.7, -1.3)
    eps = 1e-6
    dx = (f(0.7 + eps, -1.3)[0].value - f(0.7 - eps, -1.3)[0].value) / (2 * eps)
    dy = (f(0.7, -1.3 + eps)[0].value - f(0.7, -1.3 - eps)[0].value) / (2 * eps)
    assert abs(x.grad - dx) < 1e-8 and abs(y.grad - dy) < 1e-8
    assert len(x.upstream_parts) == 2, "x feeds two gates: its gradient is a sum"
