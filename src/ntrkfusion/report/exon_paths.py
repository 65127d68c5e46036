"""The exon path of a long read: a whole molecule, read from its 5' to its 3' end across both
partners (``ETV6 e1–e5 → NTRK3 e15–e20``), for the report of a long-read sample.

A read's parts are its record and the alignments its SA tag names, each read back through the
index at its position (an SA tag's CIGAR is a summary: minimap2 writes a part's introns there as
one deletion, ``1439M218855D``); each part's aligned blocks, from its own CIGAR, are looked up
among the annotated exons (the SA tag's summary only if the record is not found).  The parts are taken in the
read's order and turned to the transcript's (5' partner first) when the read was sequenced from
the other strand.  Consecutive parts on one gene (a long intron minimap2 left as two alignments)
are one stretch of that gene.
"""

from __future__ import annotations

from collections import Counter

from ..calling.junctions import REF_OPS, Segment, parse_cigar, segment_from_cigar, segment_of

MATCH_OPS = set("M=X")  # operations that align read bases to the reference


def blocks(start: int, cigar: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """Aligned blocks (0-based half-open) of an SA entry starting at the 1-based ``start`` (a
    record's own are pysam's ``get_blocks``)."""
    out, pos = [], start - 1
    for n, op in cigar:
        if op in MATCH_OPS:
            out.append((pos, pos + n))
        if op in REF_OPS:
            pos += n
    return out


def _record_at(bam, name: str, chrom: str, pos: int, reverse: bool):
    """The record of read ``name`` aligned from the 1-based ``pos`` on ``chrom``, or None."""
    if bam is None or chrom not in bam.references:
        return None
    for other in bam.fetch(chrom, pos - 1, pos):
        if other.query_name == name and other.reference_start == pos - 1 and other.is_reverse == reverse:
            return other
    return None


def _parts(read, bam=None) -> list[tuple[Segment, list[tuple[int, int]]]]:
    """Every alignment of a read (this record and its SA tag's), with its aligned blocks."""
    parts = [(segment_of(read), read.get_blocks())]
    for entry in read.get_tag("SA").rstrip(";").split(";") if read.has_tag("SA") else ():
        chrom, pos, strand, text, mapq = entry.split(",")[:5]
        cigar, reverse = parse_cigar(text), strand == "-"
        other = _record_at(bam, read.query_name, chrom, int(pos), reverse)
        spans = other.get_blocks() if other is not None else blocks(int(pos), cigar)
        parts.append((segment_from_cigar(chrom, int(pos), cigar, reverse, int(mapq)), spans))
    return sorted(parts, key=lambda p: (p[0].qstart, p[0].qend))


def read_path(read, ann, bam=None) -> list[tuple[str, list[int]]]:
    """(gene, exon numbers in transcript order) of each stretch of a read, 5' partner first
    (``bam``: the open file its other parts are read from)."""
    path: list[tuple[str, str, bool, list[int]]] = []  # gene, strand, part reverse, exons
    for seg, spans in _parts(read, bam):
        found: dict[tuple[str, str], set[int]] = {}
        for s, e in spans:
            for part in ann.structure_in(seg.chrom, s, e):
                if part["kind"] == "exon":
                    found.setdefault((part["gene"], part["strand"]), set()).add(part["number"])
        for (gene, strand), numbers in sorted(found.items()):
            if path and path[-1][0] == gene:
                path[-1][3].extend(n for n in numbers if n not in path[-1][3])
            else:
                path.append((gene, strand, seg.reverse, list(numbers)))
    if path:
        gene, strand, reverse, _ = path[0]
        if (strand == "+") == reverse:  # the read runs against its first gene's transcript
            path.reverse()
    return [(gene, sorted(numbers)) for gene, _, _, numbers in path]


def words(path: list[tuple[str, list[int]]]) -> str:
    """'ETV6 e1–e5 → NTRK3 e15–e20' (skipped exons split a stretch: 'e2, e4–e5')."""
    return " → ".join(f"{gene} {_runs(numbers)}" for gene, numbers in path)


def _runs(numbers: list[int]) -> str:
    runs, start = [], None
    for i, n in enumerate(numbers):
        start = n if start is None else start
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            runs.append(f"e{start}" if start == n else f"e{start}–e{n}")
            start = None
    return ", ".join(runs)


def exon_paths(reads_by_name: dict[str, object], ann, bam=None) -> list[tuple[str, int]]:
    """The exon paths of a candidate's supporting long reads (one record each), with how many
    reads take each, commonest first."""
    counts = Counter(words(read_path(read, ann, bam)) for _, read in sorted(reads_by_name.items()))
    return sorted(((p, n) for p, n in counts.items() if p), key=lambda pn: (-pn[1], pn[0]))
