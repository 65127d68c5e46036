"""Read the NTRK loci through the index and keep every read that tells of a junction elsewhere.

Kinds of evidence, one row per alignment record:
  split       the record has an SA tag (primary or supplementary side); precise
  gap         a spliced alignment whose gap leaves the NTRK gene (LMNA-NTRK1 as an "intron")
  discordant  the mate lies on another chromosome or outside the gene; imprecise
  clip        a soft clip of >= min_clip bases without SA tag; the partner is named later
  unaligned   (RNA) a read left unaligned beside its mate in an NTRK gene, placed by sequence
              (``unaligned.py``; such reads are kept in ``LocusReads.unaligned`` until then)
Secondary and QC-fail records are skipped; duplicates are kept and marked.

Long reads (``aligners.long_reads``: PacBio, Oxford Nanopore) are whole molecules: a read is its
own fragment (two full-length reads of one transcript start at one place without being copies of
each other), and a soft clip is the read's end (adapter, poly(A), untemplated bases or the
low-quality last bases), set aside as ``long_read_end``: minimap2 aligns a fusion partner's part of
a long read as a supplementary alignment (SA), whatever its length beyond ~30 bases.

Each record carries what the background model needs to judge it (``cluster.py``): the
mapping quality and aligned length of *both* sides of the junction (a 19-base supplementary
alignment with MAPQ 0 is a guess, not a partner), and, for a discordant pair, the mate's
mapping quality.  Records that are not evidence of a fusion (normal splicing, intragenic,
ambiguous mates, lone fragments) are kept with the reason in ``set_aside``: nothing is dropped
silently.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

import pysam

from ..vocabulary import EvidenceKind
from ..loci import Region
from . import complexity
from .junctions import Side, homology, parse_cigar, sa_segments, segment_of, split_junctions


class SetAside(StrEnum):
    """Why an evidence record is not part of a candidate (the ``set_aside`` column)."""

    NORMAL_SPLICING = "normal_splicing"  # exon end -> later exon start of one gene: the gene's own splicing
    INTRAGENIC = "intragenic"  # both sides in one NTRK gene: not a fusion (and mostly RT/PCR artefacts)
    AMBIGUOUS_MATE = "ambiguous_mate"  # a discordant pair whose mate (or read) is placed with MAPQ < min_mapq
    LONE_FRAGMENT = "lone_fragment"  # the only fragment at its partner locus, and not a clean exon join
    UNPLACED_CLIP = "unplaced_clip"  # a clip at no candidate's breakpoint, not backed by an agreeing clip
    MINOR_CLUSTER = "minor_cluster"  # a cluster too small to matter (weak or artefact, < min_fragments)
    UNCONFIRMED_CLIP = "unconfirmed_clip"  # a clip at a candidate's breakpoint whose bases are not its other side
    # either side's bases (a clip, a split read's part, a mate) are (complexity.py):
    POLY_A = complexity.POLY_A  # poly(A)/poly(T): a transcript's tail
    LOW_COMPLEXITY = complexity.LOW_COMPLEXITY  # a short repeat (period <= 4): placed anywhere
    ADAPTER = complexity.ADAPTER  # the sequencing adapter (a read through a short insert)
    LONG_READ_END = "long_read_end"  # a long read's clipped end: adapter, poly(A), untemplated bases


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
    mapq_b: int | None = None  # mapping quality of the partner side (None: not known)
    anchor_a: int = 0  # aligned bases on the NTRK side of the junction
    anchor_b: int | None = None  # aligned bases on the partner side (None: not a split alignment)
    umi: str = ""  # molecular barcode (``molecules.UmiReader``), empty when the library has none
    set_aside: str = ""  # a SetAside value, or "" when the record supports a candidate
    homology: int = 0  # read bases both sides of a split junction claim (microhomology)
    homology_seq: str = ""  # those bases at the NTRK side, forward strand ("" if not this record's side)
    candidate: int | None = None  # the candidate it supports (the fusions table's ``candidate``)

    def to_row(self) -> dict:
        row = {k: v for k, v in asdict(self).items() if k not in ("side_a", "side_b")}
        b = self.side_b
        row |= dict(chrom_a=self.side_a.chrom, pos_a=self.side_a.pos, keep_a=self.side_a.keep,
                    chrom_b=b.chrom if b else None, pos_b=b.pos if b else None, keep_b=b.keep if b else None)  # fmt: skip
        return row

    @property
    def junction_mapq(self) -> int:
        """The weaker side's mapping quality (STAR's 255 = unique counts as 60)."""
        qualities = [self.mapq] + ([self.mapq_b] if self.mapq_b is not None else [])
        return min(60 if q == 255 else q for q in qualities)

    @property
    def junction_anchor(self) -> int | None:
        """The shorter side's aligned bases, for split and gapped alignments."""
        return None if self.anchor_b is None else min(self.anchor_a, self.anchor_b)


