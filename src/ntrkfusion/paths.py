"""Where the workflow's own files live (schemas, bundled resources).

ntrkfusion is installed editable from its repository (``pip install -e .``), so the
package finds the repository root two levels above itself.  ``NTRKFUSION_HOME``
overrides this for an installation elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(os.environ.get("NTRKFUSION_HOME", Path(__file__).resolve().parents[2]))
SCHEMAS = REPO_ROOT / "workflow" / "schemas"
RESOURCES = REPO_ROOT / "resources"


def bundled_annotation_dir(build: str) -> Path:
    return RESOURCES / build
