"""The schedule shoot-out (course_lib.shootout): deterministic, equal to separate fit runs,
honest about spread, targets not reached and divergence; bad input named."""
import math

import numpy as np
import pytest

from course_lib import data, models, schedules, training
from course_lib.shootout import (Recipe, Shootout, eval_schedule, one_cycle_momentum, shootout,
                                 spread)

SIZES = (64, 16, 10)
PER_EPOCH = 10                       # 320 training images in batches of 32


@pytest.fixture(scope="module")
def split():
    s = data.digits_split(seed=0)
    return s.x_train[:320], s.y_train[:320], (s.x_val[:200], s.y_val[:200])


def init(seed):
    return models.init_mlp(SIZES, seed=seed)


RECIPES = {
    "constant": lambda total: schedules.constant(0.05),
    "cosine": lambda total: schedules.cosine(0.1, total),
    "1cycle": Recipe(lr=lambda total: schedules.one_cycle(0.2, total),
                     momentum=one_cycle_momentum),
}


def run(split, recipes=None, **kw):
    x, y, val = split
    args = dict(validation_data=val, steps=2 * PER_EPOCH, seeds=(0, 1, 2), target=0.8)
    args.update(kw)
    return shootout(RECIPES if recipes is None else recipes, init, "mlp", x, y, **args)


@pytest.fixture(scope="module")
def result(split):
    return run(split)


def separate_fit(split, lr, seed, epochs, momentum=None):
    x, y, val = split
    return training.fit(init(seed), "mlp", x, y, loss="cross_entropy", optimizer="momentum",
                        lr=lr, epochs=epochs, batch_size=32, validation_data=val, seed=seed,
                        verbose=0, momentum=momentum)


# --- the numbers --------------------------------------------------------------------------------

def test_deterministic_per_seed(split, result):
    again = run(split)
    assert again.table() == result.table() == str(result)
    a, b = result.arrays(), again.arrays()
    for key in ("val_acc", "val_loss", "final_acc", "final_loss", "rates", "momentums"):
        np.testing.assert_array_equal(a[key], b[key])
    other = run(split, seeds=(3, 4, 5))
    assert other.table() != result.table()


def test_numbers_equal_separate_fit_runs(split, result):
    steps = 2 * PER_EPOCH
    for name, lr_of, mom_of in [("constant", RECIPES["constant"], None),
                                ("cosine", RECIPES["cosine"], None),
                                ("1cycle", RECIPES["1cycle"].lr, one_cycle_momentum)]:
        accs, losses = [], []
        for i, seed in enumerate(result.seeds):
            h = separate_fit(split, lr_of(steps), seed, epochs=2,
                             momentum=None if mom_of is None else mom_of(steps))
            r = result.runs[name][i]
            assert r.seed == seed
            assert r.final_acc == h.val_acc[-1]
            assert r.final_loss == pytest.approx(h.val_loss[-1], rel=1e-12)
            # measured once per epoch by default: the curve holds fit's epoch values
            np.testing.assert_allclose(r.val_acc[[1, 2]], h.val_acc)
            accs.append(h.val_acc[-1])
            losses.append(h.val_loss[-1])
        row = result.row(name)
        assert row["acc_mean"] == pytest.approx(np.mean(accs), abs=1e-15)
        assert row["acc_std"] == pytest.approx(np.std(accs, ddof=1), abs=1e-15)
        assert row["acc_min"] == min(accs) and row["acc_max"] == max(accs)
        assert row["loss_mean"] == pytest.approx(np.mean(losses), rel=1e-12)
        np.testing.assert_allclose(result.rates[name], lr_of(steps)(np.arange(steps)))
    np.testing.assert_allclose(result.momentums["1cycle"], one_cycle_momentum(steps)(np.arange(steps)))
    np.testing.assert_allclose(result.momentums["constant"], 0.9)


