"""The NTRK loci of a build, in a BAM's own contig names."""

from __future__ import annotations

from dataclasses import dataclass

from .annotation import Annotation
from .genome import ContigNames
from .vocabulary import NTRK_GENES


@dataclass(frozen=True)
class Region:
    name: str
    contig: str  # as named in the BAM
    start: int  # 0-based
    end: int

    def __str__(self) -> str:
        return f"{self.contig}:{self.start + 1}-{self.end}"


def ntrk_regions(annotation: Annotation, contigs: ContigNames, padding: int) -> list[Region]:
    """NTRK1/2/3 transcript spans plus padding, named as in the BAM."""
    regions = []
    for gene in NTRK_GENES:
        tx = annotation.transcript(gene)
        contig = contigs.to_bam(tx["chrom"])
        if contig is None:
            raise ValueError(f"BAM has no contig for {tx['chrom']} ({gene})")
        regions.append(
            Region(gene, contig, max(0, int(tx["tx_start"]) - padding), int(tx["tx_end"]) + padding)
        )
    return regions
