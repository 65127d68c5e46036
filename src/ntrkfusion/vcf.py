"""The fusions as VCF (4.2): each precise candidate a pair of mated breakend (BND) records.

VCF 4.2 section 5.4: a breakend's ALT says where its mate joins and which way.  With this
side's base ``t`` and the mate at ``chr:pos``:

  this side keeps   mate keeps        ALT
  left (downstream) right (upstream)  t[chr:pos[
  left              left              t]chr:pos]
  right             left              ]chr:pos]t
  right             right             [chr:pos[t

(``left`` = the bases up to the breakpoint; Arriba's ``downstream``.)

One writer for one sample's file and for a cohort's (one column per sample): a *site* (both
breakends and their directions) is one pair of records whatever the number of samples carrying
it, so that ``bcftools merge`` of two files joins the same site.  ``INFO`` holds what belongs to
the site (genes, transcripts, exons, frame, kinase domain, the VICC name, the microhomology:
``HOMLEN``/``HOMSEQ``/``CIPOS`` as Manta writes them, the breakend at the leftmost position the
homology allows); ``FORMAT`` what belongs to a sample: ``FT`` (PASS or its filters), ``CLASS``,
``CONF`` and the supporting molecules by kind (a tested sample without support has 0).
``FILTER`` is PASS when the candidate passes in any sample, else its filters.  Candidates with an
imprecise side (pairs only, partner unknown) stay in the TSV only.

Contigs are named as the samples' BAMs name them (the fusions table holds those names); a cohort
file whose BAMs name them differently (``1`` and ``chr1``) uses the chr-prefixed names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    ("EVENT", "1", "String", "ID of the fusion both breakends belong to"),
    ("FUSION", "1", "String", "5' gene::3' gene"),
    ("SIDE", "1", "String", "5 or 3: this breakend's partner in the fused transcript"),
    ("GENE", "1", "String", "Gene at this breakend"),
    ("TRANSCRIPT", "1", "String", "Transcript at this breakend (MANE Select or the annotation's choice)"),
    ("EXON", "1", "Integer", "Last kept exon of the 5' partner, or first kept exon of the 3' partner"),
    ("SV_KIND", "1", "String", "translocation, deletion, duplication or inversion"),
    ("IN_FRAME", "1", "String", "The join keeps the reading frame: true, false or unknown"),
    ("KINASE_DOMAIN_RETAINED", "1", "String", "The NTRK kinase domain is kept: true, false or unknown"),
    ("KNOWN_PARTNER", "0", "Flag", "The partner pair is in the curated list of reported NTRK fusions"),
    ("BREAKPOINT_TYPE", "1", "String", "exon_boundary, not_at_exon_boundary or genomic"),
    ("VICC", "1", "String", "VICC nomenclature of the fusion"),
    ("HOMLEN", "1", "Integer", "Length of base pair identical micro-homology at the breakpoints"),
    ("HOMSEQ", "1", "String", "Sequence of base pair identical micro-homology at the breakpoints (reference strand)"),
    ("CIPOS", "2", "Integer", "Confidence interval around POS: the positions the micro-homology allows"),
]
FORMAT = [
    ("FT", "1", "String", "PASS, or the filters the candidate fails in this sample (semicolon-separated)"),
    ("CLASS", "1", "String", "The candidate's bearing on this sample's result (qualifying, subthreshold, ...)"),
    ("CONF", "1", "String", "Confidence in this sample: high, medium or low"),
    ("JMOL", "1", "Integer", "Molecules with a read across the junction (split, gapped, clipped or placed)"),
    ("PMOL", "1", "Integer", "Molecules with only a read pair across the junction"),
    ("MOL", "1", "Integer", "Supporting molecules (JMOL + PMOL)"),
    ("FRAG", "1", "Integer", "Supporting fragments, PCR copies included"),
]
ZERO = dict(JMOL=0, PMOL=0, MOL=0, FRAG=0)  # a sample tested without support at a site


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
    """Reference bases, whatever the FASTA's contig naming; N without one."""

    def __init__(self, reference: str | None):
        self.fasta = pysam.FastaFile(reference) if reference else None
        self.names = ContigNames(tuple(self.fasta.references)) if self.fasta else None

    def __call__(self, chrom: str, pos: int, n: int = 1) -> str | None:
        """``n`` bases from 1-based ``pos``; N (one base) or None (several) without a reference."""
        name = self.names.to_bam(canonical_contig(chrom)) if self.fasta else None
        if name is None:
            return "N" if n == 1 else None
        return self.fasta.fetch(name, pos - 1, pos - 1 + n).upper() or ("N" if n == 1 else None)

    def close(self) -> None:
        if self.fasta is not None:
            self.fasta.close()


