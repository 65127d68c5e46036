"""The calling stage of the workflow: one sample's files, the cohort table, the CLI summary."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..annotation import load_annotation
from . import table
from .engine import CallResult, call_sample, settings_from_config, write_evidence


def call_to_files(bam: str, sample: str, assay: str, annotation: str, config: dict, out: dict,
                  reference: str | None = None, boundaries: str | None = None) -> CallResult:  # fmt: skip
    """Call one sample and write evidence.parquet, fusions.parquet and fusions.tsv."""
    ann = load_annotation(annotation)
    bounds = pd.read_parquet(boundaries) if boundaries else None
    result = call_sample(bam, sample, assay, ann, reference=reference, settings=settings_from_config(config),
                         boundaries=bounds)  # fmt: skip
    write_evidence(result.evidence, out["evidence"])
    table.write(result.fusions, out["parquet"], out["tsv"])
    return result


def cohort(parquets: list[str | Path], out_parquet: str | Path, out_tsv: str | Path) -> pd.DataFrame:
    """Every sample's fusions in one table (same schema, same order rules)."""
    frames = [table.read(p) for p in parquets]
    rows = [r for f in frames for r in f.to_dict("records")]
    merged = table.to_frame(rows).drop(columns="_index")
    table.write(merged, out_parquet, out_tsv)
    return merged


def summary(result: CallResult, sample: str) -> str:
    """A few lines for a person at a terminal."""
    f = result.fusions
    passed = f[f["filters"] == ""]
    lines = [f"{sample}: {len(result.evidence)} evidence records, {len(f)} candidate(s), {len(passed)} passing"]
    for r in f.head(10).itertuples():
        status = "PASS" if not r.filters else f"filtered: {r.filters}"
        lines.append(f"  {r.vicc_name}  {r.breakpoint5} {r.breakpoint3}  split={r.split_reads} "
                     f"discordant={r.discordant_pairs} fragments={r.supporting_fragments}  "
                     f"in_frame={r.in_frame} kinase={r.kinase_domain_retained}  {status}")  # fmt: skip
    return "\n".join(lines)
