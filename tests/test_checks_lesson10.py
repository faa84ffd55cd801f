"""Lesson 10's checkers (course_lib.checks.lesson10) and the plain-Python PyTorch loop
(course_lib.torch_style): right answers pass, each typical mistake gets its own hint."""
import json
from pathlib import Path

import numpy as np
import pytest

from course_lib import frameworks as F, schedules as S, torch_style
from course_lib.checks import _harness, lesson10

keras = F.keras
ops = keras.ops
Base = keras.optimizers.schedules.LearningRateSchedule
REFERENCE = json.loads((Path(__file__).parent / "schedule_reference.json").read_text())
TORCH_CASES = [c for c in REFERENCE["cases"] if c["reference"].startswith("torch.")]


@pytest.fixture(autouse=True)
def short_limit(monkeypatch):
    monkeypatch.setattr(_harness, "TIME_LIMIT", 10.0)


def out(capsys):
    return capsys.readouterr().out.strip()


def make(drops, config=True):
    """A Keras step decay whose number of drops is drops(step, every) (keras.ops)."""
    class StepDecay(Base):
        def __init__(self, lr0, factor, every):
            self.lr0, self.factor, self.every = lr0, factor, every

        def __call__(self, step):
            n = drops(ops.cast(step, "float32"), float(self.every))
            return self.lr0 * ops.power(self.factor, n)

        if config:
            def get_config(self):
                return {"lr0": self.lr0, "factor": self.factor, "every": self.every}
    return StepDecay


RIGHT = make(lambda s, e: ops.floor(s / e))


class RightIntegers(Base):
    """Another valid style: integer floor division, config via a stored dict."""

    def __init__(self, lr0, factor, every):
        self.config = dict(lr0=lr0, factor=factor, every=every)

    def __call__(self, step):
        k = ops.floor_divide(ops.cast(step, "int32"), self.config["every"])
        return self.config["lr0"] * ops.power(self.config["factor"], ops.cast(k, "float32"))

    def get_config(self):
        return dict(self.config)


@pytest.mark.parametrize("answer", [RIGHT, RightIntegers])
def test_step_decay_right_answers_pass(answer, capsys):
    assert lesson10.keras_step_decay(answer)
    assert out(capsys).startswith("✅")


class PythonInt(Base):
    def __init__(self, lr0, factor, every):
        self.lr0, self.factor, self.every = lr0, factor, every

    def __call__(self, step):
        return self.lr0 * self.factor ** (int(step) // self.every)

    def get_config(self):
        return {"lr0": self.lr0, "factor": self.factor, "every": self.every}


@pytest.mark.parametrize("answer, words", [
    (None, "not attempted"),
    (S.step_decay, "derived from"),
    (make(lambda s, e: ops.floor((s + 1) / e)), "one update too early"),
    (make(lambda s, e: s / e), "floor division"),
    (make(lambda s, e: s), "drops at every update"),
    (make(lambda s, e: ops.floor(ops.maximum(s - 1, 0) / e)), "one update late"),
    (make(lambda s, e: ops.floor(s / (2 * e))), "expected"),
    (PythonInt, "compiled training step"),
    (make(lambda s, e: ops.floor(s / e), config=False), "get_config"),
])
def test_step_decay_mistakes_are_named(answer, words, capsys):
    result = lesson10.keras_step_decay(answer)
    assert not result
    assert words in out(capsys)


def per_batch(optimizer, scheduler, epochs, batches_per_epoch):
    for _ in range(epochs):
        for _ in range(batches_per_epoch):
            optimizer.zero_grad()
            optimizer.step()
            scheduler.step()


def flat(optimizer, scheduler, epochs, batches_per_epoch):      # another valid style
    for _ in range(epochs * batches_per_epoch):
        optimizer.step()
        scheduler.step()


def per_epoch(optimizer, scheduler, epochs, batches_per_epoch):
    for _ in range(epochs):
        for _ in range(batches_per_epoch):
            optimizer.step()
        scheduler.step()


def before(optimizer, scheduler, epochs, batches_per_epoch):
    for _ in range(epochs * batches_per_epoch):
        scheduler.step()
        optimizer.step()


def never(optimizer, scheduler, epochs, batches_per_epoch):
    for _ in range(epochs * batches_per_epoch):
        optimizer.step()


def short(optimizer, scheduler, epochs, batches_per_epoch):
    for _ in range(epochs * batches_per_epoch - 1):
        optimizer.step()
        scheduler.step()


def steps_first_then_loops(optimizer, scheduler, epochs, batches_per_epoch):
    # another valid style: a while loop over a global step counter
    t = 0
    while t < epochs * batches_per_epoch:
        optimizer.step()
        scheduler.step()
        t += 1


def doubled(optimizer, scheduler, epochs, batches_per_epoch):
    for _ in range(epochs * batches_per_epoch):
        optimizer.step()
        scheduler.step()
        scheduler.step()


def stub(optimizer, scheduler, epochs, batches_per_epoch):
    # YOUR CODE HERE
    ...


@pytest.mark.parametrize("answer", [per_batch, flat, steps_first_then_loops])
def test_loop_right_answers_pass(answer, capsys):
    assert lesson10.training_loop(answer)
    assert out(capsys).startswith("✅")


@pytest.mark.parametrize("answer, words", [
    (None, "not attempted"), (stub, "not attempted"), (3, "should be a function"),
    (per_epoch, "once per epoch"), (before, "before optimizer.step()"),
    (never, "never steps"), (short, "made 23 updates"), (doubled, "update 1 used"),
    (lambda o, s, e, b: 1 / 0, "ZeroDivisionError"),
])
def test_loop_mistakes_are_named(answer, words, capsys):
    result = lesson10.training_loop(answer)
    assert not result
    assert words in out(capsys)


@pytest.mark.parametrize("case", TORCH_CASES[::2], ids=lambda c: c["schedule"])
def test_plain_python_lambda_lr_follows_the_torch_traces(case):
    schedule = getattr(S, case["schedule"])(**case["course_args"])
    base_lr = case["reference_args"].get("lr", case["reference_args"].get("max_lr"))
    used = torch_style.rates_used(per_batch, F.to_torch_lambda(schedule, base_lr), base_lr,
                                  1, case["steps"])
    np.testing.assert_allclose(used, case["lrs"], rtol=1e-12, atol=1e-15)
    late = torch_style.rates_used(before, F.to_torch_lambda(schedule, base_lr), base_lr,
                                  1, case["steps"] - 1)
    np.testing.assert_allclose(late, case["lrs"][1:], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("call, name", [
    (lambda: torch_style.RecordingOptimizer(0), "lr"),
    (lambda: torch_style.LambdaLR("sgd", lambda t: 1.0), "optimizer"),
    (lambda: torch_style.LambdaLR(torch_style.RecordingOptimizer(0.1), 2), "lr_lambda"),
    (lambda: torch_style.rates_used(None, lambda t: 1.0, 0.1, 1, 1), "loop"),
    (lambda: torch_style.rates_used(per_batch, lambda t: 1.0, 0.1, 0, 1), "epochs"),
    (lambda: torch_style.rates_used(per_batch, lambda t: 1.0, 0.1, 1, 1.5), "batches_per_epoch"),
])
def test_torch_style_bad_arguments(call, name):
    with pytest.raises(ValueError, match=name):
        call()
