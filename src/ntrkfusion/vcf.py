"""The fusions as VCF: each candidate with both breakpoints a pair of breakend (BND) records.

VCF 4.3 section 5.4: a breakend's ALT says where its mate joins and which way.  With this
side's base ``t`` and the mate at ``chr:pos``:

  this side keeps   mate keeps        ALT
  left (downstream) right (upstream)  t[chr:pos[
  left              left              t]chr:pos]
  right             left              ]chr:pos]t
  right             right             [chr:pos[t

(``left`` = the bases up to the breakpoint; Arriba's ``downstream``.)  ``FILTER`` is PASS or
the candidate's filters, each declared in the header with its meaning; ``INFO`` carries the
genes, transcripts, exons, frame, kinase domain, counts and the VICC name; ``FORMAT`` the
sample's split-read (SR) and pair (PR) molecules, as Manta writes them, and all molecules (MOL).
Candidates with an imprecise side (pairs only, partner unknown) stay in the TSV only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pysam

from . import __version__
from .calling.describe import DOWNSTREAM
from .calling.filters import FILTERS, parse
from .genome import ContigNames, canonical_contig
from .io import atomic_file

INFO = [
    ("SVTYPE", "1", "String", "Type of structural variant: BND"),
    ("MATEID", "1", "String", "ID of the mate breakend"),
    ("EVENT", "1", "String", "ID of the fusion candidate both breakends belong to"),
    ("FUSION", "1", "String", "5' gene::3' gene"),
    ("SIDE", "1", "String", "5 or 3: this breakend's partner in the fused transcript"),
    ("GENE", "1", "String", "Gene at this breakend"),
    ("TRANSCRIPT", "1", "String", "Transcript at this breakend (MANE Select or the annotation's choice)"),
    ("EXON", "1", "Integer", "Last kept exon of the 5' partner, or first kept exon of the 3' partner"),
    ("SV_KIND", "1", "String", "translocation, deletion, duplication or inversion"),
    ("IN_FRAME", "1", "String", "The join keeps the reading frame: true, false or unknown"),
    ("KINASE_DOMAIN_RETAINED", "1", "String", "The NTRK kinase domain is kept: true, false or unknown"),
    ("KNOWN_PARTNER", "0", "Flag", "The partner pair is in the curated list of reported NTRK fusions"),
    ("CLASS", "1", "String", "The candidate's bearing on the sample result (qualifying, subthreshold, ...)"),
    ("CONFIDENCE", "1", "String", "high, medium or low"),
    ("BREAKPOINT_TYPE", "1", "String", "exon_boundary, not_at_exon_boundary or genomic"),
    ("VICC", "1", "String", "VICC nomenclature of the fusion"),
    ("ASSAY", "1", "String", "rna, dna or cfdna"),
]
FORMAT = [
    ("SR", "1", "Integer", "Molecules with a read across the junction (split, gapped, clipped or placed)"),
    ("PR", "1", "Integer", "Molecules with only a read pair across the junction"),
    ("MOL", "1", "Integer", "Supporting molecules (SR + PR)"),
    ("READS", "1", "Integer", "Supporting fragments, PCR copies included"),
]


def header(samples: list[str], contigs: dict[str, int | None], build: str) -> pysam.VariantHeader:
    h = pysam.VariantHeader()
    h.add_line(f"##source=ntrkfusion {__version__}")
    h.add_line(f"##reference={build}")
    for name, length in contigs.items():
        if length:
            h.contigs.add(name, length=length)
        else:
            h.contigs.add(name)
    h.add_meta("ALT", items=[("ID", "BND"), ("Description", "Breakend")])
    for f in FILTERS.values():
        h.filters.add(f.name, None, None, f.words)
    for key, number, kind, text in INFO:
        h.info.add(key, number, kind, text)
    for key, number, kind, text in FORMAT:
        h.formats.add(key, number, kind, text)
    for sample in samples:
        h.add_sample(sample)
    return h


def alt(base: str, keeps_left: bool, mate_chrom: str, mate_pos: int, mate_keeps_left: bool) -> str:
    """The BND ALT of a breakend (table in the module docstring)."""
    bracket = "]" if mate_keeps_left else "["
    mate = f"{bracket}{mate_chrom}:{mate_pos}{bracket}"
    return f"{base}{mate}" if keeps_left else f"{mate}{base}"


def _text(value) -> str:
    return "unknown" if value is None or pd.isna(value) else str(bool(value)).lower()


class Bases:
    """The reference base at a position, whatever the FASTA's contig naming; N without one."""

    def __init__(self, reference: str | None):
        self.fasta = pysam.FastaFile(reference) if reference else None
        self.names = ContigNames(tuple(self.fasta.references)) if self.fasta else None

    def __call__(self, chrom: str, pos: int) -> str:
        name = self.names.to_bam(canonical_contig(chrom)) if self.fasta else None
        return (self.fasta.fetch(name, pos - 1, pos).upper() or "N") if name else "N"

    def close(self) -> None:
        if self.fasta is not None:
            self.fasta.close()


