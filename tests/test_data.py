"""course_lib.data: the synthetic line, the digits, the split, standardisation, minibatches."""
import numpy as np
import pytest

from course_lib import data


def test_linear_data_is_seeded_and_follows_the_line():
    x1, y1 = data.linear_data(n=500, kernel=2.0, bias=-1.0, noise=0.1, seed=3)
    x2, y2 = data.linear_data(n=500, kernel=2.0, bias=-1.0, noise=0.1, seed=3)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert x1.shape == y1.shape == (500,)
    k, b = np.polyfit(x1, y1, 1)
    assert abs(k - 2.0) < 0.02 and abs(b + 1.0) < 0.02
    x3, _ = data.linear_data(n=500, seed=4)
    assert not np.array_equal(x1, x3)


def test_linear_data_without_noise_is_exact():
    x, y = data.linear_data(n=20, kernel=-0.5, bias=3.0, noise=0.0, seed=0)
    np.testing.assert_allclose(y, -0.5 * x + 3.0)


@pytest.mark.parametrize("kwargs, name", [({"n": 0}, "n"), ({"noise": -1.0}, "noise"),
                                          ({"x_range": (1, 0)}, "x_range"), ({"seed": -1}, "seed"),
                                          ({"kernel": float("nan")}, "kernel")])
def test_linear_data_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        data.linear_data(**kwargs)


def test_digits_ship_with_the_package():
    x, y = data.load_digits()
    assert x.shape == (1797, 64) and y.shape == (1797,)
    assert x.min() == 0 and x.max() == 16
    assert set(np.unique(y)) == set(range(10))
    assert np.all(np.bincount(y) >= 170)
    images, _ = data.load_digits(flat=False)
    assert images.shape == (1797, 8, 8)
    np.testing.assert_array_equal(images.reshape(1797, 64), x)


def test_digits_docstring_names_source_and_licence():
    doc = data.load_digits.__doc__
    assert "CC BY 4.0" in doc and "UCI" in doc and "Alpaydin" in doc and "Kaynak" in doc


def test_split_is_seeded_disjoint_and_stratified():
    x = np.arange(200, dtype=float)[:, None]
    y = np.repeat(np.arange(4), 50)
    (xt, yt), (xv, yv) = data.train_val_split(x, y, 0.2, seed=1)
    (xt2, _), (xv2, _) = data.train_val_split(x, y, 0.2, seed=1)
    assert np.array_equal(xt, xt2) and np.array_equal(xv, xv2)
    assert len(xv) == 40 and len(xt) == 160
    assert set(xt[:, 0]).isdisjoint(xv[:, 0])
    assert sorted(np.concatenate([xt[:, 0], xv[:, 0]])) == list(range(200))
    assert np.all(np.bincount(yv) == 10)
    np.testing.assert_array_equal(y[xt[:, 0].astype(int)], yt)
    (_, _), (xv3, _) = data.train_val_split(x, y, 0.2, seed=2)
    assert not np.array_equal(xv, xv3)


@pytest.mark.parametrize("frac", [0.0, 1.0, 1.5])
def test_split_bad_fraction(frac):
    with pytest.raises(ValueError, match="val_fraction"):
        data.train_val_split(np.zeros((10, 1)), np.zeros(10), frac)


def test_split_length_mismatch():
    with pytest.raises(ValueError, match="y"):
        data.train_val_split(np.zeros((10, 1)), np.zeros(9))


def test_standardizer_fits_on_train_only():
    rng = np.random.default_rng(0)
    train = rng.normal(5.0, 3.0, size=(100, 3))
    train[:, 2] = 7.0  # a constant feature
    val = rng.normal(5.0, 3.0, size=(20, 3))
    s = data.Standardizer().fit(train)
    t = s.transform(train)
    np.testing.assert_allclose(t[:, :2].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(t[:, :2].std(axis=0), 1.0)
    assert np.all(t[:, 2] == 0.0)
    np.testing.assert_allclose(s.transform(val), (val - train.mean(0)) / np.where(train.std(0) > 0, train.std(0), 1))
    with pytest.raises(ValueError, match="fit"):
        data.Standardizer().transform(val)


def test_digits_split_defaults():
    split = data.digits_split()
    assert split.x_train.shape[1] == 64 and len(split.x_train) + len(split.x_val) == 1797
    assert 355 <= len(split.x_val) <= 365
    np.testing.assert_allclose(split.x_train.mean(axis=0), 0.0, atol=1e-9)
    again = data.digits_split()
    assert np.array_equal(split.x_val, again.x_val)


@pytest.mark.parametrize("n, bs", [(10, 3), (12, 4), (5, 10), (1, 1), (100, 7)])
def test_minibatches_every_sample_once(n, bs):
    x = np.arange(n, dtype=float)[:, None]
    y = np.arange(n)
    batches = list(data.minibatches(x, y, bs, seed=0))
    sizes = [len(b) for _, b in batches]
    assert sizes == [bs] * (n // bs) + ([n % bs] if n % bs else [])
    seen = np.concatenate([b for _, b in batches])
    assert sorted(seen) == list(range(n))
    for xb, yb in batches:
        np.testing.assert_array_equal(xb[:, 0], yb)


def test_minibatches_drop_last_and_no_shuffle():
    x = np.arange(10)
    batches = list(data.minibatches(x, x, 3, drop_last=True, shuffle=False))
    assert [list(b) for _, b in batches] == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    only_x = list(data.minibatches(x, None, 4, shuffle=False))
    assert [list(b) for b in only_x] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_minibatches_are_deterministic_per_seed():
    x = np.arange(50)
    a = [list(b) for _, b in data.minibatches(x, x, 8, seed=5)]
    b = [list(b) for _, b in data.minibatches(x, x, 8, seed=5)]
    c = [list(b) for _, b in data.minibatches(x, x, 8, seed=6)]
    assert a == b and a != c


def test_batches_new_order_each_epoch_and_reset():
    x = np.arange(40)
    batches = data.Batches(x, x, 16, seed=0)
    assert len(batches) == 3
    e1 = np.concatenate([b for _, b in batches])
    e2 = np.concatenate([b for _, b in batches])
    assert sorted(e1) == sorted(e2) == list(range(40))
    assert not np.array_equal(e1, e2)
    batches.reset()
    np.testing.assert_array_equal(np.concatenate([b for _, b in batches]), e1)
    stream = batches.stream()
    assert len([next(stream) for _ in range(7)]) == 7
    assert len(data.Batches(x, x, 16, drop_last=True)) == 2


@pytest.mark.parametrize("kwargs, name", [({"batch_size": 0}, "batch_size"),
                                          ({"batch_size": 2.5}, "batch_size"),
                                          ({"batch_size": 2, "seed": "a"}, "seed")])
def test_minibatches_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        list(data.minibatches(np.arange(5), np.arange(5), **kwargs))


def test_minibatches_length_mismatch():
    with pytest.raises(ValueError, match="y"):
        list(data.minibatches(np.arange(5), np.arange(4), 2))
