"""Threads, the GIL, Ctrl-C, fork, memory and a pull through injected faults."""

from __future__ import annotations

import _thread
import os
import signal
import threading
import time

import pytest

import zkbiotime
from conftest import Sandbox


def test_threads_share_one_client(demo: Sandbox) -> None:
    with demo.client(page_size=100) as c:
        expected = [e.id for e in c.employees.list()]
        results: list[list[int]] = []
        errors: list[BaseException] = []

        def work() -> None:
            try:
                for _ in range(3):
                    assert c.employees.get(1).emp_code == "1"
                    results.append([e.id for e in c.employees.list()])
            except BaseException as e:  # noqa: BLE001
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert len(results) == 24 and all(r == expected for r in results)


def test_blocking_calls_release_the_gil(fresh) -> None:  # type: ignore[no-untyped-def]
    s = fresh("--faults", "slow=1,slow-ms=800")
    with s.client(retries=0) as c:
        ticks = 0
        done = threading.Event()

        def slow() -> None:
            c.terminals.get(1)
            done.set()

        t = threading.Thread(target=slow)
        t.start()
        while not done.is_set():
            ticks += 1  # Python code runs while the other thread waits on the server
            time.sleep(0.001)
        t.join()
        assert ticks > 50


def test_ctrl_c_interrupts_a_long_blocking_pull(fresh) -> None:  # type: ignore[no-untyped-def]
    s = fresh("--faults", "slow=1,slow-ms=20000")
    with s.client(retries=0) as c:
        # Ctrl-C every 0.25 s until the pull ends: one press landing in a moment that cannot
        # see it (a loaded CI machine) must not turn the test into a 20 s wait.
        lock, stop = threading.Lock(), threading.Event()

        def press_ctrl_c() -> None:
            while not stop.wait(0.25):
                with lock:
                    if not stop.is_set():
                        _thread.interrupt_main()

        # A runner started in the background (CI, nohup) inherits SIGINT as ignored, and then
        # Python has no KeyboardInterrupt handler at all: install the default one for the test.
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        presser = threading.Thread(target=press_ctrl_c, daemon=True)
        started = time.monotonic()
        presser.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                try:
                    list(c.transactions.list())
                finally:
                    with lock:
                        stop.set()
        finally:
            presser.join()
            signal.signal(signal.SIGINT, previous)
        assert time.monotonic() - started < 3
    # The client still works for others afterwards.


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_works_after_fork(demo: Sandbox) -> None:
    from zkbiotime import _native

    with demo.client() as c:
        assert c.employees.get(1).emp_code == "1"  # runtime and pool in use before the fork
        parent_runtime = _native._runtime_id()
        pid = os.fork()
        if pid == 0:  # the child: must not hang on the parent's runtime or connections
            signal.alarm(20)
            code = 1
            try:
                ok = c.employees.get(1).emp_code == "1" and len(list(c.departments.list())) > 0
                ok = ok and _native._runtime_id() != parent_runtime
                code = 0 if ok else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
        assert c.employees.get(2).id == 2  # and the parent goes on


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")
def test_a_long_pull_keeps_memory_flat(fresh) -> None:  # type: ignore[no-untyped-def]
    s = fresh("--employees", "250", "--days", "60", "--empty")  # 60,000 punches
    with s.client(page_size=1000) as c:
        punches = c.transactions.list()
        total = len(punches)
        assert total == 60_000
        n = 0
        baseline = 0.0
        for p in punches:
            n += 1
            if n == 10_000:
                baseline = _rss_mib()
        growth = _rss_mib() - baseline
        assert n == total
        # Holding the records would take well over 50 MiB; lazily it stays a few pages.
        assert growth < 25, f"RSS grew {growth:.1f} MiB over 50,000 punches"


def test_full_pull_through_faults_loses_nothing(fresh) -> None:  # type: ignore[no-untyped-def]
    args = ["--employees", "60", "--days", "5", "--seed", "7"]
    clean = fresh(*args)
    faulty = fresh(
        *args, "--faults", # 500 is not retried (the request may have done its work); these are.
        "502=0.04,503=0.03,504=0.02,429=0.05,drop=0.05,html=0.03,revoke-every=40,retry-after=0.05"
    )
    with clean.client(page_size=50) as c:
        truth = [p.id for p in c.transactions.list()]
    with faulty.client(page_size=50, retries=20) as c:
        got = [p.id for p in c.transactions.list()]
    assert len(truth) > 1000
    assert got == truth
