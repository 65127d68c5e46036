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
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pysam

from .. import __version__
from ..vocabulary import CandidateClass, EvidenceKind
from ..calling.filters import BEARING
from ..genome import ContigNames, canonical_contig
from ..io import atomic_file
from .exon_paths import exon_paths

MAX_VIEWS = 3  # candidates drawn: the qualifying ones first, then the concerns, by support
MAX_FRAGMENTS = 100  # supporting fragments kept per candidate: those whose reads cross the junction first
MERGE = 1000  # evidence positions closer than this are fetched as one window
FLANK = 1000  # reference bases embedded on each side of a breakpoint
SHOWN = 75  # bases shown on each side of a breakpoint when the view opens


def shown(fusions: pd.DataFrame) -> pd.DataFrame:
    """The candidates the reads view shows: those with a bearing on the result."""
    rows = fusions[fusions["classification"].isin([str(c) for c in BEARING])].copy()
    rows["order"] = (rows["classification"] != CandidateClass.QUALIFYING).astype(int)
    rows = rows.sort_values(["order", "supporting_fragments", "candidate"], ascending=[True, False, True])
    return rows.head(MAX_VIEWS).drop(columns="order")


@dataclass
class SupportingReads:
    """What write_supporting_reads wrote, for the report to show without reading the file back."""

    data: bytes  # the BAM's bytes (igv.js reads an unindexed BAM from a data URI)
    contigs: tuple[str, ...]  # the header's contig names (the BAM's own)
    spans: list[tuple[str, int, int]] = field(default_factory=list)  # each record's contig, start, end (0-based)
    fragments: dict[int, tuple[int, int]] = field(default_factory=dict)  # candidate -> (kept, all) fragments
    paths: dict[int, list[tuple[str, int]]] = field(default_factory=dict)  # long reads: candidate -> exon paths

    def depth(self, chrom: str, start: int, end: int) -> int:
        """Records overlapping a window: the rows a view of it needs at most."""
        return sum(1 for c, s, e in self.spans if c == chrom and s < end and e > start)


def write_supporting_reads(bam: pysam.AlignmentFile, evidence: pd.DataFrame, fusions: pd.DataFrame,
                           out: str | Path, ann=None) -> SupportingReads:  # fmt: skip
    """Write the reads of the shown candidates' supporting fragments, coordinate-sorted and
    indexed (an empty BAM when there are none), complete or absent.  ``bam``: the sample's open
    alignment file; ``evidence``: its evidence table; ``ann``: given for long reads, each
    candidate's reads' exon paths (``exon_paths.py``)."""
    evidence = evidence[["read_name", "kind", "candidate", "chrom_a", "pos_a", "chrom_b", "pos_b"]]
    evidence = evidence[evidence["candidate"].isin(shown(fusions)["candidate"].dropna().astype(int).tolist())]
    names, fragments = set(), {}
    for candidate, group in evidence.groupby("candidate"):
        kept = kept_fragments(group)
        names |= set(kept)
        fragments[int(candidate)] = (len(kept), group["read_name"].nunique())
    evidence = evidence[evidence["read_name"].isin(names)]
    records = {}
    contigs = ContigNames(tuple(bam.references))
    for chrom, start, end in _windows(evidence):
        # a position named from an SA tag keeps the aligner's name ('chr12' in a header renamed to
        # '12' by samtools reheader): the contig-name rule finds the header's, or it is not in the file
        named = chrom if chrom in contigs.bam_names else contigs.to_bam(canonical_contig(chrom))
        if named is None:
            continue
        for read in bam.fetch(named, start, end):
            if read.query_name in names:
                records[(read.reference_id, read.reference_start, read.query_name, read.flag)] = read
    header = bam.header.to_dict()
    header["HD"] = {**header.get("HD", {"VN": "1.6"}), "SO": "coordinate"}
    previous = [pg["ID"] for pg in header.get("PG", []) if "ID" in pg]
    header["PG"] = [*header.get("PG", []), {"ID": "ntrkfusion", "PN": "ntrkfusion", "VN": __version__,
                                             **({"PP": previous[-1]} if previous else {}),
                                             "DS": "the reads of the fusion candidates' supporting fragments"}]  # fmt: skip
    with atomic_file(out, companions=(".bai",)) as tmp:
        with pysam.AlignmentFile(str(tmp), "wb", header=header) as sink:
            for key in sorted(records):
                sink.write(records[key])
        pysam.index(str(tmp))
        _check_index(tmp)
        data = Path(tmp).read_bytes()  # kept for the report's view: the file is not read back
    spans = [(r.reference_name, r.reference_start, r.reference_end or r.reference_start + 1)
             for _, r in sorted(records.items())]  # fmt: skip
    paths = {}
    if ann is not None:  # long reads: each candidate's reads, one record each, and their exon paths
        for candidate, group in evidence.groupby("candidate"):
            mine = set(group["read_name"])
            paths[int(candidate)] = exon_paths({r.query_name: r for r in records.values() if r.query_name in mine},
                                               ann, bam)  # fmt: skip
    return SupportingReads(data, tuple(bam.references), spans, fragments, paths)


