"""Keras on the JAX backend, imported in one place (lesson 10, through ``course_lib.frameworks``).

Importing this module sets ``KERAS_BACKEND=jax`` unless it is set already, imports Keras
and checks that it runs on JAX. If Keras was imported before with another backend, it
raises a ``RuntimeError`` that says how to fix it (restart the kernel, import
``course_lib.frameworks`` first). ``frameworks`` and ``frameworks_keras`` both take
``keras`` from here, so either can be imported first.
"""
from __future__ import annotations

import os
import sys

__all__ = ["BACKEND", "keras"]

#: the Keras backend the course uses
BACKEND = "jax"


def _import_keras():
    """Import Keras on the JAX backend, or say clearly why it cannot be."""
    already = "keras" in sys.modules
    os.environ.setdefault("KERAS_BACKEND", BACKEND)
    import keras

    backend = keras.backend.backend()
    if backend != BACKEND:
        how = ("Keras was imported before course_lib.frameworks" if already
               else f"KERAS_BACKEND is set to {os.environ.get('KERAS_BACKEND')!r}")
        raise RuntimeError(
            f"course_lib.frameworks needs Keras on the {BACKEND!r} backend, but Keras runs on "
            f"{backend!r} ({how}). Restart the kernel, unset KERAS_BACKEND (or set it to "
            f"{BACKEND!r}) and import course_lib.frameworks before keras.")
    return keras


keras = _import_keras()
