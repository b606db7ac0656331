"""Runs the Python example of the README's "At scale" section and checks what it prints
against the comments that say what it prints (CI runs this with the installed wheel).

    python python/tests/readme_example.py [README.md]
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def example(readme: str) -> str:
    section = readme.split("## At scale", 1)[1]
    section = section.split("**Python**", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    if not match:
        raise SystemExit("README.md: no ```python block after **Python** in ## At scale")
    return match.group(1)


def expected(code: str) -> list:
    """What the comments say is printed: `print(...)  # X` prints X; comment lines after
    the last statement are one printed line, wrapped."""
    lines = code.rstrip("\n").split("\n")
    out = []
    for line in lines:
        m = re.match(r"^print\(.*\)\s+#\s?(.*)$", line)
        if m:
            out.append(m.group(1).strip())
    tail = []
    while lines and lines[-1].lstrip().startswith("#"):
        tail.insert(0, lines.pop().lstrip()[1:].strip())
    if tail:
        out.append(" ".join(tail))
    return out


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def main() -> None:
    readme = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "README.md"
    code = example(readme.read_text())
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    sys.stdout.write(done.stdout)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the README's Python example failed (exit {done.returncode})")
    got = [normal(line) for line in done.stdout.splitlines() if line.strip()]
    want = [normal(line) for line in expected(code)]
    if got != want:
        raise SystemExit(f"the README's Python example printed\n  {got}\nbut its comments say\n  {want}")
    print(f"README.md: the Python example printed what its comments say ({len(want)} lines)")


if __name__ == "__main__":
    main()
