"""Settings: the defaults in `config.yaml`, a user's file merged over them, validated.

Unknown keys and wrongly typed values are errors that name the key.
Paths (keys listed in PATH_KEYS) are resolved against the directory of the file
that set them, so a user's config can point at its own data files. The defaults file ships
inside the package (`pipeline/config.yaml`, the top-level `config.yaml` of a checkout), so its
paths (`lang/id/...`, `models/...`) are relative to the installed `pipeline` package.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional, Union

import yaml

from .stages import STAGES

PACKAGE_DIR = Path(__file__).parent
DEFAULT_CONFIG_PATH = PACKAGE_DIR / "config.yaml"

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
    "stanza.dir",
} | {f"stanza.paths.{name}" for name in ("tokenize", "mwt", "pos", "lemma", "depparse", "ner", "pretrain",
                                         "forward_charlm", "backward_charlm")}

# keys that may be null although their default is not (null model = tokenizer and rules only;
# null cleaner model = the rule cleaner)
NULLABLE_KEYS = {"pipeline.model", "clean.model"}
# the language data files every run reads (model directories are checked when they are loaded)
DATA_FILE_KEYS = {k for k in PATH_KEYS if not k.startswith("stanza.")} - {"pipeline.model"}

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
        elif value is None and defaults[key] is not None and dotted not in NULLABLE_KEYS:
            errors.append(f"config key '{dotted}' must not be null (default: {defaults[key]!r})")
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
    defaults = default_config()
    cfg = defaults
    if source is not None:
        if isinstance(source, Mapping):
            user = copy.deepcopy(dict(source))
            _resolve_paths(user, Path.cwd())
        else:
            path = Path(source)
            user = _read_yaml(path)
            is_defaults = path.exists() and path.resolve() == DEFAULT_CONFIG_PATH.resolve()
            _resolve_paths(user, PACKAGE_DIR if is_defaults else path.resolve().parent)
        cfg = merge(cfg, user)
    if overrides:
        cfg = merge(cfg, overrides)
    _check_values(cfg)
    return cfg


def default_config() -> Config:
    """The shipped defaults, paths resolved (a fresh copy each call)."""
    defaults = _read_yaml(DEFAULT_CONFIG_PATH)
    _resolve_paths(defaults, PACKAGE_DIR)
    return defaults


def setting(value: Any, dotted: str) -> Any:
    """`value`, or the shipped default of `dotted` (e.g. "tokenize.abbreviations") when None:
    components read their data paths this way, so config.yaml stays the one list of defaults."""
    if value is not None:
        return value
    section, key = dotted.split(".")
    return _shipped_defaults()[section][key]


@lru_cache(maxsize=1)
def _shipped_defaults() -> Config:
    return default_config()


# settings that change how a run goes, not what it writes
NOT_IN_DIGEST = {"pipeline.batch_size", "pipeline.time_budget", "pipeline.blas", "pipeline.release_memory",
                 "input", "evaluate", "engine", "dask"}


def config_digest(cfg: Config) -> str:
    """A short fingerprint of the settings that shape the annotations (data files by content),
    written into every record's `pipeline.config`; `--resume` compares it."""
    import hashlib
    import json

    def fingerprint(value: Any, dotted: str) -> Any:
        if isinstance(value, dict):
            return {k: fingerprint(v, f"{dotted}.{k}" if dotted else k) for k, v in value.items()
                    if (f"{dotted}.{k}" if dotted else k) not in NOT_IN_DIGEST}
        if dotted in PATH_KEYS and value is not None:
            return [_file_digest(v) for v in value] if isinstance(value, list) else _file_digest(value)
        return value

    blob = json.dumps(fingerprint(cfg, ""), sort_keys=True, default=str).encode()
    return hashlib.sha1(blob).hexdigest()[:12]


def sha256_file(path: Union[str, Path]) -> str:
    """SHA-256 of a file's bytes (read in 1 MiB blocks)."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def content_digest(path: Union[str, Path]) -> str:
    """SHA-256 of a file, or of a directory's files (sorted relative names and their digests):
    the one fingerprint of data files and models (config digest, Dask manifests)."""
    import hashlib

    root = Path(path)
    if not root.is_dir():
        return sha256_file(root)
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(f.relative_to(root)).encode() + b"\0" + sha256_file(f).encode() + b"\n")
    return h.hexdigest()


def _file_digest(path: str) -> str:
    """Short content digest of a data file or model directory; the name if unreadable."""
    try:
        return content_digest(path)[:12]
    except OSError:
        return Path(path).name


def _check_values(cfg: Config) -> None:
    unknown = [s for s in cfg["pipeline"]["stages"] if s not in STAGES]
    if unknown:
        raise ConfigError(
            f"config key 'pipeline.stages' names unknown stages {unknown}; known: {sorted(STAGES)}"
        )
    if cfg["pipeline"]["batch_size"] < 1:
        raise ConfigError("config key 'pipeline.batch_size' must be >= 1")
    if 0 < cfg["pipeline"]["batch_tokens"] < 100 or cfg["pipeline"]["batch_tokens"] < 0:
        raise ConfigError("config key 'pipeline.batch_tokens' must be >= 100 (or 0: no bound)")
    for key, value, allowed in (("pipeline.backend", cfg["pipeline"]["backend"], ("spacy", "stanza")),
                                ("stanza.ner", cfg["stanza"]["ner"], ("spacy", "stanza"))):
        if value not in allowed:
            raise ConfigError(f"config key '{key}' is {value!r}; allowed: {', '.join(allowed)}")
    if cfg["input"]["max_chars"] < 1:
        raise ConfigError("config key 'input.max_chars' must be >= 1")
    _check_files(cfg)


def _check_files(cfg: Config) -> None:
    """Every data file named by the config exists; a model directory holds a spaCy pipeline."""
    problems = []
    for dotted in sorted(DATA_FILE_KEYS):
        section, key = dotted.split(".")
        value = cfg[section][key]
        for path in value if isinstance(value, list) else [value]:
            if path is not None and not Path(path).is_file():
                problems.append(f"config key '{dotted}': data file not found: {path}")
    model = cfg["pipeline"]["model"]
    if model is not None and Path(model).exists():  # a missing model directory only warns
        if not Path(model).is_dir() or not (Path(model) / "config.cfg").is_file():
            problems.append(f"config key 'pipeline.model': {model} is not a spaCy model directory "
                            "(no config.cfg)")
    if problems:
        raise ConfigError("; ".join(problems))
