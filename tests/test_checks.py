"""Unit tests of the exercise checkers: course_lib.checks and its lesson modules."""
import numpy as np
import pytest

from course_lib import checks
from course_lib import functions as F
from course_lib.checks import (FAILED, NOT_ATTEMPTED, PASSED, CheckResult, check_array,
                               check_between, check_function, check_number, is_stub)
from course_lib.checks import lesson00, lesson01


def one_line(capsys) -> str:
    """The checker's output: exactly one printed line, returned without its newline."""
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"expected exactly one line, got {out!r}"
    assert out.endswith("\n")
    return out[:-1]


def assert_passed(result, capsys):
    line = one_line(capsys)
    assert isinstance(result, CheckResult)
    assert result.status == PASSED
    assert bool(result) is True
    assert line.startswith("✅")
    assert "❌" not in line and "not attempted" not in line
    assert line == str(result)
    return line


def assert_failed(result, capsys):
    line = one_line(capsys)
    assert result.status == FAILED
    assert bool(result) is False
    assert line.startswith("❌")
    assert line == str(result)
    return line


def assert_not_attempted(result, capsys):
    line = one_line(capsys)
    assert result.status == NOT_ATTEMPTED
    assert bool(result) is False
    assert "not attempted yet" in line
    assert "✅" not in line and "❌" not in line
    return line


def test_is_stub():
    assert is_stub(None) and is_stub(...)
    assert not is_stub(0) and not is_stub("") and not is_stub([]) and not is_stub(np.nan)


def test_result_has_no_second_display():
    # Jupyter would show the returned result again; the checker prints already
    assert CheckResult(PASSED, "x")._ipython_display_() is None


# --- check_number ----------------------------------------------------------------------

def test_check_number_passes(capsys):
    line = assert_passed(check_number(6.0000001, 6.0, "slope"), capsys)
    assert "slope" in line


@pytest.mark.parametrize("answer", [6, np.float64(6.0), np.array(6.0), np.array([6.0])[0]])
def test_check_number_passes_numeric_types(answer, capsys):
    assert_passed(check_number(answer, 6.0, "slope"), capsys)


def test_check_number_fails_with_expected_and_offset(capsys):
    res = check_number(5.5, 6.0, "slope", hint="use 2 x")
    line = assert_failed(res, capsys)
    assert "slope" in line
    assert "6" in line and "5.5" in line
    assert "off by -0.5" in line
    assert "8.3% off" in line
    assert "Hint: use 2 x" in line


def test_check_number_tolerances(capsys):
    assert not check_number(1.01, 1.0, "v")  # default rtol 1e-6
    assert check_number(1.01, 1.0, "v", rtol=0.02)
    assert check_number(1e-9, 0.0, "v", atol=1e-8)
    assert not check_number(1e-7, 0.0, "v", atol=1e-8)
    capsys.readouterr()


@pytest.mark.parametrize("answer", [float("nan"), float("inf"), "six", [1.0, 2.0], object()])
def test_check_number_bad_answers_fail_without_raising(answer, capsys):
    assert_failed(check_number(answer, 6.0, "slope"), capsys)


@pytest.mark.parametrize("stub", [None, ...])
def test_check_number_not_attempted(stub, capsys):
    line = assert_not_attempted(check_number(stub, 6.0, "slope"), capsys)
    assert "slope" in line


# --- check_between ------------------------------------------------------------------------

def test_check_between_passes(capsys):
    line = assert_passed(check_between(0.15, 0.1, 0.2, "rate"), capsys)
    assert "rate" in line
    assert check_between(0.1, 0.1, 0.2, "edge")  # inclusive
    assert check_between(0.2, 0.1, 0.2, "edge")
    capsys.readouterr()


@pytest.mark.parametrize("answer,side", [(0.05, "too small"), (0.25, "too large")])
def test_check_between_fails_with_range(answer, side, capsys):
    line = assert_failed(check_between(answer, 0.1, 0.2, "rate", hint="bisect"), capsys)
    assert side in line
    assert "[0.1, 0.2]" in line
    assert "Hint: bisect" in line


@pytest.mark.parametrize("answer", ["fast", float("nan"), [0.1, 0.2]])
def test_check_between_bad_answers_fail(answer, capsys):
    assert_failed(check_between(answer, 0.1, 0.2, "rate"), capsys)


@pytest.mark.parametrize("stub", [None, ...])
def test_check_between_not_attempted(stub, capsys):
    assert_not_attempted(check_between(stub, 0.1, 0.2, "rate"), capsys)


# --- check_array ----------------------------------------------------------------------------

def test_check_array_passes(capsys):
    assert_passed(check_array([396.0, 200.0], np.array([396.0, 200.0]), "gradient"), capsys)
    assert_passed(check_array((1.0, 2.0 + 1e-9), [1.0, 2.0], "tuple"), capsys)
    assert_passed(check_array(3.0, 3.0, "scalar"), capsys)


