"""course_lib.ensembles: cycle-end snapshots, averaged probabilities, disagreement."""
import numpy as np
import pytest

from course_lib import data, ensembles as E, models, schedules, training


# --- where cycles end ------------------------------------------------------------------------

def test_cycle_ends_of_sgdr_are_the_steps_before_each_restart():
    s = schedules.sgdr(0.1, 5, t_mult=2)
    ends = E.cycle_ends(s, 40)
    np.testing.assert_array_equal(ends, [4, 14, 34])
    k, t_cur, t_i = s.cycles(ends)
    np.testing.assert_array_equal(t_cur, t_i - 1)          # the last step of its cycle
    _, t_next, _ = s.cycles(ends + 1)
    np.testing.assert_array_equal(t_next, 0)               # the next step restarts
    # a budget that ends exactly on a boundary keeps its last cycle
    np.testing.assert_array_equal(E.cycle_ends(s, 35), [4, 14, 34])
    np.testing.assert_array_equal(E.cycle_ends(schedules.sgdr(0.1, 100), 450), [99, 199, 299, 399])
    assert E.cycle_ends(s, 0).size == 0


def test_cycle_ends_of_other_schedules_are_local_minima_of_the_rate():
    np.testing.assert_array_equal(E.cycle_ends(schedules.cyclical(0.01, 0.1, 4), 30), [8, 16, 24])
    assert E.cycle_ends(schedules.cosine(0.1, 10), 30).size == 0
    assert E.cycle_ends(schedules.constant(0.1), 30).size == 0
    # a plain function of the step works too
    saw = lambda t: 0.1 * (1 - (t % 6) / 6)                  # noqa: E731 - decays, then jumps up
    np.testing.assert_array_equal(E.cycle_ends(saw, 20), [5, 11, 17])


@pytest.mark.parametrize("t0, t_mult, n, expected", [
    (100, 1, 4, 400), (60, 2, 4, 900), (5, 3, 3, 65), (7, 2, 0, 0), (1, 1, 1, 1)])
def test_sgdr_length(t0, t_mult, n, expected):
    assert E.sgdr_length(t0, t_mult, n) == expected
    if n:
        s = schedules.sgdr(0.1, t0, t_mult)
        assert E.cycle_ends(s, expected)[-1] == expected - 1


@pytest.mark.parametrize("kwargs, arg", [
    (dict(t0=0, t_mult=1, n_cycles=2), "t0"), (dict(t0=5, t_mult=0, n_cycles=2), "t_mult"),
    (dict(t0=5, t_mult=1, n_cycles=-1), "n_cycles"), (dict(t0=2.5, t_mult=1, n_cycles=2), "t0")])
def test_sgdr_length_bad_arguments(kwargs, arg):
    with pytest.raises(ValueError, match=arg):
        E.sgdr_length(**kwargs)


# --- the callback, inside fit ------------------------------------------------------------------

@pytest.fixture(scope="module")
def split():
    return data.digits_split(seed=0)


@pytest.fixture(scope="module")
def trained(split):
    """Four epochs of 45 steps with a cycle of 45 steps: four snapshots."""
    sched = schedules.sgdr(0.3, 45, min_lr=0.0)
    snaps = E.CycleEndSnapshots(sched)
    trace = training.Trace()
    hist = training.fit(models.init_mlp((64, 16, 10), seed=0), "mlp", *split.train,
                        loss="cross_entropy", optimizer="momentum", lr=sched, epochs=4,
                        batch_size=32, seed=0, callbacks=[snaps, trace], eval_train=False,
                        verbose=0)
    return sched, snaps, trace, hist


def test_cycle_end_snapshots_keep_the_parameters_after_each_cycle(trained):
    sched, snaps, trace, hist = trained
    assert hist.steps == 180 and len(snaps) == 4
    assert snaps.steps == [44, 89, 134, 179] == list(E.cycle_ends(sched, 180))
    assert snaps.when == [("step", t) for t in snaps.steps]
    for t, p in zip(snaps.steps, snaps.params):
        for key in p:
            np.testing.assert_array_equal(p[key], trace.params[t + 1][key])   # after update t
    for key in hist.params:                                                 # the last = final
        np.testing.assert_array_equal(snaps.params[-1][key], hist.params[key])
    np.testing.assert_allclose(snaps.losses, [hist.losses[t] for t in snaps.steps])
    # copies, not references: the snapshots differ from each other
    assert not np.array_equal(snaps.params[0]["W1"], snaps.params[1]["W1"])
    assert "4 snapshots" in repr(snaps)


