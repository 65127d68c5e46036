"""Fragments and read pairs: lengths, 3' bias, substitution errors, PCR duplicates, FASTQ.

Read names tell where a pair came from, for tests that look for it after alignment:
``<label>.<n>`` with label e.g. ``FUS`` (fusion molecule), ``WT-ETV6`` (wild type) or
``DER`` (rearranged DNA); ``.d<k>`` marks a PCR copy of fragment n.  A UMI travels as a FASTQ
comment ``RX:Z:<umi>`` (which ``bwa mem -C`` copies into the BAM) or at the end of the read name
(``<name>_<umi>``, the UMI-tools convention).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..sequence import revcomp

MIN_ANCHOR = 12  # bases on each side for a read to count as split across the junction
UMI_LENGTH = 8
_COPY = re.compile(r"\.d\d+$")


@dataclass
class LibraryModel:
    read_length: int = 100
    fragment_mean: float = 250
    fragment_sd: float = 50
    min_fragment: int = 60
    three_prime_bias: float = 0.0  # 0 = uniform; >0 = mean distance (bases) of starts from the 3' end
    error_rate: float = 0.002
    duplicate_rate: float = 0.0


@dataclass
class Fragment:
    name: str
    seq: str  # 5'->3' of the molecule
    start: int  # offset in the molecule
    junction: int | None  # offset of the junction inside the fragment, if it crosses it
    umi: str = ""

    @property
    def is_copy(self) -> bool:
        return bool(_COPY.search(self.name))


@dataclass
class JunctionTally:
    """How the fragments of one chimeric molecule relate to its junction."""

    fragments: int = 0  # distinct fragments containing the junction
    split: int = 0  # ... of which a read covers it with MIN_ANCHOR bases on each side
    spanning: int = 0  # ... of which the junction lies between the two reads
    duplicates: int = 0  # PCR copies of junction fragments (not counted above)


def sample_fragments(molecule, n: int, lib: LibraryModel, rng, label: str) -> list[Fragment]:
    """``n`` fragments drawn from a molecule (uniformly, or with 3' bias)."""
    seq, length = molecule.seq, len(molecule.seq)
    frags = []
    for i in range(n):
        size = int(rng.normal(lib.fragment_mean, lib.fragment_sd))
        size = max(lib.min_fragment, min(size, length))
        if lib.three_prime_bias > 0:
            end = length - int(rng.exponential(lib.three_prime_bias))
            start = max(0, min(end, length) - size)
        else:
            start = int(rng.integers(0, length - size + 1))
        junction = None
        if molecule.junction is not None and start < molecule.junction < start + size:
            junction = molecule.junction - start
        frags.append(Fragment(f"{label}.{i:06d}", seq[start : start + size], start, junction))
    return frags


def chimeras(pool: list[Fragment], n: int, lib: LibraryModel, rng, label: str = "CHIM") -> list[Fragment]:
    """``n`` chimeric fragments: the start of one fragment of ``pool`` joined to the end of
    another, at a random point.  In RNA libraries reverse transcriptase switches templates;
    in DNA libraries fragments ligate to each other.  Every real library has some (0.1-1 %);
    their junctions are random, so they are the background a caller must not report."""
    out = []
    for i in range(n):
        a, b = (pool[int(k)] for k in rng.integers(0, len(pool), size=2))
        size = max(lib.min_fragment, int(rng.normal(lib.fragment_mean, lib.fragment_sd)))
        cut = int(rng.integers(min(20, size // 4), max(size - 20, size // 4 + 1)))
        seq = a.seq[:cut] + b.seq[max(0, len(b.seq) - (size - cut)) :]
        out.append(Fragment(f"{label}.{i:06d}", seq, 0, None))
    return out


def add_duplicates(frags: list[Fragment], rate: float, rng) -> list[Fragment]:
    copies = []
    for f in frags:
        if rate > 0 and rng.random() < rate:
            copies.append(Fragment(f"{f.name}.d1", f.seq, f.start, f.junction, f.umi))
    return frags + copies


def umi_families(frags: list[Fragment], mean_copies: float, with_umi: bool, error_rate: float,
                 rng) -> list[Fragment]:  # fmt: skip
    """Each molecule read ``1 + Poisson(mean_copies - 1)`` times (its PCR family), all with one
    random UMI of which a copy's base is miscalled with probability ``error_rate``."""
    out = []
    for f in frags:
        umi = "".join("ACGT"[i] for i in rng.integers(0, 4, size=UMI_LENGTH)) if with_umi else ""
        for k in range(1 + int(rng.poisson(max(0.0, mean_copies - 1)))):
            u = umi
            if umi and k and rng.random() < error_rate:
                i = int(rng.integers(0, UMI_LENGTH))
                u = umi[:i] + "ACGT"[("ACGT".index(umi[i]) + int(rng.integers(1, 4))) % 4] + umi[i + 1 :]
            out.append(Fragment(f"{f.name}.d{k}" if k else f.name, f.seq, f.start, f.junction, u))
    return out


def tally(frags: list[Fragment], read_length: int) -> JunctionTally:
    t = JunctionTally()
    for f in frags:
        if f.junction is None:
            continue
        if f.is_copy:
            t.duplicates += 1
            continue
        t.fragments += 1
        j, size, r = f.junction, len(f.seq), min(read_length, len(f.seq))
        covered_by_1 = j - MIN_ANCHOR >= 0 and j + MIN_ANCHOR <= r
        covered_by_2 = j - MIN_ANCHOR >= size - r and j + MIN_ANCHOR <= size
        if covered_by_1 or covered_by_2:
            t.split += 1
        elif r <= j <= size - r:
            t.spanning += 1
    return t


def write_fastq(frags: list[Fragment], lib: LibraryModel, rng, r1_path, r2_path, stranded: bool = False,
                umi: str = "none") -> None:  # fmt: skip
    """Read 1 from the fragment's 5' end, read 2 from its 3' end (reverse complement).
    Unstranded libraries flip half of the fragments.  ``umi``: none | RX | read_name."""
    with open(r1_path, "w") as r1, open(r2_path, "w") as r2:
        for f in frags:
            seq = f.seq if stranded or rng.random() < 0.5 else revcomp(f.seq)
            n = min(lib.read_length, len(seq))
            name = f"{f.name}_{f.umi}" if umi == "read_name" else f.name
            comment = f" RX:Z:{f.umi}" if umi == "RX" else ""
            for fh, read in ((r1, seq[:n]), (r2, revcomp(seq[-n:]))):
                read = _errors(read, lib.error_rate, rng)
                fh.write(f"@{name}{comment}\n{read}\n+\n{'F' * len(read)}\n")


def _errors(read: str, rate: float, rng) -> str:
    if rate <= 0:
        return read
    hits = np.flatnonzero(rng.random(len(read)) < rate)
    if not len(hits):
        return read
    chars = list(read)
    for i in hits:
        chars[i] = "ACGT"[(("ACGT".index(chars[i]) if chars[i] in "ACGT" else 0) + int(rng.integers(1, 4))) % 4]
    return "".join(chars)