def test_check_array_fails_naming_the_worst_entry(capsys):
    line = assert_failed(check_array([396.0, 210.0, 1.0], [396.0, 200.0, 1.5], "gradient",
                                     hint="chain rule"), capsys)
    assert "off by up to 10" in line
    assert "index (1,)" in line
    assert "got 210" in line and "expected 200" in line
    assert "Hint: chain rule" in line


def test_check_array_wrong_shape(capsys):
    line = assert_failed(check_array([1.0, 2.0, 3.0], [1.0, 2.0], "v"), capsys)
    assert "(3,)" in line and "(2,)" in line


def test_check_array_nan_and_non_numeric(capsys):
    line = assert_failed(check_array([np.nan, 1.0], [1.0, 1.0], "v"), capsys)
    assert "nan" in line
    assert_failed(check_array(["a", "b"], [1.0, 1.0], "v"), capsys)
    assert_failed(check_array([[1.0, 2.0], [3.0]], [[1.0, 2.0], [3.0, 4.0]], "ragged"), capsys)


def test_check_array_2d_index(capsys):
    want = np.arange(6.0).reshape(2, 3)
    got = want.copy()
    got[1, 2] += 0.5
    line = assert_failed(check_array(got, want, "m"), capsys)
    assert "index (1, 2)" in line and "off by up to 0.5" in line


@pytest.mark.parametrize("stub", [None, ...])
def test_check_array_not_attempted(stub, capsys):
    assert_not_attempted(check_array(stub, [1.0, 2.0], "v"), capsys)


# --- check_function ----------------------------------------------------------------------------

def square(x):
    return x * x


def test_check_function_passes(capsys):
    line = assert_passed(check_function(lambda x: x ** 2, square, [1.0, 2.0, (3.0,)], "sq"), capsys)
    assert "3 test inputs" in line


def test_check_function_fails_showing_input_and_expected(capsys):
    line = assert_failed(check_function(lambda x: 2 * x, square, [2.0, 3.0], "sq", hint="x*x"),
                         capsys)
    assert "sq(3.0)" in line  # 2.0 agrees (2 * 2 == 2 ** 2); 3.0 is the first that does not
    assert "off by up to 3" in line
    assert "expected 9" in line
    assert "Hint: x*x" in line


def test_check_function_multiple_arguments(capsys):
    assert_passed(check_function(lambda a, b: a + b, lambda a, b: b + a, [(1, 2), (3.5, -1)],
                                 "add"), capsys)


def test_check_function_student_exception_is_reported_not_raised(capsys):
    def broken(x):
        raise ZeroDivisionError("oops")

    line = assert_failed(check_function(broken, square, [2.0], "sq"), capsys)
    assert "ZeroDivisionError" in line and "oops" in line and "sq(2.0)" in line


def test_check_function_exception_after_some_inputs(capsys):
    def sometimes(x):
        if x > 2:
            raise IndexError("too big")
        return x * x

    line = assert_failed(check_function(sometimes, square, [1.0, 2.0, 3.0], "sq"), capsys)
    assert "IndexError" in line


def test_check_function_returning_none_is_not_attempted(capsys):
    def stub(x):
        # YOUR CODE HERE
        ...

    assert_not_attempted(check_function(stub, square, [1.0, 2.0], "sq"), capsys)


@pytest.mark.parametrize("stub", [None, ...])
def test_check_function_stub_value_not_attempted(stub, capsys):
    assert_not_attempted(check_function(stub, square, [1.0], "sq"), capsys)


def test_check_function_not_callable(capsys):
    line = assert_failed(check_function(42, square, [1.0], "sq"), capsys)
    assert "function" in line


@pytest.mark.parametrize("returned", ["nine", [1.0, 2.0], np.nan])
def test_check_function_wrong_return_fails(returned, capsys):
    assert_failed(check_function(lambda x: returned, square, [3.0], "sq"), capsys)


def test_check_function_accepts_generator_inputs(capsys):
    line = assert_passed(check_function(square, square, (x for x in [1.0, 2.0]), "sq"), capsys)
    assert "2 test inputs" in line


# --- lesson 00 ----------------------------------------------------------------------------------

def test_lesson00_slope(capsys):
    assert_passed(lesson00.slope(6.0), capsys)
    line = assert_failed(lesson00.slope(9.0), capsys)
    assert "Hint" in line and "2 * x" in line
    assert_not_attempted(lesson00.slope(None), capsys)
    assert_not_attempted(lesson00.slope(...), capsys)