@dataclass
class UnalignedRead:
    """An unaligned read whose mate is aligned in an NTRK gene (``evidence.extract`` keeps them)."""

    read_name: str
    region: str  # the NTRK gene
    contig: str
    seq: str  # as stored: the read as sequenced
    flag: int
    duplicate: bool
    fragment_key: str
    umi: str
    mate_mapq: int = 0


@dataclass
class LocusReads:
    """What one read of a padded NTRK locus found besides evidence: its primary reads, and how
    many of them map ambiguously (bam_info.json, QC's LOW_MAPPING_QUALITY)."""

    gene: str
    region: str
    reads: int = 0
    low_mapq_reads: int = 0
    unaligned: list = field(default_factory=list)  # UnalignedRead: RNA reads to place by sequence


def extract(bam: pysam.AlignmentFile, region: Region, gene_span: tuple[int, int], min_clip: int,
            min_mapq: int, umi=lambda read: "", long_reads: bool = False) -> tuple[list[Evidence], LocusReads]:  # fmt: skip
    """Evidence from one padded NTRK region (``gene_span`` is the gene's 1-based extent), and the
    locus's read counts, in one pass.  ``long_reads``: each read is one molecule (module docstring)."""
    out, counts = [], LocusReads(region.name, str(region))
    reads = low = 0
    mates: dict[str, int] = {}  # MAPQ of aligned reads whose mate is not
    for read in bam.fetch(region.contig, region.start, region.end):
        flag = read.flag
        if flag & 0x304:  # unmapped, secondary, QC-fail
            if (flag & 0x30C) == 0x4 and gene_span[0] <= read.reference_start + 1 <= gene_span[1]:
                counts.unaligned.append(UnalignedRead(read.query_name, region.name, region.contig,
                                                      read.query_sequence or "", flag, read.is_duplicate,
                                                      fragment_key(read), umi(read)))  # fmt: skip
            continue
        if not flag & 0x800:
            reads += 1
            low += read.mapping_quality < min_mapq
            if flag & 0x8:
                mates[read.query_name] = read.mapping_quality
        if _plain(read, flag, gene_span, min_clip):
            continue
        found = _evidence(read, region, gene_span, min_clip, umi)
        out += _as_long_read(found, read.query_name) if long_reads else found
    counts.reads, counts.low_mapq_reads = reads, low
    counts.unaligned = [u for u in counts.unaligned if u.read_name in mates]
    for u in counts.unaligned:
        u.mate_mapq = mates[u.read_name]
    return out, counts


def _as_long_read(found: list[Evidence], name: str) -> list[Evidence]:
    """A long read's records: the read is its own molecule, its soft clips are its ends."""
    for ev in found:
        ev.fragment_key = f"read:{name}"
        if ev.kind == EvidenceKind.CLIP:
            ev.set_aside = complexity.uninformative(ev.clip_seq) or SetAside.LONG_READ_END
    return found


def _plain(read, flag: int, span: tuple[int, int], min_clip: int) -> bool:
    """Most reads of a locus tell of nothing: no SA tag, no long clip, no gap leaving the gene,
    the mate beside them.  Said quickly, since a deep locus has tens of thousands of them."""
    cigar = read.cigartuples
    if not cigar:
        return True
    for op, n in cigar:
        if (op == 4 and n >= min_clip) or op == 5:
            return False
        if op == 3 and not (span[0] <= read.reference_start + 1 and read.reference_end <= span[1]):
            return False
    if flag & 0x1 and not flag & 0x8:  # paired, mate mapped
        if read.next_reference_id != read.reference_id or abs(read.next_reference_start - read.reference_start) > NEAR_MATE:
            return False
    return not read.has_tag("SA")


def partner_clips(bam: pysam.AlignmentFile, contig: str, bp: int, keep: str, ntrk: str, ntrk_side: Side,
                  min_clip: int, snap: int, umi=lambda read: "") -> list[Evidence]:  # fmt: skip
    """Reads clipped at a candidate's partner breakpoint (``keep`` says on which side the
    partner's kept bases lie).  Their NTRK part is too short to align, so no NTRK-locus
    read shows them; one indexed read of the breakpoint's few hundred bases does."""
    found = []
    for read in bam.fetch(contig, max(0, bp - 200), bp + 200):
        if read.is_unmapped or read.is_secondary or read.is_qcfail or read.has_tag("SA") or not read.cigartuples:
            continue
        for side, seq, anchor in soft_clips(read, min_clip):
            if side.keep == keep and abs(side.pos - bp) <= snap:
                found.append(Evidence(read.query_name, ntrk, EvidenceKind.PARTNER_CLIP, read.flag, read.mapping_quality,
                                      read.is_duplicate, fragment_key(read), ntrk_side, side, seq, anchor,
                                      mapq_b=read.mapping_quality, anchor_a=len(seq),
                                      anchor_b=read.query_alignment_length, umi=umi(read)))  # fmt: skip
    return found