def test_cycle_end_snapshots_is_a_snapshots_callback_and_restarts_empty(split):
    sched = schedules.sgdr(0.1, 10)
    snaps = E.CycleEndSnapshots(sched)
    assert isinstance(snaps, training.Snapshots)
    for _ in range(2):            # fit twice with the same callback: no leftovers
        training.fit(models.init_mlp((64, 8, 10), seed=1), "mlp", split.x_train[:200],
                     split.y_train[:200], loss="cross_entropy", lr=sched, epochs=1,
                     batch_size=10, callbacks=[snaps], verbose=0)
        assert snaps.steps == [9, 19]
    with pytest.raises(ValueError, match="schedule"):
        E.CycleEndSnapshots(0.1)


def test_cycle_end_snapshots_with_a_cyclical_schedule(split):
    sched = schedules.cyclical(0.01, 0.1, 5)
    snaps = E.CycleEndSnapshots(sched)
    training.fit(models.init_mlp((64, 8, 10), seed=1), "mlp", split.x_train[:300],
                 split.y_train[:300], loss="cross_entropy", lr=sched, epochs=1, batch_size=10,
                 callbacks=[snaps], verbose=0)
    assert snaps.steps == [10, 20]          # the updates made at base_lr, before each rise


# --- probabilities and the ensemble --------------------------------------------------------------

def test_predict_proba_and_snapshot_proba(trained, split):
    _, snaps, _, _ = trained
    p = E.predict_proba(snaps.params[0], split.x_val)
    assert p.shape == (len(split.x_val), 10)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p, models.softmax(models.mlp(snaps.params[0], split.x_val)))
    probs = E.snapshot_proba(snaps, split.x_val)               # the callback itself works
    assert probs.shape == (4, len(split.x_val), 10)
    np.testing.assert_array_equal(probs, E.snapshot_proba(snaps.params, split.x_val))
    np.testing.assert_array_equal(probs[2], E.predict_proba(snaps.params[2], split.x_val))


def test_average_proba_takes_the_last_members():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(3), size=(5, 7))              # (members, samples, classes)
    np.testing.assert_allclose(E.average_proba(probs), probs.mean(axis=0))
    np.testing.assert_allclose(E.average_proba(probs, last=2), (probs[3] + probs[4]) / 2)
    np.testing.assert_array_equal(E.average_proba(probs, last=1), probs[4])
    np.testing.assert_allclose(E.average_proba(probs, last=3).sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="last"):
        E.average_proba(probs, last=6)
    with pytest.raises(ValueError, match="last"):
        E.average_proba(probs, last=0)
    with pytest.raises(ValueError, match="probs"):
        E.average_proba(probs[0])


def test_averaging_probabilities_can_beat_every_member():
    # three members, each wrong on a different sample; the average is right on all of them
    right, wrong = [0.7, 0.3], [0.4, 0.6]
    y = np.array([0, 0, 0])
    probs = np.array([[wrong, right, right], [right, wrong, right], [right, right, wrong]])
    members = (probs.argmax(-1) == y).mean(-1)
    np.testing.assert_allclose(members, 2 / 3)
    assert np.mean(E.average_proba(probs).argmax(-1) == y) == 1.0


def test_ensemble_accuracy_agrees_with_a_hand_computation(trained, split):
    _, snaps, _, hist = trained
    x, y = split.val
    probs = np.stack([models.softmax(models.mlp(p, x)) for p in snaps.params])
    for m in (1, 2, 4):
        want = np.mean(probs[-m:].mean(0).argmax(-1) == y)
        assert E.ensemble_accuracy(snaps, x, y, last=m) == pytest.approx(want)
        np.testing.assert_allclose(E.ensemble_proba(snaps, x, last=m), probs[-m:].mean(0))
    last = training.evaluate(hist.params, "mlp", x, y, "cross_entropy")["accuracy"]
    assert E.ensemble_accuracy(snaps, x, y, last=1) == pytest.approx(last)
    accs = E.member_accuracies(snaps, x, y)
    np.testing.assert_allclose(accs, (probs.argmax(-1) == y).mean(-1))
    assert E.ensemble_accuracy(snaps, x, np.eye(10)[y]) == E.ensemble_accuracy(snaps, x, y)


