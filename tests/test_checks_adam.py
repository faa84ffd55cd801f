"""lesson04.adam_step: the checker copies its inputs, survives hostile answers and names
in-place updates and wrong shapes (the catalogued mistakes are in test_checks_catalogue.py)."""
import numpy as np
import pytest

from course_lib import adaptive
from course_lib.checks import _harness, lesson04


@pytest.fixture(autouse=True)
def short_limit(monkeypatch):
    monkeypatch.setattr(_harness, "TIME_LIMIT", 1.0)


def line(capsys):
    return capsys.readouterr().out.strip()


def test_reference_passes_and_is_course_lib(capsys):
    assert lesson04.adam_step(adaptive.adam_step)
    assert line(capsys).startswith("✅")


def inplace(p, g, m, v, t, lr, b1, b2, eps):
    m *= b1
    m += (1 - b1) * g
    v[:] = b2 * v + (1 - b2) * g * g
    return p - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps), m, v


def test_in_place_update_is_named(capsys):
    assert not lesson04.adam_step(inplace)
    text = line(capsys)
    assert text.startswith("❌") and "changed its input m and v in place" in text


def _loop(*a):
    while True:
        pass


def _prints(*a):
    print(1.0)


def _forgot(*a):
    x = 1  # noqa: F841


def _stub(params, grads, m, v, t, lr, beta1, beta2, eps):
    ...


def _wrong_shape(p, g, m, v, t, lr, b1, b2, eps):
    new = adaptive.adam_step(p, g, m, v, t, lr, b1, b2, eps)
    return float(np.sum(new[0])), new[1], new[2]


@pytest.mark.parametrize("answer, words", [
    (_loop, "did not return within"), (lambda *a: 1 / 0, "ZeroDivisionError"),
    (_prints, "use `return` instead of `print`"), (_forgot, "did you forget `return`?"),
    (lambda *a: "fast", "return three things"), (_wrong_shape, "must each have the shape of params"),
    (lambda *a: adaptive.adam_step(*a)[:2], "got 2"), (None, "not attempted yet"),
    (_stub, "not attempted yet"), (42, "should be a function")])
def test_hostile_answers_get_a_sentence(answer, words, capsys):
    result = lesson04.adam_step(answer)
    text = line(capsys)
    assert not result and words in text and text.count("\n") == 0, text


def test_no_warning_escapes_from_a_dividing_answer(capsys):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not lesson04.adam_step(lesson04._adam_variant(t_shift=-1))
    assert "counts t from 0" in line(capsys)
