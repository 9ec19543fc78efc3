"""`warta info`: version, model and its scores, and the data files a configuration uses."""
from __future__ import annotations

import json
from pathlib import Path

from . import __version__
from .config import PATH_KEYS, Config


def model_summary(model_dir: str) -> list[str]:
    """Name, size and headline scores of a model directory (from its meta.json/metrics.json)."""
    path = Path(model_dir)
    lines = []
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8")) if (path / "meta.json").exists() else {}
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    lines.append(f"model: {meta.get('lang', '?')}_{meta.get('name', '?')}-{meta.get('version', '?')} at {path} "
                 f"({size / 2**20:.1f} MiB; pipeline {', '.join(meta.get('pipeline', []))})")
    metrics_path = path / "metrics.json"
    if metrics_path.exists():
        m = json.loads(metrics_path.read_text(encoding="utf-8"))
        ner = m.get("ner_idner_dev", {})
        if ner:
            lines.append(f"  NER idner-news-2k dev (strict): P {ner['p']:.3f} R {ner['r']:.3f} F1 {ner['f']:.3f}")
        for split in ("gsd_test", "csui_test", "pud_test"):
            s = m.get(split)
            if s:
                lines.append(f"  UD {split} (gold tokens): UPOS {s['upos']:.3f} lemma {s['lemma']:.3f} "
                             f"UAS {s['uas']:.3f} LAS {s['las']:.3f}")
        if "speed" in m:
            lines.append(f"  speed: {m['speed']['words_per_s']:,.0f} words/s (one process, {m['speed']['machine']})")
    return lines


def describe(config: Config) -> str:
    """The text `warta info` prints."""
    lines = [f"warta {__version__}"]
    model = config["pipeline"]["model"]
    lines += model_summary(model) if model and Path(model).is_dir() else \
        [f"model: {'none (rules only)' if not model else f'MISSING: {model}'}"]
    lines.append(f"stages: {', '.join(config['pipeline']['stages'])}")
    lines.append("data files:")
    for dotted in sorted(PATH_KEYS - {"pipeline.model"}):
        if dotted.startswith("stanza.") and config["pipeline"]["backend"] != "stanza":
            continue
        value = config
        for part in dotted.split("."):
            value = value[part]
        for v in (value if isinstance(value, list) else [value]):
            if v:
                lines.append(f"  {dotted}: {v}{'' if Path(v).exists() else '  (MISSING)'}")
    return "\n".join(lines)
