"""QC metrics checked against values computed by hand on small BAMs built in the test."""

import math

import numpy as np
import pandas as pd
import pysam
import pytest

from ntrkfusion.annotation import load_annotation
from ntrkfusion.config import control_genes
from ntrkfusion.genome import ContigNames
from ntrkfusion.qc.coverage import Coverage, UniqueReads
from ntrkfusion.qc.dna import dna_metrics
from ntrkfusion.qc.detectability import poisson_at_least
from ntrkfusion.qc.flags import QCSettings
from ntrkfusion.qc.result import decide
from ntrkfusion.qc.rna import fragment_lengths, ntrk_imbalance, picard_bias, tin
from ntrkfusion.testing import Read

ANN = load_annotation("GRCh38")


def test_poisson_detectability_matches_the_worked_examples():
    # qc_reference.md section 2: 500x at 5 % purity -> lambda 12.5; 100x at 10 % -> lambda 5
    assert poisson_at_least(5, 500 * 0.05 / 2) == pytest.approx(0.995, abs=0.001)
    assert poisson_at_least(10, 12.5) == pytest.approx(0.80, abs=0.01)
    assert poisson_at_least(5, 5.0) == pytest.approx(0.56, abs=0.01)
    assert poisson_at_least(1, 2.0) == pytest.approx(1 - math.exp(-2))


def test_tin_of_uniform_and_half_covered_transcripts():
    assert tin(np.full(1000, 7)) == pytest.approx(100.0)
    half = np.zeros(1000)
    half[:500] = 4  # 50 of the 100 sampled positions covered, equally
    assert tin(half) == pytest.approx(50.0, abs=1.5)
    assert tin(np.zeros(1000)) is None


def test_picard_bias_and_cv():
    cov = np.full(1000, 2.0)
    cov[:100] = 4.0  # 5' end twice as covered
    b = picard_bias(cov)
    mean = cov.mean()  # 2.2
    assert b["bias5"] == pytest.approx(4 / mean) and b["bias3"] == pytest.approx(2 / mean)
    assert b["bias5to3"] == pytest.approx(2.0) and b["cv"] == pytest.approx(cov.std() / mean)
    assert picard_bias(np.full(400, 5.0)) is None  # shorter than Picard's 500


def test_unique_depth_removes_flagged_and_coordinate_duplicates(bam_factory):
    reads = [Read("a", "chr1", 1001, "50M"), Read("b", "chr1", 1001, "50M"),  # same position: duplicate
             Read("c", "chr1", 1011, "50M", flag=1024), Read("d", "chr1", 1021, "50M")]  # fmt: skip
    bam = pysam.AlignmentFile(str(bam_factory(reads=reads)))
    keep = UniqueReads()
    cov = Coverage(bam, "chr1", [(1000, 1080)], keep).exact
    assert cov[0] == 1 and cov[25] == 2 and cov[69] == 1 and cov[70] == 0
    assert (keep.total, keep.duplicates) == (4, 2) and keep.duplicate_rate == 0.5


def test_fragment_length_in_transcript_space(bam_factory):
    """A pair across GAPDH's intron 3: read 1 on the last 60 bases of exon 3 (100 bp), its
    mate 40 bases into exon 4 (107 bp)."""
    exons = ANN.exons("GAPDH").set_index("exon_number")
    e3, e4 = exons.loc[3], exons.loc[4]
    r1_start = int(e3["end"]) - 60
    mate_start = int(e4["start"]) + 40
    reads = [Read("p", "chr12", r1_start + 1, "60M", flag=1 | 2 | 64 | 32,
                  mate=("chr12", mate_start + 1)),
             Read("p", "chr12", mate_start + 1, "60M", flag=1 | 2 | 128 | 16, mate=("chr12", r1_start + 1))]  # fmt: skip
    bam = pysam.AlignmentFile(str(bam_factory(reads=reads)))
    (length,) = fragment_lengths(bam.fetch("chr12"), ANN.exons("GAPDH"), "+")
    assert length == 60 + 40 + 60  # exon 3 tail + exon 4 head up to the mate + the mate