@dataclass
class Site:
    """A precise candidate's two breakends, and each sample's support of it."""

    event: str
    row: object  # the first sample's fusions-table row (the site's annotation)
    sides: dict  # "5"/"3" -> (chrom, pos, keeps_left, gene, transcript, exon)
    homology: int
    samples: dict = field(default_factory=dict)  # sample -> FORMAT values


def _sides(row, rename) -> dict:
    return {s: (rename(getattr(row, f"chrom{s}")), int(getattr(row, f"pos{s}")),
                getattr(row, f"direction{s}") == DOWNSTREAM, getattr(row, f"gene{s}"), getattr(row, f"transcript{s}"),
                getattr(row, f"exon{s}")) for s in ("5", "3")}  # fmt: skip


def sites(tables: dict[str, pd.DataFrame], rename=lambda chrom: chrom) -> list[Site]:
    """The precise candidates of every sample, one Site per pair of breakends."""
    found: dict[str, Site] = {}
    for sample, frame in sorted(tables.items()):
        for row in frame.itertuples():
            if pd.isna(row.pos5) or pd.isna(row.pos3) or not isinstance(row.direction5, str) or not isinstance(
                row.direction3, str
            ):
                continue
            sides = _sides(row, rename)
            (c5, p5, l5, *_), (c3, p3, l3, *_) = sides["5"], sides["3"]
            event = f"{c5}_{p5}{'d' if l5 else 'u'}_{c3}_{p3}{'d' if l3 else 'u'}"
            h = 0 if pd.isna(row.homology_length) else int(row.homology_length)
            site = found.setdefault(event, Site(event, row, sides, h))
            ft = ";".join(f.name for f in parse(row.filters)) or "PASS"
            site.samples[sample] = dict(FT=ft, CLASS=row.classification, CONF=row.confidence,
                                        JMOL=int(row.split_reads), PMOL=int(row.discordant_pairs),
                                        MOL=int(row.supporting_fragments), FRAG=int(row.supporting_reads))  # fmt: skip
    return [found[k] for k in sorted(found)]


def _leftmost(pos: int, keeps_left: bool, role: str, homology: int) -> int:
    """The leftmost position a breakend may take within the homology (the table gives the
    homology to the 3' partner: a 5' side may grow by it, a 3' side shrink by it)."""
    grows = 1 if keeps_left else -1  # direction in which a side takes on more bases
    step = grows if role == "5" else -grows
    return min(pos, pos + step * homology)


