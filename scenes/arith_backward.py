"""The backward pass's and the update's arithmetic, as LaTeX and caption text, from a
trace: each gradient in the chain rule's order (upstream × local), the update of
every weight. The same rule as the forward lines (``scenes/arith.py``): a line ends
in "=" only where a calculator agrees with it."""

import numpy as np

from core.notation import BIAS_LETTERS, WEIGHT_LETTERS, sub
from scenes.arith import Eq, ForwardArithmetic, agrees, value
from scenes.numerals import fmt

MOST_NAMED_TERMS = 2  # a longer sum of gradient × weight is written with numbers only


class Arithmetic(ForwardArithmetic):
    """Every equation the story scenes write of one probe sample at state t: the
    forward pass's and loss's (inherited), then the gradients' and the update's."""

    def update_rule(self, mean: bool = False) -> tuple[str, str]:
        """The update every weight gets, as TeX and text: plain SGD's rule with its η,
        else the optimizer's own step, named. ``mean``: of the batch's mean gradient."""
        train = self.tr.config.train
        g_tex = r"\overline{\partial L/\partial w}" if mean else r"\partial L/\partial w"
        g_text = "mean ∂L/∂w" if mean else "∂L/∂w"
        if train.optimizer == "sgd":
            lr = fmt(train.learning_rate, 6)
            return (rf"w \leftarrow w - \eta \cdot {g_tex},\quad \eta = {lr}",
                    f"w ← w − η·{g_text},  η = {lr}")
        name = train.optimizer
        return (rf"w \leftarrow w + \Delta w\ (\text{{{name}, from }} {g_tex})",
                f"w ← w + Δw ({name}, from {g_text})")

    # --- backward ----------------------------------------------------------------------

    def weight_name(self, layer: int, a: int, b: int) -> tuple[str, str]:
        letter = WEIGHT_LETTERS[layer]
        return f"{letter}_{{{a + 1}{b + 1}}}", f"{letter}{sub(a + 1)}{sub(b + 1)}"

    def delta(self, layer: int, j: int, t: int) -> float:
        """dL/dZ of a node of diagram layer >= 1, for the probe's own loss."""
        return float(self.tr.deltas(layer)[t, self.p, j])

    def output_delta_eq(self, j: int, t: int) -> Eq:
        """dL/dz at output unit j, with the arithmetic where it is short."""
        loss, out, k = self.net.loss, self.net.output, self.layers[-1]
        name_tex, name_text = self.pre_name(self.last, j)
        nums = {"p": self.o(self.activation(self.last, j, t)),
                "y": self.o(self.target(j), data=True),
                "d": self.n(self.delta(self.last, j, t))}
        head_tex = rf"\partial L/\partial {name_tex}"
        head_text = f"∂L/∂{name_text}"
        yt, ytt = self.target_name(j)
        o_tex, o_text = self.out_name(j)
        p, y = value(nums["p"]), value(nums["y"])
        # mse averages over the k outputs, sse sums them: mse's error is divided by k
        per = k if loss == "mse" and k > 1 else 1
        diff_tex, diff_text = (f"{o_tex} - {yt}", f"{o_text} − {ytt}")
        shown_tex, shown_text = "$p - $y", "$p − $y"
        if per > 1:
            diff_tex, diff_text = f"({diff_tex})/{k}", f"({diff_text}) / {k}"
            shown_tex, shown_text = f"($p - $y)/{k}", f"($p − $y) / {k}"
        if loss in ("bce", "ce") or out == "linear":
            return Eq(rf"{head_tex} = {diff_tex} = {shown_tex} $eq $d",
                      f"{head_text} = {diff_text} = {shown_text} $eq $d",
                      agrees((p - y) / per, nums["d"]), **nums)
        if out == "sigmoid":
            if per == 1:
                diff_tex, diff_text = f"({diff_tex})", f"({diff_text})"
                shown_tex, shown_text = f"({shown_tex})", f"({shown_text})"
            return Eq(rf"{head_tex} = {diff_tex}\,{o_tex}(1 - {o_tex}) = {shown_tex} \times $p"
                      rf" \times (1 - $p) $eq $d",
                      f"{head_text} = {diff_text} {o_text}(1 − {o_text}) = {shown_text} × $p"
                      f" × (1 − $p) $eq $d", agrees((p - y) / per * p * (1 - p), nums["d"]),
                      **nums)
        return Eq(rf"{head_tex} = $d", f"{head_text} = $d", **nums)

    def weight_grad_eq(self, layer: int, a: int, b: int, t: int, chained: bool = False
                       ) -> Eq:
        """dL/dw_ab = delta_b x a_a for weight layer ``layer`` (diagram layer + 1):
        upstream x local, in the chain rule's order (dz/dx = dz/dt . dt/dx, as the
        post and the general gate write it); ``chained``: from the chain rule's
        dL/dz x dz/dw first, the local derivative named where it was found (dy/dv =
        sigma(h) is said long before its use)."""
        w_tex, w_text = self.weight_name(layer, a, b)
        a_tex, a_text = self.act_name(layer, a)
        z_tex, z_text = self.pre_name(layer + 1, b)
        nums = {"a": self.act_text(layer, a, t), "d": self.o(self.delta(layer + 1, b, t)),
                "g": self.n(float(self.tr.probe_weight_gradients(layer)[t, self.p, a, b]))}
        chain_tex, chain_text = ((
            rf" \partial L/\partial {z_tex} \times \partial {z_tex}/\partial {w_tex} =",
            f" ∂L/∂{z_text} × ∂{z_text}/∂{w_text} =") if chained else ("", ""))
        return Eq(rf"\partial L/\partial {w_tex} ={chain_tex} \partial L/\partial {z_tex}"
                  rf" \times {a_tex} = $d \times $a $eq $g",
                  f"∂L/∂{w_text} ={chain_text} ∂L/∂{z_text} × {a_text} = $d × $a $eq $g",
                  agrees(value(nums["d"]) * value(nums["a"]), nums["g"]), **nums)

    def bias_grad_eq(self, layer: int, j: int, t: int) -> Eq:
        """dL/db_j = dL/dz_j: a bias adds 1 x b to its node's weighted sum."""
        b_tex, b_text = self.bias_name(layer, j)
        z_tex, z_text = self.pre_name(layer + 1, j)
        return Eq(rf"\partial L/\partial {b_tex} = \partial L/\partial {z_tex} = $g",
                  f"∂L/∂{b_text} = ∂L/∂{z_text} = $g", g=self.n(self.delta(layer + 1, j, t)))

    def upstream_eq(self, layer: int, j: int, t: int) -> Eq:
        """dL/d(output of hidden node j) = sum over next nodes of delta x weight."""
        a_tex, a_text = self.act_name(layer, j)
        nums, tex_terms, text_terms, calc = {}, [], [], 0.0
        names_tex, names_text = [], []
        for k in range(self.layers[layer + 1]):
            nums[f"d{k}"] = self.o(self.delta(layer + 1, k, t))
            nums[f"w{k}"] = self.o(self.weight(layer, j, k, t))
            calc += value(nums[f"d{k}"]) * value(nums[f"w{k}"])
            tex_terms.append(rf"$d{k} \times $w{k}")
            text_terms.append(f"$d{k} × $w{k}")
            z_tex, z_text = self.pre_name(layer + 1, k)
            w_tex, w_text = self.weight_name(layer, j, k)
            names_tex.append(rf"\partial L/\partial {z_tex} \times {w_tex}")
            names_text.append(f"∂L/∂{z_text} × {w_text}")
        nums["u"] = self.n(float(self.tr.upstream(layer)[t, self.p, j]))
        # which gradient meets which weight, written out where it stays one line
        named_tex = " + ".join(names_tex) + " = " if len(names_tex) <= MOST_NAMED_TERMS else ""
        named_text = " + ".join(names_text) + " = " if len(names_text) <= MOST_NAMED_TERMS else ""
        return Eq(rf"\partial L/\partial {a_tex} = " + named_tex + " + ".join(tex_terms)
                  + " $eq $u",
                  f"∂L/∂{a_text} = " + named_text + " + ".join(text_terms) + " $eq $u",
                  agrees(calc, nums["u"]), **nums)

    def local_eq(self, layer: int, j: int, t: int, named: bool = True) -> Eq:
        """The activation's own derivative at this node (without ``named``, through
        f's own output in numbers alone: σ'(h₁) = 0.728 × (1 − 0.728) = 0.198)."""
        h_tex, h_text = self.pre_name(layer, j)
        nums = {"a": self.o(self.activation(layer, j, t)),
                "l": self.n(float(self.tr.local_derivatives(layer)[t, self.p, j])),
                "z": self.n(float(self.tr.pre_activations(layer)[t, self.p, j]))}
        d_tex, d_text = self.derivative_name(layer, j)
        f = self.f
        if f.local_from_output is not None:  # through f's own output, as it is taught
            forms = [form if named else form.split(" = ")[-1]
                     for form in (f.local_tex, f.local_text)]
            return Eq(f"{d_tex} = " + forms[0].format(f=f.tex, h=h_tex) + " $eq $l",
                      f"{d_text} = " + forms[1].format(f=f.text, h=h_text) + " $eq $l",
                      agrees(f.local_from_output(value(nums["a"])), nums["l"]), local=True,
                      **nums)
        # f' of the z as shown, by the same rule as the trace's (see core.activations)
        calc = f.derivative(value(nums["z"]))
        f_tex, f_text = d_tex.split("(")[0], d_text.split("(")[0]
        return Eq(rf"{d_tex} = {f_tex}($z) $eq $l", f"{d_text} = {f_text}($z) $eq $l",
                  agrees(calc, nums["l"]), local=True, **nums)

    def downstream_eq(self, layer: int, j: int, t: int, named: bool = True) -> Eq:
        """upstream x local = downstream, the chain rule at one node (without
        ``named``, its numbers alone: where a line above names them)."""
        h_tex, h_text = self.pre_name(layer, j)
        a_tex, a_text = self.act_name(layer, j)
        f_tex, f_text = self.derivative_name(layer, j)
        nums = {"u": self.o(float(self.tr.upstream(layer)[t, self.p, j])),
                "l": self.o(float(self.tr.local_derivatives(layer)[t, self.p, j])),
                "d": self.n(self.delta(layer, j, t))}
        names = ((rf"\partial L/\partial {a_tex} \times {f_tex} = ", f"∂L/∂{a_text} × {f_text} = ")
                 if named else ("", ""))
        return Eq(rf"\partial L/\partial {h_tex} = {names[0]}$u \times $l $eq $d",
                  f"∂L/∂{h_text} = {names[1]}$u × $l $eq $d",
                  agrees(value(nums["u"]) * value(nums["l"]), nums["d"]), **nums)

    # --- the batch of the update ----------------------------------------------------------

    MAX_MEAN_TERMS = 6  # a mean of more samples' gradients is stated, not written out

    def batch_size(self, t: int) -> int:
        return int(self.tr.batch_sizes[t])

    def batch_members(self, t: int) -> list[int] | None:
        """Probe positions of the update's batch when it is made of probes only (so
        every term of its mean is recorded), else None."""
        inside = np.flatnonzero(self.tr.probe_in_batch[t])
        return [int(k) for k in inside] if len(inside) == self.batch_size(t) else None

    def batch_grad_eq(self, layer: int, a: int | None, b: int, t: int) -> Eq:
        """The gradient update t + 1 uses: the mean of its batch samples' own gradients,
        written out when they are few and recorded, else stated. ``a`` None: bias b."""
        if a is None:
            tex, text = self.bias_name(layer, b)
            mean = float(self.tr.bias_gradients(layer)[t][b])
            own = self.tr.deltas(layer + 1)[t, :, b]
        else:
            tex, text = self.weight_name(layer, a, b)
            mean = float(self.tr.weight_gradients(layer)[t][a, b])
            own = self.tr.probe_weight_gradients(layer)[t, :, a, b]
        n, members = self.batch_size(t), self.batch_members(t)
        head_tex, head_text = rf"\overline{{\partial L/\partial {tex}}}", f"mean ∂L/∂{text}"
        g = self.n(mean)
        l2 = self.tr.config.train.l2
        if members is None or n > self.MAX_MEAN_TERMS or (l2 and a is not None):
            note = f"{n} samples" + (", L2" if l2 and a is not None else "")
            return Eq(rf"{head_tex}\ (\text{{{note}}}) = $g", f"{head_text} ({note}) = $g", g=g)
        nums = {f"g{k}": self.o(float(own[m])) for k, m in enumerate(members)}
        terms = " + ".join(f"$g{k}" for k in range(len(members)))
        return Eq(rf"{head_tex} = ({terms})/{n} $eq $g", f"{head_text} = ({terms}) / {n} $eq $g",
                  agrees(sum(value(v) for v in nums.values()) / n, g), g=g, **nums)

    def bias_name(self, layer: int, j: int) -> tuple[str, str]:
        letter = BIAS_LETTERS[layer]
        return f"{letter}_{{{j + 1}}}", f"{letter}{sub(j + 1)}"

    def bias_update_eq(self, layer: int, j: int, t: int, short: bool = False) -> Eq:
        """b <- b - eta * dL/db for a bias of weight layer ``layer`` (dL/db is delta).
        ``short``: the rule left to a line of its own, b <- numbers."""
        train = self.tr.config.train
        nums = {"b": self.n(float(self.tr.bias_history(layer)[t][j])),
                "g": self.o(float(self.tr.bias_gradients(layer)[t][j])),
                "lr": fmt(train.learning_rate, 6),
                "new": self.n(float(self.tr.bias_history(layer)[t + 1][j]))}
        return self.step_eq(*self.bias_name(layer, j), "b", nums, t, short)

    def update_gradient_name(self, tex: str, text: str, t: int) -> tuple[str, str]:
        """The gradient an update uses, named: the sample's own, or the batch's mean."""
        if self.batch_size(t) > 1 or not self.tr.probe_in_batch[t, self.p]:
            return rf"\overline{{\partial L/\partial {tex}}}", f"mean ∂L/∂{text}"
        return rf"\partial L/\partial {tex}", f"∂L/∂{text}"

    def update_eq(self, layer: int, a: int, b: int, t: int, short: bool = False) -> Eq:
        """w <- w - eta * dL/dw with the batch gradient (plain SGD), else old -> new.
        ``short``: the rule left to a line of its own, w <- numbers."""
        w_tex, w_text = self.weight_name(layer, a, b)
        train = self.tr.config.train
        nums = {"w": self.n(self.weight(layer, a, b, t)),
                "g": self.o(float(self.tr.weight_gradients(layer)[t][a, b])),
                "lr": fmt(train.learning_rate, 6),
                "new": self.n(self.weight(layer, a, b, t + 1))}
        return self.step_eq(w_tex, w_text, "w", nums, t, short)

    def step_eq(self, tex: str, text: str, old: str, nums: dict, t: int, short: bool) -> Eq:
        """A weight's or a bias's update (its old value is ``nums[old]``): plain SGD's
        rule with its gradient named where it was computed, else old → new."""
        if self.tr.config.train.optimizer != "sgd":
            return Eq(rf"{tex}: ${old} \rightarrow $new", f"{text}: ${old} → $new", **nums)
        g_tex, g_text = self.update_gradient_name(tex, text, t)
        rule_tex, rule_text = (("", "") if short else (
            rf" {tex} - \eta \cdot {g_tex} =", f" {text} − η·{g_text} ="))
        return Eq(rf"{tex} \leftarrow{rule_tex} ${old} - $lr \times $g $eq $new",
                  f"{text} ←{rule_text} ${old} − $lr × $g $eq $new",
                  agrees(value(nums[old]) - value(nums["lr"]) * value(nums["g"]), nums["new"]),
                  **nums)
