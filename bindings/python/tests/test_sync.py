"""transactions.sync: every punch exactly once across runs, late uploads included."""

from __future__ import annotations

import json
import time

import pytest

import zkbiotime


def test_first_sync_returns_everything_then_only_new_punches(fresh) -> None:  # type: ignore[no-untyped-def]
    s = fresh("--employees", "10", "--days", "2", "--late-uploads", "0.2", "--live", "40")
    with s.client(page_size=100) as c:
        first = c.transactions.sync(None)
        assert first.complete and len(first.punches) > 80
        assert isinstance(first.punches[0], zkbiotime.Transaction)
        state = json.loads(first.state)
        assert state["high_water"] == max(p.id for p in first.punches)
        seen = {p.id for p in first.punches}
        time.sleep(0.6)  # the sandbox inserts punches in the background (some late)
        second = c.transactions.sync(first.state)
        assert second.punches, "new punches arrived"
        assert not seen & {p.id for p in second.punches}, "nothing twice"


def test_max_splits_a_sync_into_batches(fresh) -> None:  # type: ignore[no-untyped-def]
    s = fresh("--employees", "5", "--days", "2")
    with s.client(page_size=20) as c:
        total = len(c.transactions.list())
        got: list[int] = []
        state = None
        while True:
            batch = c.transactions.sync(state, max=15)
            assert len(batch.punches) <= 15 or not batch.complete
            got.extend(p.id for p in batch.punches)
            state = batch.state
            if batch.complete:
                break
        assert len(got) == len(set(got)) == total


def test_a_bad_state_is_refused(client: zkbiotime.Client) -> None:
    with pytest.raises(zkbiotime.InvalidArgumentError):
        client.transactions.sync("{not json")
    with pytest.raises(zkbiotime.InvalidArgumentError, match="version"):
        client.transactions.sync('{"version": 99, "high_water": 0, "recent": [], "count": 0}')
