"""The annotation's on-disk tables, and the one place where exon numbers and phases are computed.

Coordinates are 0-based half-open on chr-prefixed contigs.  ``cds_start``/``cds_end``
include the stop codon (as UCSC genePred and GTF CDS+stop_codon do).  Exon phase
follows Ensembl: ``phase`` is the CDS offset at the exon's 5' end modulo 3 (-1 when the
exon does not start inside the CDS), ``end_phase`` the number of coding bases up to and
including the exon's 3' end modulo 3 (-1 when it does not end inside the CDS).  A join of
5' exon A to 3' exon B keeps the reading frame iff end_phase(A) == phase(B) >= 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

TRANSCRIPT_SCHEMA = pa.schema(
    [
        ("gene", pa.string()),
        ("gene_id", pa.string()),
        ("transcript_id", pa.string()),
        ("refseq_id", pa.string()),
        ("chrom", pa.string()),
        ("strand", pa.string()),
        ("tx_start", pa.int64()),
        ("tx_end", pa.int64()),
        ("cds_start", pa.int64()),
        ("cds_end", pa.int64()),
        ("exon_count", pa.int32()),
        ("source", pa.string()),
    ]
)
EXON_SCHEMA = pa.schema(
    [
        ("transcript_id", pa.string()),
        ("gene", pa.string()),
        ("chrom", pa.string()),
        ("strand", pa.string()),
        ("exon_number", pa.int32()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("cds_offset", pa.int64()),  # coding bases 5' of this exon; null if the transcript has no CDS
        ("phase", pa.int8()),
        ("end_phase", pa.int8()),
    ]
)
GENE_SCHEMA = pa.schema(
    [
        ("gene", pa.string()),
        ("gene_id", pa.string()),
        ("chrom", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("strand", pa.string()),
        ("gene_type", pa.string()),
    ]
)
TABLES = {"transcripts": TRANSCRIPT_SCHEMA, "exons": EXON_SCHEMA, "genes": GENE_SCHEMA}


@dataclass
class TranscriptModel:
    """One transcript: exons as genomic (start, end) pairs, in any order."""

    gene: str
    gene_id: str
    transcript_id: str
    chrom: str
    strand: str
    exons: list[tuple[int, int]]
    cds_start: int | None = None
    cds_end: int | None = None
    refseq_id: str | None = None
    source: str = ""
    first_exon_number: int = 1  # number of the 5'-most exon (>1 when a lift lacks 5' UTR exons)

    @property
    def has_cds(self) -> bool:
        return self.cds_start is not None and self.cds_end is not None and self.cds_end > self.cds_start

    def exons_5to3(self) -> list[tuple[int, int]]:
        ordered = sorted(self.exons)
        return ordered[::-1] if self.strand == "-" else ordered

    def coding_lengths(self) -> list[int]:
        """Coding bases per exon, 5'->3' (0 for UTR-only exons)."""
        if not self.has_cds:
            return [0] * len(self.exons)
        return [max(0, min(e, self.cds_end) - max(s, self.cds_start)) for s, e in self.exons_5to3()]

    def coding_length(self) -> int:
        return sum(self.coding_lengths())


def exon_records(tx: TranscriptModel) -> list[dict]:
    """Numbered exons with CDS offsets and Ensembl phases, 5'->3' in transcript order."""
    records, offset = [], 0
    for number, (start, end) in enumerate(tx.exons_5to3(), start=tx.first_exon_number):
        phase = end_phase = -1
        cds_offset = None
        if tx.has_cds:
            coding = max(0, min(end, tx.cds_end) - max(start, tx.cds_start))
            five, three = (start, end - 1) if tx.strand == "+" else (end - 1, start)
            cds_offset = offset
            if tx.cds_start <= five < tx.cds_end:
                phase = offset % 3
            offset += coding
            if tx.cds_start <= three < tx.cds_end:
                end_phase = offset % 3
        records.append(
            dict(
                transcript_id=tx.transcript_id,
                gene=tx.gene,
                chrom=tx.chrom,
                strand=tx.strand,
                exon_number=number,
                start=start,
                end=end,
                cds_offset=cds_offset,
                phase=phase,
                end_phase=end_phase,
            )
        )
    return records


def transcript_record(tx: TranscriptModel) -> dict:
    starts = [s for s, _ in tx.exons]
    ends = [e for _, e in tx.exons]
    return dict(
        gene=tx.gene,
        gene_id=tx.gene_id,
        transcript_id=tx.transcript_id,
        refseq_id=tx.refseq_id,
        chrom=tx.chrom,
        strand=tx.strand,
        tx_start=min(starts),
        tx_end=max(ends),
        cds_start=tx.cds_start if tx.has_cds else None,
        cds_end=tx.cds_end if tx.has_cds else None,
        exon_count=len(tx.exons),
        source=tx.source,
    )


# No human gene is longer than this (RBFOX1, the longest, spans 2.47 Mb): a longer "gene" is a
# multi-copy family merged across a chromosome, and must never name a fusion partner.
MAX_GENE_SPAN = 2_500_000


def single_copy_loci(genes: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """One row per gene locus, without multi-copy families; and the family names dropped.

    ``genes`` may hold several rows per name (one per gene id, or one per transcript):
    overlapping rows of a name on one chromosome and strand are one locus.  A name found
    at two or more loci (``Y_RNA``, ``SNORA31``, ``U3``, ... : hundreds of copies) does not
    identify a place in the genome, so it cannot name a partner; such names are dropped,
    as is any locus longer than MAX_GENE_SPAN."""
    ordered = genes.sort_values(["gene", "chrom", "strand", "start", "end"], kind="stable").reset_index(drop=True)
    same = (ordered[["gene", "chrom", "strand"]] == ordered[["gene", "chrom", "strand"]].shift()).all(axis=1)
    reach = ordered.groupby(["gene", "chrom", "strand"], sort=False)["end"].cummax().shift()
    new_locus = ~same | (ordered["start"] >= reach)  # not overlapping the locus so far
    ordered["locus"] = new_locus.cumsum()
    table = ordered.groupby("locus", sort=False).agg(
        {**{c: "first" for c in genes.columns}, "start": "min", "end": "max"}
    )[list(genes.columns)]
    copies = table["gene"].value_counts()
    multi = copies[copies > 1].index
    too_long = table["end"] - table["start"] > MAX_GENE_SPAN
    dropped = sorted(set(multi) | set(table.loc[too_long, "gene"]))
    kept = table[~table["gene"].isin(dropped)]
    return kept.reset_index(drop=True), dropped


def write_tables(out_dir: Path, transcripts: list[TranscriptModel], genes: pd.DataFrame) -> dict:
    """Write transcripts/exons/genes Parquet in a fixed order; return row counts.  Genes are
    reduced to single-copy loci (``single_copy_loci``); the count of dropped names is returned."""
    out_dir.mkdir(parents=True, exist_ok=True)
    transcripts = sorted(transcripts, key=lambda t: (t.chrom, min(s for s, _ in t.exons), t.gene))
    genes, dropped = single_copy_loci(genes)
    frames = {
        "transcripts": pd.DataFrame([transcript_record(t) for t in transcripts]),
        # exons sorted by transcript id, so that a loaded table finds a transcript by binary search
        "exons": pd.DataFrame([r for t in sorted(transcripts, key=lambda t: t.transcript_id)
                               for r in exon_records(t)]),  # fmt: skip
        "genes": genes.sort_values(["chrom", "start", "gene"]).reset_index(drop=True),
    }
    for name, frame in frames.items():
        schema = TABLES[name]
        for column in schema.names:
            if pa.types.is_integer(schema.field(column).type):
                frame[column] = frame[column].astype("Int64")
        table = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
        pq.write_table(table, out_dir / f"{name}.parquet", compression="zstd")
    counts = {name: len(frame) for name, frame in frames.items()}
    counts["multi_copy_gene_names_dropped"] = len(dropped)
    return counts


def read_table(directory: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    return pq.read_table(directory / f"{name}.parquet", columns=columns).to_pandas()
