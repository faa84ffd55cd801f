"""course_lib/widgets/_png.py: the explorers' PNG encoder is lossless, plain PNG (Pillow reads
it back to the same pixels) and names bad input."""
import io

import numpy as np
import pytest
from PIL import Image

from course_lib.widgets import parabola_explorer
from course_lib.widgets._png import encode_rgba


def decode(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.mode == "RGBA"
    return np.asarray(image)


@pytest.mark.parametrize("shape", [(1, 1, 4), (3, 7, 4), (288, 720, 4)])
@pytest.mark.parametrize("level", [0, 1, 9])
def test_random_pixels_come_back_exactly(shape, level):
    pixels = np.random.default_rng(sum(shape) + level).integers(0, 256, shape, dtype=np.uint8)
    assert np.array_equal(decode(encode_rgba(pixels, level)), pixels)


def test_an_explorers_picture_is_its_canvas():
    ex = parabola_explorer()
    data = ex.png()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert np.array_equal(decode(data), np.asarray(ex.canvas.buffer_rgba()))
    assert np.array_equal(ex.shown(), ex.truth())


@pytest.mark.parametrize("pixels, words", [
    (np.zeros((2, 2, 3), np.uint8), r"pixels must be an array of shape \(height, width, 4\)"),
    (np.zeros((2, 2, 4), np.float32), r"of uint8, got shape \(2, 2, 4\) of float32"),
    (np.zeros((0, 2, 4), np.uint8), "pixels must hold at least one pixel"),
])
def test_bad_pixels_are_named(pixels, words):
    with pytest.raises(ValueError, match=words):
        encode_rgba(pixels)


@pytest.mark.parametrize("level", [-1, 10, 1.5, True, "1"])
def test_bad_level_is_named(level):
    with pytest.raises(ValueError, match="level must be a whole number from 0 to 9"):
        encode_rgba(np.zeros((1, 1, 4), np.uint8), level)
