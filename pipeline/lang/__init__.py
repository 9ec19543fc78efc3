"""Language data files (lang/id/): small readers shared by the stages."""
from __future__ import annotations

from pathlib import Path


def read_lines(path: str | Path) -> list[str]:
    """Non-empty lines of a UTF-8 data file, '#' comment lines skipped, stripped."""
    return [ln.strip() for ln in Path(path).read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


def read_pairs(path: str | Path) -> list[tuple[str, str]]:
    """TAB-separated `key<TAB>value` lines (value may be empty)."""
    out = []
    for line in read_lines(path):
        key, _, value = line.partition("\t")
        out.append((key.strip(), value.strip()))
    return out
