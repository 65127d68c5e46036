"""A genome made of the real GRCh38 spans of a few genes, with seeded synthetic sequence.

No human sequence is available here, so each segment's sequence is random (seeded), with
the real MANE exon-intron structure: canonical GT..AG splice sites, repeat elements copied
with divergence into introns, and exons of paralogs (TPM4 after TPM3) made similar.
Genes less than ``MERGE_GAP`` apart on one chromosome share one segment, so a deletion
(LMNA-NTRK1) or an inversion (TPM3-NTRK1) is a real rearrangement of that segment.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..annotation import Annotation
from ..genome import GRCH38_LENGTHS
from ..sequence import COMPLEMENT

MERGE_GAP = 3_000_000
FLANK = 20_000
BASES = np.frombuffer(b"ACGT", dtype=np.uint8)
REPEAT_LENGTH, REPEAT_EVERY, REPEAT_DIVERGENCE = 300, 6_000, 0.12
# A young family (like AluY): copies differ by 2 %, so a read inside one maps to many places
# with MAPQ 0-1 and its pair may come out discordant.  One copy every 6 kb of intron and flank.
YOUNG_OFFSET, YOUNG_DIVERGENCE = 3_200, 0.02
PARALOGS = {"TPM4": ("TPM3", 0.08)}  # gene: (copied from, divergence)


@dataclass(frozen=True)
class Segment:
    chrom: str  # GRCh38 contig
    start: int  # 0-based GRCh38 offset of the segment's first base
    end: int

    @property
    def name(self) -> str:
        """Contig name in the locus genome; encodes the GRCh38 offset for the lift."""
        return f"{self.chrom}__{self.start}"

    def __len__(self) -> int:
        return self.end - self.start


class LocusGenome:
    """Segments, their sequences, and coordinate conversion to and from GRCh38."""

    def __init__(self, annotation: Annotation, genes: list[str], seed: int = 7):
        self.annotation = annotation
        self.genes = sorted(set(genes))
        self.seed = seed
        self.segments = _segments(annotation, self.genes)
        raw = {seg.name: self._random_sequence(seg) for seg in self.segments}
        self._copy_paralogs(raw)
        for seg in self.segments:  # canonical splice sites last, so nothing overwrites them
            for start, end, strand in self._introns(seg):
                donor, acceptor = (b"GT", b"AG") if strand == "+" else (b"CT", b"AC")
                raw[seg.name][start : start + 2] = donor
                raw[seg.name][end - 2 : end] = acceptor
        self.sequences = {name: seq.decode() for name, seq in raw.items()}

    @property
    def key(self) -> str:
        """Identifies the genome (for caching aligner indexes)."""
        text = f"{self.seed}:{','.join(self.genes)}:{REPEAT_DIVERGENCE}:{YOUNG_DIVERGENCE}:v2"
        return hashlib.sha1(text.encode()).hexdigest()[:12]

    def segment_of(self, chrom: str, pos0: int) -> Segment:
        for s in self.segments:
            if s.chrom == chrom and s.start <= pos0 < s.end:
                return s
        raise KeyError(f"{chrom}:{pos0 + 1} is not in the locus genome")

    def fetch(self, chrom: str, start: int, end: int) -> str:
        """GRCh38 0-based half-open interval -> sequence (plus strand)."""
        s = self.segment_of(chrom, start)
        return self.sequences[s.name][start - s.start : end - s.start]

    # -- files for the aligners ----------------------------------------------------
    def write_fasta(self, path: Path) -> None:
        with open(path, "w") as fh:
            for s in self.segments:
                seq = self.sequences[s.name]
                fh.write(f">{s.name}\n")
                for i in range(0, len(seq), 60):
                    fh.write(seq[i : i + 60] + "\n")

    def write_gtf(self, path: Path) -> None:
        """Exons of every transcript model inside the segments, in locus coordinates."""
        lines = []
        for s in self.segments:
            table = self.annotation.transcripts
            inside = table[(table["chrom"] == s.chrom) & (table["tx_start"] >= s.start) & (table["tx_end"] <= s.end)]
            for tx in inside.itertuples():
                attrs = f'gene_id "{tx.gene}"; transcript_id "{tx.transcript_id}"; gene_name "{tx.gene}";'
                for e in self.annotation.exons(tx.gene).itertuples():
                    start, end = e.start - s.start + 1, e.end - s.start
                    lines.append(f"{s.name}\tntrkfusion\texon\t{start}\t{end}\t.\t{tx.strand}\t.\t{attrs}\n")
        Path(path).write_text("".join(lines))

    # -- sequence -------------------------------------------------------------------
    def _rng(self, label: str) -> np.random.Generator:
        digest = hashlib.sha1(f"{self.seed}:{label}".encode()).digest()
        return np.random.default_rng(int.from_bytes(digest[:8], "little"))

    def _random_sequence(self, segment: Segment) -> bytearray:
        rng = self._rng(segment.name)
        probs = [0.29, 0.21, 0.21, 0.29]  # about 42 % GC, as the human genome
        seq = bytearray(BASES[rng.choice(4, size=len(segment), p=probs)].tobytes())
        repeat = bytes(BASES[self._rng("repeat").choice(4, size=REPEAT_LENGTH, p=probs)])
        young = bytes(BASES[self._rng("young-repeat").choice(4, size=REPEAT_LENGTH, p=probs)])
        for start, end, _ in self._introns(segment):  # diverged repeat copies inside introns
            for pos in range(start + 200, end - REPEAT_LENGTH - 200, REPEAT_EVERY):
                seq[pos : pos + REPEAT_LENGTH] = _mutate(repeat, REPEAT_DIVERGENCE, rng)
                if pos + YOUNG_OFFSET + REPEAT_LENGTH < end - 200:
                    seq[pos + YOUNG_OFFSET : pos + YOUNG_OFFSET + REPEAT_LENGTH] = _mutate(young, YOUNG_DIVERGENCE, rng)
        for pos in range(YOUNG_OFFSET, min(FLANK, len(segment)) - REPEAT_LENGTH, REPEAT_EVERY):  # segment ends
            for at in (pos, len(segment) - pos - REPEAT_LENGTH):
                seq[at : at + REPEAT_LENGTH] = _mutate(young, YOUNG_DIVERGENCE, rng)
        return seq

    def _introns(self, segment: Segment):
        """(start, end, strand) of every intron of the case's genes in a segment, segment offsets."""
        for gene in self.genes:
            tx = self.annotation.transcript(gene)
            if tx["chrom"] != segment.chrom or not segment.start <= tx["tx_start"] < segment.end:
                continue
            exons = self.annotation.exons(gene)
            spans = sorted(zip(exons["start"], exons["end"]))
            for (_, a), (b, _) in zip(spans, spans[1:]):
                yield int(a) - segment.start, int(b) - segment.start, tx["strand"]

    def _copy_paralogs(self, raw: dict[str, bytearray]) -> None:
        """Exons of a paralog get the source gene's exon sequence, with divergence."""
        for gene, (source, divergence) in PARALOGS.items():
            if gene not in self.genes or source not in self.genes:
                continue
            rng = self._rng(f"paralog:{gene}")
            target, donor = self.annotation.exons(gene), self.annotation.exons(source)
            for t, d in zip(target.itertuples(), donor.itertuples()):
                t_seg, d_seg = self.segment_of(t.chrom, t.start), self.segment_of(d.chrom, d.start)
                n = min(t.end - t.start, d.end - d.start)
                copy = bytes(raw[d_seg.name][d.start - d_seg.start : d.start - d_seg.start + n])
                if t.strand != d.strand:
                    copy = copy.translate(COMPLEMENT)[::-1]
                pos = t.start - t_seg.start
                raw[t_seg.name][pos : pos + n] = _mutate(copy, divergence, rng)


