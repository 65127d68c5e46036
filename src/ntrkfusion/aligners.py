"""Which aligner wrote a BAM (from its @PG lines), and what evidence of a fusion that leaves.

The caller reads every kind of evidence from every file (``calling/evidence.py``): split reads
(SA), gaps leaving a gene, discordant pairs, soft clips.  Aligners differ in which kinds they
write, and the README's input table, bam_info.json and the warnings below say so per file:

* STAR with ``--chimOutType WithinBAM`` (Arriba's settings): fusions as split reads (SA) and
  discordant pairs; normal splicing as N gaps; a deletion up to ``--alignIntronMax`` (LMNA-NTRK1,
  0.74 Mb) as an N gap leaving the gene.
* STAR without chimeric output, HISAT2: no split reads: fusions leave soft clips at the junction
  and reads left unaligned beside an NTRK mate (both placed by exon-boundary sequence, and their
  partner named, only when ``reference`` is set: ``calling/clips.py``, ``calling/unaligned.py``)
  and discordant pairs; deletions as N gaps.
* BWA-MEM (DNA panels, and RNA panels such as anchored multiplex PCR): fusions and normal
  splicing alike as split reads; the gene's own splicing is recognised and set aside
  (``calling/splicing.py``); no N gaps.
* minimap2 ``-x splice`` / ``splice:hq`` and pbmm2 ``--preset ISOSEQ`` (long-read RNA: PacBio
  Iso-Seq/Kinnex, Oxford Nanopore cDNA): one read is one whole molecule, a fusion one read in two
  (or more) alignments joined by SA tags, supplementaries hard-clipped; normal splicing as N gaps;
  no mates.  ``long_reads`` says so to the caller and QC (``calling/evidence.py``, ``qc/rna.py``):
  a read is a molecule (no position duplicates), and its soft clips are its ends (adapter,
  poly(A), untemplated bases), not a junction.  ``minimap2 -x splice:sr`` is short-read RNA.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .vocabulary import RNA


@dataclass(frozen=True)
class Aligner:
    name: str
    spliced: bool | None  # writes introns as N gaps (an RNA aligner); None: not known
    split_reads: bool | None  # writes chimeric alignments (SA tags); None: not known
    evidence: str  # what the caller finds of a fusion in its files, in words
    long_reads: bool = False  # one read is one whole molecule (PacBio, Oxford Nanopore)


STAR_CHIMERIC = Aligner("STAR (chimeric WithinBAM)", True, True, "split reads, discordant pairs, gaps leaving a gene")
STAR = Aligner("STAR", True, None, "split reads with chimeric output, else soft clips; discordant pairs; gaps")
STAR_PLAIN = Aligner("STAR (no chimeric output)", True, False, "soft clips, discordant pairs, gaps leaving a gene")
HISAT2 = Aligner("HISAT2", True, False, "soft clips, discordant pairs, gaps leaving a gene")
BWA = Aligner("BWA-MEM", False, True, "split reads (normal splicing too, set aside), discordant pairs")
BOWTIE2 = Aligner("Bowtie 2", False, False, "soft clips, discordant pairs")
MINIMAP2 = Aligner("minimap2", None, True, "split reads, discordant pairs")
LONG_READ_WORDS = "long reads across the junction (split into SA-linked alignments), gaps leaving a gene"
MINIMAP2_LONG_RNA = Aligner("minimap2 (spliced long reads)", True, True, LONG_READ_WORDS, long_reads=True)
MINIMAP2_LONG_DNA = Aligner("minimap2 (long reads, unspliced)", False, True, "split long reads", long_reads=True)
PBMM2_ISOSEQ = Aligner("pbmm2 (Iso-Seq)", True, True, LONG_READ_WORDS, long_reads=True)
PBMM2 = Aligner("pbmm2", None, True, "split long reads", long_reads=True)
DRAGEN = Aligner("DRAGEN", None, True, "split reads, discordant pairs")
UNKNOWN = Aligner("unknown", None, None, "whatever the file holds")

_BY_PROGRAM = {"star": STAR, "hisat2": HISAT2, "hisat2-align-s": HISAT2, "hisat2-align-l": HISAT2, "bwa": BWA,
               "bwa-mem2": BWA, "bowtie2": BOWTIE2, "bowtie2-align-s": BOWTIE2, "minimap2": MINIMAP2,
               "dragen": DRAGEN, "pbmm2": PBMM2}  # fmt: skip
# minimap2's presets (``-x``) for long reads: spliced (RNA) and unspliced; ``splice:sr`` is short-read RNA
LONG_SPLICED_PRESETS = ("splice", "splice:hq", "splice:lr")
LONG_UNSPLICED_PRESETS = ("map-ont", "map-pb", "map-hifi", "lr:hq", "lr:hqae", "asm20")
_PRESET = re.compile(r"(?:^|\s)-a?x\s*(\S+)")  # -x splice, -ax splice, -axsplice:hq


def aligner(header: dict) -> Aligner:
    """The first aligner named in the header's @PG lines (later ones are sorters, markers...)."""
    for pg in header.get("PG", []):
        name = (pg.get("PN") or pg.get("ID") or "").split(".")[0].lower()
        found = _BY_PROGRAM.get(name)
        if found is STAR:
            command = pg.get("CL", "")
            if "--chimOutType" in command:
                return STAR_CHIMERIC if "WithinBAM" in command else STAR_PLAIN
            return STAR_PLAIN if command else STAR
        if found is MINIMAP2:
            return _minimap2(pg.get("CL", ""))
        if found is PBMM2:
            return PBMM2_ISOSEQ if "iso" in pg.get("CL", "").lower() else PBMM2
        if found is not None:
            return found
    programs = [pg.get("PN") or pg.get("ID") for pg in header.get("PG", [])]
    named = [p for p in programs if p]
    return replace(UNKNOWN, name=f"unknown ({named[0]})") if named else UNKNOWN


