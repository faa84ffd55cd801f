#!/usr/bin/env python3
"""Print one of the two commands README.md gives for a fresh machine.

    python3 tools/readme_command.py course   # installs and opens the course
    python3 tools/readme_command.py test     # installs and runs every test

Each command is the single line of the ```bash block that follows the HTML comment
``<!-- command: NAME -->`` in README.md. `.ci/run` runs the test command from here, and a
test checks that both commands exist, so README and CI cannot drift apart.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def commands(text: str) -> dict:
    found = {}
    for name, block in re.findall(r"<!-- command: (\w+) -->\s*```(?:bash|sh)?\n(.*?)```", text, re.S):
        lines = [line for line in block.strip().splitlines() if line.strip()]
        if len(lines) != 1:
            raise SystemExit(f"README command '{name}' must be exactly one line, got {len(lines)}")
        found[name] = lines[0].strip()
    return found


def main(argv) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    cmds = commands(README.read_text(encoding="utf-8"))
    if argv[0] not in cmds:
        print(f"README.md has no '<!-- command: {argv[0]} -->' block", file=sys.stderr)
        return 1
    print(cmds[argv[0]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
