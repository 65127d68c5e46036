"""Synthetic truth BAMs: made by STAR / BWA-MEM, lifted to GRCh38, checked against their truth.

Needs STAR and bwa (Debian: rna-star, bwa).  Without them these tests skip, unless
NTRKFUSION_REQUIRE_ALIGNERS=1 (set by .ci/run), where a missing aligner is a failure.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pysam
import pytest

from ntrkfusion.annotation import load_annotation
from ntrkfusion.bam_input import inspect_sample
from ntrkfusion.cli import main
from ntrkfusion.genome import GRCH38_LENGTHS
from ntrkfusion.samplesheet import Sample
from ntrkfusion.simulate.cases import CATALOGUE
from ntrkfusion.simulate.run import simulate

ROOT = Path(__file__).resolve().parents[1]
CASES = ["etv6_ntrk3", "etv6_ntrk3_nochim", "lmna_ntrk1_nochim", "tpm3_ntrk1", "negative_rna",
         "degraded_negative", "dna_tpm3_ntrk1_20", "dna_unbaited_ntrk3"]  # fmt: skip


@pytest.fixture(scope="session")
def sims(catalogue):
    return {name: catalogue.sims[name] for name in CASES}


@pytest.fixture(scope="session")
def cache(catalogue):
    """The aligner indexes the catalogue was made with."""
    from .helpers import CACHE

    return CACHE / "aligners"


def reads(bam: Path, prefix: str = "") -> list[pysam.AlignedSegment]:
    with pysam.AlignmentFile(str(bam)) as fh:
        return [r for r in fh.fetch(until_eof=True) if r.query_name.startswith(prefix)]


def pos(text: str) -> tuple[str, int]:
    chrom, p = text.split(":")
    return chrom, int(p)


def boundaries(read) -> set[tuple[str, int]]:
    """1-based first and last aligned base of every aligned block of a record."""
    out = set()
    for start, end in read.get_blocks():
        out |= {(read.reference_name, start + 1), (read.reference_name, end)}
    return out


def test_header_has_grch38_contigs_and_bam_is_complete(sims):
    for name, sim in sims.items():
        info = inspect_sample(Sample(name, sim.bam, CATALOGUE[name].assay))  # EOF, index, sort order, build
        assert info.build == "GRCh38" and info.sort_order == "coordinate"
        with pysam.AlignmentFile(str(sim.bam)) as fh:
            assert dict(zip(fh.references, fh.lengths)) == GRCH38_LENGTHS
            assert fh.check_index()
            programs = {pg["PN"] for pg in fh.header.to_dict()["PG"]}
            assert programs == {"STAR" if CATALOGUE[name].assay == "rna" else "bwa"}
    if shutil.which("samtools"):
        bams = [str(sim.bam) for sim in sims.values()]
        assert subprocess.run(["samtools", "quickcheck", "-v", *bams], capture_output=True).returncode == 0


def test_same_seed_same_records(sims, cache, tmp_path):
    again = simulate(CATALOGUE["etv6_ntrk3"], tmp_path, cache)
    assert again.bam.read_bytes() == sims["etv6_ntrk3"].bam.read_bytes()
    again.truth.to_csv(tmp_path / "truth.tsv", sep="\t", index=False, lineterminator="\n")
    assert (tmp_path / "truth.tsv").read_text() == (sims["etv6_ntrk3"].bam.parent / "truth.tsv").read_text()


def near(read, bps, tolerance: int) -> bool:
    """Does an aligned block of the record start or end within ``tolerance`` of a breakpoint?
    (An aligner extends a block by the bases that happen to match across the junction.)"""
    return any(c == chrom and abs(p - bp) <= tolerance for c, p in boundaries(read) for chrom, bp in bps)


def split_at(read, bps, tolerance: int = 3) -> bool:
    """A record split at a breakpoint: a block ends there and the rest is an SA tag or a soft clip."""
    clipped = any(op in (4, 5) for op, _ in read.cigartuples or [])
    return near(read, bps, tolerance) and (read.has_tag("SA") or clipped)


@pytest.mark.parametrize("name", ["etv6_ntrk3", "tpm3_ntrk1"])
def test_chimeric_star_split_reads_sit_on_the_truth_breakpoints(sims, name):
    truth = sims[name].truth.iloc[0]
    bps = [pos(truth.breakpoint5), pos(truth.breakpoint3)]
    fusion_reads = reads(sims[name].bam, "FUS")
    split = {r.query_name for r in fusion_reads if split_at(r, bps) and not r.query_name.endswith(".d1")}
    with_sa = {r.query_name for r in fusion_reads if r.has_tag("SA") and near(r, bps, 3)}
    # every simulated split fragment shows its split at the truth breakpoints: an SA tag, or a
    # soft clip where STAR did not report the chimeric alignment (short overhang, inversion)
    assert truth.split_fragments - 2 <= len(split) <= truth.split_fragments + truth.spanning_fragments
    assert len(with_sa) >= 5
    misplaced = [r for r in fusion_reads if r.has_tag("SA") and not near(r, bps, 3)]
    assert len(misplaced) <= 2
    wild_type = [r for r in reads(sims[name].bam, "WT") if r.has_tag("SA") and not r.is_secondary]
    assert len(wild_type) <= 2


def test_chimeric_star_discordant_pairs_join_the_two_genes(sims):
    truth = sims["etv6_ntrk3"].truth.iloc[0]
    pairs = {r.query_name for r in reads(sims["etv6_ntrk3"].bam, "FUS")
             if not r.is_supplementary and r.reference_name == "chr12" and r.next_reference_name == "chr15"}  # fmt: skip
    distinct = {p for p in pairs if not p.endswith(".d1")}
    assert truth.spanning_fragments - 2 <= len(distinct) <= truth.fusion_fragments


def test_star_without_chimeric_detection_leaves_soft_clips_only(sims):
    truth = sims["etv6_ntrk3_nochim"].truth.iloc[0]
    bam_reads = reads(sims["etv6_ntrk3_nochim"].bam)
    assert not any(r.has_tag("SA") or r.is_supplementary for r in bam_reads)
    bps = [pos(truth.breakpoint5), pos(truth.breakpoint3)]
    clipped = {r.query_name for r in bam_reads if r.query_name.startswith("FUS") and split_at(r, bps)}
    assert len(clipped) >= truth.split_fragments / 2


def test_lmna_ntrk1_without_chimeric_detection_is_a_spliced_gap(sims):
    truth = sims["lmna_ntrk1_nochim"].truth.iloc[0]
    bp5, bp3 = pos(truth.breakpoint5), pos(truth.breakpoint3)
    gapped = []
    for r in reads(sims["lmna_ntrk1_nochim"].bam, "FUS"):
        blocks = r.get_blocks()
        for (_, e1), (s2, _) in zip(blocks, blocks[1:]):
            if (r.reference_name, e1) == bp5 and (r.reference_name, s2 + 1) == bp3:
                gapped.append(r)
    assert bp3[1] - bp5[1] > 700_000  # a ~0.7 Mb deletion
    assert len({r.query_name for r in gapped}) >= truth.split_fragments / 3


def test_dna_split_reads_within_10_bp_of_intronic_breakpoints(sims):
    truth = sims["dna_tpm3_ntrk1_20"].truth.iloc[0]
    ann = load_annotation("GRCh38")
    bp5, bp3 = pos(truth.breakpoint5), pos(truth.breakpoint3)
    assert ann.locate_in("TPM3", bp5[1]).region == "intron" and ann.locate_in("NTRK1", bp3[1]).region == "intron"
    der = reads(sims["dna_tpm3_ntrk1_20"].bam, "DER")
    split = {r.query_name for r in der if split_at(r, [bp5, bp3], 10) and not r.query_name.endswith(".d1")}
    assert truth.split_fragments - 3 <= len(split) <= truth.fusion_fragments
    with_sa = [r for r in der if r.has_tag("SA")]
    assert sum(near(r, [bp5, bp3], 10) for r in with_sa) >= 0.9 * len(with_sa) > 10


def test_unbaited_dna_breakpoint_yields_no_fusion_reads(sims):
    truth = sims["dna_unbaited_ntrk3"].truth.iloc[0]
    assert truth.fusion_fragments == 0
    assert reads(sims["dna_unbaited_ntrk3"].bam, "DER") == []
    assert truth.expected_qc_flags == "UNTESTED_REGIONS"


def test_negative_has_no_chimeric_reads(sims):
    bam_reads = reads(sims["negative_rna"].bam)
    assert not [r for r in bam_reads if r.query_name.startswith("FUS")]
    assert pd.isna(sims["negative_rna"].truth.iloc[0].gene5)


def test_degraded_rna_has_short_fragments(sims):
    def median_fragment(name):
        sizes = [abs(r.template_length) for r in reads(sims[name].bam, "WT")
                 if r.is_proper_pair and r.is_read1 and "N" not in r.cigarstring]  # fmt: skip
        return sorted(sizes)[len(sizes) // 2]

    assert median_fragment("degraded_negative") < 130 < 200 < median_fragment("negative_rna")


def test_wild_type_reads_match_the_reference(catalogue):
    """The lift is right: perfect 100M wild-type reads equal the GRCh38-coordinate reference."""
    fasta = pysam.FastaFile(str(catalogue.reference))
    assert dict(zip(fasta.references, fasta.lengths)) == GRCH38_LENGTHS
    checked = 0
    for r in reads(catalogue.sims["negative_rna"].bam, "WT"):
        if r.cigarstring == "100M" and r.get_tag("NM") == 0 and not r.is_secondary:
            assert fasta.fetch(r.reference_name, r.reference_start, r.reference_end) == r.query_sequence
            checked += 1
    assert checked > 1000


def test_cli_writes_sample_sheet_and_truth(cache, tmp_path, monkeypatch):
    """A named case and a YAML case spec from the command line, with the cache given as a
    relative path (the aligners run in folders of their own, where a relative path would not be
    found)."""
    spec = tmp_path / "thin_dna.yaml"
    spec.write_text("name: thin_dna\nassay: dna\ndepth: 20\nread_length: 150\nfragment_mean: 300\n"
                    "library: capture\n")  # fmt: skip
    monkeypatch.chdir(cache.parent)
    out = tmp_path / "out"
    assert main(["simulate", str(spec), "negative_rna_bwa", "--out", str(out), "--cache", cache.name]) == 0
    sheet = pd.read_csv(out / "samples.tsv", sep="\t")
    assert sheet["bam"].tolist() == ["thin_dna.bam", "negative_rna_bwa.bam"]
    assert sheet["panel_bed"].tolist()[0] == "thin_dna.panel.bed"
    truth = pd.read_csv(out / "truth.tsv", sep="\t")
    assert truth["sample"].tolist() == ["thin_dna", "negative_rna_bwa"]


def test_bundled_example_is_the_simulators_output(catalogue):
    """resources/example is what `ntrkfusion simulate --example` writes: the catalogue's BAMs and
    truth rows of its cases, byte for byte (the catalogue is made by the same code and seeds)."""
    from ntrkfusion.simulate.cli import EXAMPLE_CASES

    example = ROOT / "resources/example"
    assert sorted(p.stem for p in example.glob("*.bam")) == sorted(EXAMPLE_CASES)
    header, *rows = (example / "truth.tsv").read_text().splitlines()
    for name, row in zip(EXAMPLE_CASES, rows, strict=True):
        assert catalogue.sims[name].bam.read_bytes() == (example / f"{name}.bam").read_bytes(), name
        assert (catalogue.folder / name / "truth.tsv").read_text().splitlines() == [header, row], name
    sheet = pd.read_csv(example / "samples.tsv", sep="\t")
    assert sheet["sample"].tolist() == EXAMPLE_CASES


def test_template_switch_joins_inside_both_exons_where_exactly_its_bases_agree():
    from ntrkfusion.simulate.cases import GENOME_GENES
    from ntrkfusion.simulate.locus_genome import LocusGenome
    from ntrkfusion.simulate.molecules import template_switch, transcript, transcript_positions

    ann = load_annotation("GRCh38")
    genome = LocusGenome(ann, GENOME_GENES)
    switch = template_switch(genome, ann, "GAPDH", 8, "NTRK1", 15, 4)
    mol, j = switch.molecule, switch.molecule.junction
    three, pos3 = transcript(genome, ann, "NTRK1", 15), transcript_positions(ann, "NTRK1", 15)
    k = pos3.index(switch.breakpoint3)
    assert mol.seq[j:] == three[k:]  # the 3' gene from its breakpoint on
    assert mol.seq[j - 4:j] == three[k - 4:k] and mol.seq[j - 5] != three[k - 5]  # exactly 4 bases agree
    for gene, pos in (("GAPDH", switch.breakpoint5), ("NTRK1", switch.breakpoint3)):
        locus = ann.locate_in(gene, pos)
        assert locus.region == "exon" and pos not in (ann.exon_start(gene, locus.number), ann.exon_end(gene, locus.number))


def test_truth_table_of_a_positive():
    truth = pd.read_csv(ROOT / "resources/example/truth.tsv", sep="\t").set_index("sample")
    row = truth.loc["etv6_ntrk3"]
    assert (row.gene5, row.exon5, row.gene3, row.exon3) == ("ETV6", 5, "NTRK3", 15)
    assert (row.breakpoint5, row.breakpoint3) == ("chr12:11869969", "chr15:87940753")  # FusionCatcher's
    assert bool(row.in_frame) and bool(row.kinase_domain_retained)
    assert row.fusion_fragments == row.split_fragments + row.spanning_fragments + (
        row.fusion_fragments - row.split_fragments - row.spanning_fragments)
    assert row.split_fragments > 10 and row.expected_result == "POSITIVE"


def test_list_and_bad_case(capsys):
    assert main(["simulate", "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == len(CATALOGUE) and listed[0].startswith("etv6_ntrk3\trna\tPOSITIVE")
    assert main(["simulate", "nope", "--out", "/tmp/x"]) == 1
    assert "case 'nope': not a named case" in capsys.readouterr().err