def records(fusions: pd.DataFrame, sample: str, base=lambda chrom, pos: "N", rename=lambda chrom: chrom):
    """(chrom, pos, id, ref, alt, filters, info, format) of each breakend, per precise candidate;
    ``rename`` gives the contig name to write (the cohort file's canonical names)."""
    for row in fusions.itertuples():
        if pd.isna(row.pos5) or pd.isna(row.pos3) or row.direction5 is None or row.direction3 is None:
            continue
        event = f"{sample}_{row.candidate}"
        sides = {"5": (rename(row.chrom5), int(row.pos5), row.direction5 == DOWNSTREAM, row.gene5, row.transcript5,
                       row.exon5),
                 "3": (rename(row.chrom3), int(row.pos3), row.direction3 == DOWNSTREAM, row.gene3, row.transcript3,
                       row.exon3)}  # fmt: skip
        filters = [f.name for f in parse(row.filters)] or ["PASS"]
        shared = dict(SVTYPE="BND", EVENT=event, FUSION=row.fusion, SV_KIND=row.sv_type, IN_FRAME=_text(row.in_frame),
                      KINASE_DOMAIN_RETAINED=_text(row.kinase_domain_retained), CLASS=row.classification,
                      CONFIDENCE=row.confidence, BREAKPOINT_TYPE=row.breakpoint_type, VICC=row.vicc_name,
                      ASSAY=row.assay)  # fmt: skip
        sample_values = dict(SR=int(row.split_reads), PR=int(row.discordant_pairs), MOL=int(row.supporting_fragments),
                             READS=int(row.supporting_reads))  # fmt: skip
        for side, mate in (("5", "3"), ("3", "5")):
            chrom, pos, left, gene, transcript, exon = sides[side]
            m_chrom, m_pos, m_left = sides[mate][:3]
            ref = base(chrom, pos)
            info = dict(shared, MATEID=f"{event}_{mate}", SIDE=side, GENE=gene)
            if transcript is not None and not pd.isna(transcript):
                info["TRANSCRIPT"] = transcript
            if exon is not None and not pd.isna(exon):
                info["EXON"] = int(exon)
            if bool(row.known_partner):
                info["KNOWN_PARTNER"] = True
            yield (chrom, pos, f"{event}_{side}", ref, alt(ref, left, m_chrom, m_pos, m_left), filters, info,
                   {sample: sample_values})  # fmt: skip


def write_vcf(fusions: pd.DataFrame, sample: str, contigs: dict[str, int], build: str, out: str | Path,
              reference: str | None = None) -> int:  # fmt: skip
    """One sample's ``out`` (.vcf.gz, bgzipped and tabix-indexed), complete or absent, in the
    BAM's contig names; the number of records."""
    bases = Bases(reference)
    try:
        rows = list(records(fusions, sample, bases))
    finally:
        bases.close()
    return _write(rows, [sample], contigs, build, out)


def write_cohort_vcf(tables: dict[str, pd.DataFrame], build: str, out: str | Path,
                     lengths: dict[str, int] | None = None) -> int:  # fmt: skip
    """Every sample's breakends in one file (a column per sample, values only in the sample
    that has the record), contigs in the chr-prefixed names whatever each BAM used."""
    rows = [r for sample, frame in sorted(tables.items()) for r in records(frame, sample, rename=canonical_contig)]
    used = {r[0] for r in rows}  # a mate's contig is its own record's
    contigs = {c: (lengths or {}).get(c) for c in sorted(set(lengths or {}) | used, key=_contig_key)}
    return _write(rows, sorted(tables), contigs, build, out)


def _contig_key(name: str):
    bare = name.removeprefix("chr")
    return (0, int(bare), "") if bare.isdigit() else (1, 0, bare)


def _write(rows: list, samples: list[str], contigs: dict[str, int | None], build: str, out: str | Path) -> int:
    # a partner named from the reference may lie on a contig the BAM's header lacks (a BAM
    # filtered to some contigs): declared too, without a length
    contigs = {**contigs, **{r[0]: None for r in rows if r[0] not in contigs}}
    h = header(samples, contigs, build)
    order = {name: i for i, name in enumerate(contigs)}
    rows = sorted(rows, key=lambda r: (order.get(r[0], len(order)), r[1], r[2]))
    with atomic_file(out, companions=(".tbi",)) as tmp:
        with pysam.VariantFile(str(tmp), "wz", header=h) as vcf:
            for chrom, pos, ident, ref, alt_, filters, info, values in rows:
                rec = vcf.new_record(contig=chrom, start=pos - 1, alleles=(ref, alt_), id=ident, filter=filters,
                                     info=info)  # fmt: skip
                for sample, fields in values.items():
                    for key, value in fields.items():
                        rec.samples[sample][key] = value
                vcf.write(rec)
        pysam.tabix_index(str(tmp), preset="vcf", force=True)
    return len(rows)
