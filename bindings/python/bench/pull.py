"""One benchmark measurement per process (so peak memory is this client's alone):

    python bench/pull.py sdk|sdk-sequential|async|plain|get|plain-get --url URL [--page-size N] [--concurrency N] [--n N]

- sdk:            the SDK's full punch pull (`for p in client.transactions.list()`), pages
                  fetched `concurrency` at a time by the Rust core while Python iterates;
- sdk-sequential: the same with concurrency 1;
- async:          the same through `AsyncClient` (`async for`);
- plain:          what one writes without the SDK: a `requests` session, page after page,
                  `response.json()`, dicts;
- get:            `n` sequential `employees.get(1)` (single-call latency);
- plain-get:      the same `n` calls with a `requests` session.

Prints one JSON line `{"mode","records","wall_s","cpu_s","window_cpu_s","peak_rss_kb"}`
(`cpu_s`: the whole process; `window_cpu_s`: inside the timed part only), the protocol of
`cargo xtask bench`.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

AUTH = {"username": "admin", "password": "admin123"}


def sdk_pull(url: str, page_size: int, concurrency: int) -> int:
    import zkbiotime

    records = 0
    with zkbiotime.Client(url, **AUTH, page_size=page_size, concurrency=concurrency) as client:
        for p in client.transactions.list():
            if p.emp_code != "":  # touch the record so the work is not skipped
                records += 1
    return records


def async_pull(url: str, page_size: int, concurrency: int) -> int:
    import asyncio

    import zkbiotime

    async def pull() -> int:
        records = 0
        async with zkbiotime.AsyncClient(
            url, **AUTH, page_size=page_size, concurrency=concurrency
        ) as client:
            async for p in client.transactions.list():
                if p.emp_code != "":
                    records += 1
        return records

    return asyncio.run(pull())


def plain_pull(url: str, page_size: int) -> int:
    import requests

    session = requests.Session()
    login = session.post(f"{url}/api-token-auth/", json=AUTH, timeout=120)
    login.raise_for_status()
    session.headers["Authorization"] = f"Token {login.json()['token']}"
    records = 0
    page = 1
    while True:
        r = session.get(
            f"{url}/iclock/api/transactions/",
            params={"page": page, "page_size": page_size, "limit": page_size},
            timeout=120,
        )
        r.raise_for_status()
        body = r.json()
        for p in body["data"]:
            if p["emp_code"] != "":
                records += 1
        if not body.get("next"):
            return records
        page += 1


def gets(url: str, n: int) -> int:
    import zkbiotime

    with zkbiotime.Client(url, **AUTH) as client:
        client.login()
        for _ in range(n):
            client.employees.get(1)
    return n


def plain_gets(url: str, n: int) -> int:
    import requests

    session = requests.Session()
    login = session.post(f"{url}/api-token-auth/", json=AUTH, timeout=120)
    login.raise_for_status()
    session.headers["Authorization"] = f"Token {login.json()['token']}"
    for _ in range(n):
        r = session.get(f"{url}/personnel/api/employees/1/", timeout=120)
        r.raise_for_status()
        r.json()
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "mode", choices=["sdk", "sdk-sequential", "async", "plain", "get", "plain-get"]
    )
    parser.add_argument("--url", required=True)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    started = time.perf_counter()
    cpu_at_start = cpu_seconds()
    if args.mode == "sdk":
        records = sdk_pull(args.url, args.page_size, args.concurrency)
    elif args.mode == "sdk-sequential":
        records = sdk_pull(args.url, args.page_size, 1)
    elif args.mode == "async":
        records = async_pull(args.url, args.page_size, args.concurrency)
    elif args.mode == "plain":
        records = plain_pull(args.url, args.page_size)
    elif args.mode == "plain-get":
        records = plain_gets(args.url, args.n)
    else:
        records = gets(args.url, args.n)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "mode": args.mode,
                "records": records,
                "wall_s": wall,
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "window_cpu_s": cpu_seconds() - cpu_at_start,
                "peak_rss_kb": usage.ru_maxrss,  # KiB on Linux
            }
        )
    )


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