def test_bad_snapshots_and_labels(trained, split):
    _, snaps, _, _ = trained
    with pytest.raises(ValueError, match="snapshots"):
        E.ensemble_proba([], split.x_val)
    with pytest.raises(ValueError, match="snapshots"):
        E.ensemble_proba(snaps.params[0], split.x_val)
    with pytest.raises(ValueError, match="last"):
        E.ensemble_accuracy(snaps, *split.val, last=5)
    with pytest.raises(ValueError, match="y"):
        E.ensemble_accuracy(snaps, split.x_val, split.y_val[:10])


# --- disagreement ----------------------------------------------------------------------------

def test_disagreement_rate_from_labels_or_scores():
    a = np.array([0, 1, 2, 3])
    b = np.array([0, 1, 0, 0])
    assert E.disagreement_rate(a, b) == 0.5
    assert E.disagreement_rate(a, a) == 0.0
    assert E.disagreement_rate(np.eye(4)[a], b) == 0.5          # probabilities or logits
    with pytest.raises(ValueError, match="pred_a"):
        E.disagreement_rate(a, b[:3])
    with pytest.raises(ValueError, match="pred_a"):
        E.disagreement_rate(np.array([], dtype=int), np.array([], dtype=int))


def test_pairwise_disagreement_matrix(trained, split):
    _, snaps, _, _ = trained
    d = E.pairwise_disagreement(snaps, split.x_val)
    assert d.shape == (4, 4)
    np.testing.assert_array_equal(np.diag(d), 0.0)
    np.testing.assert_array_equal(d, d.T)
    p0 = E.predict_proba(snaps.params[0], split.x_val)
    p3 = E.predict_proba(snaps.params[3], split.x_val)
    assert d[0, 3] == E.disagreement_rate(p0, p3)
    assert E.mean_disagreement(d) == pytest.approx(d[np.triu_indices(4, 1)].mean())
    assert E.mean_disagreement(np.array([[0, 0.2], [0.2, 0]])) == pytest.approx(0.2)
    with pytest.raises(ValueError, match="matrix"):
        E.mean_disagreement(np.zeros((1, 1)))
    with pytest.raises(ValueError, match="matrix"):
        E.mean_disagreement(np.zeros((2, 3)))


# --- lesson 08's checkers ------------------------------------------------------------------

def test_lesson08_checkers(capsys):
    from course_lib.checks import lesson08

    def right(t_cur, t_i, max_lr, min_lr):
        return min_lr + (max_lr - min_lr) * (1 + np.cos(np.pi * np.asarray(t_cur) / t_i)) / 2

    assert lesson08.sgdr_rate(right)
    assert not lesson08.sgdr_rate(lambda t, T, mx, mn: mx * (1 + np.cos(np.pi * np.asarray(t) / T)) / 2)
    assert lesson08.sgdr_rate(lambda *a: None).status == "not attempted"
    assert lesson08.average_snapshots(lambda p, m: p[-m:].mean(axis=0))
    assert not lesson08.average_snapshots(lambda p, m: p[:m].mean(axis=0))      # the oldest
    assert not lesson08.average_snapshots(lambda p, m: p[-m:].mean(axis=1))
    assert lesson08.average_snapshots(None).status == "not attempted"
    assert lesson08.fits_budget(60, 2)
    assert not lesson08.fits_budget(300, 2)            # only two cycles
    assert not lesson08.fits_budget(70, 2)             # overshoots
    assert not lesson08.fits_budget(180, 1)            # t_mult must be at least 2
    assert not lesson08.fits_budget(60.0, 2)
    assert lesson08.fits_budget(None, 2).status == "not attempted"
    out = capsys.readouterr().out
    assert "✅" in out and "❌" in out and "not attempted yet" in out


def test_label_rows_must_be_one_hot():
    with pytest.raises(ValueError, match="one-hot"):
        E._labels(np.array([[2, 2, 2], [0, 1, 0]]), 2)
    assert list(E._labels(np.array([[0, 0, 1], [0, 1, 0]]), 2)) == [2, 1]
