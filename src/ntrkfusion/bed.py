"""A DNA panel's capture targets (``panel_bed``): read once, and checked before any job.

A BED is tab-separated ``chrom start end`` (0-based, half-open; UCSC), with optional ``track``,
``browser`` and ``#`` lines.  A file that is not one, or that holds no interval, is refused
with one line; so is a BED on an RNA row, where it would be ignored (issue 21).
"""

from __future__ import annotations

from pathlib import Path

from .genome import canonical_contig

HEADER_LINES = ("#", "track", "browser")


class BedError(ValueError):
    """What is wrong with a BED file, in words (without the file's name)."""


def read_bed(path: Path | None) -> list[tuple[str, int, int]]:
    """The intervals of a BED (contigs by their canonical name); none without a file."""
    if path is None:
        return []
    try:
        text = Path(path).read_text()
    except UnicodeDecodeError:
        raise BedError("not a BED file (not text)") from None
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith(HEADER_LINES):
            continue
        fields = line.split("\t")
        if len(fields) < 3 or not (fields[1].strip().isdigit() and fields[2].strip().isdigit()):
            raise BedError(f"not a BED file: line {number} is not 'chrom<TAB>start<TAB>end' ({line[:40]!r})")
        start, end = int(fields[1]), int(fields[2])
        if end < start:
            raise BedError(f"line {number}: end {end} is before start {start}")
        out.append((canonical_contig(fields[0].strip()), start, end))
    return out


def bed_problem(path: Path, assay: str) -> str | None:
    """Why ``path`` cannot be this sample's panel_bed, in one phrase; None when it can."""
    from .vocabulary import genomic

    if not path.is_file():
        return f"panel_bed not found: {path}"
    if not genomic(assay):
        return (f"panel_bed {path.name} is given for an {assay} sample, where it is not used (capture targets "
                "are for assay dna or cfdna); remove it or correct the assay")  # fmt: skip
    try:
        intervals = read_bed(path)
    except (BedError, OSError) as err:
        return f"panel_bed {path.name}: {err}"
    if not intervals:
        return f"panel_bed {path.name}: holds no interval (an empty BED); give the panel's targets or leave the cell empty"
    return None
