"""MultiQC custom content: the per-sample results and QC metrics as a table section."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..io import atomic_write

COLUMNS = ["result", "qc_flags", "best_fusion_name", "best_fusion_fragments", "tumour_content",
           "median_fragment_length", "median_tin", "median_exon_depth", "duplicate_rate"]  # fmt: skip
HEADER = """# id: 'ntrkfusion'
# section_name: 'NTRK fusions (ntrkfusion)'
# description: 'One result per sample (POSITIVE, NEGATIVE, INDETERMINATE), its QC flags, the best fusion and the QC metrics.'
# format: 'tsv'
# plot_type: 'table'
"""


def multiqc_table(samples_parquet: str | Path, out: str | Path) -> pd.DataFrame:
    """``out`` must end in _mqc.tsv for MultiQC to find it."""
    samples = pd.read_parquet(samples_parquet)
    table = samples[["sample", *COLUMNS]].rename(columns={"sample": "Sample"})
    text = HEADER + table.to_csv(sep="\t", index=False, lineterminator="\n", na_rep="")
    atomic_write(out, text)
    return table
