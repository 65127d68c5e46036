"""What bam_info.json holds about one sample's alignment file, and the cohort's inputs table.

bam_info.json is written by the first stage (``calling.stage.inspect_and_call``): the checks'
findings (build, contig naming, aligner, sort order, fingerprint, read groups, warnings) and
each padded NTRK locus with its reads; later stages read the build and naming from it rather
than guessing again.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from .io import atomic_write

SUMMARY_COLUMNS = [
    "sample", "assay", "build", "chr_prefix", "aligner", "sort_order",
    "NTRK1_reads", "NTRK2_reads", "NTRK3_reads",
]  # fmt: skip


def bam_record(info, loci) -> dict:
    """bam_info.json: ``info`` (bam_input.BamInfo) and the loci read (evidence.LocusReads)."""
    record = info.to_dict()
    log = logging.getLogger(__name__)
    for locus in loci:
        record |= {f"{locus.gene}_reads": locus.reads, f"{locus.gene}_low_mapq_reads": locus.low_mapq_reads,
                   f"{locus.gene}_region": locus.region}  # fmt: skip
        log.info("%s %s: %d reads, %d with low MAPQ", locus.gene, locus.region, locus.reads, locus.low_mapq_reads)
    for warning in info.warnings:
        log.warning(warning)
    return record


def summarise(json_paths: list[str | Path], out_tsv: str | Path) -> pd.DataFrame:
    """One row per sample, sorted by sample, written as TSV."""
    rows = [json.loads(Path(p).read_text()) for p in json_paths]
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS).sort_values("sample", ignore_index=True)
    atomic_write(out_tsv, table.to_csv(sep="\t", index=False, lineterminator="\n"))
    return table
