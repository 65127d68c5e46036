"""The fused transcript across the junction, with a reference: its bases and the peptide the
join makes (Arriba's ``fusion_transcript`` and ``peptide_sequence``, shortened to the junction).

Both come from the annotation's transcript models and the reference, for the exons the candidate
joins (RNA: observed; DNA: inferred from the genomic breakpoints), so they show what the
fusion would make, not what the reads say:

- ``junction_sequence``: the last ``FLANK_NT`` bases of the 5' partner's exons up to ``exon5`` and
  the first ``FLANK_NT`` bases of the 3' partner's exons from ``exon3``, joined by ``|`` (transcript
  orientation; UTR bases included).
- ``peptide_sequence``: the 5' partner's last ``FLANK_AA`` codons, ``|``, then the bases after them
  read on in the 5' partner's frame (the codon that spans the junction first) for ``FLANK_AA``
  codons; after an out-of-frame join the residues are lower case, as Arriba writes them; ``*`` is
  a stop.  Empty when the 5' exon ends outside the coding sequence.
- ``reading_frame`` (Arriba's word for it): ``in-frame``, ``out-of-frame``, or ``stop-codon`` when
  the join keeps the frame but the fused coding sequence meets a stop codon before the 3'
  partner's own (a translated fusion would end there, short of the kinase domain).  An
  annotated coding sequence holds no stop, so on a genome that matches its annotation this means
  the join (or the genome) is not the annotation's; the synthetic test genome is random sequence,
  where it is common.
"""

from __future__ import annotations

import pysam

from ..annotation import Annotation
from ..genome import ContigNames
from ..sequence import revcomp

FLANK_NT = 30
FLANK_AA = 10
# The standard genetic code, codons in TCAG order (NCBI translation table 1).
BASES = "TCAG"
AMINO_ACIDS = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODE = {a + b + c: AMINO_ACIDS[16 * i + 4 * j + k]
        for i, a in enumerate(BASES) for j, b in enumerate(BASES) for k, c in enumerate(BASES)}  # fmt: skip


def translate(bases: str) -> str:
    """Amino acids of whole codons (X for a codon with another letter than ACGT)."""
    return "".join(CODE.get(bases[i : i + 3], "X") for i in range(0, len(bases) - 2, 3))


def transcript_bases(ann: Annotation, fasta: pysam.FastaFile, contigs: ContigNames, gene: str, first: int,
                     last: int | None, coding: bool) -> str:  # fmt: skip
    """The spliced bases of exons ``first``..``last`` of the gene's transcript, in transcript
    orientation; only the coding ones when ``coding``."""
    tx, exons = ann.transcript(gene), ann.exons(gene)
    contig = contigs.to_bam(tx["chrom"])
    if contig is None:
        raise KeyError(tx["chrom"])
    last = int(exons["exon_number"].max()) if last is None else last
    parts = []
    for n, s, e in zip(exons["exon_number"], exons["start"], exons["end"]):
        if not first <= n <= last:
            continue
        if coding:
            s, e = max(s, int(tx["cds_start"])), min(e, int(tx["cds_end"]))
        if s < e:
            seq = fasta.fetch(contig, int(s), int(e)).upper()
            parts.append(seq if tx["strand"] == "+" else revcomp(seq))
    return "".join(parts)


def fused_sequences(ann: Annotation, fasta: pysam.FastaFile, row: dict) -> dict:
    """``junction_sequence`` and ``peptide_sequence`` of one candidate row (None when the exons,
    a transcript model or a contig is missing)."""
    none = {"junction_sequence": None, "peptide_sequence": None, "reading_frame": None}
    gene5, gene3, exon5, exon3 = row["gene5"], row["gene3"], row.get("exon5"), row.get("exon3")
    if exon5 is None or exon3 is None or exon5 != exon5 or exon3 != exon3:
        return none
    contigs = ContigNames(tuple(fasta.references))
    try:
        five = transcript_bases(ann, fasta, contigs, gene5, 1, int(exon5), coding=False)
        three = transcript_bases(ann, fasta, contigs, gene3, int(exon3), None, coding=False)
        out = {"junction_sequence": f"{five[-FLANK_NT:]}|{three[:FLANK_NT]}", "peptide_sequence": None,
               "reading_frame": None}  # fmt: skip
        if int(ann.exon(gene5, int(exon5))["end_phase"]) < 0:
            return out  # the 5' exon ends outside the coding sequence (or the transcript is non-coding)
        cds5 = transcript_bases(ann, fasta, contigs, gene5, 1, int(exon5), coding=True)
        cds3 = transcript_bases(ann, fasta, contigs, gene3, int(exon3), None, coding=True)
    except KeyError:
        return none
    partial = len(cds5) % 3  # bases of the codon that spans the junction, from the 5' side
    kept = cds5[: len(cds5) - partial]
    after = translate(cds5[len(kept) :] + three[: 3 * FLANK_AA + 3 - partial])
    out["peptide_sequence"] = translate(kept[-3 * FLANK_AA :]) + "|" + (after.lower() if row.get("in_frame") is False
                                                                          else after)  # fmt: skip
    out["reading_frame"] = reading_frame(kept + cds5[len(kept) :] + cds3, row.get("in_frame"))
    return out


def reading_frame(fused_cds: str, in_frame: bool | None) -> str | None:
    """``in-frame``, ``out-of-frame`` or ``stop-codon`` (a stop before the fused sequence's last
    codon, which is the 3' partner's own stop)."""
    if in_frame is None:
        return None
    if not in_frame:
        return OUT_OF_FRAME
    return STOP_CODON if "*" in translate(fused_cds)[:-1] else IN_FRAME


IN_FRAME, OUT_OF_FRAME, STOP_CODON = "in-frame", "out-of-frame", "stop-codon"


def add_fused_sequences(rows: list[dict], ann: Annotation, reference: str | None) -> None:
    """Add ``junction_sequence``, ``peptide_sequence`` and ``reading_frame`` to each candidate row
    (None without a reference)."""
    if not reference:
        for row in rows:
            row |= {"junction_sequence": None, "peptide_sequence": None, "reading_frame": None}
        return
    with pysam.FastaFile(reference) as fasta:
        for row in rows:
            row |= fused_sequences(ann, fasta, row)