def test_ntrk_imbalance_counts_kinase_exons_against_5prime_exons(bam_factory):
    exons = ANN.exons("NTRK3").set_index("exon_number")
    reads = []
    for n in (16, 17):  # kinase-domain exons of 173 and 244 bp: 12 distinct 50 bp reads each
        e = exons.loc[n]
        reads += [Read(f"k{n}_{i}", "chr15", int(e["start"]) + 1 + i, "50M") for i in range(12)]
    bam = pysam.AlignmentFile(str(bam_factory(reads=reads)))
    m = ntrk_imbalance(ANN, bam, ContigNames(tuple(bam.references)), "NTRK3")
    assert m["depth_5prime"] == 0
    kinase = ANN.exons("NTRK3")
    first = 15  # NTRK3's kinase domain starts in exon 15
    coding3 = kinase[(kinase["exon_number"] >= first) & (kinase["phase"].ge(0) | kinase["end_phase"].ge(0))]
    expected = 2 * 12 * 50 / (coding3["end"] - coding3["start"]).sum()
    assert m["depth_3prime"] == pytest.approx(expected) and m["ratio"] == pytest.approx(expected + 1)


def test_dna_metrics_on_a_small_panel(bam_factory, tmp_path):
    exon10 = ANN.exons("NTRK1").set_index("exon_number").loc[10]
    intron9 = (int(ANN.exons("NTRK1").set_index("exon_number").loc[9]["end"]), int(exon10["start"]))
    reads = [Read(f"r{i}", "chr1", intron9[0] + 1, f"{intron9[1] - intron9[0]}M") for i in range(40)]
    bed = tmp_path / "panel.bed"
    bed.write_text(f"chr1\t{intron9[0]}\t{intron9[1]}\n")
    bam = pysam.AlignmentFile(str(bam_factory(reads=reads)))
    m = dna_metrics(bam, ANN, ContigNames(tuple(bam.references)), bed, tumour_content=20, k=5)
    assert m["baited_intron_depths"]["NTRK1"] == {"intron 9": 1.0}  # 40 reads at one position: 1 unique
    assert m["duplicate_rate"] == pytest.approx(39 / 40)
    assert m["detectability"] == {"NTRK1": pytest.approx(poisson_at_least(5, 1.0 * 0.2 / 2), abs=1e-4)}
    assert {"gene": "NTRK1", "intron": 8} in m["untested_regions"] and {"gene": "NTRK1", "intron": 9} not in m["untested_regions"]
    assert len(m["untested_regions"]) == 16 + 18 + 19 - 1


def test_flags_tumour_content_dv200_and_target_reads():
    s = QCSettings()
    rna = dict(median_fragment_length=150.0, duplicate_rate=0.1, housekeeping_expressed_fraction=1.0)
    assert _flags("rna", rna, None, None, 100, s) == {
        "LOW_TUMOUR_CONTENT": ["tumour content not given (not assumed to be 100%)"]}  # fmt: skip
    assert _flags("rna", rna, 50, 25, 100, s) == {"WARN": ["DV200 25% below 30%"]}
    flags = _flags("rna", dict(rna, median_fragment_length=70.0), 15, 15, 3, s)
    assert set(flags) == {"LOW_TUMOUR_CONTENT", "DEGRADED_RNA", "NO_TARGET_READS"}
    assert flags["DEGRADED_RNA"] == ["median fragment length 70 bp < 80 bp", "DV200 15% < 20%"]


def fusion_row(**kw):
    row = dict(fusion="ETV6::NTRK3", gene5="ETV6", gene3="NTRK3", filters="", supporting_fragments=12,
               classification="qualifying", required_fragments=5, support_rule="default", median_mapq=60,
               vicc_name="NM_001987.5(ETV6):e.5::NM_001012338.3(NTRK3):e.15")  # fmt: skip
    return row | kw


