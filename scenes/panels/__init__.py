"""Panels: the parts of a scene that each show one view of a trace on one clock.

A panel is built from (trace, box, look) and shows any fractional state s (an
iteration, interpolated between recorded states) with ``draw(s)``. It owns its
scales and its legend, and lists the mobjects it draws once (``still``) and those
it changes (``moving``); a ``PanelScene`` adds them so that manim redraws only
the moving ones. The training scene is a composition of them:

- ``NetworkPanel``: edges by weight or gradient, nodes by the probe's activations,
  hidden units as maps (2-D) or curves (1-D) of their activation;
- ``PlanePanel``: the output over the input plane (a decision boundary, or a
  value for regression) with the data, axes and a key;
- ``CurvePanel``: the output over the input line, with the data and residuals;
- ``LossPanel``: the loss curves against the iteration (linear or log axis).

Other scenes compose their own: the landscape scene's ``LandscapePanel``
(``scenes/panels/landscape.py``), the gradients scene's ``LayerBars`` (a bar per
weight layer on a log axis) and ``PathNetwork`` (a ``NetworkPanel`` with one path
and rings on units that pass no gradient).
"""

from scenes.panels.base import Look, Panel, PanelScene
from scenes.panels.curve import CurvePanel
from scenes.panels.loss import LossPanel
from scenes.panels.network import NetworkPanel
from scenes.panels.plane import PlanePanel

__all__ = ["Look", "Panel", "PanelScene", "NetworkPanel", "PlanePanel", "CurvePanel",
           "LossPanel"]