def _inside(side: Side, region: Region) -> bool:
    return side.chrom == region.contig and region.start < side.pos <= region.end


def _in_gene(side: Side, region: Region, span: tuple[int, int]) -> bool:
    return side.chrom == region.contig and span[0] <= side.pos <= span[1]


def _evidence(read, region: Region, span: tuple[int, int], min_clip: int, umi) -> list[Evidence]:
    def make(kind, a, b, clip="", anchor="", **extra):
        return Evidence(read.query_name, region.name, kind, read.flag, read.mapping_quality, read.is_duplicate,
                        fragment_key(read), a, b, clip, anchor, umi=umi(read), **extra)  # fmt: skip

    if read.has_tag("SA"):
        # a part aligned on poly(A) or a repeat says nothing of where the molecule lies
        own = complexity.uninformative(read.query_alignment_sequence or "") or ""
        return [make(EvidenceKind.SPLIT, a, b, _clip_beyond(read, a) if own_side else "", mapq_b=qb, anchor_a=la,
                     anchor_b=lb, homology=h, homology_seq=_bases_at(read, a, h) if h and own_side else "",
                     set_aside=own)
                for a, b, qb, la, lb, h, own_side in _split_sides(read, region, span)]  # fmt: skip
    found = []
    cigar = read.cigarstring
    if "N" in cigar:
        found += [make(EvidenceKind.GAP, a, b, mapq_b=read.mapping_quality, anchor_a=la, anchor_b=lb)
                  for a, b, la, lb in _gaps(read, span)]  # fmt: skip
    if not read.is_supplementary and read.is_paired and not read.mate_is_unmapped:
        mate_chrom, mate_pos = read.next_reference_name, read.next_reference_start + 1
        far = abs(mate_pos - read.reference_start - 1) > NEAR_MATE  # not a plain pair beside the gene
        if mate_chrom != region.contig or (far and not span[0] - NEAR_MATE <= mate_pos <= span[1] + NEAR_MATE):
            a = Side(read.reference_name, read.reference_end if not read.is_reverse else read.reference_start + 1,
                     "left" if not read.is_reverse else "right")  # fmt: skip
            b = Side(mate_chrom, mate_pos, "right" if read.mate_is_reverse else "left")
            mate_mapq = read.get_tag("MQ") if read.has_tag("MQ") else None
            found.append(make(EvidenceKind.DISCORDANT, a, b, mapq_b=mate_mapq, anchor_a=read.query_alignment_length))
    if "S" in cigar:
        found += [make(EvidenceKind.CLIP, side, None, seq, anchor, anchor_a=read.query_alignment_length)
                  for side, seq, anchor in soft_clips(read, min_clip)]  # fmt: skip
    return found


def _split_sides(read, region: Region, span: tuple[int, int]):
    """(NTRK side, other side, other side's MAPQ, aligned bases on each side, microhomology, whether
    the NTRK side is this record's) of each junction of a split read that touches this NTRK locus.  Junctions with both sides in the locus are
    kept too (normal splicing as an unspliced aligner writes it, or intragenic events): the
    background model sets them aside, visibly."""
    own = segment_of(read)
    segments = [own, *sa_segments(read)]
    ordered = sorted(segments, key=lambda s: (s.qstart, s.qend))
    for (a, b), (sa, sb) in zip(split_junctions(segments), zip(ordered, ordered[1:])):
        if own not in (sa, sb):
            continue  # a junction between two other segments is reported by their own records
        in_a, in_b = _inside(a, region), _inside(b, region)
        if not (in_a or in_b):
            continue
        # the NTRK side: the one in the gene itself when both lie in the padded locus
        first = in_a and (not in_b or _in_gene(a, region, span) or not _in_gene(b, region, span))
        shared = homology(sa, sb)
        if first:
            yield a, b, sb.mapq, sa.aligned, sb.aligned, shared, own is sa
        else:
            yield b, a, sa.mapq, sb.aligned, sa.aligned, shared, own is sb


def _clip_beyond(read, side: Side) -> str:
    """The soft-clipped bases of this record beyond a junction at its own alignment's end (the
    other alignment's bases, as this record holds them; "" when hard-clipped)."""
    ops, seq = read.cigartuples, read.query_sequence or ""
    if side.keep == "left" and ops[-1][0] == 4 and read.reference_end == side.pos:
        return seq[len(seq) - ops[-1][1] :]
    if side.keep == "right" and ops[0][0] == 4 and read.reference_start + 1 == side.pos:
        return seq[: ops[0][1]]
    return ""


