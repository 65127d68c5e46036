"""MultiQC custom content: the per-sample results and QC metrics as a table section, with
titles, descriptions, units and the result coloured (a MultiQC table-header config, written as
the file's comment header; JSON is YAML, so no YAML writer is needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..vocabulary import Result
from ..io import atomic_write

RESULT_COLOURS = {Result.POSITIVE: "#f5b7b1", Result.INDETERMINATE: "#f9e79f", Result.NEGATIVE: "#abebc6"}
# column -> MultiQC header; "percent": a fraction written as a percentage
HEADERS = {
    "result": {"title": "Result", "description": "POSITIVE, NEGATIVE or INDETERMINATE (qc.json reasons)",
               "bgcols": RESULT_COLOURS},
    "qc_flags": {"title": "QC flags", "description": "QC flags raised (none: empty)"},
    "best_fusion": {"title": "Fusion", "description": "the qualifying fusion, gene level"},
    "best_fusion_name": {"title": "Fusion (VICC)", "description": "the qualifying fusion, VICC transcript and exons",
                         "hidden": True},
    "best_fusion_fragments": {"title": "Fragments", "description": "distinct fragments supporting the fusion",
                              "format": "{:,.0f}", "min": 0},
    "tumour_content": {"title": "Tumour %", "description": "tumour content from the sample sheet", "suffix": "%",
                       "format": "{:,.0f}", "min": 0, "max": 100},
    "dv200": {"title": "DV200", "description": "RNA fragments over 200 nt, from the sample sheet (RNA)", "suffix": "%",
              "format": "{:,.0f}", "min": 0, "max": 100},
    "median_fragment_length": {"title": "Fragment length", "description": "median transcript-space fragment (RNA)",
                               "suffix": " bp", "format": "{:,.0f}"},
    "median_tin": {"title": "TIN", "description": "median transcript integrity number (RNA)", "format": "{:,.1f}",
                   "min": 0, "max": 100},
    "median_exon_depth": {"title": "NTRK depth", "description": "median unique depth over NTRK exons (DNA)",
                          "suffix": "×", "format": "{:,.0f}"},
    "duplicate_rate": {"title": "Duplicates", "description": "duplicate rate", "suffix": "%", "format": "{:,.1f}",
                       "min": 0, "max": 100, "percent": True},
}  # fmt: skip


def multiqc_table(samples: pd.DataFrame, out: str | Path, run: dict | None = None) -> pd.DataFrame:
    """The cohort's samples table as MultiQC custom content; ``out`` must end in _mqc.tsv for
    MultiQC to find it; ``run``: the run_info record."""
    table = samples[["sample", *HEADERS]].rename(columns={"sample": "Sample"})
    table["qc_flags"] = [";".join(flags) for flags in table["qc_flags"]]
    for column, header in HEADERS.items():
        if header.get("percent"):
            table[column] = table[column] * 100
    headers = {c: {k: v for k, v in h.items() if k != "percent"} for c, h in HEADERS.items()}
    config = {"id": "ntrkfusion", "section_name": "NTRK fusions (ntrkfusion)", "description": _description(run),
              "plot_type": "table", "pconfig": {"id": "ntrkfusion_table", "title": "ntrkfusion: results",
                                                "col1_header": "Sample"},
              "headers": headers}  # fmt: skip
    header = "".join(f"# {line}\n" for line in json.dumps(config, indent=1, ensure_ascii=False).splitlines())
    text = header + table.to_csv(sep="\t", index=False, lineterminator="\n", na_rep="")
    atomic_write(out, text)
    return table


def _description(info: dict | None) -> str:
    words = "One result per sample (POSITIVE, NEGATIVE, INDETERMINATE), its QC flags, the fusion and the QC metrics."
    if info is None:
        return words
    git = info["pipeline"].get("git") or {}
    commit = f", commit {git['commit'][:10]}" + (" (modified)" if git.get("modified") else "") if git else ""
    builds = "; ".join(f"{b}: {a['source']}" for b, a in info["annotation"].items())
    return (f"{words} ntrkfusion {info['pipeline']['version']}{commit}, run {info['date']}, "
            f"settings digest {info['config_digest'][:12]}, annotation {builds}.")  # fmt: skip
