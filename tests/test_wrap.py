"""Breaking long lines of TeX into rows (scenes.wrap), with widths counted in
characters so that the rules are seen without LaTeX."""

from scenes.wrap import split_before, wrap


def by_characters(pieces: list[str]) -> list[tuple[float, float]]:
    """Each piece's ends when a character is one unit wide (its leading space too)."""
    ends, x = [], 0
    for piece in pieces:
        ends.append((x + len(piece) - len(piece.lstrip()), x + len(piece)))
        x += len(piece)
    return ends


def test_pieces_are_cut_before_relations_outside_groups():
    tex = r"a = \frac{b = c}{2} = (d = e) \approx f"
    assert split_before(tex, (" = ", r" \approx ")) == [
        "a", r" = \frac{b = c}{2}", " = (d = e)", r" \approx f"]


def test_rows_break_before_relations_first():
    line = r"L = 0.5 \times 0.25 = 0.125"  # 27 characters
    assert wrap(line, by_characters, 19) == [r"L = 0.5 \times 0.25", "= 0.125"]
    assert wrap(line, by_characters, 18) == ["L", r"= 0.5 \times 0.25", "= 0.125"]


def test_a_sum_too_wide_by_itself_breaks_before_its_terms():
    line = "d = 0.183 x 0.197 + 0.361 x 0.333 + 0.544 x 0.227 = 0.208"
    rows = wrap(line, by_characters, 36)
    assert rows == ["d = 0.183 x 0.197 + 0.361 x 0.333", "+ 0.544 x 0.227 = 0.208"]
    assert " ".join(rows) == line, "nothing lost or reordered"
    assert wrap(line, by_characters, 30) == ["d = 0.183 x 0.197", "+ 0.361 x 0.333",
                                             "+ 0.544 x 0.227 = 0.208"]
    assert all(len(row) <= 30 for row in wrap(line, by_characters, 30))


def test_minus_inside_parentheses_is_never_a_break():
    line = r"s = \sigma(h)(1 - \sigma(h)) = 0.7(1 - 0.7) = 0.21"
    for row in wrap(line, by_characters, 16):
        assert row.count("(") == row.count(")"), row


def test_a_piece_that_cannot_break_stays_whole():
    assert wrap("abcdefghij = k", by_characters, 5) == ["abcdefghij", "= k"]


def test_the_line_is_measured_once():
    calls = []

    def counting(pieces):
        calls.append(pieces)
        return by_characters(pieces)

    wrap("d = 0.183 x 0.197 + 0.361 x 0.333 + 0.544 x 0.227 = 0.208", counting, 20)
    assert len(calls) == 1
