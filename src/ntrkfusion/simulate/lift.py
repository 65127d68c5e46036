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
        locus = {i: _split(name) for i, name in enumerate(src.references)}
        names = list(GRCH38_LENGTHS)
        with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
            for read in src.fetch(until_eof=True):
                out.write(_lift_read(read, header, locus, names, sample, mapq_cap))
    pysam.sort("-o", str(out_bam), "--no-PG", str(unsorted))
    unsorted.unlink()
    pysam.index(str(out_bam))
    return out_bam


def _lift_read(read, header, locus, names, sample, mapq_cap=None):
    record = read.to_dict()
    if mapq_cap is not None:
        record["map_quality"] = str(min(int(record["map_quality"]), mapq_cap))
    if record["next_ref_name"] == "=":
        record["next_ref_name"] = record["ref_name"]
    for ref_key, pos_key in (("ref_name", "ref_pos"), ("next_ref_name", "next_ref_pos")):
        name = record[ref_key]
        if name == "*":
            continue
        chrom, offset = _split(name)
        record[ref_key] = chrom
        if record[pos_key] != "0":
            record[pos_key] = str(int(record[pos_key]) + offset)
    if record["next_ref_name"] == record["ref_name"] and record["ref_name"] != "*":
        record["next_ref_name"] = "="
    tags = []
    for tag in record.get("tags", []):
        if tag.startswith("SA:Z:"):
            tag = "SA:Z:" + "".join(_lift_sa(part, mapq_cap) + ";" for part in tag[5:].rstrip(";").split(";"))
        tags.append(tag)
    record["tags"] = tags
    return pysam.AlignedSegment.from_dict(record, header)


def _lift_sa(part: str, mapq_cap: int | None = None) -> str:
    name, pos, strand, cigar, mapq, nm = part.split(",")
    chrom, offset = _split(name)
    if mapq_cap is not None:
        mapq = str(min(int(mapq), mapq_cap))
    return f"{chrom},{int(pos) + offset},{strand},{cigar},{mapq},{nm}"
