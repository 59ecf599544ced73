"""Breaking a long line of TeX into rows, as a textbook does: before a relation
(= or ≈) first, before a + or − only where a part is still too wide.

Pure string work with a measuring function passed in, so that it is tested
without LaTeX; the scenes pass where each piece lies in the typeset line.
"""

from collections.abc import Callable

RELATIONS = (" = ", r" \approx ", r" \rightarrow ", r" \leftarrow ")
OPERATORS = (" + ", " - ")


def split_before(tex: str, separators: tuple[str, ...]) -> list[str]:
    """The pieces of ``tex`` cut before each separator outside braces and
    parentheses (each later piece starts with its separator)."""
    pieces, depth, start, i = [], 0, 0, 0
    while i < len(tex):
        char = tex[i]
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
        elif depth == 0 and i > start:
            found = next((s for s in separators if tex.startswith(s, i)), None)
            if found:
                pieces.append(tex[start:i])
                start = i
                i += len(found)
                continue
        i += 1
    pieces.append(tex[start:])
    return [p for p in pieces if p.strip()]


def wrap(tex: str, extents: Callable[[list[str]], list[tuple[float, float]]],
         room: float) -> list[str]:
    """Rows of a line of TeX that each fit ``room`` where possible, as few as may be:
    broken before relations, and a part between relations that is too wide by itself
    before its + and −. A piece that cannot be broken further is a row as it is (the
    caller shrinks it).

    ``extents`` gives the left and right end of each piece within the whole line, so
    that the line is typeset once (a LaTeX run per candidate row was most of the
    time of a scene with long lines)."""
    parts = [split_before(part, OPERATORS) for part in split_before(tex, RELATIONS)]
    ends = extents([piece for part in parts for piece in part])
    units, i = [], 0  # (text, left, right): whole parts where they fit, else their pieces
    for part in parts:
        mine, i = ends[i:i + len(part)], i + len(part)
        if mine[-1][1] - mine[0][0] <= room or len(part) == 1:
            units.append(("".join(part), mine[0][0], mine[-1][1]))
        else:
            units += [(piece, left, right) for piece, (left, right) in zip(part, mine)]
    rows: list[tuple[str, float, float]] = []
    for text, left, right in units:
        if rows and right - rows[-1][1] <= room:
            rows[-1] = (rows[-1][0] + text, rows[-1][1], right)
        else:
            rows.append((text, left, right))
    return [text.strip() for text, _, _ in rows]
