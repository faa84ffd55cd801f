"""Fuzz the public API: every public callable of course_lib (found automatically), called
with valid arguments and then with one argument perturbed at a time (NaN, inf, negative,
zero, wrong type, wrong shape, empty). Bad input must be rejected with a ValueError or
TypeError naming the argument; no RuntimeWarning may escape; nothing may hang.

Run ``pytest tests/test_fuzz_api.py -s`` to see the counts per module. The valid arguments
and the perturbations that are valid after all are in ``tests/fuzz_cases.py``.
"""
import os
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import fuzz_cases  # noqa: E402
import fuzz_harness  # noqa: E402

# the issue asked for 95 %; every invalid call is named today, so a drop below 99 % is a
# regression worth a look
NAMED_SHARE = 0.99


@pytest.fixture(scope="module")
def fuzz_run():
    start = time.perf_counter()
    out = fuzz_harness.fuzz(fuzz_cases, fuzz_cases.SKIP_PACKAGES)
    return out, time.perf_counter() - start


def test_every_public_callable_has_a_case(fuzz_run):
    (_, _, missing, _), _ = fuzz_run
    assert not missing, f"add these to tests/fuzz_cases.py (CASES or SKIP): {missing}"


def test_valid_calls_succeed(fuzz_run):
    (_, failures, _, _), _ = fuzz_run
    assert not failures, "valid baseline calls failed:\n" + "\n".join(map(str, failures))


def test_invalid_inputs_are_rejected_by_name(fuzz_run):
    (records, _, _, warning_calls), seconds = fuzz_run
    text = fuzz_harness.summary(records, warning_calls)
    print(f"\n{text}\n({seconds:.1f} s)")
    named = sum(r.outcome == "named" for r in records)
    bad = [r for r in records if r.outcome != "named"]
    listing = "\n".join(f"  {r.target}({r.param}={r.kind}): {r.outcome} {r.detail}" for r in bad[:60])
    assert records, "no invalid calls were made"
    assert named >= NAMED_SHARE * len(records), f"{text}\nnot rejected by name:\n{listing}"


def test_no_runtime_warnings_and_no_hangs(fuzz_run):
    (records, _, _, warning_calls), _ = fuzz_run
    hangs = [r for r in records if r.outcome == "hang"]
    assert not hangs, f"hangs: {[(r.target, r.param, r.kind) for r in hangs]}"
    assert not warning_calls, "RuntimeWarnings:\n" + "\n".join(map(str, warning_calls[:40]))
