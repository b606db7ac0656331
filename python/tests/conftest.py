"""Shared fixtures: the repository's policies, the `juris` CLI to compare with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[2]
OREGON = ROOT / "policies" / "oregon"


def juris_bin() -> str:
    path = os.environ.get("JURIS_BIN", str(ROOT / "target" / "release" / "juris"))
    path = str(Path(path) if Path(path).is_absolute() else ROOT / path)
    if not Path(path).exists():
        pytest.fail(f"the juris CLI is not at {path}: build it (cargo build --release) or set JURIS_BIN")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Runs `juris` with arguments; exit code 0, or 1 when some requests were refused."""
    done = subprocess.run([juris_bin(), *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode not in (0, 1):
        raise AssertionError(f"juris {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done


def batch_jsonl(policies: Path, requests: list, tmp: Path, *extra: str) -> list:
    """`juris batch` over JSON Lines: one decision or error record per request."""
    path = tmp / "requests.jsonl"
    path.write_text("".join(r if isinstance(r, str) else json.dumps(r) + "\n" for r in requests))
    done = run_cli("batch", str(policies), "--input", str(path), *extra)
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="session")
def engine():
    import juris

    return juris.Engine.load(OREGON)


@pytest.fixture(scope="session")
def all_engine():
    import juris

    return juris.Engine.load(ROOT / "policies")
