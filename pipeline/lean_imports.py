"""Keep PyTorch out of processes that do not use it.

thinc (spaCy's machine-learning library) imports PyTorch at start-up whenever it is installed
(`thinc.compat`), only to offer PyTorch-wrapped layers. Warta's spaCy pipelines are thinc CNNs and
never use them, but with the `stanza` extra installed every process paid about 180 MiB of memory and
2 s of start-up for the import. `hide_torch_from_thinc()` installs an import hook that lets
`thinc.compat` see PyTorch as absent; PyTorch itself stays importable (Stanza imports it directly).
Nothing changes when thinc was imported before Warta, or with `WARTA_THINC_TORCH=1` in the
environment (for code that mixes Warta with thinc's PyTorch layers in one process).
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
from typing import Optional, Sequence

_GUARDED = "thinc.compat"


class _TorchHiddenLoader(importlib.abc.Loader):
    """Executes `thinc.compat` with `import torch` failing, then makes torch importable again."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec):  # noqa: D401 - the wrapped loader decides
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        hidden = "torch" not in sys.modules
        if hidden:
            sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` -> ImportError
        try:
            self._loader.exec_module(module)
        finally:
            if hidden and sys.modules.get("torch", 0) is None:
                del sys.modules["torch"]


class _ThincCompatFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Optional[Sequence[str]], target=None):
        if fullname != _GUARDED:
            return None
        sys.meta_path.remove(self)  # one shot: find the real spec, wrap its loader
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _TorchHiddenLoader(spec.loader)
        return spec


def hide_torch_from_thinc() -> bool:
    """Install the hook (idempotent); False when it cannot apply (thinc or torch already loaded,
    or WARTA_THINC_TORCH=1)."""
    if os.environ.get("WARTA_THINC_TORCH") == "1" or _GUARDED in sys.modules or "torch" in sys.modules:
        return False
    if not any(isinstance(f, _ThincCompatFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _ThincCompatFinder())
    return True
