"""Breaking long lines of TeX into rows (scenes.wrap), with widths counted in
characters so that the rules are seen without LaTeX."""

from scenes.wrap import split_before, wrap


def fits_in(width: int):
    return lambda row: len(row.strip()) <= width


def test_pieces_are_cut_before_relations_outside_groups():
    tex = r"a = \frac{b = c}{2} = (d = e) \approx f"
    assert split_before(tex, (" = ", r" \approx ")) == [
        "a", r" = \frac{b = c}{2}", " = (d = e)", r" \approx f"]


def test_a_line_that_fits_is_one_row():
    assert wrap("a = b + c", fits_in(9)) == ["a = b + c"]


def test_rows_break_before_relations_first():
    line = r"L = 0.5 \times 0.25 = 0.125"  # 27 characters
    assert wrap(line, fits_in(19)) == [r"L = 0.5 \times 0.25", "= 0.125"]
    assert wrap(line, fits_in(18)) == ["L", r"= 0.5 \times 0.25", "= 0.125"]


def test_a_sum_too_wide_by_itself_breaks_before_its_terms():
    line = "d = 0.183 x 0.197 + 0.361 x 0.333 + 0.544 x 0.227 = 0.208"
    rows = wrap(line, fits_in(36))
    assert rows == ["d = 0.183 x 0.197 + 0.361 x 0.333", "+ 0.544 x 0.227 = 0.208"]
    assert " ".join(rows) == line, "nothing lost or reordered"
    assert wrap(line, fits_in(30)) == ["d = 0.183 x 0.197", "+ 0.361 x 0.333",
                                       "+ 0.544 x 0.227 = 0.208"]


def test_minus_inside_parentheses_is_never_a_break():
    line = r"s = \sigma(h)(1 - \sigma(h)) = 0.7(1 - 0.7) = 0.21"
    for row in wrap(line, fits_in(16)):
        assert row.count("(") == row.count(")"), row


def test_a_piece_that_cannot_break_stays_whole():
    assert wrap("abcdefghij = k", fits_in(5)) == ["abcdefghij", "= k"]
