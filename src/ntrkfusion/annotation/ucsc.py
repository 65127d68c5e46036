"""Read UCSC genePredExt tables (refGene, wgEncodeGencode*), gzipped, without header."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..genome import GRCH38_LENGTHS
from .tables import TranscriptModel

GENEPRED_COLUMNS = [
    "bin", "name", "chrom", "strand", "txStart", "txEnd", "cdsStart", "cdsEnd", "exonCount",
    "exonStarts", "exonEnds", "score", "name2", "cdsStartStat", "cdsEndStat", "exonFrames",
]  # fmt: skip


def read_genepred(path: Path, primary_only: bool = True) -> pd.DataFrame:
    """A genePredExt table with ``base_id`` (name without version or liftover suffix)."""
    table = pd.read_csv(path, sep="\t", header=None, names=GENEPRED_COLUMNS, dtype={"name": str})
    if primary_only:
        table = table[table["chrom"].isin(GRCH38_LENGTHS)]
    table = table.assign(base_id=table["name"].str.split(".").str[0])
    return table.reset_index(drop=True)


def to_model(row, gene: str, gene_id: str, source: str) -> TranscriptModel:
    starts = [int(x) for x in row.exonStarts.rstrip(",").split(",")]
    ends = [int(x) for x in row.exonEnds.rstrip(",").split(",")]
    coding = row.cdsEnd > row.cdsStart
    return TranscriptModel(
        gene=gene,
        gene_id=gene_id,
        transcript_id=row.name,
        chrom=row.chrom,
        strand=row.strand,
        exons=list(zip(starts, ends)),
        cds_start=int(row.cdsStart) if coding else None,
        cds_end=int(row.cdsEnd) if coding else None,
        source=source,
    )


def coding_blocks(exons: list[tuple[int, int]], cds_start: int, cds_end: int) -> list[tuple[int, int]]:
    blocks = [(max(s, cds_start), min(e, cds_end)) for s, e in sorted(exons)]
    return [(s, e) for s, e in blocks if e > s]