def _mutate(seq: bytes, rate: float, rng) -> bytes:
    arr = np.frombuffer(seq, dtype=np.uint8).copy()
    hits = np.flatnonzero(rng.random(len(arr)) < rate)
    arr[hits] = BASES[rng.integers(0, 4, size=len(hits))]
    return arr.tobytes()


def _segments(annotation: Annotation, genes: list[str]) -> list[Segment]:
    spans: dict[str, list[tuple[int, int]]] = {}
    for gene in genes:
        tx = annotation.transcript(gene)
        start = max(0, int(tx["tx_start"]) - FLANK)
        end = min(GRCH38_LENGTHS[tx["chrom"]], int(tx["tx_end"]) + FLANK)
        spans.setdefault(tx["chrom"], []).append((start, end))
    segments = []
    for chrom, ranges in spans.items():
        ranges.sort()
        cur_start, cur_end = ranges[0]
        for start, end in ranges[1:]:
            if start - cur_end < MERGE_GAP:
                cur_end = max(cur_end, end)
            else:
                segments.append(Segment(chrom, cur_start, cur_end))
                cur_start, cur_end = start, end
        segments.append(Segment(chrom, cur_start, cur_end))
    order = list(GRCH38_LENGTHS)
    return sorted(segments, key=lambda s: (order.index(s.chrom), s.start))
