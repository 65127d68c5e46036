"""Read the NTRK loci through the index and keep every read that tells of a junction elsewhere.

Kinds of evidence, one row per alignment record:
  split       the record has an SA tag (primary or supplementary side); precise
  gap         a spliced alignment whose gap leaves the NTRK gene (LMNA-NTRK1 as an "intron")
  discordant  the mate lies on another chromosome or outside the gene; imprecise
  clip        a soft clip of >= min_clip bases without SA tag; the partner is named later
Secondary and QC-fail records are skipped; duplicates are kept and marked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pysam

from ..loci import Region
from .junctions import Side, sa_segments, segment_of, split_junctions

EVIDENCE_COLUMNS = [
    "read_name", "region", "kind", "flag", "mapq", "duplicate", "fragment_key",
    "chrom_a", "pos_a", "keep_a", "chrom_b", "pos_b", "keep_b", "clip_seq", "anchor_seq",
]  # fmt: skip


@dataclass
class Evidence:
    read_name: str
    region: str  # the NTRK gene whose locus was read
    kind: str
    flag: int
    mapq: int
    duplicate: bool
    fragment_key: str  # positions of the fragment's reads, to find unflagged duplicates
    side_a: Side  # the side inside the NTRK locus
    side_b: Side | None  # the other side (None for a clip until its partner is found)
    clip_seq: str = ""
    anchor_seq: str = ""  # the aligned bases next to the clip (reference orientation)

    def to_row(self) -> dict:
        row = {k: v for k, v in asdict(self).items() if k not in ("side_a", "side_b")}
        b = self.side_b
        row |= dict(chrom_a=self.side_a.chrom, pos_a=self.side_a.pos, keep_a=self.side_a.keep,
                    chrom_b=b.chrom if b else None, pos_b=b.pos if b else None, keep_b=b.keep if b else None)  # fmt: skip
        return row


def extract(bam: pysam.AlignmentFile, region: Region, gene_span: tuple[int, int], min_clip: int) -> list[Evidence]:
    """Evidence from one padded NTRK region; ``gene_span`` is the gene's 1-based extent."""
    out = []
    for read in bam.fetch(region.contig, region.start, region.end):
        if read.is_unmapped or read.is_secondary or read.is_qcfail or not read.cigartuples:
            continue
        out += _evidence(read, region, gene_span, min_clip)
    return out


def partner_clips(bam: pysam.AlignmentFile, contig: str, bp: int, keep: str, ntrk: str, ntrk_side: Side,
                  min_clip: int, snap: int) -> list[Evidence]:  # fmt: skip
    """Reads clipped at a candidate's partner breakpoint (``keep`` says on which side the
    partner's kept bases lie).  Their NTRK part is too short to align, so no NTRK-locus
    read shows them; one indexed read of the breakpoint's few hundred bases does."""
    found = []
    for read in bam.fetch(contig, max(0, bp - 200), bp + 200):
        if read.is_unmapped or read.is_secondary or read.is_qcfail or read.has_tag("SA") or not read.cigartuples:
            continue
        for side, seq, anchor in _clips(read, min_clip):
            if side.keep == keep and abs(side.pos - bp) <= snap:
                found.append(Evidence(read.query_name, ntrk, "partner_clip", read.flag, read.mapping_quality,
                                      read.is_duplicate, _fragment_key(read), ntrk_side, side, seq, anchor))  # fmt: skip
    return found


def _inside(side: Side, region: Region) -> bool:
    return side.chrom == region.contig and region.start < side.pos <= region.end


def _evidence(read, region: Region, span: tuple[int, int], min_clip: int) -> list[Evidence]:
    def make(kind, a, b, clip="", anchor=""):
        return Evidence(read.query_name, region.name, kind, read.flag, read.mapping_quality, read.is_duplicate,
                        _fragment_key(read), a, b, clip, anchor)  # fmt: skip

    found = []
    if read.has_tag("SA"):
        for a, b in split_junctions([segment_of(read), *sa_segments(read)]):
            if _inside(a, region) and not _inside(b, region):
                found.append(make("split", a, b))
            elif _inside(b, region) and not _inside(a, region):
                found.append(make("split", b, a))
            elif _inside(a, region) and _inside(b, region) and _far(a, b):
                found.append(make("split", a, b))
        return found
    cigar = read.cigarstring
    if "N" in cigar:
        found += [make("gap", a, b) for a, b in _gaps(read, region, span)]
    if not read.is_supplementary and read.is_paired and not read.mate_is_unmapped:
        mate_chrom, mate_pos = read.next_reference_name, read.next_reference_start + 1
        if mate_chrom != region.contig or not span[0] - 1000 <= mate_pos <= span[1] + 1000:
            a = Side(read.reference_name, read.reference_end if not read.is_reverse else read.reference_start + 1,
                     "left" if not read.is_reverse else "right")  # fmt: skip
            b = Side(mate_chrom, mate_pos, "right" if read.mate_is_reverse else "left")
            found.append(make("discordant", a, b))
    if "S" in cigar:
        found += [make("clip", side, None, seq, anchor) for side, seq, anchor in _clips(read, min_clip)]
    return found


