"""The benchmark's own rules (bench/run.py), which its numbers depend on."""

from bench.run import unbalanced


def test_a_run_in_which_one_worker_did_nearly_everything_is_unbalanced():
    before = {0: 1.0, 101: 2.0, 102: 2.0}
    assert unbalanced(before, {0: 1.0, 101: 9.0, 102: 2.1})
    assert not unbalanced(before, {0: 1.0, 101: 6.0, 102: 5.0})


def test_the_masters_time_does_not_count_as_a_worker():
    # The master idles while both workers share the load: balanced.
    assert not unbalanced({0: 5.0, 101: 0.0, 102: 0.0}, {0: 5.0, 101: 3.0, 102: 3.0})


def test_a_single_worker_is_never_unbalanced():
    assert not unbalanced({0: 0.0, 101: 0.0}, {0: 0.0, 101: 4.0})
