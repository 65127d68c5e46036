"""Simulate one case: locus genome -> molecules -> reads -> aligner -> GRCh38 BAM + truth TSV."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..aligners import BWA, HISAT2, MINIMAP2_LONG_RNA, STAR_CHIMERIC, STAR_PLAIN
from ..annotation import Annotation, load_annotation
from ..io import locked
from ..vocabulary import CFDNA, NTRK_GENES, RNA
from . import align
from .anchored import anchored_fragments
from .cases import CFDNA_BAITED_EXONS, GENOME_GENES, HOUSEKEEPING, PANEL_BAITED_INTRONS, Case
from .lift import lift_bam
from .long_reads import PROFILES, long_read_library, long_tally, write_long_fastq
from .locus_genome import LocusGenome
from .molecules import (Molecule, TemplateSwitch, derivative, fused_transcript, intronic_breakpoint, pre_mrna,
                        template_switch, transcript)  # fmt: skip
from .reads import (Fragment, JunctionTally, LibraryModel, add_duplicates, chimeras, sample_fragments, tally,
                    umi_families, write_fastq)  # fmt: skip

TRUTH_COLUMNS = [
    "sample", "assay", "gene5", "gene3", "exon5", "exon3", "breakpoint5", "breakpoint3", "in_frame",
    "kinase_domain_retained", "tumour_content", "dv200", "fusion_fragments", "split_fragments",
    "spanning_fragments", "duplicate_fragments", "expected_result", "expected_qc_flags", "aligner", "description",
]  # fmt: skip
TRUTH_TYPES = {
    "exon5": "Int64", "exon3": "Int64", "in_frame": "boolean", "kinase_domain_retained": "boolean",
    "tumour_content": "Float64", "dv200": "Float64", "fusion_fragments": "Int64", "split_fragments": "Int64",
    "spanning_fragments": "Int64", "duplicate_fragments": "Int64",
}  # fmt: skip
DNA_FLANK = 3000


@dataclass
class Simulated:
    bam: Path
    truth: pd.DataFrame
    panel_bed: Path | None


def default_cache() -> Path:
    return Path(os.environ.get("NTRKFUSION_CACHE", Path.home() / ".cache" / "ntrkfusion"))


def simulate(case: Case, out_dir: Path, cache: Path | None = None) -> Simulated:
    """Write ``<out_dir>/<case>.bam`` (+ .bai) and, for DNA, the bait BED; return them and the truth."""
    out_dir = Path(out_dir).resolve()
    ann = load_annotation("GRCh38")
    genes = sorted(set(GENOME_GENES) | {g for g in (case.gene5, case.gene3) if g})
    genome = LocusGenome(ann, genes)
    # absolute: the aligners run in folders of their own
    cache = (Path(cache or default_cache()) / f"locus-{genome.key}").resolve()
    cache.mkdir(parents=True, exist_ok=True)
    fasta = cache / "locus.fa"
    with locked(cache / "locus.lock"):  # several simulations may share one cache
        if not fasta.is_file():
            genome.write_fasta(fasta.with_suffix(".tmp"))
            os.replace(fasta.with_suffix(".tmp"), fasta)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = out_dir / f".{case.name}.work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    rng = np.random.default_rng(case.seed)
    lib = LibraryModel(case.read_length, case.fragment_mean, case.fragment_sd, min(60, case.read_length),
                       case.three_prime_bias, case.error_rate, case.duplicate_rate)  # fmt: skip
    bed, switch = None, _switch(case, genome, ann)  # a template-switching chimera, made once
    if case.library_name == "long_read":
        fastq, tally_ = _long_reads(case, genome, ann, rng, switch, work)
        aligned, aligner = _align_long(case, genome, fasta, cache, fastq, work)
    else:
        r1, r2, tally_, bed = _short_reads(case, genome, ann, lib, rng, switch, out_dir, work)
        aligned, aligner = _align(case, genome, fasta, cache, r1, r2, work)
    bam = lift_bam(aligned, out_dir / f"{case.name}.bam", case.name, case.mapq_cap)
    truth = truth_table(case, ann, tally_, aligner, switch)
    shutil.rmtree(work)
    return Simulated(bam, truth, bed)


def _short_reads(case: Case, genome, ann: Annotation, lib, rng, switch, out_dir: Path, work: Path):
    """Fragments -> duplicates / UMI families -> read pairs: (r1, r2, junction tally, bait BED or None)."""
    bed = None
    if case.library_name == "anchored_pcr":
        frags = _anchored_fragments(case, genome, ann, lib, rng)
    elif case.assay == RNA:
        frags = _rna_fragments(case, genome, ann, lib, rng, switch)
    else:
        bed = out_dir / f"{case.name}.panel.bed"
        frags = _dna_fragments(case, genome, ann, lib, rng, bed)
    tally_ = tally([f for f in frags if f.name.startswith(("FUS", "DER"))], lib.read_length)
    frags = add_duplicates(frags, case.duplicate_rate, rng)
    if case.umi != "none" or case.copies > 1:
        frags = umi_families(frags, case.copies, case.umi != "none", case.umi_error_rate, rng)
    tally_.duplicates = tally([f for f in frags if f.name.startswith(("FUS", "DER"))], lib.read_length).duplicates
    r1, r2 = work / "r1.fq", work / "r2.fq"
    # anchored PCR: read 2 starts at the gene-specific primer, read 1 at the ligated adapter
    write_fastq(frags, lib, rng, r1, r2, stranded=case.library_name == "anchored_pcr", umi=case.umi)
    return r1, r2, tally_, bed


def _long_reads(case: Case, genome, ann: Annotation, rng, switch: TemplateSwitch | None, work: Path):
    """One read per cDNA molecule (long_reads.py): (FASTQ, junction tally of the fusion reads)."""
    templates = long_read_library(case, genome, ann, _weights(case), _fusion_share(case), switch, rng)
    tally_ = long_tally([t for t in templates if t.name.startswith("FUS")])
    fastq = work / "reads.fq"
    write_long_fastq(templates, PROFILES[case.platform], rng, fastq)
    return fastq, tally_


def _fusion_share(case: Case) -> float:
    """The fraction of cells with the fusion: all for a normal read-through or a library artefact."""
    artefact = case.readthrough or case.template_switch  # made in every cell, not the tumour's
    return 1.0 if artefact or case.tumour_content is None else case.tumour_content / 100


def _weights(case: Case) -> dict[str, float]:
    """Expression weight of each gene of the library: housekeeping 10, NTRK ntrk_expression, partners 3."""
    weights = {g: 10.0 for g in HOUSEKEEPING} | {g: case.ntrk_expression for g in NTRK_GENES}
    for g in (case.gene5, case.gene3):
        if g and g not in weights:
            weights[g] = 3.0
    return weights


def _align(case: Case, genome, fasta: Path, cache: Path, r1: Path, r2: Path, work: Path) -> tuple[Path, str]:
    """The aligned reads (locus coordinates) and the aligner's name as ``aligners.py`` gives it."""
    if case.aligner_name == "bwa":
        with locked(cache / "bwa.lock"):
            index = align.bwa_index(fasta)
        aligned = align.bwa_align(index, r1, r2, work / "bwa", case.name, comments=case.umi == "RX")
        return aligned, BWA.name
    gtf = _gtf(genome, cache)
    if case.aligner_name == "hisat2":
        sites = align.splice_sites(gtf, work / "splice_sites.txt")
        with locked(cache / "hisat2.lock"):
            prefix = align.hisat2_index(fasta, cache / "hisat2")
        return align.hisat2_align(prefix, sites, r1, r2, work / "hisat2", case.name), HISAT2.name
    length = sum(len(s) for s in genome.segments)
    with locked(cache / f"star-{case.read_length}.lock"):
        index = align.star_index(fasta, gtf, cache / f"star-{case.read_length}", length, case.read_length)
    aligned = align.star_align(index, r1, r2, work / "star", case.star_mode)
    return aligned, (STAR_CHIMERIC if case.star_mode == "chimeric" else STAR_PLAIN).name


