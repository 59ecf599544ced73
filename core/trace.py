"""The trace: every recorded state of a training run, and its .npz file.

Arrays (S = number of states kept, S - 1 updates; see README for the full list):
``W{i}``/``b{i}`` (S, ...), ``dW{i}``/``db{i}`` (S - 1, ...), ``loss`` (S,),
``Z{i}``/``A{i}``/``delta{i}`` (S, n_probe, width), decision grids, and ``meta``,
a JSON string with the resolved config and what was run.

Read them through ``Trace``'s methods, which number layers as the network diagram
does: node layer 0 is the input, node layer L the output, and weight layer i joins
node layer i to node layer i + 1. Only the file keeps the arrays' own names.
"""

import json
import os
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from core import files
from core.config import Config
from core.errors import ConfigError
from core.network import Network

FORMAT_VERSION = 1


@dataclass
class Trace:
    """Named arrays plus metadata; state t is the network after t updates."""

    arrays: dict[str, np.ndarray]
    meta: dict

    def __getitem__(self, key: str) -> np.ndarray:
        return self.arrays[key]

    def __contains__(self, key: str) -> bool:
        return key in self.arrays

    @property
    def layers(self) -> list[int]:
        """Node layer sizes, input first."""
        return list(self.meta["layers"])

    @cached_property
    def config(self) -> Config:
        """The resolved config the run was trained with, as attributes:
        ``trace.config.network.activation``."""
        return Config.from_dict(self.meta["config"])

    @property
    def loss(self) -> np.ndarray:
        """(S,) mean training loss (with the L2 penalty) of every state."""
        return self.arrays["loss"]

    @property
    def accuracy(self) -> np.ndarray | None:
        """(S,) training accuracy of every state; None for regression."""
        return self.arrays.get("accuracy")

    @property
    def val_loss(self) -> np.ndarray | None:
        """(S,) validation loss; None without a validation split."""
        return self.arrays.get("val_loss")

    @property
    def val_accuracy(self) -> np.ndarray | None:
        return self.arrays.get("val_accuracy")

    @property
    def X(self) -> np.ndarray:
        """(n, inputs) the training inputs (after standardising, if asked)."""
        return self.arrays["X"]

    @property
    def y(self) -> np.ndarray:
        """The training labels, or real targets (n, outputs) for mse and sse."""
        return self.arrays["y"]

    @property
    def X_val(self) -> np.ndarray:
        return self.arrays["X_val"]

    @property
    def y_val(self) -> np.ndarray:
        return self.arrays["y_val"]

    @property
    def probes(self) -> np.ndarray:
        """Indices (into the training data) of the samples whose values are recorded."""
        return self.arrays["probe"]

    @property
    def probe_losses(self) -> np.ndarray:
        """(S, n_probe) each probe sample's own loss at every state."""
        return self.arrays["probe_loss"]

    @property
    def batch_sizes(self) -> np.ndarray:
        """(S - 1,) how many samples the update after each state averaged."""
        return self.arrays["batch_size"]

    @property
    def probe_in_batch(self) -> np.ndarray:
        """(S - 1, n_probe) whether each probe was in the batch of that update."""
        return self.arrays["probe_in_batch"]

    # --- node layers (0 = input, L = output): the probe samples' values, (S, n_probe, width)

    def _node(self, key: str, layer: int, hidden_only: bool = False) -> np.ndarray:
        last = self.n_weight_layers - (1 if hidden_only else 0)
        if not 1 <= layer <= last:
            kind = "hidden layers" if hidden_only else "node layers"
            raise IndexError(f"{key}: {kind} are numbered 1 to {last}, got {layer}")
        return self.arrays[f"{key}{layer - 1}"]

    def pre_activations(self, layer: int) -> np.ndarray:
        """z = weighted sum (+ bias) of node layer ``layer`` >= 1."""
        return self._node("Z", layer)

    def activations(self, layer: int) -> np.ndarray:
        """a = f(z) of node layer ``layer``; layer 0 gives the probes' inputs."""
        if layer == 0:
            inputs = self.arrays["X"][self.probes]
            return np.broadcast_to(inputs, (self.n_states, *inputs.shape))
        return self._node("A", layer)

    def deltas(self, layer: int) -> np.ndarray:
        """∂L/∂z of each probe's own loss at node layer ``layer`` >= 1."""
        return self._node("delta", layer)

    def upstream(self, layer: int) -> np.ndarray:
        """∂L/∂a at a hidden layer: what the chain rule brings back to its outputs."""
        return self._node("grad_A", layer, hidden_only=True)

    def local_derivatives(self, layer: int) -> np.ndarray:
        """f'(z) at a hidden layer: the activation's own derivative."""
        return self._node("local", layer, hidden_only=True)

    # --- weight layers (i joins node layer i to i + 1)

    def _edge(self, key: str, layer: int) -> np.ndarray:
        if not 0 <= layer < self.n_weight_layers:
            raise IndexError(f"{key}: weight layers are numbered 0 to "
                             f"{self.n_weight_layers - 1}, got {layer}")
        return self.arrays[f"{key}{layer}"]

    def weight_history(self, layer: int) -> np.ndarray:
        """(S, fan_in, fan_out) weights of ``layer`` at every state."""
        return self._edge("W", layer)

    def bias_history(self, layer: int) -> np.ndarray:
        """(S, fan_out) biases of ``layer`` at every state."""
        return self._edge("b", layer)

    def weight_gradients(self, layer: int) -> np.ndarray:
        """(S - 1, fan_in, fan_out) ∂L/∂W the update after each state used (its batch)."""
        return self._edge("dW", layer)

    def bias_gradients(self, layer: int) -> np.ndarray:
        """(S - 1, fan_out) ∂L/∂b the update after each state used."""
        return self._edge("db", layer)

    def probe_weight_gradients(self, layer: int) -> np.ndarray:
        """(S, n_probe, fan_in, fan_out) each probe's own ∂L/∂W at every state."""
        return self._edge("probe_dW", layer)

    # --- the output over the input line (1-D) or plane (2-D); none for more inputs

    @property
    def grid_states(self) -> np.ndarray:
        """Which states have a grid, ascending."""
        return self.arrays["grid_iter"]

    @property
    def grid_extent(self) -> tuple[float, ...]:
        """(xmin, xmax, ymin, ymax) of the grids' input plane; (xmin, xmax) of a line."""
        return tuple(float(v) for v in self.arrays["grid_extent"])

    @property
    def grids(self) -> np.ndarray:
        """(F, size, size[, outputs]) output over the plane at each grid state; row i is
        y = ymin + i * step. Over a line: (F, size[, outputs])."""
        return self.arrays["grid_prob"]

    def neuron_maps(self, layer: int) -> np.ndarray | None:
        """(F, n, n, width) activations of hidden layer ``layer`` >= 1 over the plane
        (coarser than ``grids``), or (F, size, width) along a line (as fine); None when
        the run recorded none."""
        return self.arrays.get(f"grid_hidden{layer - 1}")

    @property
    def n_weight_layers(self) -> int:
        return len(self.layers) - 1

    @property
    def n_states(self) -> int:
        return len(self.arrays["loss"])

    @property
    def diverged_at(self) -> int | None:
        return self.meta.get("diverged_at")

    def weights(self, t: int) -> list[np.ndarray]:
        return [self.arrays[f"W{i}"][t] for i in range(self.n_weight_layers)]

    def biases(self, t: int) -> list[np.ndarray]:
        return [self.arrays[f"b{i}"][t] for i in range(self.n_weight_layers)]

    def most_moved(self, layer: int, t: int, into: int | None = None) -> tuple[int, int]:
        """(from, to) of the weight of ``layer`` that the update after state t changes
        most (on a tie, the last in row order); with ``into``, of those into that node."""
        step = np.abs(self.weights(t + 1)[layer] - self.weights(t)[layer])
        if into is not None:
            step = np.where(np.arange(step.shape[1]) == into, step, -1.0)
        step = step.ravel()
        last = step.size - 1 - int(np.argmax(step[::-1]))
        i, j = np.unravel_index(last, self.weights(t)[layer].shape)
        return int(i), int(j)

    def gradients(self, t: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(∂L/∂W per layer, ∂L/∂b per layer) that the update after state t used."""
        n = self.n_weight_layers
        return ([self.arrays[f"dW{i}"][t] for i in range(n)],
                [self.arrays[f"db{i}"][t] for i in range(n)])

    def network(self, t: int) -> Network:
        """The network at state t, e.g. to evaluate it on new points."""
        config = self.config
        net = config.network
        return Network([w.copy() for w in self.weights(t)], [b.copy() for b in self.biases(t)],
                       net.activation, net.output, net.loss, net.bias, config.train.l2)


def save(trace: Trace, path: str | os.PathLike) -> Path:
    """Write the trace as a compressed .npz, atomically (temporary file, then rename)."""
    path = Path(path)
    if path.suffix != ".npz":
        raise ConfigError(f"trace output {path} must end in .npz")
    try:
        tmp = files.temporary_beside(path, ".npz")
    except OSError as err:
        raise ConfigError(f"cannot write {path}: {err.strerror}; choose another -o") from None
    try:
        with open(tmp, "wb") as handle:
            np.savez_compressed(handle, meta=np.array(json.dumps(trace.meta, sort_keys=True)),
                                **trace.arrays)
        files.publish([(tmp, path)])
    finally:
        tmp.unlink(missing_ok=True)
    return path


def load(path: str | os.PathLike) -> Trace:
    """Read a trace written by ``save``."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except FileNotFoundError:
        raise ConfigError(f"trace file {path} not found") from None
    except (OSError, ValueError, zipfile.BadZipFile) as err:
        raise ConfigError(f"{path} is not a trace file ({err})") from None
    if "meta" not in arrays:
        raise ConfigError(f"{path} is not a trace file: it has no 'meta' entry")
    meta = json.loads(str(arrays.pop("meta")))
    if meta.get("format") != FORMAT_VERSION:
        raise ConfigError(f"{path} has trace format {meta.get('format')}, this version "
                          f"reads {FORMAT_VERSION}; write it again with ./render.sh trace")
    return Trace(arrays, meta)
