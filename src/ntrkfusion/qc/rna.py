"""RNA metrics, read through the index over the housekeeping genes and NTRK1/2/3.

Definitions follow ../shared/docs/qc_reference.md (Picard RnaSeqMetrics, RSeQC tin.py), with
the simplifications stated at each function.  Each gene's Python work is bounded
(``coverage.py``): counts, duplicates and fragment lengths come from its first 5,000 reads (1,000
fragments), and a deeper gene's depth from a systematic sample of its reads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pysam

from ..vocabulary import NTRK_GENES
from ..annotation import Annotation
from ..genome import ContigNames
from .coverage import BUDGET, Coverage, UniqueReads

TIN_POINTS = 100
HIST_BINS = list(range(0, 610, 10))  # fragment-length histogram: 10 bp bins up to 600 bp


def transcript_offsets(exons: pd.DataFrame, strand: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exon starts, ends (0-based genomic) and the transcript offset of each exon's 5' base."""
    ordered = exons.sort_values("exon_number")
    starts, ends = ordered["start"].to_numpy(), ordered["end"].to_numpy()
    lengths = ends - starts
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return starts, ends, first


def to_transcript(pos0: int, starts, ends, first, strand: str) -> int | None:
    """0-based genomic position -> 0-based offset in the spliced transcript (None if intronic)."""
    order = np.argsort(starts)
    i = int(np.searchsorted(starts[order], pos0, side="right")) - 1
    if i < 0 or not pos0 < ends[order][i]:
        return None
    i = int(order[i])
    return int(first[i] + (pos0 - starts[i] if strand == "+" else ends[i] - 1 - pos0))


def fragment_lengths(reads, exons: pd.DataFrame, strand: str, limit: int = 1000) -> list[int]:
    """Transcript-space fragment lengths of properly paired read 1s over a transcript: the
    distance between the two reads' outer ends once introns are removed (both ends in exons;
    the mate is taken to have this read's length).  At most ``limit`` a transcript."""
    starts, ends, first = transcript_offsets(exons, strand)
    out = []
    for read in reads:
        if len(out) == limit:
            break
        if not read.is_proper_pair or not read.is_read1 or read.is_secondary or read.is_supplementary:
            continue
        length = read.infer_read_length() or 0
        ends_here = [read.reference_start, read.reference_end - 1]
        mate = [read.next_reference_start, read.next_reference_start + length - 1]
        offsets = [to_transcript(p, starts, ends, first, strand) for p in ends_here + mate]
        if None in offsets:
            continue
        out.append(max(offsets) - min(offsets) + 1)
    return out


JUNCTION_ANCHOR = 20  # bases a read must have on each side of a junction to cross it (calling.min_anchor's default)


def junction_reads(cov: Coverage, exons: pd.DataFrame, strand: str, keep: UniqueReads) -> float:
    """Unique reads whose sequence runs across one of the transcript's exon-exon junctions with
    ``JUNCTION_ANCHOR`` bases on each side, per junction, for the whole gene (the first reads
    counted, scaled to all of them).  From read positions in transcript space, so that every
    aligner counts alike (STAR and HISAT2 splice such reads, BWA-MEM splits and clips them): what
    a fusion junction at the same expression would yield in reads across it, the evidence a call
    needs."""
    starts, ends, first = transcript_offsets(exons, strand)
    junctions = np.sort(first[1:])
    if not len(junctions) or not cov.reads:
        return 0.0
    crossing = 0
    for read in cov.reads:
        if read.is_supplementary or read.is_secondary or not keep.decided.get((read.query_name, read.is_read1), False):
            continue  # not a unique primary read (UniqueReads decided each as coverage read it)
        ops = read.cigartuples or []
        if strand == "+":  # the transcript runs with the genome: the read starts at its leftmost base
            t, clip = to_transcript(read.reference_start, starts, ends, first, strand), _clip(ops)
        else:  # against it: the read's first transcript base is its rightmost aligned one
            t, clip = to_transcript(read.reference_end - 1, starts, ends, first, strand), _clip(ops[::-1])
        if t is None:
            continue
        lo = t - clip
        i = int(np.searchsorted(junctions, lo + JUNCTION_ANCHOR))
        crossing += i < len(junctions) and junctions[i] <= lo + (read.infer_read_length() or 0) - JUNCTION_ANCHOR
    return crossing * cov.primary_reads / len(cov.reads) / len(junctions)


