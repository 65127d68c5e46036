"""Shared preamble of the Snakemake entry scripts.

Makes ``src/`` importable (so the scripts also run in a ``--sdm conda`` environment that
has the dependencies but not the ntrkfusion package) and sends stderr to the rule's log.
"""

import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


def use_log(smk) -> None:
    """Send this job's stderr (warnings, errors) to its log file."""
    if smk.log:
        sys.stderr = open(smk.log[0], "w", buffering=1)
