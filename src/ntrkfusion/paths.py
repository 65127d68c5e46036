"""Where the files ntrkfusion reads at run time are: inside the installed package.

A wheel carries the bundled annotation and curated tables (``resources/``) and the workflow
(Snakefile, ``workflow/``, ``scripts/``, ``envs/``, ``config/config.yaml``) as package data
(``pyproject.toml``, ``[tool.setuptools]``), found here with ``importlib.resources``.  In a
checkout (``pip install -e .``) the same files are the repository's own, in its fixed layout.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = Path(str(files("ntrkfusion")))


def _data(inside: str, checkout: str) -> Path:
    """The packaged copy (a wheel install) or, in a checkout, the repository's folder."""
    packaged = PACKAGE / inside
    return packaged if packaged.is_dir() else (PACKAGE.parents[1] / checkout).resolve()


RESOURCES = _data("resources", "resources")
WORKFLOW_FILES = _data("workflow_files", ".")
SNAKEFILE = WORKFLOW_FILES / "Snakefile"
SCHEMAS = WORKFLOW_FILES / "workflow" / "schemas"


def bundled_annotation_dir(build: str) -> Path:
    return RESOURCES / build