def test_result_rule():
    """The result depends on each candidate's classification alone (never on filter strings)."""
    s, metrics = QCSettings(), {}
    empty = pd.DataFrame(columns=list(fusion_row()))
    assert decide(empty, {}, metrics, "rna", s) == ("NEGATIVE", ["no NTRK fusion detected"])
    low_tc = {"LOW_TUMOUR_CONTENT": ["tumour content 5% < 20%"]}
    assert decide(empty, low_tc, metrics, "rna", s)[0] == "INDETERMINATE"
    positive = pd.DataFrame([fusion_row()])
    result, reasons = decide(positive, low_tc, metrics, "rna", s)
    assert result == "POSITIVE" and reasons[-1] == "tumour content 5% < 20%"  # keeps its flags
    weak = pd.DataFrame([fusion_row(filters="low_support", supporting_fragments=2, classification="subthreshold")])
    result, reasons = decide(weak, {}, metrics, "rna", s)
    assert result == "INDETERMINATE" and reasons[1] == (
        "sub-threshold evidence for ETV6::NTRK3 (2 fragments, 5 needed; "
        "fewer distinct supporting fragments than required)")  # fmt: skip
    readthrough = pd.DataFrame([fusion_row(fusion="NTRK1::PEAR1", gene5="NTRK1", gene3="PEAR1",
                                           filters="ntrk_not_3prime;readthrough", classification="artefact")])  # fmt: skip
    assert decide(readthrough, {}, metrics, "rna", s)[0] == "NEGATIVE"
    exact = pd.DataFrame([fusion_row(filters="low_support", supporting_fragments=2, split_reads=1, classification="subthreshold",
                                     support_rule="exact_known_join", required_fragments=2)])  # fmt: skip
    assert decide(exact, {}, metrics, "rna", s)[1][1] == (
        "sub-threshold evidence for ETV6::NTRK3 (2 fragments, 1 across the junction, 2 needed: reads across an exact, "
        "known, in-frame join; fewer distinct supporting fragments than required)")  # fmt: skip
    many = pd.DataFrame([fusion_row(filters="low_support", supporting_fragments=2, classification="subthreshold",
                                    fusion=f"G{i}::NTRK3") for i in range(7)])  # fmt: skip
    result, reasons = decide(many, {}, metrics, "rna", s)
    assert result == "INDETERMINATE" and len(reasons) == 5 and reasons[-1] == "4 more such candidates (fusions.tsv)"
    untested = {"UNTESTED_REGIONS": ["not baited: NTRK3 introns 1-19"]}
    assert decide(empty, untested, {}, "dna", s) == ("NEGATIVE", ["no NTRK fusion detected",
                                                                  "not baited: NTRK3 introns 1-19"])  # fmt: skip
    imbalance = {"NTRK3_3to5_ratio": 24.0, "NTRK3_3prime_depth": 30.0}
    result, reasons = decide(empty, {}, imbalance, "rna", s)
    assert result == "INDETERMINATE" and "NTRK3 3'/5' expression imbalance 24.0x" in reasons


def test_rna_counts_on_a_small_bam(bam_factory):
    """mapped reads, housekeeping genes expressed and the duplicate rate, counted by hand."""
    from ntrkfusion.qc.rna import rna_metrics

    reads = []
    for gene, n in (("GAPDH", 12), ("ACTB", 10), ("B2M", 3)):  # 2 of 10 genes reach 10 reads
        exon = ANN.exons(gene).sort_values("exon_number").iloc[-1]  # last exons are long
        reads += [Read(f"{gene}{i}", exon["chrom"], int(exon["start"]) + 1 + i, "30M") for i in range(n)]
    reads.append(Read("GAPDHdup", "chr12", int(ANN.exons("GAPDH").sort_values("exon_number").iloc[-1]["start"]) + 1,
                      "30M"))  # same position as GAPDH0: a duplicate
    bam = pysam.AlignmentFile(str(bam_factory(reads=reads)))
    m = rna_metrics(bam, ANN, ContigNames(tuple(bam.references)), min_gene_reads=10, control_genes=control_genes(None))
    assert m["mapped_reads"] == 26
    assert m["housekeeping_expressed"] == "2/10" and m["housekeeping_reads"] == 26
    assert m["duplicate_rate"] == pytest.approx(1 / 26)
    assert m["median_fragment_length"] is None  # no pairs


def test_dna_insert_size_is_the_median_template_length(bam_factory, tmp_path):
    exon = ANN.exons("NTRK1").set_index("exon_number").loc[10]
    start = int(exon["start"]) + 1
    reads = []
    for i, tlen in enumerate((250, 300, 320)):
        mate = start + tlen - 50
        reads += [Read(f"p{i}", "chr1", start + i, "50M", flag=1 | 2 | 64 | 32, mate=("chr1", mate)),
                  Read(f"p{i}", "chr1", mate, "50M", flag=1 | 2 | 128 | 16, mate=("chr1", start + i))]  # fmt: skip
    path = bam_factory(reads=reads)
    with pysam.AlignmentFile(str(path)) as fh:  # set TLEN, which the helper leaves at 0
        records = list(fh.fetch(until_eof=True))
        header = fh.header
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for r in records:
            size = (250, 300, 320)[int(r.query_name[1:])]
            r.template_length = size if r.is_read1 else -size
            out.write(r)
    pysam.index(str(path))
    bam = pysam.AlignmentFile(str(path))
    m = dna_metrics(bam, ANN, ContigNames(tuple(bam.references)), None, tumour_content=None, k=5)
    assert m["median_insert_size"] == 300
    assert m["detectability"] == {}  # no tumour content: not computed (and flagged elsewhere)


