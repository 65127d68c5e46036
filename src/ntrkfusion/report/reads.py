"""The reads view: the reads behind each candidate that bears on the result, as a small indexed
BAM per sample (results/{sample}/supporting_reads.bam, for IGV desktop) and as an igv.js panel
of both breakpoints in the sample report.

The panel is self-contained, as the reports must be (no network at view time, which hospital
networks often block): igv.js itself (MIT, the IGV team) is embedded, read from the igv-notebook
package (PyPI; the IGV team's own Python distribution of igv.js); the reads are the supporting
BAM as a data URI (igv.js reads an unindexed BAM); the reference is the sequence around each
breakpoint as FASTA slices named ``chrom:start-end @len=length``, the convention igv.js and
igv-reports share.  igv-reports itself was not used: its templates load igv.js, jQuery and
Bootstrap from CDNs.

The supporting reads are fetched only around the positions evidence.parquet records for them
(through the BAM index), never by a scan of the BAM.
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import pandas as pd
import pysam

from ..vocabulary import CandidateClass
from ..calling.filters import BEARING
from ..genome import ContigNames, canonical_contig

MAX_VIEWS = 3  # candidates drawn: the qualifying ones first, then the concerns, by support
MAX_FRAGMENTS = 100  # supporting fragments kept per candidate (the first by name: deterministic)
MERGE = 1000  # evidence positions closer than this are fetched as one window
FLANK = 1000  # reference bases embedded on each side of a breakpoint
SHOWN = 75  # bases shown on each side of a breakpoint when the view opens


def shown(fusions: pd.DataFrame) -> pd.DataFrame:
    """The candidates the reads view shows: those with a bearing on the result."""
    rows = fusions[fusions["classification"].isin([str(c) for c in BEARING])].copy()
    rows["order"] = (rows["classification"] != CandidateClass.QUALIFYING).astype(int)
    rows = rows.sort_values(["order", "supporting_fragments", "candidate"], ascending=[True, False, True])
    return rows.head(MAX_VIEWS).drop(columns="order")


def write_supporting_reads(bam: pysam.AlignmentFile, evidence: pd.DataFrame, fusions: pd.DataFrame,
                           out: str | Path) -> int:  # fmt: skip
    """Write the reads of the shown candidates' supporting fragments, coordinate-sorted and
    indexed (an empty BAM when there are none); return the number of records.  ``bam``: the
    sample's open alignment file; ``evidence``: its evidence table."""
    evidence = evidence[["read_name", "candidate", "chrom_a", "pos_a", "chrom_b", "pos_b"]]
    evidence = evidence[evidence["candidate"].isin(shown(fusions)["candidate"].dropna().astype(int).tolist())]
    names = set()
    for _, group in evidence.groupby("candidate"):
        names |= set(sorted(set(group["read_name"]))[:MAX_FRAGMENTS])
    evidence = evidence[evidence["read_name"].isin(names)]
    records = {}
    for chrom, start, end in _windows(evidence):
        for read in bam.fetch(chrom, start, end):
            if read.query_name in names:
                records[(read.reference_id, read.reference_start, read.query_name, read.flag)] = read
    header = bam.header.to_dict()
    header["HD"] = {**header.get("HD", {"VN": "1.6"}), "SO": "coordinate"}
    tmp = Path(str(out) + ".tmp")
    with pysam.AlignmentFile(str(tmp), "wb", header=header) as sink:
        for key in sorted(records):
            sink.write(records[key])
    tmp.replace(out)
    pysam.index(str(out))
    return len(records)


def _windows(evidence: pd.DataFrame) -> list[tuple[str, int, int]]:
    """The evidence positions (both ends of each record), merged into fetch windows (0-based)."""
    points = [(c, int(p)) for c, p in zip(evidence["chrom_a"], evidence["pos_a"])]
    points += [(c, int(p)) for c, p in zip(evidence["chrom_b"], evidence["pos_b"]) if c and not pd.isna(p)]
    windows: list[list] = []
    for chrom, pos in sorted(set(points)):
        if windows and windows[-1][0] == chrom and pos - windows[-1][2] <= MERGE:
            windows[-1][2] = pos
        else:
            windows.append([chrom, pos, pos])
    return [(c, max(0, s - 2), e + 1) for c, s, e in windows]


def igv_js() -> str | None:
    """igv.min.js from the igv-notebook package, or None when it is not installed."""
    from importlib import resources

    try:
        return resources.files("igv_notebook").joinpath("js/igv.min.js").read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        return None


def data_uri(data: bytes) -> str:
    kind = "application/gzip" if data[:2] == b"\x1f\x8b" else "application/octet-stream"
    return f"data:{kind};base64," + base64.b64encode(data).decode()


def views(supporting_bam: str | Path, reference: str, fusions: pd.DataFrame) -> list[dict]:
    """One igv.js configuration per shown candidate: both breakpoints, the reference around
    them and the supporting reads."""
    reads = data_uri(Path(supporting_bam).read_bytes())
    with pysam.AlignmentFile(str(supporting_bam)) as bam:
        in_bam = ContigNames(tuple(bam.references))  # the view names contigs as the BAM does
    out = []
    with pysam.FastaFile(reference) as fasta:
        in_fasta = ContigNames(tuple(fasta.references))
        for row in shown(fusions).to_dict("records"):
            sides = [(row[f"chrom{s}"], row[f"pos{s}"]) for s in ("5", "3")]
            sides = [(canonical_contig(c), int(p)) for c, p in sides if isinstance(c, str) and c and not pd.isna(p)]
            names = [(in_bam.to_bam(c), in_fasta.to_bam(c), p) for c, p in sides]
            if not names or any(b is None or f is None for b, f, _ in names):
                continue
            fa = "".join(_slice(fasta, f, b, p) for b, f, p in names)
            sides = [(b, p) for b, _, p in names]
            config = {
                "reference": {"id": "slices", "name": "reference around the breakpoints", "indexed": False,
                              "fastaURL": data_uri(gzip.compress(fa.encode(), mtime=0))},
                "locus": [f"{c}:{max(1, p - SHOWN)}-{p + SHOWN}" for c, p in sides],
                "tracks": [{"type": "alignment", "format": "bam", "indexed": False, "url": reads, "height": 320,
                            "name": "supporting reads", "showSoftClips": True}],
                "showCytobandWidget": False, "showIdeogram": False, "showChromosomeWidget": False,
                "loadDefaultGenomes": False, "showNavigation": True,
            }  # fmt: skip
            out.append({"fusion": row["fusion"], "config": json.dumps(config, sort_keys=True)})
    return out


def _slice(fasta: pysam.FastaFile, contig: str, name: str, pos: int) -> str:
    """The reference around ``pos`` of the FASTA's ``contig``, named ``name`` (the BAM's name)."""
    length = fasta.get_reference_length(contig)
    start, end = max(1, pos - FLANK), min(length, pos + FLANK)
    seq = fasta.fetch(contig, start - 1, end)
    return f">{name}:{start}-{end} @len={length}\n{seq}\n"
