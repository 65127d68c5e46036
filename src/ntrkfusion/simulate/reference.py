"""The locus genome as a GRCh38-coordinate reference: real contig names and lengths, the
synthetic sequence at its real offsets, N elsewhere; bgzipped and indexed (.fai, .gzi).

Tests pass it as ``reference`` exactly as a lab passes its genome FASTA (CRAM decoding,
realignment of soft clips).  It compresses to a few MB.
"""

from __future__ import annotations

import os
from pathlib import Path

import pysam

from ..genome import GRCH38_LENGTHS
from .locus_genome import LocusGenome

LINE = 60
CHUNK_LINES = 16384


def write_reference(genome: LocusGenome, path: Path) -> Path:
    """Write ``path`` (.fa.gz) with its .fai and .gzi, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)  # pysam's BGZFile crashes on a missing folder
    tmp = path.with_name(path.name + ".tmp")
    with pysam.BGZFile(str(tmp), "wb") as out:
        for chrom, length in GRCH38_LENGTHS.items():
            out.write(f">{chrom}\n".encode())
            pieces = [(s.start, genome.sequences[s.name]) for s in genome.segments if s.chrom == chrom]
            _write_contig(out, length, pieces)
    os.replace(tmp, path)
    pysam.faidx(str(path))
    return path


def _write_contig(out, length: int, pieces: list[tuple[int, str]]) -> None:
    """Write one contig, 60 bases a line, building the text a chunk of lines at a time."""
    n_line = "N" * LINE + "\n"
    chunk = CHUNK_LINES * LINE
    for start in range(0, length, chunk):
        end = min(length, start + chunk)
        if not any(p < end and p + len(seq) > start for p, seq in pieces):
            full, rest = divmod(end - start, LINE)
            out.write((n_line * full + ("N" * rest + "\n" if rest else "")).encode())
            continue
        window = bytearray(b"N" * (end - start))
        for p, seq in pieces:
            lo, hi = max(start, p), min(end, p + len(seq))
            if lo < hi:
                window[lo - start : hi - start] = seq[lo - p : hi - p].encode()
        text = b"".join(window[i : i + LINE] + b"\n" for i in range(0, len(window), LINE))
        out.write(text)
