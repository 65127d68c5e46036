"""The few lines the workflow prints when it ends: each sample's result, and where the reports are."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..vocabulary import RESULTS_ORDER


def end_of_run(samples: pd.DataFrame, results: Path) -> str:
    """A short table (sample, result, best fusion, QC flags) and the report paths."""
    rows = [("sample", "result", "best fusion", "QC flags")]
    rows += [(r.sample, r.result, _text(r.best_fusion) or "-", ", ".join(r.qc_flags) or "-")
             for r in samples.itertuples()]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["", "ntrkfusion results:"]
    lines += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3] for row in rows]
    for r in samples.itertuples():  # what changes a result's meaning is said where it is read
        lines += [f"  warning: {r.sample}: {w}" for w in (getattr(r, "warnings", None) or [])]
    counts = samples["result"].value_counts()
    lines.append("  " + ", ".join(f"{counts[k]} {k}" for k in RESULTS_ORDER if k in counts))
    lines.append(f"reports: {results / 'report.html'} (cohort), {results}/<sample>/report.html; tables: "
                 f"{results / 'samples.tsv'}, {results / 'fusions.tsv'}; VCF: {results}/fusions.<build>.vcf.gz")  # fmt: skip
    return "\n".join(lines)


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)