def test_depth_of_a_deep_region_is_estimated_within_its_error_with_bounded_work(bam_factory):
    """Above the read budget, depth comes from a systematic sample of the reads: here 2,000
    distinct 50 bp reads start evenly over 1,000 bases, so the true depth mid-way is 100."""
    reads = [Read(f"r{i}", "chr1", 1_000_001 + i // 2, "50M", flag=1 | 2 | 64, mate=("chr1", 2_000_000 + i))
             for i in range(2000)]  # fmt: skip
    bam = pysam.AlignmentFile(str(bam_factory(reads=reads)))
    deep = Coverage(bam, "chr1", [(1_000_000, 1_001_100)], budget=500, sample=500)
    exact = Coverage(bam, "chr1", [(1_000_000, 1_001_100)])
    assert deep.exact is None and len(deep.reads) == 500 and exact.exact is not None
    assert deep.stride == 4  # 2,000 reads, 500 to 1,000 kept
    assert exact.at_offsets([500])[0] == 100
    middle = deep.at_offsets(range(300, 700)).mean()  # 1/sqrt(25 sampled reads) at one base; averaged
    assert middle == pytest.approx(100, rel=0.1)


def _flags(assay, metrics, tumour_content, dv200, ntrk_reads, s):
    """The flags the checks raise (qc.flags: checks, then flags_from)."""
    from ntrkfusion.qc.flags import checks, flags_from

    return flags_from(checks(assay, metrics, tumour_content, dv200, ntrk_reads, s), assay, metrics)


def test_a_median_of_a_few_fragments_is_not_measurable_and_says_how_many():
    """The real STAR BAM's 139 bp came from 7 fragments: not a pass, not a fail; the count is shown."""
    from ntrkfusion.qc.flags import NOT_MEASURABLE, PASS, QCSettings, checks

    s = QCSettings()
    few = {"median_fragment_length": 139.0, "fragment_lengths_measured": 7}
    (check,) = [c for c in checks("rna", few, 60, None, 100, s) if c.metric == "median_fragment_length"]
    assert (check.status, check.shown, check.value) == (NOT_MEASURABLE, "139 bp (7 fragments)", None)
    many = dict(few, fragment_lengths_measured=s.min_observations)
    (check,) = [c for c in checks("rna", many, 60, None, 100, s) if c.metric == "median_fragment_length"]
    assert (check.status, check.shown) == (PASS, f"139 bp ({s.min_observations} fragments)")
    (none,) = [c for c in checks("rna", {}, 60, None, 100, s) if c.metric == "median_fragment_length"]
    assert (none.status, none.shown) == (NOT_MEASURABLE, "not measurable")


def test_an_intron_covered_only_by_exon_target_margins_is_not_baited():
    """NTRK1 intron 10 (279 bp) between exon targets padded by 100 bp: 200 of its bases lie in
    the targets, yet nothing captures it; a target tiling the intron does."""
    from ntrkfusion.qc.dna import EXON_BAIT_MARGIN, baited_fraction

    (lo, hi), = [(lo, hi) for n, lo, hi in ANN.introns("NTRK1") if n == 10]
    exons = ANN.exons("NTRK1").set_index("exon_number")
    padded = [("chr1", int(exons.loc[n, "start"]) - EXON_BAIT_MARGIN, int(exons.loc[n, "end"]) + EXON_BAIT_MARGIN)
              for n in (10, 11)]  # fmt: skip
    assert hi - lo == 279 and baited_fraction(padded, "chr1", lo, hi) == 0.0
    assert baited_fraction(padded + [("chr1", lo, hi)], "chr1", lo, hi) == 1.0
    wide = [("chr1", int(exons.loc[10, "start"]) - 20, lo + 150)]  # a target reaching 150 bp in: it baits them
    assert baited_fraction(wide, "chr1", lo, hi) == pytest.approx(150 / 279)