def _clip(ops) -> int:
    """Soft- and hard-clipped bases before the first aligned one."""
    total = 0
    for op, n in ops:
        if op not in (4, 5):
            break
        total += n
    return total


def transcript_coverage(bam: pysam.AlignmentFile, contig: str, exons: pd.DataFrame, strand: str,
                        keep: UniqueReads | None = None) -> tuple[Coverage, np.ndarray]:  # fmt: skip
    """A transcript's bounded coverage and its depth profile 5'->3'."""
    cov = Coverage(bam, contig, zip(exons["start"], exons["end"]), keep)
    return cov, (cov.depth[::-1] if strand == "-" else cov.depth)


def picard_bias(cov: np.ndarray) -> dict | None:
    """CV and 5'/3' bias of one transcript's coverage (Picard: length >= 500, mean >= 1)."""
    if len(cov) < 500 or cov.mean() < 1:
        return None
    mean = cov.mean()
    five, three = cov[:100].mean(), cov[-100:].mean()
    return dict(cv=float(cov.std() / mean), bias5=float(five / mean), bias3=float(three / mean),
                bias5to3=float(five / three) if three > 0 else None)  # fmt: skip


def tin(cov: np.ndarray, points: int = TIN_POINTS) -> float | None:
    """Transcript integrity number: 100 * exp(H) / l over ``points`` equally spaced positions
    (RSeQC tin.py; the minimum-coverage gate is >= 10 covered positions instead of >= 10
    distinct read starts, and exon boundaries are not added to the sample)."""
    if not len(cov):
        return None
    idx = np.unique(np.linspace(0, len(cov) - 1, min(points, len(cov))).astype(int))
    c = cov[idx].astype(float)
    if (c > 0).sum() < 10:
        return None
    p = c[c > 0] / c.sum()
    return float(100 * np.exp(-(p * np.log(p)).sum()) / len(idx))


def ntrk_imbalance(ann: Annotation, bam, contigs: ContigNames, gene: str) -> dict:
    """Mean unique depth over the coding exons from the kinase domain on (3') and over the
    coding exons at least two exons before it (5'); their ratio with a pseudo-count of 1.
    A 3' part expressed far above the 5' part is independent evidence of a fusion."""
    first_kinase = ann.kinase_domain(gene).first_exon
    exons = ann.exons(gene)
    coding = exons[exons["phase"].ge(0) | exons["end_phase"].ge(0)]
    contig = contigs.to_bam(exons["chrom"].iat[0])
    cov = Coverage(bam, contig, zip(coding["start"], coding["end"]))

    def mean_depth(part) -> float:
        where = [o for s, e in zip(part["start"], part["end"]) for o in _points(cov, int(s), int(e))]
        return float(cov.at_offsets(where).mean()) if where else 0.0

    d3 = mean_depth(coding[coding["exon_number"] >= first_kinase])
    d5 = mean_depth(coding[coding["exon_number"] < first_kinase - 2])
    per_exon = [[int(n), round(mean_depth(coding[coding["exon_number"] == n]), 2)] for n in coding["exon_number"]]
    return dict(depth_3prime=d3, depth_5prime=d5, ratio=(d3 + 1) / (d5 + 1), exon_depth=per_exon,
                first_kinase_exon=int(first_kinase))  # fmt: skip


def _points(cov: Coverage, start: int, end: int) -> list[int]:
    """Offsets of an exon's bases in the coverage."""
    first = cov.offset(start)
    return [] if first is None else list(range(first, first + end - start))


