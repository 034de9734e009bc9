"""The stubs: complete (every class and method of the native module, nothing extra) and
typed (`mypy --strict` accepts a real program and rejects a wrong one)."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

from zkbiotime import _native
from conftest import Sandbox

HERE = Path(__file__).resolve().parent
STUB = HERE.parent / "python" / "zkbiotime" / "_native.pyi"

# Protocol methods whose presence matters to users (and to type checkers).
PROTOCOL = {
    "__len__", "__iter__", "__next__", "__aiter__", "__anext__", "__enter__", "__exit__",
    "__aenter__", "__aexit__", "__length_hint__", "__class_getitem__",
}


def stub_api(text: str) -> dict[str, dict[str, list[str]]]:
    """{class or function name: {member: positional parameter names}} of a stub."""
    api: dict[str, dict[str, list[str]]] = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.ClassDef):
            members: dict[str, list[str]] = {}
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    params = [a.arg for a in item.args.posonlyargs + item.args.args][1:]
                    name = "__new__" if item.name == "__init__" else item.name
                    # Overloads (an action's bare list of ids, or its keywords): the one with
                    # the positional parameters is the signature the module has.
                    if len(params) >= len(members.get(name, [])):
                        members[name] = params
            api[node.name] = members
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            api[node.name] = {}
    return api


def runtime_api(module: object) -> dict[str, dict[str, list[str] | None]]:
    api: dict[str, dict[str, list[str] | None]] = {}
    for name, value in vars(module).items():
        if name.startswith("__"):
            continue
        if inspect.isclass(value):
            members: dict[str, list[str] | None] = {}
            for attr, member in vars(value).items():
                if attr.startswith("__") and attr not in PROTOCOL | {"__new__", "__eq__"}:
                    continue
                if attr == "__new__" and getattr(value, "__text_signature__", None) is None:
                    continue  # no constructor: the module makes these objects
                params = positional(member)
                members[attr] = params
            api[name] = members
        elif callable(value):
            api[name] = {}
    return api


def positional(member: object) -> list[str] | None:
    try:
        sig = inspect.signature(member)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in sig.parameters.values() if p.kind in kinds]
    return [n for n in names if n not in ("self", "cls", "$self", "$cls")]


def mismatches(stub: dict[str, dict[str, list[str]]], runtime: dict[str, dict[str, list[str] | None]]) -> list[str]:
    problems = []
    for name in sorted(set(stub) | set(runtime)):
        if name not in runtime:
            problems.append(f"{name}: in the stub, not in the module")
            continue
        if name not in stub:
            problems.append(f"{name}: in the module, not in the stub")
            continue
        s, r = stub[name], runtime[name]
        for member in sorted(set(s) | set(r)):
            if member == "__eq__" and member not in s:
                continue  # inherited from object as far as the stub is concerned
            if member not in r:
                problems.append(f"{name}.{member}: in the stub, not in the module")
            elif member not in s:
                problems.append(f"{name}.{member}: in the module, not in the stub")
            elif r[member] is not None and not member.startswith("__") and r[member] != s[member]:
                problems.append(f"{name}.{member}: parameters {s[member]} in the stub, {r[member]} in the module")
    return problems


def test_stub_matches_the_native_module() -> None:
    problems = mismatches(stub_api(STUB.read_text()), runtime_api(_native))
    assert not problems, "\n".join(problems)


def test_the_check_notices_a_difference() -> None:
    text = STUB.read_text()
    broken = text.replace("    def delete(self, id: int) -> None: ...\n", "", 1)
    broken = broken.replace("class Terminal:", "class Terminus:", 1)
    broken += "\nclass Invented:\n    def method(self) -> None: ...\n"
    problems = mismatches(stub_api(broken), runtime_api(_native))
    assert "Employees.delete: in the module, not in the stub" in problems
    assert "Terminus: in the stub, not in the module" in problems
    assert "Terminal: in the module, not in the stub" in problems
    assert "Invented: in the stub, not in the module" in problems
    broken = text.replace("def get(self, id: int)", "def get(self, pk: int)", 1)
    assert any("parameters ['pk']" in p for p in mismatches(stub_api(broken), runtime_api(_native)))


def mypy(*args: str, cwd: Path = HERE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir=/dev/null", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def test_typed_example_passes_mypy_strict() -> None:
    result = mypy("typed_example.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_rejects_wrong_use(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import zkbiotime\n"
        "c = zkbiotime.Client('http://x', token='t')\n"
        "c.employees.list(department='one')\n"
        "c.employees.list(dept=1)\n"
        "c.transactions.list(ordering='sideways')\n"
        "n: str = c.employees.get(1).id\n"
        "c.transactions.create(emp_code='x')\n"
    )
    result = mypy(str(bad), cwd=tmp_path)
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 5, result.stdout


def test_typed_example_runs(demo: Sandbox) -> None:
    result = subprocess.run(
        [sys.executable, str(HERE / "typed_example.py"), demo.url], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].isdigit()
