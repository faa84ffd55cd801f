"""course_lib.frameworks: the course's schedules in Keras (JAX backend) and PyTorch (lesson 10).

Keras runs for real (it is a course dependency); PyTorch is not, so ``to_torch_lambda`` is
checked against the stored PyTorch traces of ``schedule_reference.json``.
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from course_lib import data, lr_finder, schedules as S
from course_lib import frameworks as F
from course_lib.ensembles import cycle_ends

keras = F.keras
REFERENCE = json.loads((Path(__file__).parent / "schedule_reference.json").read_text())
TORCH_CASES = [c for c in REFERENCE["cases"] if c["reference"].startswith("torch.")]

# every factory, several parameter sets each, plus compositions
SCHEDULES = [
    S.constant(0.1), S.constant(3e-4),
    S.time_decay(0.2, 0.01), S.time_decay(1.0, 0.0),
    S.step_decay(0.1, 0.5, 10), S.step_decay(0.05, 0.1, 37),
    S.exponential(0.1, 0.99), S.exponential(1.0, 0.5),
    S.cosine(0.1, 100), S.cosine(1.0, 250, 0.01),
    S.linear(0.0, 0.1, 50), S.linear(0.3, 0.01, 200),
    S.cyclical(0.001, 0.006, 20), S.cyclical(0.001, 0.1, 25, "triangular2"),
    S.cyclical(0.002, 0.2, 40, "exp_range", 0.9995, 10),
    S.sgdr(0.1, 10), S.sgdr(0.1, 10, 2, 0.001), S.sgdr(1.0, 7, 3, peak_decay=0.8),
    S.one_cycle(0.1, 1000), S.one_cycle(0.1, 500, 0.25, anneal="linear"),
    S.one_cycle(0.01, 333, 0.45, 10.0, 100.0, "linear", True),
    S.warmup(S.cosine(0.1, 300), 50),
    S.sequence([(S.linear(0.0, 0.1, 30), 30), (0.1, 70), (S.exponential(0.1, 0.98), None)]),
]
STEPS = np.concatenate([np.arange(0, 1200), [1500, 4000, 10_000]])   # past every end


def _keras_values(schedule, steps=STEPS):
    return np.asarray(F.to_keras(schedule)(np.asarray(steps, dtype=np.int32)))


@pytest.mark.parametrize("schedule", SCHEDULES, ids=repr)
def test_to_keras_equals_the_course_schedule_at_every_step(schedule):
    got = _keras_values(schedule)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, schedule(STEPS), rtol=1e-6, atol=1e-12)
    # one step at a time (as the optimizer calls it) gives the same values
    k = F.to_keras(schedule)
    for t in (0, 17, 999, 4000):
        assert float(k(t)) == pytest.approx(schedule(t), rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("schedule", SCHEDULES[::3], ids=repr)
def test_config_round_trip(schedule):
    k = F.to_keras(schedule)
    config = json.loads(json.dumps(k.get_config()))      # JSON-able, as Keras saves it
    again = F.CourseSchedule.from_config(config)
    np.testing.assert_array_equal(np.asarray(again(STEPS.astype(np.int32))), _keras_values(schedule))
    assert repr(again.schedule) == repr(schedule)
    blob = keras.saving.serialize_keras_object(k)
    back = keras.saving.deserialize_keras_object(blob)
    assert isinstance(back, F.CourseSchedule) and repr(back.schedule) == repr(schedule)


def _net(seed=0, hidden=16, classes=10, features=64):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((features,)),
                             keras.layers.Dense(hidden, activation="relu"),
                             keras.layers.Dense(classes)])


LOSS = "sparse_categorical_crossentropy"


def _xy(n=256, seed=0):
    split = data.digits_split()
    return split.x_train[:n].astype("float32"), split.y_train[:n].astype("int32")


def _logit_loss():
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def test_a_model_trained_with_a_course_schedule_saves_and_reloads(tmp_path):
    x, y = _xy()
    schedule = S.sgdr(0.1, 8, 2, 0.001)
    model = _net()
    model.compile(keras.optimizers.SGD(F.to_keras(schedule)), loss=_logit_loss())
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)           # 16 updates
    assert int(np.asarray(model.optimizer.iterations.value)) == 16
    assert float(model.optimizer.learning_rate) == pytest.approx(schedule(16), rel=1e-6)
    model.save(tmp_path / "m.keras")
    back = keras.models.load_model(tmp_path / "m.keras")
    assert isinstance(back.optimizer._learning_rate, F.CourseSchedule)
    assert repr(back.optimizer._learning_rate.schedule) == repr(schedule)
    assert float(back.optimizer.learning_rate) == pytest.approx(schedule(16), rel=1e-6)
    np.testing.assert_allclose(back.predict(x[:8], verbose=0), model.predict(x[:8], verbose=0),
                               rtol=1e-6, atol=1e-6)


def test_the_optimizer_uses_the_schedule_update_by_update():
    # plain SGD on a linear model: each update moves the bias by -lr * gradient, and the
    # gradient of mean((b - 0))... here d/db of 0.5 * b**2 is b, so b_{t+1} = b_t (1 - lr_t)
    schedule = S.one_cycle(0.5, 12, 0.3)
    b = keras.Variable(1.0)
    opt = keras.optimizers.SGD(F.to_keras(schedule))
    expected = 1.0
    for t in range(15):
        opt.apply([b.value], [b])
        expected *= 1.0 - np.float32(schedule(t))
        assert float(b.value) == pytest.approx(expected, rel=1e-5)


def _snapshot(model):
    return ([np.array(v.value) for v in model.variables],
            [np.array(v.value) for v in model.optimizer.variables])


def _assert_same(before, after):
    for a, b in zip(before[0] + before[1], after[0] + after[1]):
        np.testing.assert_array_equal(a, b)
    assert len(before[0]) == len(after[0]) and len(before[1]) == len(after[1])


def _trained_momentum_net(x, y):
    model = _net()
    model.compile(keras.optimizers.SGD(0.05, momentum=0.9), loss=_logit_loss())
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)     # momenta and counter non-zero
    return model


def test_range_test_restores_weights_and_optimizer_state_and_is_read_by_the_course():
    x, y = _xy()
    model = _trained_momentum_net(x, y)
    before = _snapshot(model)
    assert int(before[1][0]) == 8 and any(np.abs(v).sum() > 0 for v in before[1][2:])
    result = F.keras_range_test(model, x, y, min_lr=1e-4, max_lr=30.0, steps=80, batch_size=32)
    _assert_same(before, _snapshot(model))
    assert isinstance(result, lr_finder.RangeTest)
    assert result.stopped_early and "minimum" in result.reason or "loss became" in result.reason
    assert 10 < len(result) < 80
    np.testing.assert_allclose(result.lrs, result.planned_lrs[:len(result)])
    np.testing.assert_allclose(result.smoothed, lr_finder.smooth(result.losses, 0.98))
    suggestion = result.suggestion()
    bounds = lr_finder.clr_bounds(result)
    assert 1e-4 < suggestion < 30.0
    assert bounds.base_lr < bounds.max_lr <= result.lrs[-1]
    assert result.losses[0] == pytest.approx(np.log(10), rel=0.5)   # a near-untrained start


def test_range_test_restores_after_an_exception_mid_sweep(monkeypatch):
    x, y = _xy()
    model = _trained_momentum_net(x, y)
    before = _snapshot(model)
    real = model.train_on_batch
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 6:
            raise KeyboardInterrupt("stopped by hand")
        return real(*args, **kwargs)

    monkeypatch.setattr(model, "train_on_batch", failing)
    with pytest.raises(KeyboardInterrupt):
        F.keras_range_test(model, x, y, min_lr=1e-3, max_lr=1.0, steps=20)
    assert len(calls) == 6
    _assert_same(before, _snapshot(model))


def test_range_test_on_a_fresh_model_leaves_it_fresh():
    x, y = _xy()
    model = _net()
    model.compile(keras.optimizers.Adam(1e-3), loss=_logit_loss())
    weights = [w.copy() for w in model.get_weights()]
    F.keras_range_test(model, x, y, min_lr=1e-5, max_lr=1.0, steps=12)
    for a, b in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(np.asarray(model.optimizer.iterations.value)) == 0
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)


def test_snapshots_at_cycle_ends_and_their_ensemble():
    x, y = _xy()
    schedule = S.sgdr(0.1, 8)
    model = _net()
    model.compile(keras.optimizers.SGD(F.to_keras(schedule)), loss=_logit_loss())
    snaps = F.KerasCycleSnapshots(schedule)
    model.fit(x, y, batch_size=32, epochs=3, verbose=0, callbacks=[snaps])     # 24 updates
    assert snaps.steps == list(cycle_ends(schedule, 24)) == [7, 15, 23]
    # the last snapshot is the final model; the earlier ones differ from it
    for a, b in zip(snaps.weights[-1], model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(snaps.weights[0][0], snaps.weights[-1][0])
    own = [w.copy() for w in model.get_weights()]
    proba = F.keras_snapshot_proba(model, snaps, x[:50], last=2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    members = []
    for weights in snaps.weights[-2:]:
        model.set_weights(weights)
        logits = model.predict(x[:50], verbose=0).astype(float)
        members.append(np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True))
    model.set_weights(own)
    np.testing.assert_allclose(proba, np.mean(members, axis=0), rtol=1e-6)
    for a, b in zip(own, model.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("case", TORCH_CASES, ids=lambda c: f"{c['reference'].rsplit('.', 1)[-1]}"
                         f"[{','.join(f'{k}={v}' for k, v in c['course_args'].items())}]")
def test_to_torch_lambda_reproduces_the_torch_traces(case):
    schedule = getattr(S, case["schedule"])(**case["course_args"])
    base_lr = case["reference_args"].get("lr", case["reference_args"].get("max_lr"))
    fn = F.to_torch_lambda(schedule, base_lr)
    # LambdaLR: after t calls of scheduler.step() the rate is base_lr * fn(t), used by update t
    got = np.array([base_lr * fn(t) for t in range(case["steps"])])
    np.testing.assert_allclose(got, case["lrs"], rtol=1e-12, atol=1e-15)


def test_mapping_table_names_every_factory_and_the_differences():
    table = F.mapping_table()
    for name in ("constant", "time_decay", "step_decay", "exponential", "cosine", "linear",
                 "cyclical", "sgdr", "one_cycle"):
        assert name in F.MAPPING and f"\n{name} " in table
    for torch_name in {c["reference"].rsplit(".", 1)[-1] for c in TORCH_CASES}:
        assert torch_name in table
    assert "climbs back" in F.MAPPING["cosine"][2]
    assert "total_steps" in F.MAPPING["one_cycle"][2]
    assert "m_mul" in F.MAPPING["sgdr"][2] and "alpha * max_lr" in F.MAPPING["sgdr"][2]


@pytest.mark.parametrize("max_lr, t0, t_mult, min_lr, peak_decay", [
    (0.1, 10, 2, 0.005, 0.7), (1.0, 7, 3, 0.2, 0.5), (0.05, 25, 1, 0.01, 0.9)])
def test_sgdr_is_keras_cosine_decay_restarts_with_alpha_the_floor_over_the_peak(
        max_lr, t0, t_mult, min_lr, peak_decay):
    """What the mapping table says: peak_decay is Keras' m_mul, and min_lr is alpha * max_lr
    for any floor (Keras scales only the cosine part by m_mul, not the floor)."""
    theirs = keras.optimizers.schedules.CosineDecayRestarts(
        max_lr, first_decay_steps=t0, t_mul=float(t_mult), m_mul=peak_decay,
        alpha=min_lr / max_lr)
    steps = np.arange(0, 400, 3)
    mine = S.sgdr(max_lr, t0, t_mult, min_lr, peak_decay)(steps)
    got = np.array([float(theirs(int(t))) for t in steps])
    np.testing.assert_allclose(got, mine, rtol=2e-6)
    assert mine.min() < min_lr * 1.05 and S.sgdr(max_lr, t0, t_mult, min_lr, peak_decay).cycles(
        steps)[0].max() >= 2       # the floor and several restarts are reached


@pytest.mark.parametrize("call, name", [
    (lambda: F.to_keras(lambda t: 0.1), "schedule"),
    (lambda: F.to_keras(0.1), "schedule"),
    (lambda: F.to_torch_lambda(S.constant(0.1), 0.0), "base_lr"),
    (lambda: F.to_torch_lambda("fast", 0.1), "schedule"),
    (lambda: F.CourseSchedule({"name": "nope", "params": {}}), "spec"),
    (lambda: F.CourseSchedule({"lr": 0.1}), "spec"),
    (lambda: F.KerasCycleSnapshots(3), "schedule"),
    (lambda: F.keras_range_test("net", *_xy(64)), "model"),
    (lambda: F.keras_range_test(_net(), *_xy(64)), "model"),
    (lambda: F.keras_snapshot_proba(_net(), [], _xy(8)[0]), "snapshots"),
    (lambda: F.keras_snapshot_proba(_net(), [_net().get_weights()], _xy(8)[0], last=2), "last"),
])
def test_bad_arguments_raise_value_error_naming_them(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize("kwargs, name", [
    ({"min_lr": 1.0, "max_lr": 0.1}, "min_lr"), ({"steps": 1}, "steps"),
    ({"batch_size": 0}, "batch_size"), ({"smoothing": 1.0}, "smoothing"),
    ({"diverge_factor": 1.0}, "diverge_factor"), ({"mode": "log"}, "mode"),
])
def test_range_test_argument_checks(kwargs, name):
    model = _net()
    model.compile(keras.optimizers.SGD(0.1), loss=_logit_loss())
    with pytest.raises(ValueError, match=name):
        F.keras_range_test(model, *_xy(64), **kwargs)


def test_range_test_refuses_an_optimizer_with_a_schedule():
    model = _net()
    model.compile(keras.optimizers.SGD(F.to_keras(S.constant(0.1))), loss=_logit_loss())
    with pytest.raises(ValueError, match="model.*schedule"):
        F.keras_range_test(model, *_xy(64))


def test_saving_a_schedule_of_your_own_is_refused_with_advice():
    with pytest.raises(ValueError, match="schedule"):
        F._describe(S.as_schedule(lambda t: 0.1))


def test_another_backend_is_refused_clearly():
    code = ("import os; os.environ['KERAS_BACKEND'] = 'numpy'\n"
            "import keras\n"
            "try:\n"
            "    import course_lib.frameworks\n"
            "except RuntimeError as e:\n"
            "    print('REFUSED', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=Path(__file__).parent.parent)
    assert "REFUSED" in out.stdout, out.stderr[-2000:]
    assert "'jax'" in out.stdout and "'numpy'" in out.stdout and "Restart the kernel" in out.stdout


def test_import_course_lib_does_not_import_keras():
    code = "import sys, course_lib; print('keras' in sys.modules, 'jax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=Path(__file__).parent.parent)
    assert out.stdout.split() == ["False", "False"], out.stderr[-2000:]


def test_frameworks_keras_can_be_imported_first():
    # both take Keras from course_lib.keras_setup: no circle, whichever comes first
    code = ("import course_lib.frameworks_keras as k, course_lib.frameworks as f\n"
            "print(f.keras_range_test is k.keras_range_test, f.keras.backend.backend())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=Path(__file__).parent.parent)
    assert out.stdout.split() == ["True", "jax"], out.stderr[-2000:]
