"""NTRK kinase domains: curated GRCh38 coordinates -> CDS offsets -> any build's coordinates.

The domain is fixed in protein space (CDS offsets of the MANE transcript), so the same
domain is placed on GRCh37, or on a lab's own annotation, through that build's
transcript model of the same gene.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .model import Annotation

COLUMNS = [
    "gene", "transcript_id", "pfam_id", "domain", "chrom", "start", "end",
    "cds_start_offset", "cds_end_offset", "aa_start", "aa_end", "first_exon", "last_exon", "source",
]  # fmt: skip


def write_kinase_domains(curated: Path, reference_dir: Path, out_dir: Path) -> pd.DataFrame:
    """Place the curated GRCh38 domains on the annotation in ``out_dir``."""
    domains = pd.read_csv(curated, sep="\t", comment="#")
    ref = Annotation(reference_dir)
    target = ref if reference_dir == out_dir else Annotation(out_dir)
    rows = []
    for d in domains.itertuples():
        tx = ref.transcript(d.gene)
        lo, hi = ref.locate_in(d.gene, d.start), ref.locate_in(d.gene, d.end)
        if lo is None or hi is None or lo.cds_offset is None or hi.cds_offset is None:
            raise ValueError(f"{d.gene} kinase domain {d.start}-{d.end} is outside its CDS")
        first, last = sorted((lo.cds_offset, hi.cds_offset))
        # BioMart's genomic spans start inside the first codon; widen to whole codons.
        first, last = first - first % 3, last + 2 - last % 3
        rows.append(_place(target, d, tx["transcript_id"], first, last))
    table = pd.DataFrame(rows, columns=COLUMNS)
    table.to_csv(out_dir / "kinase_domains.tsv", sep="\t", index=False)
    return table


def _place(target: Annotation, d, transcript_id: str, first: int, last: int) -> dict:
    a = genomic_position(target, d.gene, first)
    b = genomic_position(target, d.gene, last)
    exon_a = target.locate_in(d.gene, a).number
    exon_b = target.locate_in(d.gene, b).number
    return dict(
        gene=d.gene,
        transcript_id=target.transcript(d.gene)["transcript_id"],
        pfam_id=d.pfam_id,
        domain=d.domain,
        chrom=d.chrom if target.build == "GRCh38" else target.transcript(d.gene)["chrom"],
        start=min(a, b),
        end=max(a, b),
        cds_start_offset=first,
        cds_end_offset=last,
        aa_start=first // 3 + 1,
        aa_end=last // 3 + 1,
        first_exon=min(exon_a, exon_b),
        last_exon=max(exon_a, exon_b),
        source=d.source,
    )


def genomic_position(ann: Annotation, gene: str, cds_offset: int) -> int:
    """1-based genomic position of a 0-based CDS offset in a gene's transcript model."""
    tx = ann.transcript(gene)
    for exon in ann.exons(gene).itertuples():
        lo, hi = max(exon.start, tx["cds_start"]), min(exon.end, tx["cds_end"])
        if hi <= lo:
            continue
        if exon.cds_offset <= cds_offset < exon.cds_offset + (hi - lo):
            step = cds_offset - exon.cds_offset
            return lo + step + 1 if tx["strand"] == "+" else hi - step
    raise ValueError(f"CDS offset {cds_offset} is beyond the CDS of {gene}")