def _minimap2(command: str) -> Aligner:
    """minimap2 by its preset (``-ax splice``, ``-x splice:hq``, ``-axsplice``...; a bare ``--splice``
    is spliced long-read mode too); no preset known: short reads, as BWA-MEM reads them."""
    presets = _PRESET.findall(command)
    if any(p in LONG_SPLICED_PRESETS for p in presets) or "--splice" in command.split():
        return MINIMAP2_LONG_RNA
    if any(p in LONG_UNSPLICED_PRESETS for p in presets):
        return MINIMAP2_LONG_DNA
    return MINIMAP2


_NAMED = {a.name: a for a in (STAR_CHIMERIC, STAR, STAR_PLAIN, HISAT2, BWA, BOWTIE2, MINIMAP2, MINIMAP2_LONG_RNA,
                               MINIMAP2_LONG_DNA, PBMM2_ISOSEQ, PBMM2, DRAGEN)}  # fmt: skip


def by_name(name: str) -> Aligner:
    """The aligner a file's checks named (``BamInfo.aligner``); another name: not known."""
    return _NAMED.get(name, UNKNOWN)


def long_reads(found: Aligner, setting: object = "auto") -> bool:
    """Are a file's reads long (config ``long_reads``: ``auto`` reads it from ``@PG``, true or false
    says so for a file whose header lost its aligner's line)?"""
    return found.long_reads if setting in ("auto", None) else bool(setting)


def evidence_warning(found: Aligner, assay: str, reference: str | None) -> str | None:
    """A warning when the aligner writes no split reads and no reference lets the caller place
    the junction reads it left clipped or unaligned: a fusion then shows as pairs only."""
    if assay == RNA and found.split_reads is False and not reference:
        return (f"aligned with {found.name}, which writes no split reads: without `reference` in the config, "
                "junction reads cannot be placed and a fusion shows as pairs only (INDETERMINATE)")  # fmt: skip
    return None


def assay_warning(found: Aligner, assay: str) -> str | None:
    """A warning when the aligner does not fit the sheet's assay (never an error: RNA panels are
    often aligned with BWA-MEM)."""
    if assay == RNA and found.spliced is False:
        return (f"aligned with {found.name}, an unspliced (DNA) aligner, but the sheet says rna: normal splicing "
                "appears as split reads and is set aside; check the assay")  # fmt: skip
    if assay != RNA and found.spliced is True:
        return f"aligned with {found.name}, an RNA aligner, but the sheet says {assay}: check the assay"
    return None