def _bases_at(read, side: Side, n: int) -> str:
    """The ``n`` read bases aligned at a side's junction end (this record's side), in the
    reference's forward orientation: the microhomology as the reference reads it there."""
    wanted = range(side.pos, side.pos + n) if side.keep == "right" else range(side.pos - n + 1, side.pos + 1)
    seq = read.query_sequence or ""
    at = {r + 1: q for q, r in read.get_aligned_pairs(matches_only=True)}
    return "".join(seq[at[p]] for p in wanted if p in at)


def _gaps(read, span: tuple[int, int]):
    """Spliced gaps with one block inside the gene and the other outside it, with the aligned
    length of the block on each side.  A short block between a soft clip and the gap is the
    aligner splicing a clip's first bases onto an exon end; ``_clips`` takes it back, so it is
    not a gap here."""
    ops, pos = read.cigartuples, read.reference_start + 1
    for i, (op, n) in enumerate(ops):
        if op == 3 and not (_clipped_short_block(ops, i - 1) or _clipped_short_block(ops, i + 1)):
            left, right = pos - 1, pos + n  # last base before the gap, first after it
            inside_left, inside_right = span[0] <= left <= span[1], span[0] <= right <= span[1]
            if inside_left != inside_right:
                before = sum(m for o, m in ops[:i] if o in (0, 7, 8))
                after = sum(m for o, m in ops[i + 1 :] if o in (0, 7, 8))
                a, b = Side(read.reference_name, left, "left"), Side(read.reference_name, right, "right")
                yield (a, b, before, after) if inside_left else (b, a, after, before)
        if op in (0, 2, 3, 7, 8):
            pos += n


def _clipped_short_block(ops, i: int) -> bool:
    """Is operation i a short match block that sits between a soft clip and a gap?"""
    if not 0 < i < len(ops) - 1 or ops[i][0] != 0 or ops[i][1] >= SHORT_BLOCK:
        return False
    return (i == 1 and ops[0][0] == 4) or (i == len(ops) - 2 and ops[-1][0] == 4)


NEAR_MATE = 1000  # a mate within this many bases of the gene, or of its read, is an ordinary pair
SHORT_BLOCK = 20  # an aligned block this short, between a clip and a splice, belongs to the clip


def soft_clips(read, min_clip: int):
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


def fragment_key(read) -> str:
    """Both reads' unclipped 5' ends and strands (Picard MarkDuplicates' key): identical for PCR
    duplicates of one fragment.  Unclipped, because reads clipped at a junction all start their
    alignment at the junction.  A split read adds the ends of its other alignments (SA), so that
    its primary and supplementary records give one key, and so do copies whose aligner chose the
    other part as primary (a sequencing error can tip it)."""
    this = [(read.reference_name, _unclipped_five_prime(read.reference_start, read.cigartuples, read.is_reverse),
             read.is_reverse)]  # fmt: skip
    if read.has_tag("SA"):
        for entry in read.get_tag("SA").rstrip(";").split(";"):
            chrom, pos, strand, cigar = entry.split(",")[:4]
            this.append((chrom, _unclipped_five_prime(int(pos) - 1, _ops(cigar), strand == "-"), strand == "-"))
    ends = sorted(set(this), key=str)
    if read.is_paired:
        ops = _ops(read.get_tag("MC")) if read.has_tag("MC") else None
        mate = (read.next_reference_name, _unclipped_five_prime(read.next_reference_start, ops, read.mate_is_reverse),
                read.mate_is_reverse)  # fmt: skip
        ends = sorted(ends + [mate], key=str)
    return "|".join(",".join(map(str, e)) for e in ends)


def _ops(cigar: str) -> list[tuple[int, int]]:
    """A CIGAR string as pysam's (operation, length) tuples."""
    return [("MIDNSHP=X".index(op), n) for n, op in parse_cigar(cigar)]


def _unclipped_five_prime(start: int, ops, reverse: bool) -> int:
    """0-based reference position of a read's first sequenced base, clips included (the start
    itself when the CIGAR is not known)."""
    if not ops:
        return start
    if not reverse:
        return start - _clipped(ops)
    span = sum(n for op, n in ops if op in (0, 2, 3, 7, 8))
    return start + span + _clipped(ops[::-1]) - 1


def _clipped(ops) -> int:
    """Soft- and hard-clipped bases at the start of a CIGAR (list of (op, length))."""
    total = 0
    for op, n in ops:
        if op not in (4, 5):
            break
        total += n
    return total