def test_lesson00_gd_step(capsys):
    def right(x, lr):
        return x - lr * 2 * x

    def forgot_the_two(x, lr):
        return x - lr * x

    def stub(x, lr):
        ...

    assert_passed(lesson00.gd_step(right), capsys)
    assert_failed(lesson00.gd_step(forgot_the_two), capsys)
    assert_failed(lesson00.gd_step(lambda x, lr: x + lr * 2 * x), capsys)  # wrong sign
    assert_not_attempted(lesson00.gd_step(stub), capsys)
    assert_not_attempted(lesson00.gd_step(None), capsys)


# --- lesson 01 ----------------------------------------------------------------------------------

def test_lesson01_gradient(capsys):
    def right(x1, x2):
        return (-2 * (1 - x1) - 4 * x1 * (x2 - x1 ** 2), 2 * (x2 - x1 ** 2))

    def b100(x1, x2):  # the wrong Rosenbrock
        return tuple(F.rosenbrock_grad(np.array([x1, x2]), b=100.0))

    def half(x1, x2):  # forgot the factor 2 of the chain rule
        return (-(1 - x1) - 2 * x1 * (x2 - x1 ** 2), (x2 - x1 ** 2))

    def stub(x1, x2):
        ...

    assert_passed(lesson01.gradient(right), capsys)
    assert_passed(lesson01.gradient(lambda x1, x2: np.array(right(x1, x2))), capsys)
    assert_failed(lesson01.gradient(b100), capsys)
    assert_failed(lesson01.gradient(half), capsys)
    assert_failed(lesson01.gradient(lambda x1, x2: right(x1, x2)[0]), capsys)  # scalar only
    assert_not_attempted(lesson01.gradient(stub), capsys)
    assert_not_attempted(lesson01.gradient(None), capsys)


def _my_descent(x0, lr, steps):
    x = np.array(x0, dtype=float)
    for _ in range(steps):
        x1, x2 = x
        x = x - lr * np.array([-2 * (1 - x1) - 4 * x1 * (x2 - x1 ** 2), 2 * (x2 - x1 ** 2)])
    return x


def test_lesson01_descent_loop(capsys):
    def off_by_one(x0, lr, steps):
        return _my_descent(x0, lr, steps - 1)

    def stub(x0, lr, steps):
        ...

    assert_passed(lesson01.descent_loop(_my_descent), capsys)
    assert_failed(lesson01.descent_loop(off_by_one), capsys)
    assert_failed(lesson01.descent_loop(lambda x0, lr, steps: x0), capsys)  # the seed post's bug
    assert_not_attempted(lesson01.descent_loop(stub), capsys)


def test_lesson01_time_decay(capsys):
    def stub(lr0, decay, t):
        ...

    assert_passed(lesson01.time_decay(lambda lr0, decay, t: lr0 / (1 + decay * t)), capsys)
    assert_failed(lesson01.time_decay(lambda lr0, decay, t: lr0 / (1 + decay) ** t), capsys)
    assert_failed(lesson01.time_decay(lambda lr0, decay, t: lr0 * (1 - decay * t)), capsys)
    assert_not_attempted(lesson01.time_decay(stub), capsys)


def test_lesson01_stable_lr_limit_matches_theory():
    hess = F.rosenbrock_hessian(np.array([1.0, 1.0]), b=1.0)
    lam_max = float(np.linalg.eigvalsh(hess).max())
    limit = lesson01.stable_lr_limit()
    assert abs(limit - 2.0 / lam_max) < 0.001
    assert lesson01.stable_lr_limit() == limit  # cached, same value


def test_lesson01_largest_stable_lr(capsys):
    lesson01.stable_lr_limit.cache_clear()
    # even on the first (uncached) call, the bisection's diverging runs print nothing
    limit = lesson01.stable_lr_limit()
    assert capsys.readouterr().out == ""
    assert_passed(lesson01.largest_stable_lr(limit), capsys)
    assert_passed(lesson01.largest_stable_lr(limit - 0.003), capsys)
    line = assert_failed(lesson01.largest_stable_lr(0.2), capsys)  # the seed post's 2-cycle rate
    assert "too large" in line
    line = assert_failed(lesson01.largest_stable_lr(0.1), capsys)  # works, but not the largest
    assert "too small" in line
    assert_not_attempted(lesson01.largest_stable_lr(None), capsys)
    assert_not_attempted(lesson01.largest_stable_lr(...), capsys)


def test_public_names():
    assert {"check_number", "check_between", "check_array", "check_function"} <= set(checks.__all__)


def test_brief_quotes_long_arrays_by_shape(capsys):
    from course_lib.checks import brief
    assert brief(3.0) == "3.0"
    assert brief(np.array([1.0, 2.0])) == repr(np.array([1.0, 2.0]))
    assert brief(np.zeros((4, 5))) == "<array of shape (4, 5)>"
    result = check_function(lambda t: t * 0.0, lambda t: t * 1.0, [(np.arange(1.0, 41.0),)], "f")
    assert not result and "f(<array of shape (40,)>)" in result.message
