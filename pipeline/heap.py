"""Handing freed memory back to the operating system between batches.

glibc's allocator keeps the memory that Python, spaCy and thinc free in its arenas for reuse and
returns it to the system only from the top of the main heap. Annotating news, every batch frees
most of what it allocated (Docs, model activations, strings of the memory zone), but the holes
stay resident: one process grew from 430 to 560 MiB over 4,000 articles with 150-200 MiB actually
in use, and a Dask worker (tasks run in a thread, whose arena glibc never trims by itself) to about
700 MiB over 10,000. `release_free_memory()` calls glibc's `malloc_trim(0)`, which gives the free
pages of every arena back (the same process: 330-370 MiB). It is called after each batch
(`pipeline.release_memory`, on by default); it takes milliseconds, against seconds per batch, and
unlike Dask's `MALLOC_TRIM_THRESHOLD_` it does not trim on every `free`. On other C libraries
(musl, macOS, Windows) it does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache
from typing import Callable, Optional


@lru_cache(maxsize=1)
def _malloc_trim() -> Optional[Callable[[int], int]]:
    """glibc's `malloc_trim`, or None where the C library has none."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release_free_memory() -> bool:
    """Give the allocator's free pages back to the system; True when memory was released."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False
