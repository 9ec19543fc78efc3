"""Language data files (lang/id/): small readers shared by the stages."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

LANG_DIR = Path(__file__).parent / "id"


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


@lru_cache(maxsize=1)
def lexicon() -> dict[str, list[str]]:
    """The shared word lists of `id/lexicon.yaml` (months, days, speech verbs, honorifics, ...),
    plus `attribution_verbs_nya` (katanya, ujarnya, ...) derived from `attribution_verbs`."""
    import yaml

    lists = yaml.safe_load((LANG_DIR / "lexicon.yaml").read_text(encoding="utf-8"))
    lists["attribution_verbs_nya"] = [w + "nya" for w in lists["attribution_verbs"]]
    return lists


def expand_refs(value: Any, lists: dict[str, list[str]] | None = None) -> Any:
    """Replace "@name" references by word lists (the lexicon's, or `lists`): a list item "@name"
    is spliced in, a value "@name" becomes the list; nested dicts and lists are walked."""
    lists = lexicon() if lists is None else lists
    if isinstance(value, str) and value.startswith("@") and value[1:] in lists:
        return list(lists[value[1:]])
    if isinstance(value, list):
        out: list = []
        for item in value:
            if isinstance(item, str) and item.startswith("@") and item[1:] in lists:
                out.extend(lists[item[1:]])
            else:
                out.append(expand_refs(item, lists))
        return out
    if isinstance(value, dict):
        return {k: expand_refs(v, lists) for k, v in value.items()}
    return value
