"""Bases that say nothing of a partner: poly(A)/poly(T), low-complexity sequence and adapter.

A transcript's poly(A) tail, read past the last exon, is soft-clipped there; an aligner may
also place it (or a mate made of it) on any A/T-rich stretch of the genome with a low MAPQ.
On neural-tissue RNA with poly(A) tails such clips became ``NTRK3::intergenic`` (32 fragments,
median MAPQ 1), ``NTRK3::AGBL4`` and ``NTRK2::unknown``, and a clean sample INDETERMINATE
(issue 22).  A read-through into the sequencing adapter is clipped the same way.  These bases
are background: the records holding them are set aside with their own reason (``SetAside``),
counted in qc.json, never made into a partner.

Thresholds, measured on 20,000 random sequences of each length (12, 20, 30, 50, 100 bases):

* poly(A)/poly(T): at least ``POLY_FRACTION`` of the bases are A (or T); a tail read with
  1 % errors always is.
* low complexity: at most ``max(4, (n - 2) // 4)`` distinct trinucleotides among the n - 2
  of the sequence.  Repeats of period <= 4 have at most 4 (CACA..., CAGCAG..., GGAAGGAA...);
  random sequence of 20 bases or more never was that poor (fewest seen: 6 of 18 at 20 bases,
  38 of 98 at 100).  Of the random 12-base sequences (the shortest clip) 8 in 20,000 were set
  aside by these two rules (6 low complexity, 2 poly(A)): a cost of 4 in 10,000 clips.
  Longer sequences (a long read's parts, a clip of a 150-base read) are held to the bound of 100
  bases, 24: the bound grows with n past the 64 trinucleotides there are (from 262 bases), and set
  aside every whole ETV6::NTRK3 long read as low complexity (issue 20).
* adapter: the sequence, or its reverse complement, starts with the Illumina TruSeq or Nextera
  adapter's first bases, within the clip look-up's mismatches (``clips.close_enough``).
"""

from __future__ import annotations

from ..sequence import revcomp
from .clips import close_enough

POLY_FRACTION = 0.8
MIN_BASES = 8  # shorter sequences are not judged (too few bases to say)
MEASURED_LENGTH = 100  # the longest sequence the low-complexity bound was measured on
ADAPTERS = ("AGATCGGAAGAGC", "CTGTCTCTTATACACATCT")  # TruSeq read 1/2 3' adapter start; Nextera

POLY_A, LOW_COMPLEXITY, ADAPTER = "poly_a", "low_complexity", "adapter"  # SetAside reasons (evidence.py)


def uninformative(seq: str) -> str | None:
    """``POLY_A``, ``LOW_COMPLEXITY`` or ``ADAPTER`` when the bases cannot name a partner, else None."""
    seq = seq.upper()
    n = len(seq)
    if n < MIN_BASES:
        return None
    if max(seq.count("A"), seq.count("T")) >= POLY_FRACTION * n:
        return POLY_A
    if len({seq[i : i + 3] for i in range(n - 2)}) <= max(4, (min(n, MEASURED_LENGTH) - 2) // 4):
        return LOW_COMPLEXITY
    for s in (seq, revcomp(seq)):
        for adapter in ADAPTERS:
            m = min(len(s), len(adapter))
            if close_enough(s[:m], adapter[:m]):
                return ADAPTER
    return None


def set_aside_uninformative(evidence: list) -> None:
    """Set aside records whose bases beyond the junction (a clip, the other part of a split read
    as this record holds it, a placed read's partner bases) cannot name a partner.  (A split
    record's own aligned bases are judged as it is read: ``evidence._evidence``.)"""
    for ev in evidence:
        if not ev.set_aside and ev.clip_seq:
            ev.set_aside = uninformative(ev.clip_seq) or ""
