"""Small indexed BAMs written with pysam, for unit tests and the input-check example.

These are *not* the synthetic truth BAMs (those come from simulated reads aligned by
STAR and BWA-MEM); they exercise headers, indexes and region access.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pysam

from .genome import BUILD_LENGTHS


@dataclass
class Read:
    name: str
    contig: str  # canonical chr name; converted to the header's naming
    pos: int  # 1-based
    cigar: str = "100M"
    flag: int = 0
    mapq: int = 60
    seq: str | None = None
    tags: dict | None = None
    mate: tuple[str, int] | None = None  # (contig, 1-based position) of the mate, for paired reads


def header(build: str = "GRCh38", chr_prefix: bool = True, sort_order: str = "coordinate",
           contigs: dict[str, int] | None = None, programs: list[dict] | None = None) -> dict:  # fmt: skip
    """A header; ``programs``: its @PG lines (default: this module's own, naming no aligner)."""
    lengths = contigs if contigs is not None else BUILD_LENGTHS[build]
    sq = [{"SN": _name(c, chr_prefix), "LN": n} for c, n in lengths.items()]
    hd = {"VN": "1.6"} | ({"SO": sort_order} if sort_order else {})
    return {"HD": hd, "SQ": sq, "PG": programs or [{"ID": "ntrkfusion.testing", "PN": "ntrkfusion.testing"}]}


def write_bam(path: Path, reads: list[Read], index: bool = True, seed: int = 0, **header_args) -> Path:
    """Write reads (sorted here) to an indexed BAM; ``header_args`` go to ``header()``."""
    hdr = header(**header_args)
    chr_prefix = header_args.get("chr_prefix", True)
    rng = random.Random(seed)
    path = Path(path)
    with pysam.AlignmentFile(str(path), "wb", header=hdr) as out:
        names = [sq["SN"] for sq in hdr["SQ"]]
        ordered = sorted(reads, key=lambda r: (names.index(_name(r.contig, chr_prefix)), r.pos))
        for r in ordered:
            seg = pysam.AlignedSegment(out.header)
            seg.query_name, seg.flag, seg.mapping_quality = r.name, r.flag, r.mapq
            seg.reference_name = _name(r.contig, chr_prefix)
            seg.reference_start = r.pos - 1
            if not r.flag & 0x4:  # an unaligned read has no CIGAR (placed at its mate's position)
                seg.cigarstring = r.cigar
            length = seg.infer_query_length() if not r.flag & 0x4 else len(r.seq or "")
            seg.query_sequence = r.seq or "".join(rng.choice("ACGT") for _ in range(length))
            seg.query_qualities = pysam.qualitystring_to_array("I" * length)
            if r.mate is not None:
                seg.flag |= 1
                seg.next_reference_name = _name(r.mate[0], chr_prefix)
                seg.next_reference_start = r.mate[1] - 1
            for tag, value in (r.tags or {}).items():
                seg.set_tag(tag, value)
            out.write(seg)
    if index:
        pysam.index(str(path))
    return path


def _name(contig: str, chr_prefix: bool) -> str:
    bare = contig[3:] if contig.startswith("chr") else contig
    if not chr_prefix:
        return "MT" if bare == "M" else bare
    return "chr" + bare
