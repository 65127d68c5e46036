"""Long-read RNA libraries (PacBio HiFi, Oxford Nanopore cDNA): one read is one whole cDNA molecule.

A long read is not drawn from a fragment: it is the molecule itself, from wherever the reverse
transcriptase stopped (the 5' end, or a random point for the molecules it left truncated) to the
poly(A) tail it was primed from (oligo-dT), plus a few untemplated bases (adapter remnant after
trimming).  Unstranded cDNA (ONT; HiFi before orientation) comes in either orientation.  Errors
follow the platform's profile: ONT ~94 % identity, mostly indels; HiFi ~99.5 %, few errors and
mostly indels in homopolymers.  There are no mates and no PCR duplicates (one read per molecule).

Read names follow ``reads.py`` (``FUS.000001``, ``WT-GAPDH.000003``, ``PRE-``, ``GEN-``, ``CHIM``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..annotation import Annotation
from ..sequence import revcomp
from .molecules import Molecule, TemplateSwitch, fused_transcript, pre_mrna, transcript
from .reads import JunctionTally

# Bases on each side for a long read to count as split across the junction: more than the short
# reads' 12, as a read with ~6 % errors (ONT) needs about 30 bases for a part to be told apart from
# chance (two error-free 15-mers).  minimap2 itself aligns a part as a supplementary record only from
# ~80-150 bases (measured on ETV6-NTRK3 and TPM3-NTRK1, 20 reads each: none at 60 or 80 bases for ONT,
# 12-13 of 20 at 100, all at 150; HiFi 0-12 at 80, all at 100); a shorter part stays a soft clip of
# the other's record, which a caller can still place.  The uniform 5' truncation leaves such short
# parts rarely (none in the catalogue: there, every split read has its SA tag).
LONG_MIN_ANCHOR = 30
# The annotated last exon is kept to at most this many bases: long 3' UTRs (NTRK3 17 kb, TPM3 6 kb,
# NTRK2 6 kb) are mostly cut at a proximal poly(A) site in cDNA libraries, and reads of 0.7-4 kb are
# what the platforms give for such libraries.
LAST_EXON_MAX = 1000
MIN_TRUNCATED = 300  # a truncated molecule keeps at least this many bases (shorter ones are not sequenced)
BACKGROUND_MEDIAN, BACKGROUND_SIGMA = 1500, 0.5  # pre-mRNA and genomic pieces: log-normal lengths
TAIL_REMNANT = 5  # at most this many untemplated bases after the poly(A)


@dataclass(frozen=True)
class Profile:
    """A platform's errors, per base: substitution, insertion and deletion rates; indels are
    ``homopolymer`` times as likely inside a run of 3 or more equal bases (the mean rate kept)."""

    substitution: float
    insertion: float
    deletion: float
    homopolymer: float
    quality: str  # every base's FASTQ quality
    preset: str  # minimap2 -x

    @property
    def identity(self) -> float:
        return 1 - self.substitution - self.insertion - self.deletion


PROFILES = {
    "hifi": Profile(0.001, 0.0015, 0.0025, 8.0, "I", "splice:hq"),  # ~99.5 %: Q40 reads, errors in homopolymers
    "ont": Profile(0.02, 0.015, 0.025, 2.0, "+", "splice"),  # ~94 %: 2 % substitutions, 4 % indels, Q10
}


@dataclass
class Template:
    """The part of a molecule one read holds, 5'->3' of the gene(s), tail included (before errors)."""

    name: str
    seq: str
    junction: int | None  # offset of the 3' partner's first base in seq, if the read holds the junction
    tail: int = 0  # poly(A) and untemplated bases at the 3' end


def last_exon_capped(seq: str, last_exon: int) -> str:
    """A transcript (ending with a last exon of ``last_exon`` bases) cut at a proximal poly(A)
    site: at most LAST_EXON_MAX bases of the last exon kept."""
    return seq[: len(seq) - max(0, last_exon - LAST_EXON_MAX)]


def whole_molecules(mol: Molecule, n: int, label: str, truncation: float, poly_a: int, rng) -> list[Template]:
    """``n`` cDNA molecules of a transcript: a ``truncation`` fraction starts at a random point
    (the reverse transcriptase stopped), the rest at the 5' end; each ends with ``poly_a`` +-10 A
    and 0-TAIL_REMNANT untemplated bases."""
    out = []
    for i in range(n):
        start = 0
        if rng.random() < truncation:
            start = int(rng.integers(0, max(1, len(mol.seq) - MIN_TRUNCATED)))
        tail = ""
        if poly_a:
            tail = "A" * int(rng.integers(max(1, poly_a - 10), poly_a + 11))
            tail += "".join("ACGT"[b] for b in rng.integers(0, 4, size=int(rng.integers(0, TAIL_REMNANT + 1))))
        junction = mol.junction - start if mol.junction is not None and start < mol.junction else None
        out.append(Template(f"{label}.{i:06d}", mol.seq[start:] + tail, junction, len(tail)))
    return out


def background_lengths(n: int, rng) -> np.ndarray:
    lengths = rng.lognormal(np.log(BACKGROUND_MEDIAN), BACKGROUND_SIGMA, size=n)
    return np.clip(lengths, MIN_TRUNCATED, 6000).astype(int)


def pieces(mol: Molecule, n: int, label: str, rng) -> list[Template]:
    """``n`` pieces of a long molecule (pre-mRNA, genomic DNA) at random places, background lengths."""
    out = []
    for i, size in enumerate(background_lengths(n, rng)):
        size = min(int(size), len(mol.seq))
        start = int(rng.integers(0, len(mol.seq) - size + 1))
        out.append(Template(f"{label}.{i:06d}", mol.seq[start : start + size], None))
    return out


def long_chimeras(pool: list[Template], n: int, rng, label: str = "CHIM") -> list[Template]:
    """``n`` chimeric reads: the 5' part of one read of ``pool`` joined to the 3' part of another
    at random points (reverse-transcriptase template switching; in ONT, also two molecules ligated
    to one adapter), the background a caller must not report."""
    out = []
    for i in range(n):
        a, b = (pool[int(k)] for k in rng.integers(0, len(pool), size=2))
        cut_a = int(rng.integers(min(50, len(a.seq) // 2), max(len(a.seq) - 50, len(a.seq) // 2 + 1)))
        cut_b = int(rng.integers(min(50, len(b.seq) // 2), max(len(b.seq) - 50, len(b.seq) // 2 + 1)))
        out.append(Template(f"{label}.{i:06d}", a.seq[:cut_a] + b.seq[cut_b:], None, b.tail))
    return out


def long_read_library(case, genome, ann: Annotation, weights: dict[str, float], share: float,
                      switch: TemplateSwitch | None, rng) -> list[Template]:  # fmt: skip
    """Whole molecules of the expressed genes (weighted as the short-read library) and of the fusion
    (fusion_expression x ``share`` molecules: the cells with the fusion), then pre-mRNA and genomic pieces
    and chimeras, as fractions of the molecules."""
    total = sum(weights.values())
    out: list[Template] = []
    for gene, w in sorted(weights.items()):
        mol = Molecule(gene, last_exon_capped(transcript(genome, ann, gene), last_exon_length(ann, gene)))
        n = int(round(case.background_pairs * w / total))
        out += whole_molecules(mol, n, f"WT-{gene}", case.truncation, case.poly_a, rng)
    if case.has_fusion:
        fused = switch.molecule if switch else fused_transcript(genome, ann, case.gene5, case.exon5, case.gene3,
                                                                case.exon3)  # fmt: skip
        fused = replace(fused, seq=last_exon_capped(fused.seq, last_exon_length(ann, case.gene3)))
        n = int(round(case.fusion_expression * share))
        out += whole_molecules(fused, n, "FUS", case.truncation, case.poly_a, rng)
    background: list[Template] = []
    for gene, w in sorted(weights.items()):
        n = int(round(len(out) * case.pre_mrna * w / total))
        background += pieces(pre_mrna(genome, ann, gene), n, f"PRE-{gene}", rng)
    lengths = np.array([len(seg) for seg in genome.segments], dtype=float)
    n = int(round(len(out) * case.genomic_background))
    for seg, k in zip(genome.segments, rng.multinomial(n, lengths / lengths.sum())):
        background += pieces(Molecule(seg.name, genome.sequences[seg.name]), int(k), f"GEN-{seg.name}", rng)
    return out + background + long_chimeras(out + background, int(round(len(out) * case.chimera_rate)), rng)


def last_exon_length(ann: Annotation, gene: str) -> int:
    """Bases of a gene's last exon (3' UTR included)."""
    exons = ann.exons(gene)
    last = exons[exons["exon_number"] == exons["exon_number"].max()].iloc[0]
    return int(last["end"] - last["start"])


def long_tally(templates: list[Template]) -> JunctionTally:
    """Reads holding the junction (``fragments``), and of them those with LONG_MIN_ANCHOR templated
    bases on each side (``split``); long reads have no spanning pairs and no duplicates."""
    t = JunctionTally()
    for tmpl in templates:
        if tmpl.junction is None:
            continue
        t.fragments += 1
        if tmpl.junction >= LONG_MIN_ANCHOR and len(tmpl.seq) - tmpl.tail - tmpl.junction >= LONG_MIN_ANCHOR:
            t.split += 1
    return t


def sequenced(seq: str, profile: Profile, rng) -> str:
    """The read as the platform calls it: substitutions, insertions (inside a homopolymer, of its
    own base) and deletions at the profile's rates."""
    codes = np.frombuffer(seq.encode(), dtype=np.uint8)
    codes = np.select([codes == ord(b) for b in "CGT"], [1, 2, 3], 0).astype(np.int64)  # A (and N) 0
    n = len(codes)
    change = np.flatnonzero(np.diff(codes)) + 1
    starts, ends = np.r_[0, change], np.r_[change, n]
    in_run = np.repeat(ends - starts, ends - starts) >= 3
    weight = np.where(in_run, profile.homopolymer, 1.0)
    weight /= weight.mean()
    u = rng.random(n)
    sub = u < profile.substitution
    ins = ~sub & (u < profile.substitution + profile.insertion * weight)
    dele = ~sub & ~ins & (u < profile.substitution + (profile.insertion + profile.deletion) * weight)
    called = np.where(sub, (codes + rng.integers(1, 4, size=n)) % 4, codes)
    inserted = np.where(in_run, codes, rng.integers(0, 4, size=n))
    emit = np.stack([np.where(ins, inserted, -1), np.where(dele, -1, called)], axis=1).ravel()
    return np.frombuffer(b"ACGT", dtype=np.uint8)[emit[emit >= 0]].tobytes().decode()


def write_long_fastq(templates: list[Template], profile: Profile, rng, path) -> None:
    """One record per molecule: half reverse-complemented (unstranded cDNA), then the platform's errors."""
    with open(path, "w") as fh:
        for tmpl in templates:
            seq = tmpl.seq if rng.random() < 0.5 else revcomp(tmpl.seq)
            read = sequenced(seq, profile, rng)
            fh.write(f"@{tmpl.name}\n{read}\n+\n{profile.quality * len(read)}\n")