def _check_index(bam: Path) -> None:
    """An index written on a full disk can be cut short without an error: read it back."""
    import errno

    try:
        with pysam.AlignmentFile(str(bam), index_filename=f"{bam}.bai") as fh:
            fh.check_index()
    except (OSError, ValueError) as err:
        raise OSError(errno.EIO, f"the index of {bam.name} was not written completely ({err})", f"{bam}.bai") from None


def kept_fragments(evidence: pd.DataFrame) -> list[str]:
    """A candidate's fragments for the reads view: those with a read across the junction (split,
    gapped, clipped, placed) before those with only a pair across it, each group by name, at most
    ``MAX_FRAGMENTS``."""
    crossing = set(evidence.loc[evidence["kind"] != EvidenceKind.DISCORDANT, "read_name"])
    names = sorted(set(evidence["read_name"]), key=lambda n: (n not in crossing, n))
    return names[:MAX_FRAGMENTS]


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


ROW_HEIGHT, TRACK_MARGIN, MAX_TRACK_HEIGHT = 14, 60, 3000  # igv.js expanded rows (px), coverage and margins


def views(supporting: SupportingReads, reference: str, fusions: pd.DataFrame, ann=None) -> list[dict]:
    """One igv.js configuration per shown candidate: both breakpoints, the reference around them,
    the exons there (with ``ann``), and every kept supporting read (the track as tall as the
    rows they need, so that none hides behind a scrollbar, on screen or printed)."""
    reads = data_uri(supporting.data)
    in_bam = ContigNames(supporting.contigs)  # the view names contigs as the BAM does
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
            loci = [(b, max(1, p - SHOWN), p + SHOWN) for b, _, p in names]
            rows = max(supporting.depth(c, s - 1, e) for c, s, e in loci)
            tracks = [{"type": "alignment", "format": "bam", "indexed": False, "url": reads,
                       "height": min(MAX_TRACK_HEIGHT, TRACK_MARGIN + ROW_HEIGHT * rows), "displayMode": "EXPANDED",
                       "name": "supporting reads", "showSoftClips": True}]  # fmt: skip
            exons = _exon_features(ann, loci) if ann is not None else []
            if exons:
                tracks.insert(0, {"type": "annotation", "format": "bed", "name": "exons", "features": exons,
                                  "displayMode": "EXPANDED", "height": 40, "color": "#2e86c1"})  # fmt: skip
            config = {
                "reference": {"id": "slices", "name": "reference around the breakpoints", "indexed": False,
                              "fastaURL": data_uri(gzip.compress(fa.encode(), mtime=0))},
                "locus": [f"{c}:{s}-{e}" for c, s, e in loci],
                "tracks": tracks,
                "showCytobandWidget": False, "showIdeogram": False, "showChromosomeWidget": False,
                "loadDefaultGenomes": False, "showNavigation": True,
            }  # fmt: skip
            kept, total = supporting.fragments.get(int(row["candidate"]), (0, 0))
            out.append({"fusion": row["fusion"], "config": json.dumps(config, sort_keys=True), "kept": kept,
                        "total": total})  # fmt: skip
    return out


def _exon_features(ann, loci: list[tuple[str, int, int]]) -> list[dict]:
    """The annotation's exons and introns within the shown windows (a DNA breakpoint lies in an
    intron), as igv.js inline BED features named by gene and number, on the BAM's contig names."""
    features = []
    for contig, start, end in loci:
        for part in ann.structure_in(canonical_contig(contig), start - 1, end):
            features.append({"chr": contig, "start": part["start"], "end": part["end"], "strand": part["strand"],
                             "name": f"{part['gene']} {part['kind']} {part['number']}"})  # fmt: skip
    return sorted(features, key=lambda f: (f["chr"], f["start"], f["name"]))


def _slice(fasta: pysam.FastaFile, contig: str, name: str, pos: int) -> str:
    """The reference around ``pos`` of the FASTA's ``contig``, named ``name`` (the BAM's name)."""
    length = fasta.get_reference_length(contig)
    start, end = max(1, pos - FLANK), min(length, pos + FLANK)
    seq = fasta.fetch(contig, start - 1, end)
    return f">{name}:{start}-{end} @len={length}\n{seq}\n"
