"""DNA panel metrics: unique depth over NTRK exons and introns, insert size, duplicates, and
the probability that a clonal heterozygous NTRK fusion would have been seen (detectability).

Detectability (qc_reference.md section 2): supporting fragments ~ Poisson(lambda) with
lambda = unique depth x purity / 2; P(X >= k) for k = the calling threshold.  An NTRK intron
counts as tested when at least half of it is baited (``panel_bed``) or, without a BED, when its
median unique depth reaches a fifth of the exon median.  The margins of exon targets are not
intron baits: a panel pads each exon target by up to ``EXON_BAIT_MARGIN`` bases, so a short
intron between two padded exon targets looked baited (NTRK1 introns on a real panel, issue 22)
although nothing captures the rest of such an intron's neighbourhood, and a breakpoint there is
found only by chance.  (An intron short enough for two padded targets to merge across it is
sequenced whole, and stays tested.)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pysam

from ..vocabulary import NTRK_GENES
from ..annotation import Annotation
from ..bed import read_bed
from ..genome import ContigNames
from .coverage import Coverage, UniqueReads
from .detectability import poisson_at_least



EXON_BAIT_MARGIN = 100  # bases by which panels pad exon targets (Illumina, Agilent designs: 0-100)


def baited_fraction(bed: list[tuple[str, int, int]], chrom: str, start: int, end: int) -> float:
    """The share of an intron [start, end) (0-based) baited by the panel, not counting the margins
    of its two exons' targets (a target holding the exon base next to the intron and reaching no
    more than ``EXON_BAIT_MARGIN`` bases into it; a longer one baits the intron too)."""
    covered = np.zeros(end - start, dtype=bool)
    for c, s, e in bed:
        if c != chrom or s >= end or e <= start:
            continue
        margin = (s <= start - 1 and e - start <= EXON_BAIT_MARGIN) or (e > end and end - s <= EXON_BAIT_MARGIN)
        if not margin:
            covered[max(s, start) - start : min(e, end) - start] = True
    return float(covered.mean()) if len(covered) else 0.0


def dna_metrics(bam: pysam.AlignmentFile, ann: Annotation, contigs: ContigNames, panel_bed: Path | None,
                tumour_content: float | None, k: int, umi=None) -> dict:  # fmt: skip
    bed = read_bed(panel_bed)
    unique = UniqueReads(umi)
    exon_depths, genes, untested, per_exon, inserts, not_in_panel = [], {}, [], {}, [], []
    for gene in NTRK_GENES:
        exons = ann.exons(gene)
        chrom = exons["chrom"].iat[0]
        contig = contigs.to_bam(chrom)
        cov = Coverage(bam, contig, zip(exons["start"], exons["end"]), unique)
        points = [_exon_points(cov, int(s), int(e)) for s, e in zip(exons["start"], exons["end"])]
        parts = [cov.at_offsets(p) if len(p) else np.zeros(0) for p in points]
        per_exon[gene] = [[int(n), round(float(p.mean()), 2) if len(p) else 0.0]
                          for n, p in zip(exons["exon_number"], parts)]  # fmt: skip
        masks = _sequenced(ann.transcript(gene), exons, bed)
        sequenced = [p[m[pt - pt[0]]] if len(pt) else p for p, m, pt in zip(parts, masks, points)]
        in_panel = sum(map(len, sequenced)) > 0
        gene_exon = np.concatenate(sequenced) if in_panel else np.concatenate(parts)
        if in_panel or not bed:  # a gene the panel does not bait at all is untested, not 0x
            exon_depths.append(gene_exon)
        else:
            not_in_panel.append(gene)
        inserts += _insert_sizes(cov.reads)
        genes[gene] = dict(chrom=chrom, contig=contig, exon_median=float(np.median(gene_exon)),
                           start=int(exons["start"].min()), end=int(exons["end"].max()))  # fmt: skip
    exon_median = float(np.median(np.concatenate(exon_depths))) if exon_depths else 0.0
    detectability = {}
    for gene, g in genes.items():
        tested = []
        for n, lo, hi in ann.introns(gene):
            baited = baited_fraction(bed, g["chrom"], lo, hi) >= 0.5 if bed else None
            med = _median_depth(bam, g["contig"], lo, hi, unique) if (baited or not bed) else 0.0
            if baited or (not bed and med >= exon_median / 5):
                tested.append((n, med))
            else:
                untested.append({"gene": gene, "intron": int(n)})
        g["tested_introns"] = {f"intron {n}": med for n, med in tested}
        if tumour_content is not None and tested:
            lam = min(m for _, m in tested) * tumour_content / 100 / 2
            detectability[gene] = poisson_at_least(k, lam)
    return dict(
        median_exon_depth=exon_median,
        baited_intron_depths={g: v["tested_introns"] for g, v in genes.items()},
        min_baited_intron_depth=min((d for v in genes.values() for d in v["tested_introns"].values()),
                                    default=None),  # fmt: skip
        median_insert_size=float(np.median(inserts)) if inserts else None,
        insert_sizes_measured=len(inserts),
        duplicate_rate=unique.duplicate_rate,
        detectability={g: round(p, 4) for g, p in detectability.items()},
        untested_regions=untested,
        genes_not_in_panel=not_in_panel,
        ntrk_exon_depth=per_exon,
        ntrk_first_kinase_exon={g: ann.kinase_domain(g).first_exon for g in NTRK_GENES},
    )


def _sequenced(tx, exons, bed: list[tuple[str, int, int]]) -> list[np.ndarray]:
    """Per exon, the bases a panel sequences: the coding part (a 17 kb 3' UTR is baited by no
    panel), and within the panel's targets when its BED is given."""
    masks = []
    for start, end in zip(exons["start"].astype(int), exons["end"].astype(int)):
        pos = np.arange(start, end)
        coding = not pd.isna(tx["cds_start"])
        mask = (pos >= tx["cds_start"]) & (pos < tx["cds_end"]) if coding else np.ones(len(pos), dtype=bool)
        if bed:
            baited = np.zeros(len(pos), dtype=bool)
            for c, s, e in bed:
                if c == tx["chrom"] and s < end and e > start:
                    baited[max(s, start) - start : min(e, end) - start] = True
            mask &= baited
        masks.append(mask)
    return masks


def _exon_points(cov: Coverage, start: int, end: int) -> np.ndarray:
    """Offsets of an exon's bases in the coverage."""
    first = cov.offset(start)
    return np.zeros(0, dtype=np.int64) if first is None else np.arange(first, first + end - start)


def _median_depth(bam, contig: str, lo: int, hi: int, unique: UniqueReads) -> float:
    cov = Coverage(bam, contig, [(lo, hi)], unique)
    return float(np.median(cov.depth)) if cov.length else 0.0


def _insert_sizes(reads) -> list[int]:
    """|TLEN| of primary read 1s of proper pairs."""
    return [abs(r.template_length) for r in reads
            if r.is_read1 and r.is_proper_pair and not (r.is_secondary or r.is_supplementary)]  # fmt: skip
