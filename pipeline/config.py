"""Settings: the defaults in `config.yaml`, a user's file merged over them, validated.

Unknown keys and wrongly typed values are errors that name the key.
Paths (keys listed in PATH_KEYS) are resolved against the directory of the file
that set them, so a user's config can point at its own data files.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Mapping, Optional, Union

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "config.yaml"

PATH_KEYS = {
    "pipeline.model",
    "clean.cues",
    "clean.model",
    "tokenize.abbreviations",
    "stem.exceptions",
    "ner.rules",
    "ner.titles",
    "ner.gazetteers",
    "relations.patterns",
}

Config = dict[str, Any]


class ConfigError(ValueError):
    """A setting that is unknown, of the wrong type, or otherwise invalid."""


def _read_yaml(path: Path) -> Config:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"config {path}: top level must be a mapping")
    return data


def _resolve_paths(cfg: Config, base: Path, prefix: str = "") -> None:
    for key, value in cfg.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            _resolve_paths(value, base, dotted + ".")
        elif dotted in PATH_KEYS and value in ("", "none", "null"):
            cfg[key] = None
        elif dotted in PATH_KEYS and value is not None:
            if isinstance(value, list):
                cfg[key] = [str((base / v).resolve()) for v in value]
            else:
                cfg[key] = str((base / value).resolve())


def _type_ok(default: Any, value: Any) -> bool:
    if default is None or value is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, type(default))


def merge(defaults: Config, overrides: Mapping[str, Any], prefix: str = "") -> Config:
    """Return `defaults` updated by `overrides`; unknown keys or wrong types raise ConfigError."""
    out = copy.deepcopy(defaults)
    errors = []
    for key, value in overrides.items():
        dotted = f"{prefix}{key}"
        if key not in defaults:
            errors.append(f"unknown config key '{dotted}'")
            continue
        if isinstance(defaults[key], dict):
            if not isinstance(value, dict):
                errors.append(f"config key '{dotted}' must be a mapping")
                continue
            try:
                out[key] = merge(defaults[key], value, dotted + ".")
            except ConfigError as exc:
                errors.append(str(exc))
        elif not _type_ok(defaults[key], value):
            errors.append(
                f"config key '{dotted}' must be {type(defaults[key]).__name__}, got {value!r}"
            )
        else:
            out[key] = value
    if errors:
        raise ConfigError("; ".join(errors))
    return out


def load_config(
    source: Union[None, str, Path, Mapping[str, Any]] = None,
    overrides: Optional[Mapping[str, Any]] = None,
) -> Config:
    """Defaults, then a YAML file or a dict, then `overrides` (e.g. from CLI flags)."""
    defaults = _read_yaml(DEFAULT_CONFIG_PATH)
    _resolve_paths(defaults, DEFAULT_CONFIG_PATH.parent)
    cfg = defaults
    if source is not None:
        if isinstance(source, Mapping):
            user = copy.deepcopy(dict(source))
            _resolve_paths(user, Path.cwd())
        else:
            path = Path(source)
            user = _read_yaml(path)
            _resolve_paths(user, path.resolve().parent)
        cfg = merge(cfg, user)
    if overrides:
        cfg = merge(cfg, overrides)
    _check_values(cfg)
    return cfg


def _check_values(cfg: Config) -> None:
    from .runner import STAGES  # late import: runner imports config

    unknown = [s for s in cfg["pipeline"]["stages"] if s not in STAGES]
    if unknown:
        raise ConfigError(
            f"config key 'pipeline.stages' names unknown stages {unknown}; known: {sorted(STAGES)}"
        )
    if cfg["pipeline"]["batch_size"] < 1:
        raise ConfigError("config key 'pipeline.batch_size' must be >= 1")