def test_budget_not_a_whole_number_of_epochs(split):
    steps = 25                                     # two epochs and a half
    res = run(split, recipes={"cosine": RECIPES["cosine"]}, steps=steps, seeds=(1,),
              eval_every=7)
    r = res.runs["cosine"][0]
    assert r.history.steps == steps
    np.testing.assert_array_equal(r.eval_steps, [0, 7, 14, 21, 25])
    np.testing.assert_array_equal(res.eval_steps, r.eval_steps)
    # the same run with fit and a callback that stops it after 25 updates
    x, y, val = split

    class Stop(training.Callback):
        def on_step_end(self, step, params, history):
            if step + 1 == steps:
                history.stop_training = True

    h = training.fit(init(1), "mlp", x, y, loss="cross_entropy", optimizer="momentum",
                     lr=schedules.cosine(0.1, steps), epochs=3, batch_size=32, seed=1,
                     verbose=0, callbacks=[Stop()])
    final = training.evaluate(h.params, "mlp", *val, "cross_entropy")
    assert r.final_acc == final["accuracy"]
    assert r.final_loss == pytest.approx(final["loss"], rel=1e-12)
    before = training.evaluate(init(1), "mlp", *val, "cross_entropy")
    assert r.val_acc[0] == before["accuracy"]      # measured before the first update


def test_spread_is_zero_with_one_seed(split):
    res = run(split, seeds=(2,))
    for row in res.rows():
        assert row["runs"] == 1
        assert row["acc_std"] == 0.0 and row["loss_std"] == 0.0
        assert row["acc_min"] == row["acc_mean"] == row["acc_max"]
        assert row["loss_min"] == row["loss_mean"] == row["loss_max"]
    assert "± 0.0000" in res.table()


def test_steps_to_target_and_not_reached(split, result):
    arrays = result.arrays()
    for s, name in enumerate(result.names):
        for i, r in enumerate(result.runs[name]):
            hits = np.flatnonzero(r.val_acc >= 0.8)
            want = int(r.eval_steps[hits[0]]) if hits.size else None
            assert r.steps_to_target == want
            assert (math.isnan(arrays["steps_to_target"][s, i]) if want is None
                    else arrays["steps_to_target"][s, i] == want)
    never = run(split, recipes={"constant": RECIPES["constant"]}, target=1.0)
    row = never.row("constant")
    assert row["reached"] == 0 and math.isnan(row["steps_mean"])
    assert "not reached" in never.table()
    assert all(r.steps_to_target is None for r in never.runs["constant"])
    no_target = run(split, recipes={"constant": RECIPES["constant"]}, target=None)
    assert "reached" not in no_target.row("constant")
    assert "steps to" not in no_target.table()


def test_some_seeds_reach_the_target(split):
    res = run(split, recipes={"cosine": RECIPES["cosine"]})
    accs = np.array([r.val_acc.max() for r in res.runs["cosine"]])
    target = float(np.sort(accs)[1])             # reached by exactly the better two seeds
    if np.sum(accs >= target) != 2:
        pytest.skip("ties between seeds")
    res = run(split, recipes={"cosine": RECIPES["cosine"]}, target=target)
    row = res.row("cosine")
    assert row["reached"] == 2
    steps = [r.steps_to_target for r in res.runs["cosine"] if r.steps_to_target is not None]
    assert row["steps_mean"] == pytest.approx(np.mean(steps))
    assert "2/3" in res.table()


def test_divergence_is_reported_not_raised(split, result):
    recipes = dict(RECIPES, **{"too large": lambda total: 1e200})
    res = run(split, recipes=recipes)
    row = res.row("too large")
    assert row["diverged"] == 3 and row["runs"] == 3
    assert math.isnan(row["acc_mean"]) and math.isnan(row["loss_mean"])
    assert all(r.diverged for r in res.runs["too large"])
    assert all(np.isnan(r.val_acc[-1]) for r in res.runs["too large"])
    line = [ln for ln in res.table().splitlines() if ln.startswith("too large")][0]
    assert "diverged" in line and line.rstrip().endswith("3/3")
    # the other schedules are untouched by it
    for name in RECIPES:
        assert res.row(name) == result.row(name)
    assert res.rows(sort_by="accuracy")[-1]["name"] == "too large"
    assert res.rows(sort_by="loss")[-1]["name"] == "too large"


