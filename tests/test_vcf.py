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


def calls(bam_factory, fragments: int, prefix: str = "chr", name: str = "s.bam"):
    bam = bam_factory(name, reads=[r for i in range(fragments) for r in split_pair(f"f{i}", prefix)],
                      chr_prefix=bool(prefix))  # fmt: skip
    return call_sample(bam, "S1", "rna", ANN).fusions


def bcftools(*args: str) -> str:
    if shutil.which("bcftools") is None:
        pytest.skip("needs bcftools (Debian: bcftools)")
    return subprocess.run(["bcftools", *args], capture_output=True, text=True, check=True).stdout


def reference(tmp_path, prefix: str = "chr"):
    """chr12 and chr15 long enough, one known base at each breakpoint (any naming: translated)."""
    fasta = tmp_path / "ref.fa"
    seq12 = ["A"] * (ETV6_E5_END + 10)
    seq12[ETV6_E5_END - 1] = "G"
    seq15 = ["A"] * (NTRK3_E15_START + 10)
    seq15[NTRK3_E15_START - 1] = "C"
    fasta.write_text(f">{prefix}12\n{''.join(seq12)}\n>{prefix}15\n{''.join(seq15)}\n")
    pysam.faidx(str(fasta))
    return fasta


EVENT = f"chr12_{ETV6_E5_END}d_chr15_{NTRK3_E15_START}d"


def test_a_fusion_is_a_pair_of_mated_breakends_with_its_annotation(bam_factory, tmp_path):
    fusions = calls(bam_factory, 6)
    row = fusions.iloc[0]
    assert (row.direction5, row.direction3, row.strand5, row.strand3, row.sv_type) == (
        "downstream", "downstream", "+", "-", "translocation")  # fmt: skip
    out = tmp_path / "S1.fusions.vcf.gz"
    assert write_vcf(fusions, "S1", dict(GRCH38_LENGTHS), "GRCh38", out) == 2
    with pysam.VariantFile(str(out)) as vcf:
        assert set(FILTERS) <= set(vcf.header.filters) and list(vcf.header.samples) == ["S1"]
        assert str(vcf.header).startswith("##fileformat=VCFv4.2\n")
        alts = [r for r in vcf.header.records if r.key == "ALT"]
        assert [r.get("ID") for r in alts] == ["BND"]  # only the ALT the file uses
        five, three = list(vcf)
    assert (five.chrom, five.pos, three.chrom, three.pos) == ("chr12", ETV6_E5_END, "chr15", NTRK3_E15_START)
    assert five.alts == (f"N]chr15:{NTRK3_E15_START}]",) and three.alts == (f"N]chr12:{ETV6_E5_END}]",)
    assert (five.id, three.id) == (f"{EVENT}_5", f"{EVENT}_3")  # the site names them, not the sample
    assert (five.info["MATEID"], three.info["MATEID"]) == (three.id, five.id)
    assert five.info["EVENT"] == three.info["EVENT"] and list(five.filter) == ["PASS"]
    assert (five.info["GENE"], five.info["EXON"], three.info["GENE"], three.info["EXON"]) == ("ETV6", 5, "NTRK3", 15)
    assert five.info["IN_FRAME"] == "true" and five.info["KINASE_DOMAIN_RETAINED"] == "true"
    assert five.info["KNOWN_PARTNER"] is True and five.info["SVTYPE"] == "BND" and "HOMLEN" not in five.info
    s1 = five.samples["S1"]
    assert (s1["FT"], s1["CLASS"], s1["JMOL"], s1["PMOL"], s1["MOL"], s1["FRAG"]) == ("PASS", "qualifying", 6, 0, 6, 6)


def test_filtered_candidates_carry_their_filters(bam_factory, tmp_path):
    out = tmp_path / "S1.vcf.gz"
    write_vcf(calls(bam_factory, 1), "S1", dict(GRCH38_LENGTHS), "GRCh38", out)  # one molecule: too few
    with pysam.VariantFile(str(out)) as vcf:
        records = list(vcf)
    assert {tuple(r.filter) for r in records} == {("low_support",)}
    assert {r.samples["S1"]["FT"] for r in records} == {"low_support"}


def test_reference_bases_pass_bcftools_norm_in_the_sample_and_the_cohort_file(bam_factory, tmp_path):
    fasta = reference(tmp_path)
    fusions = calls(bam_factory, 6)
    out = tmp_path / "S1.vcf.gz"
    write_vcf(fusions, "S1", dict(GRCH38_LENGTHS), "GRCh38", out, reference=str(fasta))
    assert [line.split("\t")[3] for line in bcftools("view", "-H", str(out)).splitlines()] == ["G", "C"]
    cohort = tmp_path / "cohort.vcf.gz"
    assert write_cohort_vcf({"S1": fusions, "S2": fusions.iloc[0:0]}, "GRCh38", cohort, dict(GRCH38_LENGTHS),
                            reference=str(fasta)) == 2  # fmt: skip
    for vcf in (out, cohort):  # -c e: an error on any REF that is not the reference's base
        bcftools("norm", "-c", "e", "-f", str(fasta), "-O", "v", "-o", str(tmp_path / "normed.vcf"), str(vcf))
    query = bcftools("query", "-f", "%CHROM\t%POS\t%REF\t%INFO/MATEID[\t%MOL]\n", str(cohort))
    assert query.splitlines() == [f"chr12\t{ETV6_E5_END}\tG\t{EVENT}_3\t6\t0",  # S2 tested, no support: 0
                                  f"chr15\t{NTRK3_E15_START}\tC\t{EVENT}_5\t6\t0"]  # fmt: skip
    assert (tmp_path / "cohort.vcf.gz.tbi").is_file() and not list(tmp_path.glob(".*tmp*"))


