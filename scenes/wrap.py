"""Breaking a long line of TeX into rows, as a textbook does: before a relation
(= or ≈) first, before a + or − only where a part is still too wide.

Pure string work with a width function passed in, so that it is tested without
LaTeX; the scenes pass the width of the typeset row.
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


def pack(pieces: list[str], fits: Callable[[str], bool]) -> list[str]:
    """Pieces joined greedily into as few rows as fit, in order."""
    rows: list[str] = []
    for piece in pieces:
        if rows and fits(rows[-1] + piece):
            rows[-1] += piece
        else:
            rows.append(piece)
    return rows


def wrap(tex: str, fits: Callable[[str], bool]) -> list[str]:
    """Rows of a line of TeX that each fit where possible, as few as may be: broken
    before relations, and a part between relations that is too wide by itself
    before its + and −. A piece that cannot be broken further is a row as it is
    (the caller shrinks it)."""
    if fits(tex):
        return [tex]
    pieces = []
    for part in split_before(tex, RELATIONS):
        pieces += [part] if fits(part) else split_before(part, OPERATORS)
    return [row.strip() for row in pack(pieces, fits)]