def test_rows_sorting_and_arrays(result):
    rows = result.rows(sort_by="accuracy")
    means = [r["acc_mean"] for r in rows]
    assert means == sorted(means, reverse=True)
    losses = [r["loss_mean"] for r in result.rows(sort_by="loss")]
    assert losses == sorted(losses)
    by_steps = result.rows(sort_by="steps")
    assert [r["reached"] for r in by_steps] == sorted((r["reached"] for r in by_steps), reverse=True)
    assert [r["name"] for r in result.rows()] == list(RECIPES)
    a = result.arrays()
    assert a["names"] == list(RECIPES)
    assert a["val_acc"].shape == (3, 3, 3) and a["final_acc"].shape == (3, 3)
    assert a["rates"].shape == (3, 2 * PER_EPOCH)
    np.testing.assert_array_equal(a["eval_steps"], [0, 10, 20])
    np.testing.assert_array_equal(a["final_acc"], a["val_acc"][:, :, -1])
    assert repr(result) == "Shootout(3 schedules x 3 seeds, 20 steps each)"
    lines = result.table(precision=3).splitlines()
    assert len(lines) == 4 + 3
    assert lines[2].startswith("schedule") and set(lines[3]) == {"-"}


def test_fixed_params_vary_only_the_batches(split):
    x, y, val = split
    p0 = init(0)
    copy = {k: v.copy() for k, v in p0.items()}
    res = shootout({"c": lambda total: 0.05}, p0, "mlp", x, y, validation_data=val, steps=10,
                   seeds=(0, 1))
    for k in p0:
        np.testing.assert_array_equal(p0[k], copy[k])          # never changed
    r0, r1 = res.runs["c"]
    assert r0.val_acc[0] == r1.val_acc[0]                     # same start
    assert r0.final_loss != r1.final_loss                     # different batches


def test_spread_function():
    s = spread([0.9, 0.95, 1.0])
    assert s["n"] == 3 and s["mean"] == pytest.approx(0.95)
    assert s["std"] == pytest.approx(0.05) and s["min"] == 0.9 and s["max"] == 1.0
    s = spread([0.9, np.nan, 1.0])
    assert s["n"] == 2 and s["mean"] == pytest.approx(0.95)
    assert spread([0.7]) == {"n": 1, "mean": 0.7, "std": 0.0, "min": 0.7, "max": 0.7}
    empty = spread([np.nan, np.nan])
    assert empty["n"] == 0 and all(math.isnan(empty[k]) for k in ("mean", "std", "min", "max"))


