"""The explorers of lessons 01, 03 and 04 judge their run by the course's one divergence rule
(course_lib._divergence.trace_verdict): inf/nan, or a loss that ends above ten times its
start, is a red ✗ in words; a run that falls or wobbles below that is not."""
import numpy as np
import pytest

from course_lib import _divergence
from course_lib.widgets import gd_explorer
from course_lib.widgets.surface import surface_explorer
from course_lib.widgets.training import training_explorer


@pytest.mark.parametrize("losses, words", [
    ([1.0, 5.0, 11.0], "grew from 1 to 11 in 2 steps, more than 10 times its start"),
    ([2.0, float("inf")], "became inf at step 1"),
    ([2.0, 1.0, float("nan")], "became nan (not a number) at step 2"),
])
def test_trace_verdict_names_the_divergence(losses, words):
    assert words in _divergence.trace_verdict(losses)


@pytest.mark.parametrize("losses", [[1.0, 0.5], [1.0, 9.9], [1.0, 1e6, 0.5], [5.0], [],
                                    [0.0, 3.0]])
def test_trace_verdict_leaves_runs_that_did_not_diverge(losses):
    assert _divergence.trace_verdict(losses) is None


def test_trace_verdict_uses_the_stated_factor_and_the_callers_number_format():
    assert _divergence.trace_verdict([1.0, 50.0], factor=100) is None
    text = _divergence.trace_verdict([1.0, 2e12], number=lambda x: f"<{x:g}>", steps="updates")
    assert "from <1> to <2e+12> in 1 updates" in text


def test_gd_explorer_calls_a_finite_blow_up_diverged():
    # three steps at lr 0.1 from (-2, -1): the loss goes 34 -> ~1.8e6 and stays finite;
    # gradient_descent stops only on inf/nan, so the explorer applies the rule itself
    ex = gd_explorer(lr=0.1, x0=(-2.0, -1.0), steps=3)
    res = ex.run()
    assert res.diverged_at is None and np.all(np.isfinite(res.losses))
    assert res.losses[-1] > 10 * res.losses[0]
    assert ex.status.value.startswith("<b style='color:#b00'>✗ the loss grew from 34 to")
    ex.set(lr=0.001, x1=2.0, x2=2.0, steps=100)               # a calm run: no ✗
    assert "✗" not in ex.status.value and ex.run().losses[-1] < ex.run().losses[0]


def test_surface_and_training_explorers_use_the_same_rule():
    ex = surface_explorer(loss="mse", lr=1.9, steps=60, kernel=-1.0, bias=2.0)
    verdict = _divergence.trace_verdict(ex.run().losses, number=lambda x: "")
    assert verdict is not None and "✗" in ex.status.value and "too large" in ex.status.value
    tr = training_explorer(batch_size=1, lr=0.5, epochs=5)
    _, path = tr.run()
    assert _divergence.trace_verdict(tr.full_loss(path)) is not None
    assert "✗ the loss grew from" in tr.status.value and "for batch size 1" in tr.status.value
    tr.set(lr=0.05, batch_size=16, epochs=3)
    assert "✗" not in tr.status.value


# -- the status line as words, for printing from a lesson's code ------------------------------
@pytest.mark.parametrize("markup,words", [
    ("<b style='color:#b00'>✗ MSE: the loss grew</b> (the path)", "✗ MSE: the loss grew (the path)"),
    ("a<br>b", "a b"), ("<p>one</p><p>two</p>", "one two"), ("x &lt; 1 &amp; y", "x < 1 & y"),
    ("<b>overlap</b>: yes", "overlap: yes"), ("  spread \n out  ", "spread out"), ("", ""),
])
def test_html_to_text_keeps_the_words_a_page_shows(markup, words):
    from course_lib.widgets.base import html_to_text
    assert html_to_text(markup) == words


def test_status_text_is_the_diverged_status_without_its_markup():
    ex = surface_explorer()
    ex.set(loss="mse", lr=0.7)
    assert "<b" in ex.status.value                     # shown in red in the page
    text = ex.status_text
    assert "<" not in text and ">" not in text
    assert text.startswith("✗ MSE: the loss grew from 19.66 to 1.257e4 in 30 steps")
    ex.set(lr=0.1)
    assert ex.status_text == ex.status.value           # a plain line stays as it is