def records(site: Site, samples: list[str], base: Bases):
    """(chrom, pos, id, ref, alt, filters, info, per-sample values) of the site's two breakends."""
    row, h = site.row, site.homology
    shown = [s for s in samples if s in site.samples]
    passing = [v["FT"] for v in site.samples.values() if v["FT"] == "PASS"]
    failing = sorted({f for v in site.samples.values() for f in v["FT"].split(";") if f != "PASS"},
                     key=list(FILTERS).index)  # fmt: skip
    filters = ["PASS"] if passing else failing
    shared = dict(SVTYPE="BND", EVENT=site.event, FUSION=row.fusion, SV_KIND=row.sv_type, IN_FRAME=_text(row.in_frame),
                  KINASE_DOMAIN_RETAINED=_text(row.kinase_domain_retained), BREAKPOINT_TYPE=row.breakpoint_type,
                  VICC=row.vicc_name)  # fmt: skip
    place = {s: (site.sides[s][0], _leftmost(site.sides[s][1], site.sides[s][2], s, h)) for s in ("5", "3")}
    for side, mate in (("5", "3"), ("3", "5")):
        chrom, _, left, gene, transcript, exon = site.sides[side]
        pos = place[side][1]
        ref = base(chrom, pos)
        info = dict(shared, MATEID=f"{site.event}_{mate}", SIDE=side, GENE=gene)
        if isinstance(transcript, str):
            info["TRANSCRIPT"] = transcript
        if exon is not None and not pd.isna(exon):
            info["EXON"] = int(exon)
        if bool(row.known_partner):
            info["KNOWN_PARTNER"] = True
        if h:
            info |= dict(HOMLEN=h, CIPOS=(0, h))
            seq = base(chrom, pos + 1 if left else pos, h)
            if seq:
                info["HOMSEQ"] = seq
        values = {s: site.samples.get(s, ZERO) for s in samples}
        yield (chrom, pos, f"{site.event}_{side}", ref, alt(ref, left, *place[mate], site.sides[mate][2]), filters,
               info, values, shown)  # fmt: skip


def write_vcf(fusions: pd.DataFrame, sample: str, contigs: dict[str, int], build: str, out: str | Path,
              reference: str | None = None) -> int:  # fmt: skip
    """One sample's ``out`` (.vcf.gz, bgzipped and tabix-indexed), complete or absent, in the
    BAM's contig names (``contigs``: its header); the number of records."""
    return write_cohort_vcf({sample: fusions}, build, out, contigs, reference)


def write_cohort_vcf(tables: dict[str, pd.DataFrame], build: str, out: str | Path,
                     lengths: dict[str, int] | None = None, reference: str | None = None) -> int:  # fmt: skip
    """Every sample's breakends in one file, a column per sample (``lengths``: contig lengths of
    the build, in any naming)."""
    names = {c for f in tables.values() for c in (*f["chrom5"].dropna(), *f["chrom3"].dropna())}
    mixed = len({canonical_contig(c) == c for c in names}) > 1  # `1` and `chr1` in one cohort
    rename = canonical_contig if mixed else (lambda chrom: chrom)
    bases = Bases(reference)
    try:
        rows = [r for site in sites(tables, rename) for r in records(site, sorted(tables), bases)]
    finally:
        bases.close()
    contigs = {rename(c): n for c, n in (lengths or {}).items()}
    if names and lengths and not mixed and all(canonical_contig(c) != c for c in names):
        contigs = {_bare(c): n for c, n in lengths.items()}  # a build's lengths given chr-named
    return _write(rows, sorted(tables), contigs, build, out)


def _bare(name: str) -> str:
    bare = name[3:] if name.startswith("chr") else name
    return "MT" if bare == "M" else bare


def _write(rows: list, samples: list[str], contigs: dict[str, int | None], build: str, out: str | Path) -> int:
    # a partner named from the reference may lie on a contig the BAM's header lacks (a BAM
    # filtered to some contigs): declared too, without a length
    contigs = {**contigs, **{r[0]: None for r in rows if r[0] not in contigs}}
    h = header(samples, contigs, build)
    order = {name: i for i, name in enumerate(contigs)}
    rows = sorted(rows, key=lambda r: (order.get(r[0], len(order)), r[1], r[2]))
    with atomic_file(out, companions=(".tbi",)) as tmp:
        with pysam.VariantFile(str(tmp), "wz", header=h) as vcf:
            for chrom, pos, ident, ref, alt_, filters, info, values, _ in rows:
                rec = vcf.new_record(contig=chrom, start=pos - 1, alleles=(ref, alt_), id=ident, filter=filters,
                                     info=info)  # fmt: skip
                for sample, fields in values.items():
                    for key, value in fields.items():
                        rec.samples[sample][key] = value
                vcf.write(rec)
        pysam.tabix_index(str(tmp), preset="vcf", force=True)
    return len(rows)