def rna_metrics(bam: pysam.AlignmentFile, ann: Annotation, contigs: ContigNames, min_gene_reads: int,
                control_genes: list[str], umi=None, long_reads: bool = False) -> dict:  # fmt: skip
    """Every RNA metric of one sample (see the module docstring); ``control_genes`` are the
    housekeeping genes whose expression says whether the library could show a fusion; ``umi``
    reads a library's UMIs (duplicates are then told apart by them too); ``long_reads``: each read
    is a whole molecule, measured by its length and whether it is full length (``long_read_metrics``),
    with no fragment length and no duplicate rate by position."""
    # a CRAM index (.crai) records no read counts: unknown, never 0
    mapped = None if bam.is_cram else sum(s.mapped for s in bam.get_index_statistics())
    unique = UniqueReads(umi, by_read=long_reads)
    per_gene, lengths, bias, tins, yields, molecules = {}, [], [], [], [], []
    annotated = set(ann.transcripts["gene"])
    for gene in (g for g in control_genes if g in annotated):  # a lab's GTF may lack some
        tx = ann.transcript(gene)
        contig = contigs.to_bam(tx["chrom"])
        exons = ann.exons(gene)
        cov, profile = transcript_coverage(bam, contig, exons, tx["strand"], unique)
        per_gene[gene] = len(cov.reads)
        if len(cov.reads) >= min_gene_reads:
            yields.append(junction_reads(cov, exons, tx["strand"], unique))
        lengths += fragment_lengths(cov.reads, exons, tx["strand"])
        molecules += long_read_integrity(cov.reads, exons) if long_reads else []
        if (b := picard_bias(profile)) is not None:
            bias.append(b)
        if (t := tin(profile)) is not None:
            tins.append(t)
    expressed = sum(n >= min_gene_reads for n in per_gene.values())
    ntrk = {g: ntrk_imbalance(ann, bam, contigs, g) for g in NTRK_GENES}
    return dict(
        mapped_reads=None if mapped is None else int(mapped),
        housekeeping_reads=int(sum(per_gene.values())),
        housekeeping_reads_cap=BUDGET,
        housekeeping_expressed=f"{expressed}/{len(per_gene)}",
        housekeeping_expressed_fraction=expressed / len(per_gene) if per_gene else None,
        housekeeping_not_annotated=sorted(set(control_genes) - annotated),
        median_fragment_length=float(np.median(lengths)) if lengths else None,
        fragment_lengths_measured=len(lengths),
        fraction_fragments_under_100=float(np.mean(np.asarray(lengths) < 100)) if lengths else None,
        duplicate_rate=None if long_reads else unique.duplicate_rate,
        **(long_read_metrics(molecules) if long_reads else {}),
        median_cv_coverage=_median([b["cv"] for b in bias]),
        median_5prime_bias=_median([b["bias5"] for b in bias]),
        median_3prime_bias=_median([b["bias3"] for b in bias]),
        median_5prime_to_3prime_bias=_median([b["bias5to3"] for b in bias if b["bias5to3"] is not None]),
        median_tin=_median(tins),
        junction_yield=_median(yields),  # unique junction-crossing reads per control-gene junction
        fragment_length_histogram=np.histogram(lengths, bins=HIST_BINS)[0].tolist() if lengths else [],
        ntrk_exon_depth={g: v["exon_depth"] for g, v in ntrk.items()},
        ntrk_first_kinase_exon={g: v["first_kinase_exon"] for g, v in ntrk.items()},
        **{f"{g}_3to5_ratio": round(v["ratio"], 2) for g, v in ntrk.items()},
        **{f"{g}_3prime_depth": round(v["depth_3prime"], 1) for g, v in ntrk.items()},
    )


def long_read_integrity(reads, exons: pd.DataFrame, limit: int = 1000) -> list[tuple[int, bool]]:
    """Long reads of one control gene (a ``Coverage``'s reads: primary and mapped): each one's length
    (as sequenced, clips included) and whether it is full length, i.e. aligned into both the
    transcript's first and last exon (the whole junction chain: SQANTI's full splice match, less the
    check of each junction)."""
    ordered = exons.sort_values("exon_number")
    ends = [(int(e["start"]), int(e["end"])) for e in (ordered.iloc[0], ordered.iloc[-1])]
    out = []
    for read in reads[:limit]:
        blocks = read.get_blocks()
        whole = all(any(s < end and start < t for s, t in blocks) for start, end in ends)
        out.append((read.infer_read_length() or 0, whole))
    return out


def long_read_metrics(molecules: list[tuple[int, bool]]) -> dict:
    """The integrity of a long-read library, from its control genes' reads: their median length
    and the share that is full length (a degraded or 5'-truncated cDNA library loses it)."""
    lengths = [n for n, _ in molecules]
    return dict(long_reads=True, median_read_length=_median(lengths), read_lengths_measured=len(lengths),
                full_length_fraction=float(np.mean([whole for _, whole in molecules])) if molecules else None)  # fmt: skip


def _median(values: list[float]) -> float | None:
    return float(np.median(values)) if values else None
