"""Import helpers: a first sync from a date (`since=`) and punch directions."""

from __future__ import annotations

import asyncio
import datetime
import json
from collections import defaultdict

import pytest

import zkbiotime

SINCE = "2024-06-29"


def test_since_returns_only_punches_from_the_date_on(fresh) -> None:  # type: ignore[no-untyped-def]
    s = fresh("--employees", "5", "--days", "4")
    with s.client(page_size=20) as c:
        expected = sorted(p.id for p in c.transactions.list(start_time=f"{SINCE} 00:00:00"))
        assert expected and len(expected) < len(c.transactions.list())
        batch = c.transactions.sync(since=datetime.date(2024, 6, 29))
        assert batch.complete
        assert sorted(p.id for p in batch.punches) == expected
        assert json.loads(batch.state)["since"] == f"{SINCE} 00:00:00"
        # Text and a naive datetime mean the same; the next run returns nothing new.
        assert [p.id for p in c.transactions.sync(since=SINCE).punches] == [
            p.id for p in batch.punches
        ]
        noon = datetime.datetime(2024, 6, 29, 12, 0, 0)
        later = c.transactions.sync(since=noon).punches
        assert later and all(p.punch_time >= noon for p in later)
        assert len(c.transactions.sync(batch.state).punches) == 0


def test_since_with_an_aware_datetime_uses_the_server_zone(fresh) -> None:  # type: ignore[no-untyped-def]
    s = fresh("--employees", "3", "--days", "3")
    with s.client(timezone="Europe/Berlin") as c:
        # 2024-06-29 00:00 in Berlin (summer time) is 22:00 UTC the day before.
        utc = datetime.datetime(2024, 6, 28, 22, 0, tzinfo=datetime.timezone.utc)
        batch = c.transactions.sync(since=utc)
        assert json.loads(batch.state)["since"] == "2024-06-29 00:00:00"
    with s.client() as c, pytest.raises(ValueError, match="zone"):
        c.transactions.sync(since=utc)


def test_since_with_a_stored_state_is_refused(client: zkbiotime.Client) -> None:
    stored = json.dumps({"version": 1, "high_water": 0, "recent": [], "count": 0})
    with pytest.raises(zkbiotime.InvalidArgumentError, match="first sync"):
        client.transactions.sync(stored, since=SINCE)
    with pytest.raises(zkbiotime.InvalidArgumentError, match="since"):
        client.transactions.sync(since="the 29th of June")
    with pytest.raises(TypeError):
        client.transactions.sync(since=29)  # type: ignore[arg-type]


def test_async_since(fresh) -> None:  # type: ignore[no-untyped-def]
    s = fresh("--employees", "3", "--days", "3")

    async def main() -> None:
        async with s.async_client() as c:
            batch = await c.transactions.sync(since=SINCE)
            assert batch.punches
            assert all(p.punch_time >= datetime.datetime(2024, 6, 29) for p in batch.punches)
            with pytest.raises(zkbiotime.InvalidArgumentError, match="first sync"):
                await c.transactions.sync(batch.state, since=SINCE)

    asyncio.run(main())


def test_directions_by_state(client: zkbiotime.Client) -> None:
    punches = list(client.transactions.list())
    got = zkbiotime.directions(punches, by="state")
    assert len(got) == len(punches)
    codes = {"0": "in", "3": "in", "4": "in", "1": "out", "2": "out", "5": "out"}
    for p, d in zip(punches, got):
        assert d == codes.get((p.punch_state or "").strip())
    assert "in" in got and "out" in got
    assert zkbiotime.directions(punches) == got, "state is the default"


def test_directions_by_terminal(client: zkbiotime.Client) -> None:
    punches = list(client.transactions.list())
    sns = sorted({p.terminal_sn for p in punches if p.terminal_sn})
    assert len(sns) >= 2
    entry, exit_ = sns[0], sns[1]
    got = zkbiotime.directions(punches, by="terminal", terminals={entry: "in", exit_: "OUT"})
    for p, d in zip(punches, got):
        assert d == {entry: "in", exit_: "out"}.get(p.terminal_sn or "")
    with pytest.raises(zkbiotime.InvalidArgumentError, match="map"):
        zkbiotime.directions(punches, by="terminal")
    with pytest.raises(zkbiotime.InvalidArgumentError):
        zkbiotime.directions(punches, by="terminal", terminals={entry: "sideways"})
    with pytest.raises(zkbiotime.InvalidArgumentError, match="rule"):
        zkbiotime.directions(punches, by="moon")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        zkbiotime.directions([1, 2])  # type: ignore[list-item]


def test_directions_alternate_per_employee_and_day(client: zkbiotime.Client) -> None:
    punches = list(client.transactions.list())
    got = zkbiotime.directions(punches, by="alternate")
    days: dict[tuple[str, str], list[tuple[str, int, str | None]]] = defaultdict(list)
    for p, d in zip(punches, got):
        days[(p.emp_code, str(p.punch_time)[:10])].append((str(p.punch_time), p.id, d))
    assert any(len(v) >= 2 for v in days.values())
    for day in days.values():
        ordered = [d for _, _, d in sorted(day)]
        assert ordered == ["in" if i % 2 == 0 else "out" for i in range(len(ordered))]
    assert zkbiotime.directions([], by="alternate") == []