def test_a_site_in_several_samples_is_one_record_and_files_merge(bam_factory, tmp_path):
    first = calls(bam_factory, 6, name="a.bam")
    second = calls(bam_factory, 1, name="b.bam").assign(sample="S2")
    both = tmp_path / "both.vcf.gz"
    assert write_cohort_vcf({"S1": first, "S2": second}, "GRCh38", both, dict(GRCH38_LENGTHS)) == 2  # one site
    query = bcftools("query", "-f", "%ID[\t%FT\t%MOL]\n", str(both))
    assert query.splitlines() == [f"{EVENT}_5\tPASS\t6\tlow_support\t1", f"{EVENT}_3\tPASS\t6\tlow_support\t1"]
    a, b = tmp_path / "a.vcf.gz", tmp_path / "b.vcf.gz"
    write_cohort_vcf({"S1": first}, "GRCh38", a, dict(GRCH38_LENGTHS))
    write_cohort_vcf({"S2": second}, "GRCh38", b, dict(GRCH38_LENGTHS))
    merged = bcftools("merge", str(a), str(b))
    lines = [line for line in merged.splitlines() if not line.startswith("#")]
    assert len(lines) == 2 and all(line.split("\t")[2].startswith(EVENT) for line in lines)


def test_records_name_contigs_as_the_bam_does(bam_factory, tmp_path):
    """A BAM naming chromosomes 12 and 15: the table, the VCF's contigs and records say 12 and 15,
    bcftools finds them by those names, and REF comes from a chr-named FASTA all the same."""
    fusions = calls(bam_factory, 6, prefix="")
    row = fusions.iloc[0]
    assert (row.breakpoint5, row.breakpoint3, row.chrom5, row.chrom3) == (
        f"12:{ETV6_E5_END}", f"15:{NTRK3_E15_START}", "12", "15")  # fmt: skip
    lengths = {("MT" if c == "chrM" else c[3:]): n for c, n in GRCH38_LENGTHS.items()}
    out = tmp_path / "S1.vcf.gz"
    write_vcf(fusions, "S1", lengths, "GRCh38", out, reference=str(reference(tmp_path)))
    with pysam.VariantFile(str(out)) as vcf:
        assert "12" in vcf.header.contigs and "chr12" not in vcf.header.contigs
    found = bcftools("view", "-H", "-r", f"12:{ETV6_E5_END}", str(out))
    assert found.split("\t")[:2] == ["12", str(ETV6_E5_END)] and f"]15:{NTRK3_E15_START}]" in found
    cohort = tmp_path / "cohort.vcf.gz"  # a cohort of 1-named BAMs keeps the names, with the build's lengths
    write_cohort_vcf({"S1": fusions}, "GRCh38", cohort, dict(GRCH38_LENGTHS))
    assert bcftools("view", "-H", "-r", f"15:{NTRK3_E15_START}", str(cohort)).startswith("15\t")


def test_a_microhomology_is_stated_where_it_lies(analysed, catalogue, tmp_path):
    """The example TPM3::NTRK1 (DNA) shares 2 bases between its partners: each breakend at the
    leftmost position they allow, CIPOS 0,2 and HOMLEN 2, HOMSEQ from the reference."""
    vcf = analysed["dna_tpm3_ntrk1_20"].folder / "fusions.vcf.gz"
    query = bcftools("query", "-i", "FILTER='PASS'", "-f", "%CHROM\t%POS\t%INFO/SIDE\t%INFO/HOMLEN\t%INFO/CIPOS\t%INFO/HOMSEQ\n", str(vcf))
    rows = {line.split("\t")[2]: line.split("\t") for line in query.splitlines()}
    assert rows["5"][:2] == ["chr1", "154169890"] and rows["3"][:2] == ["chr1", "156874485"]
    assert rows["5"][3:] == ["2", "0,2", "TG"] and rows["3"][3:] == ["2", "0,2", "CA"]
    bcftools("norm", "-c", "e", "-f", str(catalogue.reference), "-O", "v", "-o", str(tmp_path / "n.vcf"), str(vcf))


def test_a_partner_on_a_contig_the_bam_header_lacks_is_declared(bam_factory, tmp_path):
    """A BAM filtered to some contigs (real: EasyFuse's fusion-read BAM) may name a partner
    elsewhere through the reference: the VCF declares that contig rather than failing."""
    out = tmp_path / "S1.vcf.gz"
    write_vcf(calls(bam_factory, 6), "S1", {"chr15": GRCH38_LENGTHS["chr15"]}, "GRCh38", out)
    with pysam.VariantFile(str(out)) as vcf:
        assert set(vcf.header.contigs) == {"chr15", "chr12"} and vcf.header.contigs["chr12"].length is None
        assert len(list(vcf)) == 2
