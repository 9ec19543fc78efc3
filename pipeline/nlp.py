"""Building Warta's spaCy pipeline from the settings, and checking it before any document is read.

The shipped model (`models/id_warta_news`) is a complete spaCy pipeline: `spacy.load()` of it
alone gives Warta's tokenizer, sentences, syntax, final entities, stems and relations.
`build_nlp(config)` loads it (or a blank Indonesian pipeline), points the Warta components at
the data files of the config, keeps only the components of the configured stages, and checks
that every requirement is met, reporting every problem at once.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Optional

from .config import Config
from .stages import STAGES

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread per process, set before numpy loads

log = logging.getLogger("warta")

# stage -> the spaCy components that make it up, in pipeline order
STAGE_COMPONENTS: dict[str, tuple[str, ...]] = {
    "tokenize": ("warta_sentencizer",),
    "tag": ("tok2vec", "tagger", "morphologizer", "parser", "trainable_lemmatizer", "lemmatizer",
            "warta_lemmas"),
    "ner": ("ner", "warta_entities"),
    "stem": ("warta_stemmer",),
    "relations": ("warta_relations",),
}
WARTA_COMPONENTS = ("warta_sentencizer", "warta_lemmas", "warta_entities", "warta_stemmer", "warta_relations")
POS_COMPONENTS = ("tagger", "morphologizer")


# backends other than spaCy's: name -> "module:function" building the Language from the config,
# imported only when configured (the Stanza backend builds on this module's helpers)
OTHER_BACKENDS = {"stanza": "pipeline.stanza_backend:build_stanza_nlp"}


def backend_builder(name: str):
    import importlib

    module, _, func = OTHER_BACKENDS[name].partition(":")
    return getattr(importlib.import_module(module), func)


class PipelineError(ValueError):
    """The pipeline cannot run (every problem listed in the message)."""


class ModelError(PipelineError):
    """The configured model directory is missing or is not a spaCy pipeline."""


def component_settings(config: Config) -> dict[str, dict[str, Any]]:
    """The config.yaml settings of each Warta component (data paths, options)."""
    return {
        "warta_sentencizer": {"abbreviations_path": config["tokenize"]["abbreviations"]},
        "warta_lemmas": {},
        "warta_entities": {"patterns_path": config["ner"]["rules"], "titles_path": config["ner"]["titles"],
                           "gazetteer_paths": list(config["ner"]["gazetteers"]),
                           "model_labels": list(config["ner"]["model_labels"]),
                           "stem_exceptions_path": config["stem"]["exceptions"]},
        "warta_stemmer": {"exceptions_path": config["stem"]["exceptions"],
                          "protect_names": config["stem"]["protect_names"],
                          "cache_size": config["stem"]["cache_size"]},
        "warta_relations": {"patterns_path": config["relations"]["patterns"]},
    }


def check_model_dir(path: str) -> Path:
    """The model directory, or ModelError saying what is wrong with it."""
    p = Path(path)
    if not p.is_dir():
        raise ModelError(f"model directory {path} not found (use --no-model for rules only)")
    if not (p / "config.cfg").is_file() or not (p / "meta.json").is_file():
        raise ModelError(f"{path} is not a spaCy pipeline directory (no config.cfg/meta.json)")
    return p


def use_fast_blas(choice: str) -> str:
    """Thinc's matrix products through numpy's BLAS instead of blis where that is faster
    (`pipeline.blas`: auto | numpy | blis); returns what is used. One BLAS thread per process."""
    from thinc.api import NumpyOps, set_current_ops

    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover - threadpoolctl comes with the model extra
        pass
    if choice == "auto":
        choice = _faster_gemm()
    set_current_ops(NumpyOps(use_blis=(choice == "blis")))
    return choice


def _faster_gemm() -> str:
    """Time one model-sized matrix product both ways (a few ms) and pick the faster."""
    import time

    import numpy
    from thinc.api import NumpyOps

    a = numpy.random.default_rng(0).random((4096, 96), dtype="float32")
    b = numpy.random.default_rng(1).random((96, 384), dtype="float32")
    best = {}
    for name, ops in (("blis", NumpyOps(use_blis=True)), ("numpy", NumpyOps(use_blis=False))):
        ops.gemm(a, b)
        t0 = time.perf_counter()
        for _ in range(5):
            ops.gemm(a, b)
        best[name] = time.perf_counter() - t0
    return min(best, key=best.get)


def build_nlp(config: Config):
    """The spaCy Language for these settings: the model (or blank `id`) with Warta's components.
    `pipeline.backend: stanza`: tokens and syntax from Stanza (pipeline/stanza_backend.py)."""
    import spacy

    if config["pipeline"]["backend"] in OTHER_BACKENDS:
        return backend_builder(config["pipeline"]["backend"])(config)

    from . import components  # noqa: F401  (registers the factories)
    from .tokenize import tokenizer_config

    stages = [s for s in config["pipeline"]["stages"] if s != "clean"]
    wanted = {c for s in stages for c in STAGE_COMPONENTS[s]}
    settings = component_settings(config)
    overrides: dict[str, Any] = tokenizer_config(config["tokenize"]["abbreviations"])
    model = config["pipeline"]["model"]
    if model:
        path = check_model_dir(model)
        use_fast_blas(config["pipeline"]["blas"])
        present = spacy.util.load_config(path / "config.cfg")["nlp"]["pipeline"]
        overrides["components"] = {n: settings[n] for n in present if n in settings}
        unknown = [n for n in config["pipeline"]["exclude"] if n not in present]
        if unknown:
            raise PipelineError(f"pipeline.exclude names {unknown}, which model {model} does not have; "
                                f"its components: {', '.join(present)}")
        exclude = [n for n in present if n not in wanted or n in config["pipeline"]["exclude"]] + ["tokenizer"]
        try:  # Warta's tokenizer is built from the config's rules, not read from the package
            nlp = spacy.load(path, exclude=exclude, config=overrides)
        except Exception as exc:  # a corrupt or incompatible package
            raise ModelError(f"cannot load model {model}: {type(exc).__name__}: {exc}") from exc
    else:
        nlp = spacy.blank("id", config=overrides)
    order = [c for s in STAGES if s != "clean" for c in STAGE_COMPONENTS[s]]
    for name in WARTA_COMPONENTS:
        if name in wanted and name not in nlp.pipe_names:
            later = [c for c in order[order.index(name) + 1:] if c in nlp.pipe_names]
            nlp.add_pipe(name, config=settings[name], **({"before": later[0]} if later else {}))
    nlp.max_length = config["input"]["max_chars"] + 1
    check_requirements(nlp, settings)
    return nlp


def complete_pipeline(model_dir: Path, out: Path) -> None:
    """Rewrite a trained spaCy pipeline as a complete Warta pipeline: Warta's tokenizer (its
    rules serialized), the sentencizer first, lemmas, entities, stems and relations after the
    statistical components, all reading the shipped data files. `spacy.load(out)` alone then
    gives every Warta annotation (the factories are found through the package's entry points)."""
    import spacy

    from . import components  # noqa: F401
    from .tokenize import tokenizer_config

    tok = tokenizer_config("")
    tok["nlp"]["tokenizer"]["abbreviations_path"] = None
    present = spacy.util.load_config(Path(model_dir) / "config.cfg")["nlp"]["pipeline"]
    nlp = spacy.load(model_dir, exclude=["tokenizer"] + [n for n in present if n in WARTA_COMPONENTS], config=tok)
    order = [c for s in STAGES if s != "clean" for c in STAGE_COMPONENTS[s]]
    for name in WARTA_COMPONENTS:
        later = [c for c in order[order.index(name) + 1:] if c in nlp.pipe_names]
        nlp.add_pipe(name, **({"before": later[0]} if later else {}))
    nlp.to_disk(out)


def check_requirements(nlp, settings: Optional[dict[str, dict]] = None, provided: tuple[str, ...] = ()) -> None:
    """Every requirement no earlier component assigns (spaCy's `analyze_pipes`), as one error;
    `provided`: attributes the tokenizer already sets (the Stanza backend's)."""
    analysis = nlp.analyze_pipes()
    assigned_by: dict[str, str] = {}
    for name in nlp.pipe_names:
        for attr in nlp.get_pipe_meta(name).assigns:
            assigned_by.setdefault(attr, name)
    stage_of = {c: s for s, comps in STAGE_COMPONENTS.items() for c in comps}
    problems = []
    for name, missing in analysis["problems"].items():
        for attr in missing:
            if attr in provided:
                continue
            if name == "warta_stemmer" and attr == "doc.ents" and settings \
                    and not settings["warta_stemmer"]["protect_names"]:
                continue  # entities only protect names
            who = stage_of.get(name, name)
            hint = {"doc.ents": "ner", "token.is_sent_start": "tokenize"}.get(attr)
            problems.append(f"stage '{who}' (component '{name}') requires '{attr}', which no earlier "
                            f"component assigns" + (f" (stage '{hint}' provides it)" if hint else ""))
    if problems:
        raise PipelineError("cannot run this pipeline:\n  " + "\n  ".join(problems))


def statistical_pipes(nlp) -> list:
    """The trained components alone (the model's own output, before Warta's rules)."""
    return [(n, p) for n, p in nlp.pipeline if n not in WARTA_COMPONENTS]


def model_name(nlp, config: Config) -> str:
    """`id_warta_news-0.1.0` for a trained pipeline, `blank:id` without one."""
    meta = nlp.meta
    if not config["pipeline"]["model"]:
        return "blank:id"
    return f"{meta.get('lang', 'id')}_{meta.get('name', 'model')}-{meta.get('version', '0')}"


def has_components(nlp, names: tuple[str, ...]) -> bool:
    return any(n in nlp.pipe_names for n in names)

