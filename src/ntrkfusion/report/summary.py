"""The few lines the workflow prints when it ends: each sample's result, and where the reports are."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

RESULTS = Path("results")


def end_of_run(results: Path = RESULTS) -> str:
    """A short table (sample, result, best fusion, QC flags) and the report paths."""
    table = results / "samples.tsv"
    if not table.is_file():
        return ""
    samples = pd.read_csv(table, sep="\t", dtype=str, keep_default_na=False)
    rows = [("sample", "result", "best fusion", "QC flags")]
    rows += [(r.sample, r.result, r.best_fusion or "-", r.qc_flags.replace(";", ", ") or "-")
             for r in samples.itertuples()]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["", "ntrkfusion results:"]
    lines += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3] for row in rows]
    counts = samples["result"].value_counts()
    lines.append("  " + ", ".join(f"{counts[k]} {k}" for k in ("POSITIVE", "INDETERMINATE", "NEGATIVE") if k in counts))
    lines.append(f"reports: {results / 'report.html'} (cohort), {results}/<sample>/report.html; tables: "
                 f"{results / 'samples.tsv'}, {results / 'fusions.tsv'}; VCF: {results}/fusions.<build>.vcf.gz")  # fmt: skip
    return "\n".join(lines)