def _gtf(genome, cache: Path) -> Path:
    gtf = cache / "locus.gtf"
    with locked(cache / "locus.lock"):
        if not gtf.is_file():
            genome.write_gtf(gtf.with_suffix(".tmp"))
            os.replace(gtf.with_suffix(".tmp"), gtf)
    return gtf


def _align_long(case: Case, genome, fasta: Path, cache: Path, fastq: Path, work: Path) -> tuple[Path, str]:
    """minimap2 -ax splice (ONT) or splice:hq (HiFi), with the annotated introns when it takes them."""
    junctions = align.junction_bed(_gtf(genome, cache), work / "junctions.bed")
    if not align.minimap2_accepts("--junc-bed", junctions):
        junctions = None
    preset = PROFILES[case.platform].preset
    return align.minimap2_align(fasta, fastq, work / "minimap2", case.name, preset, junctions), MINIMAP2_LONG_RNA.name


def _anchored_fragments(case: Case, genome, ann: Annotation, lib, rng) -> list[Fragment]:
    """Primed molecules, genomic DNA primed by chance, and chimeras (anchored.py)."""
    frags = anchored_fragments(case, genome, ann, lib, HOUSEKEEPING, rng)
    frags += _genomic(genome, int(round(len(frags) * case.genomic_background)), lib, rng, "GEN")
    return frags + chimeras(frags, int(round(len(frags) * case.chimera_rate)), lib, rng)


