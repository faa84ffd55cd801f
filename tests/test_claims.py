"""course_lib.claims: a claim prints ✓ while it holds and a loud ✗ when it does not."""
import numpy as np
import pytest

from course_lib.claims import BROKEN, HOLDS, claim


def test_true_claim_prints_check_mark(capsys):
    assert bool(claim("two is below three", 2 < 3)) is True
    assert capsys.readouterr().out == f"{HOLDS} two is below three\n"


def test_false_claim_prints_broken_and_does_not_raise(capsys):
    assert bool(claim("three is below two", 3 < 2)) is False
    out = capsys.readouterr().out
    assert out == f"{BROKEN} three is below two\n"
    assert out.startswith("✗ no longer true:")


@pytest.mark.parametrize("holds", [np.bool_(True), np.float64(1.0) < 2.0, np.array(True),
                                    np.all(np.arange(3) < 5)])
def test_numpy_booleans_are_accepted(holds, capsys):
    assert claim("numpy says so", holds)
    assert capsys.readouterr().out.startswith("✓")


@pytest.mark.parametrize("holds, words", [
    (np.array([True, False]), "shape (2,)"),
    (1, "the number 1"),
    (0.0, "the number 0.0"),
    ("yes", "str"),
    (None, "NoneType"),
    ([True], "list"),
])
def test_anything_but_one_truth_value_is_refused_naming_holds(holds, words, capsys):
    with pytest.raises(TypeError, match="holds") as info:
        claim("something", holds)
    assert words in str(info.value)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("statement", ["", "   ", None, 3, "two\nlines"])
def test_statement_must_be_one_nonempty_line(statement):
    with pytest.raises(ValueError, match="statement"):
        claim(statement, True)


def test_the_result_shows_nothing_as_the_last_line_of_a_cell(capsys):
    result = claim("quiet", True)
    capsys.readouterr()
    assert result._ipython_display_() is None and capsys.readouterr().out == ""
    assert result == True and claim("no", False) == False  # noqa: E712
    assert all([claim("a", True), claim("b", True)]) and not all([claim("c", False)])
    assert "quiet" in repr(result)