def _far(a: Side, b: Side) -> bool:
    """Both sides in one padded locus: a junction only if not a plain splice (same orientation)."""
    return a.keep == b.keep


def _gaps(read, region: Region, span: tuple[int, int]):
    """Spliced gaps with one block inside the gene and the other outside it.  A short block
    between a soft clip and the gap is the aligner splicing a clip's first bases onto an exon
    end; ``_clips`` takes it back, so it is not a gap here."""
    ops, pos = read.cigartuples, read.reference_start + 1
    for i, (op, n) in enumerate(ops):
        if op == 3 and not (_clipped_short_block(ops, i - 1) or _clipped_short_block(ops, i + 1)):
            left, right = pos - 1, pos + n  # last base before the gap, first after it
            inside_left, inside_right = span[0] <= left <= span[1], span[0] <= right <= span[1]
            if inside_left != inside_right:
                a, b = Side(read.reference_name, left, "left"), Side(read.reference_name, right, "right")
                yield (a, b) if inside_left else (b, a)
        if op in (0, 2, 3, 7, 8):
            pos += n


def _clipped_short_block(ops, i: int) -> bool:
    """Is operation i a short match block that sits between a soft clip and a gap?"""
    if not 0 < i < len(ops) - 1 or ops[i][0] != 0 or ops[i][1] >= SHORT_BLOCK:
        return False
    return (i == 1 and ops[0][0] == 4) or (i == len(ops) - 2 and ops[-1][0] == 4)


SHORT_BLOCK = 20  # an aligned block this short, between a clip and a splice, belongs to the clip


def _clips(read, min_clip: int):
    """Soft clips of >= min_clip bases: (side, clipped sequence, adjacent aligned bases).

    An aligner may splice the first bases of a clip onto a nearby exon end (a short block
    followed by an N gap); such a block is taken back into the clip and the junction put
    at the next block, where the chimeric transcript really continues."""
    ops = read.cigartuples
    left, right = ops[0][0] == 4 and ops[0][1] >= min_clip, ops[-1][0] == 4 and ops[-1][1] >= min_clip
    if not (left or right):
        return
    seq, starts = read.query_sequence or "", _block_starts(read)
    if left:
        n, block = ops[0][1], 1
        if len(ops) > 3 and ops[1][0] == 0 and ops[1][1] < SHORT_BLOCK and ops[2][0] == 3:
            n, block = n + ops[1][1], 3
        yield Side(read.reference_name, starts[block], "right"), seq[:n], seq[n : n + SHORT_BLOCK]
    if right:
        n, end = ops[-1][1], read.reference_end
        if len(ops) > 3 and ops[-2][0] == 0 and ops[-2][1] < SHORT_BLOCK and ops[-3][0] == 3:
            n, end = n + ops[-2][1], starts[len(ops) - 2] - ops[-3][1] - 1
        yield Side(read.reference_name, end, "left"), seq[len(seq) - n :], seq[max(0, len(seq) - n - SHORT_BLOCK) : len(seq) - n]


def _block_starts(read) -> list[int]:
    """1-based reference position at which each CIGAR operation starts."""
    pos, out = read.reference_start + 1, []
    for op, n in read.cigartuples:
        out.append(pos)
        if op in (0, 2, 3, 7, 8):
            pos += n
    return out


def _fragment_key(read) -> str:
    """Both reads' positions and strands: identical for PCR duplicates of one fragment."""
    this = (read.reference_name, read.reference_start, read.is_reverse)
    mate = (read.next_reference_name, read.next_reference_start, read.mate_is_reverse) if read.is_paired else ()
    ends = sorted([this, mate], key=str) if mate else [this]
    return "|".join(",".join(map(str, e)) for e in ends)