def _rna_fragments(case: Case, genome, ann: Annotation, lib, rng, switch: TemplateSwitch | None) -> list[Fragment]:
    weights = _weights(case)
    total = sum(weights.values())
    frags = []
    for gene, w in sorted(weights.items()):
        mol = Molecule(gene, transcript(genome, ann, gene) + "A" * case.poly_a)
        frags += sample_fragments(mol, int(round(case.background_pairs * w / total)), lib, rng, f"WT-{gene}")
    if case.has_fusion:
        share = _fusion_share(case)
        fused = switch.molecule if switch else fused_transcript(genome, ann, case.gene5, case.exon5, case.gene3,
                                                                case.exon3)  # fmt: skip
        fused = replace(fused, seq=fused.seq + "A" * case.poly_a)
        # fusion_expression counts junction fragments: a fragment contains the junction
        # with probability about fragment_mean / transcript length
        n = case.fusion_expression * share * len(fused.seq) / case.fragment_mean
        frags += sample_fragments(fused, int(round(n)), lib, rng, "FUS")
    return frags + _rna_background(case, genome, ann, weights, frags, lib, rng)


def _switch(case: Case, genome, ann: Annotation) -> TemplateSwitch | None:
    """The case's template-switching chimera (None: a fusion at exon boundaries, or none)."""
    if not (case.has_fusion and case.template_switch):
        return None
    return template_switch(genome, ann, case.gene5, case.exon5, case.gene3, case.exon3, case.template_switch)


def _rna_background(case: Case, genome, ann: Annotation, weights: dict, frags, lib, rng) -> list[Fragment]:
    """Unspliced pre-mRNA of the expressed genes (mostly intronic reads), genomic DNA from
    anywhere in the locus genome, and chimeric fragments from reverse-transcriptase template
    switching, as fractions of the library."""
    out = []
    total = sum(weights.values())
    for gene, w in sorted(weights.items()):
        n = int(round(len(frags) * case.pre_mrna * w / total))
        out += sample_fragments(pre_mrna(genome, ann, gene), n, lib, rng, f"PRE-{gene}")
    out += _genomic(genome, int(round(len(frags) * case.genomic_background)), lib, rng, "GEN")
    return out + chimeras(frags + out, int(round(len(frags) * case.chimera_rate)), lib, rng)


def _genomic(genome, n: int, lib, rng, label: str) -> list[Fragment]:
    """``n`` fragments from anywhere in the locus genome (each segment by its length)."""
    lengths = np.array([len(s) for s in genome.segments], dtype=float)
    counts = rng.multinomial(n, lengths / lengths.sum()) if n else np.zeros(len(lengths), dtype=int)
    out = []
    for seg, k in zip(genome.segments, counts):
        if k:
            mol = Molecule(seg.name, genome.sequences[seg.name])
            out += sample_fragments(mol, int(k), lib, rng, f"{label}-{seg.name}")
    return out


def dna_breakpoints(case: Case, ann: Annotation) -> tuple[int, int]:
    bp5 = intronic_breakpoint(ann, case.gene5, case.exon5, case.intron5_fraction, "5")
    bp3 = intronic_breakpoint(ann, case.gene3, case.exon3 - 1, case.intron3_fraction, "3")
    return bp5, bp3


def panel_baits(ann: Annotation, exons_baited: dict | None = None) -> list[tuple[str, int, int]]:
    """The default panel: NTRK exons +-20 bp and a few whole NTRK1 introns (0-based);
    ``exons_baited``: the genes and exons of a smaller panel (``CFDNA_BAITED_EXONS``)."""
    baits = []
    for gene in NTRK_GENES:
        if exons_baited is not None and gene not in exons_baited:
            continue
        exons = ann.exons(gene).set_index("exon_number")
        if exons_baited is not None:
            exons = exons[exons.index.isin(list(exons_baited[gene]))]
        baits += [(e["chrom"], int(e["start"]) - 20, int(e["end"]) + 20) for _, e in exons.iterrows()]
        chrom = exons["chrom"].iat[0]
        baits += [(chrom, lo, hi) for n, lo, hi in ann.introns(gene) if n in PANEL_BAITED_INTRONS.get(gene, [])]
    return _merge(baits)


def _merge(intervals):
    merged = []
    for chrom, s, e in sorted(intervals):
        if merged and merged[-1][0] == chrom and s <= merged[-1][2]:
            merged[-1] = (chrom, merged[-1][1], max(merged[-1][2], e))
        else:
            merged.append((chrom, s, e))
    return merged


