"""Which gene lies at the partner side of a junction.

The transcript models (one per gene, MANE on GRCh38) come first, exons before introns; then
the single-copy gene loci of the build's gene table (non-coding genes, genes without a
model).  Names of multi-copy families never reach that table (``annotation.tables``), so a
partner is never called ``Y_RNA`` or ``SNORA31``.  A position in no gene is ``intergenic``:
a place, which the clustering keeps apart from every other intergenic place.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..annotation import Annotation
from .junctions import Side

UNKNOWN = "unknown"  # a clip whose partner sequence was not found
INTERGENIC = "intergenic"  # a partner side in no annotated gene
NO_GENE = (UNKNOWN, INTERGENIC)


@dataclass(frozen=True)
class Partner:
    gene: str  # gene symbol, INTERGENIC or UNKNOWN
    strand: str | None
    in_exon: bool = False


class PartnerNamer:
    def __init__(self, annotation: Annotation):
        self.ann = annotation
        self._cache: dict[tuple[str, int, str], Partner] = {}

    def at(self, side: Side | None, ntrk: str) -> Partner:
        if side is None:
            return Partner(UNKNOWN, None)
        key = (side.chrom, side.pos, ntrk)
        if key not in self._cache:
            self._cache[key] = self._name(side, ntrk)
        return self._cache[key]

    def _name(self, side: Side, ntrk: str) -> Partner:
        loci = [x for x in self.ann.locate(side.chrom, side.pos) if x.gene != ntrk]
        if loci:
            best = sorted(loci, key=lambda x: (x.region != "exon", x.gene))[0]
            return Partner(best.gene, best.strand, best.region == "exon")
        genes = self.ann.genes_at(side.chrom, side.pos)
        genes = genes[genes["gene"] != ntrk]
        if len(genes):
            row = genes.sort_values("gene").iloc[0]
            return Partner(row["gene"], row["strand"])
        return Partner(INTERGENIC, None)
