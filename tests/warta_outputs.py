"""Warta output for the notebook-facing tests (frames, show, report), made once per test run
by the real pipeline: the seeds, and a hostile document whose title, text, quote, boilerplate,
id and meta hold HTML/script. Also a headless Chromium helper."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Optional

import pytest

from tests.conftest import SEEDS

_CACHE: dict[str, Path] = {}
_TMP = Path(tempfile.mkdtemp(prefix="warta-frames-tests-"))

HOSTILE_ID = "hostile-<script>alert(1)</script>"
HOSTILE_TEXT = (
    "Jokowi Bertemu Anwar <script>alert('judul')</script>\n"
    "JAKARTA, KOMPAS.com - Presiden Joko Widodo bertemu Perdana Menteri Malaysia Anwar Ibrahim di "
    "Istana Bogor, Senin (12/5). \"Kami sepakat <script>alert('kutipan')</script> bekerja sama melawan "
    "narkoba,\" kata Jokowi. Anwar Ibrahim menyambut baik tawaran itu <img src=x onerror=alert(1)> dan "
    "berjanji membalas kunjungan.\n"
    "Baca juga: <script>alert('baca')</script> Jokowi ke Malaysia\n"
)


def seeds_output(annotator) -> Path:
    """out/seeds.jsonl as `warta annotate seeds/` writes it (through annotate_files)."""
    if "seeds" not in _CACHE:
        from pipeline.batch import annotate_files

        out = _TMP / "seeds.jsonl"
        summary = annotate_files([SEEDS], out, annotator, progress=False, warn=lambda m: None)
        assert summary.ok and summary.documents == len(list(SEEDS.glob("*.txt")))
        _CACHE["seeds"] = out
    return _CACHE["seeds"]


def hostile_output(annotator) -> Path:
    """One document full of markup, annotated with cleaning on (the `Baca juga` line is dropped)."""
    if "hostile" not in _CACHE:
        from pipeline.batch import annotate_files

        src = _TMP / "hostile.in.jsonl"
        src.write_text(json.dumps({"id": HOSTILE_ID, "text": HOSTILE_TEXT,
                                   "author": "<b onmouseover=alert(2)>Penulis</b>",
                                   "publisher": "<script>alert('pub')</script>"}) + "\n",
                       encoding="utf-8")
        out = _TMP / "hostile.jsonl"
        assert annotate_files([src], out, annotator, progress=False, warn=lambda m: None).ok
        _CACHE["hostile"] = out
    return _CACHE["hostile"]


def load_docs(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def chromium() -> str:
    """Path of a Chromium binary, or skip (with the reason) where none is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("headless Chromium not installed (Debian: apt-get install -y chromium; .ci/run "
                "installs it when it can)")


def run_chromium(html_file: Path, screenshot: Optional[Path] = None, size: str = "1200,900") -> str:
    """Load `html_file` headless with the network closed; return the DOM (and write a PNG)."""
    exe = chromium()
    profile = tempfile.mkdtemp(prefix="warta-chromium-")
    flags = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={size}"]
    url = html_file.resolve().as_uri()
    env = {**os.environ, "HOME": profile}
    try:
        if screenshot is not None:
            subprocess.run(flags + [f"--screenshot={screenshot}", url], check=True, timeout=120,
                           capture_output=True, env=env)
        dom = subprocess.run(flags + ["--dump-dom", url], check=True, timeout=120,
                             capture_output=True, env=env).stdout.decode("utf-8")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return dom


def assert_not_blank(png: Path) -> None:
    """The screenshot shows something: enough non-white pixels and colours."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3)
    non_white = float((pixels.min(axis=1) < 235).mean())
    colours = len(np.unique(pixels, axis=0))
    assert non_white > 0.02, f"{png}: {non_white:.1%} non-white pixels, looks blank"
    assert colours > 20, f"{png}: only {colours} colours"