def _dna_fragments(case: Case, genome, ann: Annotation, lib, rng, bed: Path) -> list[Fragment]:
    """Captured fragments: normal molecules over each bait, and rearranged molecules (allele
    fraction purity / 2) kept when they overlap a bait."""
    baits = panel_baits(ann, CFDNA_BAITED_EXONS if case.assay == CFDNA else None)
    bed.write_text("".join(f"{c}\t{s}\t{e}\n" for c, s, e in baits))
    purity = (case.tumour_content or 0) / 100
    rearranged = [ann.transcript(g) for g in (case.gene5, case.gene3) if g] if case.has_fusion else []
    pad = int(lib.fragment_mean)
    frags: list[Fragment] = []
    for k, (chrom, start, end) in enumerate(baits):
        region = Molecule(f"{chrom}:{start}", genome.fetch(chrom, start - pad, end + pad))
        # in the rearranged genes, purity / 2 of the molecules are the derivative chromosome
        inside = any(t["chrom"] == chrom and t["tx_start"] <= end and start <= t["tx_end"] for t in rearranged)
        normal_share = 1 - purity / 2 if inside else 1
        # fragments start anywhere in the padded window; each read pair adds 2 x read_length
        # bases, so this many give ``depth`` over the bait (small exon baits included)
        n = int(round(case.depth * (end - start + 2 * pad) / (2 * lib.read_length) * normal_share))
        for f in sample_fragments(region, n, lib, rng, f"DNA{k}"):
            if f.start < end - start + pad and f.start + len(f.seq) > pad:  # overlaps the bait
                frags.append(f)
    if case.has_fusion:
        bp5, bp3 = dna_breakpoints(case, ann)
        der = derivative(genome, ann, case.gene5, bp5, case.gene3, bp3, DNA_FLANK)
        n = int(round(case.depth * len(der.seq) / (2 * lib.read_length) * purity / 2))
        frags += [f for f in sample_fragments(der, n, lib, rng, "DER") if _captured(der, f, baits)]
    # off-target fragments (anywhere), then ligation chimeras of any two fragments
    frags += _genomic(genome, int(round(len(frags) * case.off_target)), lib, rng, "OFF")
    return frags + chimeras(frags, int(round(len(frags) * case.chimera_rate)), lib, rng)


def _captured(der: Molecule, frag: Fragment, baits) -> bool:
    """Does a fragment of the rearranged chromosome overlap a bait (checked every 10 bases)?"""
    for chrom, pos in der.origin[frag.start : frag.start + len(frag.seq) : 10]:
        if any(c == chrom and s <= pos < e for c, s, e in baits):
            return True
    return False


def truth_table(case: Case, ann: Annotation, t: JunctionTally, aligner: str,
                switch: TemplateSwitch | None = None) -> pd.DataFrame:  # fmt: skip
    row = dict(sample=case.name, assay=case.assay, tumour_content=case.tumour_content, dv200=case.dv200,
               expected_result=case.expected_result, expected_qc_flags=";".join(case.expected_qc_flags),
               aligner=aligner, description=case.description)  # fmt: skip
    if case.has_fusion:
        if case.assay == RNA:
            bp5, bp3 = ann.exon_end(case.gene5, case.exon5), ann.exon_start(case.gene3, case.exon3)
        else:
            bp5, bp3 = dna_breakpoints(case, ann)
        c5, c3 = ann.transcript(case.gene5)["chrom"], ann.transcript(case.gene3)["chrom"]
        in_frame = ann.exon_join_in_frame(case.gene5, case.exon5, case.gene3, case.exon3)
        retained = False
        if case.gene3 in NTRK_GENES:
            retained = case.exon3 <= ann.kinase_domain(case.gene3).first_exon
        if switch is not None:  # inside the exons: the frame and the kinase from the bases themselves
            bp5, bp3 = switch.breakpoint5, switch.breakpoint3
            in_frame = ann.junction_in_frame(case.gene5, bp5, case.gene3, bp3)
            offset = ann.locate_in(case.gene3, bp3).cds_offset if case.gene3 in NTRK_GENES else None
            retained = offset is not None and offset <= ann.kinase_domain(case.gene3).cds_start_offset
        row |= dict(gene5=case.gene5, gene3=case.gene3, exon5=case.exon5, exon3=case.exon3,
                    breakpoint5=f"{c5}:{bp5}", breakpoint3=f"{c3}:{bp3}", in_frame=in_frame,
                    kinase_domain_retained=retained, fusion_fragments=t.fragments, split_fragments=t.split,
                    spanning_fragments=t.spanning, duplicate_fragments=t.duplicates)  # fmt: skip
    return pd.DataFrame([row], columns=TRUTH_COLUMNS).astype(TRUTH_TYPES)