def test_eval_schedule():
    np.testing.assert_array_equal(eval_schedule(20, 10), [0, 10, 20])
    np.testing.assert_array_equal(eval_schedule(25, 10), [0, 10, 20, 25])
    np.testing.assert_array_equal(eval_schedule(5, 10), [0, 5])


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("kw, match", [
    ({"recipes": {}}, r"^recipes must be a non-empty dict"),
    ({"recipes": [lambda t: 0.1]}, r"^recipes must be a non-empty dict"),
    ({"recipes": {"c": schedules.constant(0.1)}}, r"^recipes\['c'\] must be a function of the total"),
    ({"recipes": {"c": 0.1}}, r"^recipes\['c'\] must be a function"),
    ({"recipes": {"": lambda t: 0.1}}, r"^recipes: names must be non-empty strings"),
    ({"recipes": {"c": lambda t: "fast"}}, r"^recipes\['c'\] must return a schedule or a number"),
    ({"recipes": {"c": lambda t: schedules.cosine(0.1, t - 100)}},
     r"^recipes\['c'\] failed for 20 steps: period"),
    ({"recipes": {"c": lambda t: (lambda s: -0.1)}},
     r"^recipes\['c'\]: the schedule gave -0.1 at step 0"),
    ({"recipes": {"c": Recipe(lr=lambda t: 0.1, momentum=1.2)}}, r"^recipes\['c'\]: momentum"),
    ({"recipes": {"c": Recipe(lr=lambda t: 0.1, momentum=0.9, optimizer="adam")}},
     r"^recipes\['c'\]: momentum: a momentum schedule needs"),
    ({"recipes": {"c": Recipe(lr=0.1)}}, r"^recipes\['c'\]: lr must be a function"),
    ({"steps": 0}, "^steps"),
    ({"steps": 2.5}, "^steps"),
    ({"seeds": ()}, "^seeds must hold at least one"),
    ({"seeds": 3}, "^seeds must be a list"),
    ({"seeds": (0, -1)}, "^seeds must be non-negative"),
    ({"seeds": (0, 0)}, "^seeds must be different"),
    ({"seeds": (0, True)}, "^seeds must be non-negative"),
    ({"target": 1.5}, r"^target must be an accuracy in \(0, 1\]"),
    ({"target": 0}, "^target"),
    ({"target": 0.9, "loss": "mse"}, "^target: a target accuracy needs a classification loss"),
    ({"eval_every": 0}, "^eval_every"),
    ({"batch_size": 0}, "^batch_size"),
    ({"validation_data": None}, "^validation_data must be a pair"),
    ({"validation_data": (np.zeros((3, 64)), np.zeros(2, dtype=int))}, "^validation_data"),
    ({"optimizer": "rmsprop"}, "^optimizer"),
])
def test_bad_arguments(split, kw, match):
    with pytest.raises(ValueError, match=match):
        run(split, **kw)


def test_bad_arguments_of_the_result(result):
    with pytest.raises(ValueError, match="^sort_by"):
        result.rows(sort_by="name")
    with pytest.raises(ValueError, match="^name must be one of"):
        result.row("sgdr")
    with pytest.raises(ValueError, match="^precision"):
        result.table(precision=-1)
    assert isinstance(result, Shootout)


def test_bad_data(split):
    x, y, val = split
    with pytest.raises(ValueError, match="^y must have one entry per row"):
        shootout(RECIPES, init, "mlp", x, y[:-1], validation_data=val, steps=5)
    with pytest.raises(ValueError, match="^model"):
        shootout(RECIPES, init, "cnn", x, y, validation_data=val, steps=5)


# --- lesson 09's checkers -------------------------------------------------------------------

def _line(capsys):
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out.strip()


def test_checker_mean_and_spread(capsys):
    from course_lib.checks import lesson09

    ok = lesson09.mean_and_spread(lambda v: (np.mean(v), np.std(v, ddof=1), np.min(v), np.max(v)))
    assert ok and _line(capsys).startswith("✅")
    bad = lesson09.mean_and_spread(lambda v: (np.mean(v), np.std(v), np.min(v), np.max(v)))
    assert not bad and "ddof=1" in _line(capsys)
    for stub in (None, ..., lambda v: None):
        res = lesson09.mean_and_spread(stub)
        assert res.status == "not attempted" and "not attempted yet" in _line(capsys)


def test_checker_own_schedule(capsys):
    from course_lib.checks import lesson09

    ok = lesson09.own_schedule(lambda total: schedules.cosine(0.05, total))
    line = _line(capsys)
    assert ok and line.startswith("✅") and "over 3 seeds" in line
    too_large = lesson09.own_schedule(lambda total: schedules.cosine(5.0, total))
    line = _line(capsys)
    assert not too_large and line.startswith("❌") and "too large" in line
    for stub in (None, lambda total: None):
        res = lesson09.own_schedule(stub)
        assert res.status == "not attempted" and "not attempted yet" in _line(capsys)
    res = lesson09.own_schedule(lambda total: 1 / 0)
    assert not res and "ZeroDivisionError" in _line(capsys)
    res = lesson09.own_schedule(lambda total: "fast")
    assert not res and "should return a schedule" in _line(capsys)
    res = lesson09.own_schedule(schedules.cosine(0.05, 450)(0))
    assert not res and "should be a function" in _line(capsys)
