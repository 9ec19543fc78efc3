"""What readers produce: an input record to annotate, or an error saying why it cannot be, and
the reading options. Shared by `io` (files, streams) and `warc` (web archives)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_str(text: str) -> str:
    """`text` with lone surrogates (which cannot be written as UTF-8) spelled as `\\udfff`."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _path_str(path: Union[str, Path]) -> str:
    """A path as printable text: undecodable bytes of a file name are spelled `\\xff`."""
    text = str(path)
    if _SURROGATE.search(text) is None:
        return text
    try:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    except UnicodeError:
        return safe_str(text)


@dataclass
class InputRecord:
    """One document to annotate; `key` ("path:line") is unique in a run and used for resume."""

    key: str
    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    html: bool = False
    path: str = ""  # the file it came from ('<stdin>' for standard input)
    line: Optional[int] = None  # 1-based JSONL line; None for a whole file


@dataclass
class InputError:
    """A document or file that cannot be annotated, and why."""

    key: str
    path: str
    line: Optional[int]
    id: Optional[str]
    reason: str

    def __post_init__(self) -> None:  # whatever the input held, the record can be written
        self.key, self.path, self.reason = safe_str(self.key), safe_str(self.path), safe_str(self.reason)
        if self.id is not None:
            self.id = safe_str(str(self.id))

    @classmethod
    def for_record(cls, rec: InputRecord, reason: str) -> "InputError":
        """An error about a record that was read (e.g. a failed annotation), with its path and line."""
        path = rec.path or (rec.key.rsplit(":", 1)[0] if ":" in rec.key else rec.key)
        return cls(rec.key, path, rec.line, rec.id, reason)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "id": self.id, "reason": self.reason}

    def message(self) -> str:
        where = self.path + (f":{self.line}" if self.line is not None else "")
        doc = f" (document {self.id})" if self.id else ""
        return f"{where}{doc}: {self.reason}"


Item = Union[InputRecord, InputError]


@dataclass(frozen=True)
class ReadOptions:
    id_field: str = "id"
    text_field: str = "text"
    html_field: Optional[str] = None
    max_chars: int = 2_000_000
    extensions: tuple[str, ...] = (".txt", ".jsonl", ".jsonl.gz", ".html", ".htm")

    @classmethod
    def from_config(cls, cfg: dict) -> "ReadOptions":
        c = cfg["input"]
        return cls(c["id_field"], c["text_field"], c["html_field"], c["max_chars"],
                   tuple(c["extensions"]))

    @property
    def max_line_bytes(self) -> int:
        """Longest JSONL line read: a text of max_chars characters, each escaped as \\uXXXX,
        plus 64 KiB for the other fields. Longer lines are refused without being held."""
        return 6 * self.max_chars + 65536

    @property
    def max_file_bytes(self) -> int:
        """Largest .txt/.html file read (UTF-8 takes at most 4 bytes a character, + a BOM)."""
        return 4 * self.max_chars + 3


