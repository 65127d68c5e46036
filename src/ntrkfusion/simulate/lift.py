"""Move alignments from the locus genome to GRCh38: header, positions, mates and SA tags.

Locus contigs are named ``<chrom>__<offset>``; a position p on one is ``offset + p`` on
``chrom``.  The header gets every GRCh38 primary contig with its real length, and the
aligner's @PG lines keep their program name, version and command line (which tells, e.g., whether
STAR wrote chimeric alignments: ``aligners.py``) with every machine path replaced by ``<path>``.
"""

from __future__ import annotations

from pathlib import Path

import pysam

from ..genome import GRCH38_LENGTHS


def _split(name: str) -> tuple[str, int]:
    chrom, _, offset = name.rpartition("__")
    return chrom, int(offset)


def lifted_header(source: pysam.AlignmentHeader, sample: str) -> dict:
    old = source.to_dict()
    programs = [{k: (_without_paths(v) if k == "CL" else v) for k, v in pg.items() if k in ("ID", "PN", "VN", "PP", "CL")}
                for pg in old.get("PG", [])]  # fmt: skip
    groups = old.get("RG") or [{"ID": sample, "SM": sample}]
    return {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": c, "LN": n} for c, n in GRCH38_LENGTHS.items()],
        "RG": [dict(g, SM=sample) for g in groups],
        "PG": programs,
    }


def _without_paths(command: str) -> str:
    """A command line with each path token replaced, so the lifted BAM is the same on any machine."""
    return " ".join("<path>" if "/" in token else token for token in command.split())


def lift_bam(source_path: Path, out_bam: Path, sample: str, mapq_cap: int | None = None) -> Path:
    """Write ``out_bam`` (sorted, indexed) in GRCh38 coordinates; ``mapq_cap`` caps every
    mapping quality, SA tags included (as an aligner that caps MAPQ would write them)."""
    unsorted = out_bam.with_suffix(".unsorted.bam")
    with pysam.AlignmentFile(str(source_path), check_sq=False) as src:
        header = pysam.AlignmentHeader.from_dict(lifted_header(src.header, sample))
        names = list(GRCH38_LENGTHS)
        locus = [_split(name) for name in src.references]
        target = {i: (names.index(chrom), offset) for i, (chrom, offset) in enumerate(locus)}  # locus -> GRCh38
        with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
            for read in src.fetch(until_eof=True):
                out.write(_lift_read(read, header, target, mapq_cap))
    pysam.sort("-o", str(out_bam), "--no-PG", str(unsorted))
    unsorted.unlink()
    pysam.index(str(out_bam))
    return out_bam


def _lift_read(read: pysam.AlignedSegment, header, target: dict, mapq_cap: int | None = None):
    """One record under the GRCh38 header: its contig and position, its mate's, its SA tag."""
    seg = pysam.AlignedSegment(header)
    seg.query_name, seg.flag = read.query_name, read.flag
    seg.mapping_quality = read.mapping_quality if mapq_cap is None else min(read.mapping_quality, mapq_cap)
    for ref, pos, (tid, start) in (("reference_id", "reference_start", (read.reference_id, read.reference_start)),
                                   ("next_reference_id", "next_reference_start",
                                    (read.next_reference_id, read.next_reference_start))):  # fmt: skip
        if tid >= 0:
            new_tid, offset = target[tid]
            setattr(seg, ref, new_tid)
            setattr(seg, pos, start + offset if start >= 0 else start)
        else:
            setattr(seg, ref, tid)
            setattr(seg, pos, start)
    seg.cigartuples = read.cigartuples
    seg.template_length = read.template_length
    seg.query_sequence = read.query_sequence
    seg.query_qualities = read.query_qualities
    seg.set_tags([(t, "".join(_lift_sa(part, mapq_cap) + ";" for part in v.rstrip(";").split(";")), k)
                  if t == "SA" else (t, v, k) for t, v, k in read.get_tags(with_value_type=True)])  # fmt: skip
    return seg


def _lift_sa(part: str, mapq_cap: int | None = None) -> str:
    name, pos, strand, cigar, mapq, nm = part.split(",")
    chrom, offset = _split(name)
    if mapq_cap is not None:
        mapq = str(min(int(mapq), mapq_cap))
    return f"{chrom},{int(pos) + offset},{strand},{cigar},{mapq},{nm}"
