"""Fusions as VCF breakends: notation, sides, filters; read back by pysam and bcftools."""

from __future__ import annotations

import shutil
import subprocess

import pysam
import pytest

from ntrkfusion.annotation import load_annotation
from ntrkfusion.calling.describe import sv_type
from ntrkfusion.calling.engine import call_sample
from ntrkfusion.calling.filters import FILTERS
from ntrkfusion.genome import GRCH38_LENGTHS
from ntrkfusion.vcf import alt, write_cohort_vcf, write_vcf
from tests.test_calling_units import ETV6_E5_END, NTRK3_E15_START, split_pair

ANN = load_annotation("GRCh38")


def test_breakend_notation_follows_the_vcf_specification():
    # VCF 4.3 section 5.4, the four ways a breakend's mate can join (t = this side's base)
    assert alt("G", True, "chr17", 198982, False) == "G[chr17:198982["  # t[p[: right of p after t
    assert alt("G", True, "chr15", 100, True) == "G]chr15:100]"  # t]p]: left of p, reversed, after t
    assert alt("A", False, "chr2", 321681, True) == "]chr2:321681]A"  # ]p]t: left of p before t
    assert alt("C", False, "chr13", 123456, False) == "[chr13:123456[C"  # [p[t: right of p, reversed, before t


@pytest.mark.parametrize(
    "sides, expected",
    [
        ((("chr1", 100, "downstream"), ("chr1", 900, "upstream")), "deletion"),  # LMNA-NTRK1
        ((("chr1", 900, "downstream"), ("chr1", 100, "upstream")), "duplication"),
        ((("chr1", 100, "upstream"), ("chr1", 900, "upstream")), "inversion"),  # TPM3-NTRK1
        ((("chr12", 100, "downstream"), ("chr15", 900, "downstream")), "translocation"),  # ETV6-NTRK3
        ((("chr12", None, "downstream"), ("chr15", 900, "downstream")), None),  # imprecise
    ],
)
def test_rearrangement_type_from_the_two_sides(sides, expected):
    (c5, p5, d5), (c3, p3, d3) = sides
    assert sv_type(c5, p5, d5, c3, p3, d3) == expected


def calls(bam_factory, fragments: int):
    bam = bam_factory(reads=[r for i in range(fragments) for r in split_pair(f"f{i}")])
    return call_sample(bam, "S1", "rna", ANN).fusions


def test_a_fusion_is_a_pair_of_mated_breakends_with_its_annotation(bam_factory, tmp_path):
    fusions = calls(bam_factory, 6)
    row = fusions.iloc[0]
    assert (row.direction5, row.direction3, row.strand5, row.strand3, row.sv_type) == (
        "downstream", "downstream", "+", "-", "translocation")  # fmt: skip
    out = tmp_path / "S1.fusions.vcf.gz"
    assert write_vcf(fusions, "S1", dict(GRCH38_LENGTHS), "GRCh38", out) == 2
    with pysam.VariantFile(str(out)) as vcf:
        assert set(FILTERS) <= set(vcf.header.filters) and list(vcf.header.samples) == ["S1"]
        five, three = list(vcf)
    assert (five.chrom, five.pos, three.chrom, three.pos) == ("chr12", ETV6_E5_END, "chr15", NTRK3_E15_START)
    assert five.alts == (f"N]chr15:{NTRK3_E15_START}]",) and three.alts == (f"N]chr12:{ETV6_E5_END}]",)
    assert (five.info["MATEID"], three.info["MATEID"]) == (three.id, five.id)
    assert five.info["EVENT"] == three.info["EVENT"] and list(five.filter) == ["PASS"]
    assert (five.info["GENE"], five.info["EXON"], three.info["GENE"], three.info["EXON"]) == ("ETV6", 5, "NTRK3", 15)
    assert five.info["IN_FRAME"] == "true" and five.info["KINASE_DOMAIN_RETAINED"] == "true"
    assert five.info["KNOWN_PARTNER"] is True and five.info["SVTYPE"] == "BND"
    assert (five.samples["S1"]["SR"], five.samples["S1"]["PR"], five.samples["S1"]["MOL"]) == (6, 0, 6)


def test_filtered_candidates_carry_their_filters(bam_factory, tmp_path):
    out = tmp_path / "S1.vcf.gz"
    write_vcf(calls(bam_factory, 2), "S1", dict(GRCH38_LENGTHS), "GRCh38", out)
    with pysam.VariantFile(str(out)) as vcf:
        assert {tuple(r.filter) for r in vcf} == {("low_support",)}


def test_reference_bases_and_a_cohort_file_readable_by_bcftools(bam_factory, tmp_path):
    if shutil.which("bcftools") is None:
        pytest.skip("needs bcftools (Debian: bcftools)")
    fasta = tmp_path / "ref.fa"  # chr12 and chr15 long enough, one known base at each breakpoint
    seq12 = ["A"] * ETV6_E5_END
    seq12[ETV6_E5_END - 1] = "G"
    seq15 = ["A"] * NTRK3_E15_START
    seq15[NTRK3_E15_START - 1] = "C"
    fasta.write_text(f">12\n{''.join(seq12)}\n>15\n{''.join(seq15)}\n")  # bare names: translated
    pysam.faidx(str(fasta))
    fusions = calls(bam_factory, 6)
    out = tmp_path / "S1.vcf.gz"
    write_vcf(fusions, "S1", dict(GRCH38_LENGTHS), "GRCh38", out, reference=str(fasta))
    shown = subprocess.run(["bcftools", "view", "-H", str(out)], capture_output=True, text=True, check=True).stdout
    refs = [line.split("\t")[3] for line in shown.splitlines()]
    assert refs == ["G", "C"]
    cohort = tmp_path / "cohort.vcf.gz"
    empty = fusions.iloc[0:0]
    assert write_cohort_vcf({"S1": fusions, "S2": empty}, "GRCh38", cohort, dict(GRCH38_LENGTHS)) == 2
    query = subprocess.run(["bcftools", "query", "-f", "%CHROM\t%POS\t%INFO/MATEID[\t%MOL]\n", str(cohort)],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert query.splitlines() == [f"chr12\t{ETV6_E5_END}\tS1_{fusions.iloc[0].candidate}_3\t6\t.",
                                  f"chr15\t{NTRK3_E15_START}\tS1_{fusions.iloc[0].candidate}_5\t6\t."]  # fmt: skip
    assert (tmp_path / "cohort.vcf.gz.tbi").is_file() and not list(tmp_path.glob(".*tmp*"))


def test_a_partner_on_a_contig_the_bam_header_lacks_is_declared(bam_factory, tmp_path):
    """A BAM filtered to some contigs (real: EasyFuse's fusion-read BAM) may name a partner
    elsewhere through the reference: the VCF declares that contig rather than failing."""
    out = tmp_path / "S1.vcf.gz"
    write_vcf(calls(bam_factory, 6), "S1", {"chr15": GRCH38_LENGTHS["chr15"]}, "GRCh38", out)
    with pysam.VariantFile(str(out)) as vcf:
        assert set(vcf.header.contigs) == {"chr15", "chr12"} and vcf.header.contigs["chr12"].length is None
        assert len(list(vcf)) == 2
