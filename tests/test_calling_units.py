"""Calling internals on small BAMs built in the test (one per edge case), no aligner needed."""

import pandas as pd
import pysam
import pytest

from ntrkfusion.annotation import load_annotation
from ntrkfusion.calling.molecules import count_fragments
from ntrkfusion.calling.engine import call_sample
from ntrkfusion.calling.evidence import Evidence
from ntrkfusion.calling.junctions import Side, parse_cigar, segment_from_cigar, split_junctions
from ntrkfusion.testing import Read

ANN = load_annotation("GRCh38")
ETV6_E5_END, NTRK3_E15_START = 11869969, 87940753  # ETV6 + strand, NTRK3 - strand


def test_segment_geometry_in_read_orientation():
    fwd = segment_from_cigar("chr12", 100, parse_cigar("70M30S"), reverse=False, mapq=60)
    assert (fwd.start, fwd.end, fwd.qstart, fwd.qend) == (100, 169, 0, 70)
    rev = segment_from_cigar("chr15", 500, parse_cigar("30M70H"), reverse=True, mapq=60)
    assert (rev.start, rev.end, rev.qstart, rev.qend) == (500, 529, 70, 100)  # last 30 bases of the read
    (a, b), = split_junctions([rev, fwd])
    assert a == Side("chr12", 169, "left") and b == Side("chr15", 529, "left")


def test_roles_from_strand():
    assert Side("chr12", 1, "left").role("+") == "5" and Side("chr15", 1, "left").role("-") == "3"
    assert Side("chr1", 1, "right").role("+") == "3" and Side("chr1", 1, "right").role("-") == "5"


def ev(name, kind="split", duplicate=False, key=None, flag=0):
    return Evidence(name, "NTRK3", kind, flag, 255, duplicate, key or name, Side("chr15", 1, "left"), None)


def test_fragments_count_once_and_duplicates_apart():
    evidence = [
        ev("a"), ev("a", flag=2048), ev("a", "discordant"),  # one fragment, three records
        ev("b", "discordant"),
        ev("c", duplicate=True),  # flagged duplicate
        ev("d", key="same"), ev("e", key="same"),  # an unflagged duplicate: same positions
    ]  # fmt: skip
    counts = count_fragments(evidence)
    assert (counts["split_reads"], counts["discordant_pairs"], counts["supporting_fragments"]) == (2, 1, 3)
    assert counts["duplicate_fragments"] == 2 and counts["median_mapq"] == 60 and counts["supporting_reads"] == 5


def split_pair(name: str, prefix: str = "chr", homology: int = 0) -> list[Read]:
    """A fragment across ETV6 e5 -> NTRK3 e15, as BWA/STAR would write it with SA tags: read 1
    the transcript's sense (forward on ETV6, reverse on NTRK3), read 2 forward on NTRK3, at a
    position of its own per fragment (f0, f1...: distinct molecules, not PCR copies).  ``prefix``:
    how the BAM names chromosomes in its SA tags ("chr" or ""); ``homology``: read bases both
    alignments claim at the junction (the NTRK3 alignment starts that many bases early)."""
    e5 = ETV6_E5_END - 69
    mate = ("chr15", NTRK3_E15_START - 200 - 7 * int("".join(c for c in name if c.isdigit()) or 0))
    three = f"{30 + homology}M{70 - homology}"
    return [
        Read(name, "chr12", e5, "70M30S", flag=65, tags={"SA": f"{prefix}15,{NTRK3_E15_START - 29},-,{three}S,60,0;"},
             mate=mate),
        Read(name, "chr15", NTRK3_E15_START - 29, f"{three}H", flag=2048 | 16 | 65,
             tags={"SA": f"{prefix}12,{e5},+,70M30S,60,0;"}, mate=mate),
        Read(name, "chr15", mate[1], "100M", flag=129, mate=("chr12", e5)),
    ]  # fmt: skip


def test_split_reads_give_the_exact_exon_join(bam_factory):
    bam = bam_factory(reads=[r for i in range(6) for r in split_pair(f"f{i}")])
    result = call_sample(bam, "S", "rna", ANN)
    top = result.fusions.iloc[0]
    assert (top.fusion, top.exon5, top.exon3) == ("ETV6::NTRK3", 5, 15)
    assert (top.breakpoint5, top.breakpoint3) == (f"chr12:{ETV6_E5_END}", f"chr15:{NTRK3_E15_START}")
    assert (top.split_reads, top.discordant_pairs, top.supporting_fragments) == (6, 0, 6)
    assert bool(top.in_frame) and bool(top.kinase_domain_retained) and bool(top.known_partner)
    assert top.vicc_name == "NM_001987.5(ETV6):e.5::NM_001012338.3(NTRK3):e.15"
    assert top.filters == "" and top.confidence == "high"
    assert set(result.evidence["kind"]) == {"split", "discordant"}


def test_too_few_fragments_is_filtered_not_dropped(bam_factory):
    bam = bam_factory(reads=split_pair("f0"))  # one molecule: too few even for an exact known join
    top = call_sample(bam, "S", "rna", ANN).fusions.iloc[0]
    assert (top.filters, top.support_rule, top.required_fragments, top.confidence) == (
        "low_support", "exact_known_join", 2, "low")  # fmt: skip


def test_two_molecules_across_an_exact_known_in_frame_join_are_enough(bam_factory):
    bam = bam_factory(reads=[r for i in range(2) for r in split_pair(f"f{i}")])
    top = call_sample(bam, "S", "rna", ANN).fusions.iloc[0]
    assert (top.filters, top.support_rule, top.required_fragments, top.split_reads) == ("", "exact_known_join", 2, 2)
    assert (top.classification, top.confidence) == ("qualifying", "medium")  # few molecules: never high


def test_bases_both_sides_claim_at_an_exon_join_are_the_splice_sites_own(bam_factory):
    """Three bases claimed by both alignments at the exon boundaries (BWA-MEM does so at ETV6
    e5::NTRK3 e15): still the exact join, on the exon boundary, by its rule."""
    bam = bam_factory(reads=[r for i in range(2) for r in split_pair(f"f{i}", homology=3)])
    top = call_sample(bam, "S", "rna", ANN).fusions.iloc[0]
    assert (top.exon5, top.exon3, top.homology_length, top.breakpoint3) == (5, 15, 3, f"chr15:{NTRK3_E15_START}")
    assert (top.filters, top.support_rule, top.required_fragments) == ("", "exact_known_join", 2)


def test_a_novel_partner_at_the_same_exon_boundaries_needs_the_default_five(bam_factory, monkeypatch):
    from ntrkfusion.calling import describe

    monkeypatch.setattr(describe, "is_known_partner", lambda gene5, gene3: False)
    bam = bam_factory(reads=[r for i in range(2) for r in split_pair(f"f{i}")])
    top = call_sample(bam, "S", "rna", ANN).fusions.iloc[0]
    assert (top.known_partner, top.filters, top.support_rule, top.required_fragments) == (False, "low_support", "default", 5)


def test_secondary_and_qcfail_records_are_ignored(bam_factory):
    reads = [r for i in range(6) for r in split_pair(f"f{i}")]
    for r in reads:
        r.flag |= 256 if r.name in ("f0", "f1") else 0
        r.flag |= 512 if r.name == "f2" else 0
    top = call_sample(bam_factory(reads=reads), "S", "rna", ANN).fusions.iloc[0]
    assert top.supporting_fragments == 3


def test_gapped_alignment_leaving_the_gene_is_a_junction(bam_factory):
    lmna_e2_end, ntrk1_e11_start = 156130773, 156874906  # LMNA-NTRK1 as a 0.74 Mb "intron"
    gap = ntrk1_e11_start - lmna_e2_end - 1
    reads = [Read(f"g{i}", "chr1", lmna_e2_end - 39 + i, f"{40 - i}M{gap}N{60 + i}M") for i in range(6)]
    top = call_sample(bam_factory(reads=reads), "S", "rna", ANN).fusions.iloc[0]
    assert (top.fusion, top.exon5, top.exon3, top.split_reads) == ("LMNA::NTRK1", 2, 11, 6)
    assert top.filters == ""


def test_normal_splicing_inside_ntrk_is_not_evidence(bam_factory):
    e10_end, e11_start = ANN.exon_end("NTRK1", 10), ANN.exon_start("NTRK1", 11)
    reads = [Read(f"n{i}", "chr1", e10_end - 49, f"50M{e11_start - e10_end - 1}N50M") for i in range(10)]
    result = call_sample(bam_factory(reads=reads), "S", "rna", ANN)
    assert result.evidence.empty and result.fusions.empty


def test_clips_without_reference_give_a_partner_unknown_candidate(bam_factory):
    reads = [Read(f"c{i}", "chr15", NTRK3_E15_START - 79, "80M20S", flag=81, mate=("chr15", 87940000 + i),
                  seq="A" * 80 + "CGTACGTTGCAAGCTTACGA") for i in range(4)]  # fmt: skip
    top = call_sample(bam_factory(reads=reads), "S", "rna", ANN).fusions.iloc[0]
    assert (top.fusion, top.exon3, top.breakpoint3) == ("unknown::NTRK3", 15, f"chr15:{NTRK3_E15_START}")
    assert "partner_unknown" in top.filters


def test_clips_away_from_exon_boundaries_are_not_reported(bam_factory):
    reads = [Read(f"c{i}", "chr15", NTRK3_E15_START - 120, "80M20S") for i in range(4)]
    assert call_sample(bam_factory(reads=reads), "S", "rna", ANN).fusions.empty


def test_output_tables_share_one_schema(bam_factory, tmp_path):
    from ntrkfusion import records

    bam = bam_factory(reads=[r for i in range(6) for r in split_pair(f"f{i}")])
    frame = call_sample(bam, "S", "rna", ANN).fusions
    records.write_fusions(frame, tmp_path / "f.parquet", tmp_path / "f.tsv")
    back = records.read_fusions(tmp_path / "f.parquet")
    assert list(back.columns) == records.FUSION_COLUMNS
    tsv = pd.read_csv(tmp_path / "f.tsv", sep="\t", keep_default_na=False, dtype=str)
    assert list(tsv.columns) == records.FUSION_COLUMNS and tsv.loc[0, "in_frame"] == "true"
    assert tsv.loc[0, "filters"] == "." and back.loc[0, "filters"] == ""  # Arriba's PASS in the TSV; empty in Parquet
    assert records.FUSION_COLUMNS[:19] == ["sample", "assay", "fusion", "gene5", "gene3", "transcript5", "transcript3",
                                  "exon5", "exon3", "breakpoint5", "breakpoint3", "split_reads", "discordant_pairs",
                                  "supporting_fragments", "in_frame", "kinase_domain_retained", "known_partner",
                                  "confidence", "filters"]  # fmt: skip


@pytest.mark.parametrize("gene5, exon5, gene3, exon3, expected", [
    ("NTRK3", 14, "ETV6", 6, "ntrk_not_3prime"),
    ("NTRK1", 16, "PEAR1", 2, "readthrough"),
])  # fmt: skip
def test_filters_name_reciprocal_and_readthrough(gene5, exon5, gene3, exon3, expected):
    from ntrkfusion.calling.filters import FILTERS, FilterSettings, Kind, apply

    row = dict(supporting_fragments=20, duplicate_fragments=0, split_reads=10, median_mapq=60, known_partner=False,
               breakpoint_type="exon_boundary", gene5=gene5, gene3=gene3, kinase_domain_retained=False,
               in_frame=None, orientation_ok=True, max_anchor=50)  # fmt: skip
    found = apply(row, ANN, "rna", FilterSettings())
    assert FILTERS[expected] in found
    assert FILTERS[expected].kind == (Kind.ARTEFACT if expected == "readthrough" else Kind.BIOLOGY)


def test_wild_type_fragments_run_through_the_junction_contiguously_or_spliced(bam_factory):
    """One small BAM, one read per case: only reads that run through the junction as the
    unrearranged gene does count, once per fragment."""
    import pysam

    from ntrkfusion.calling.wildtype import runs_through, wild_type_fragments

    b = 1000  # the junction, 0-based between bases 999 and 1000 (1-based 1000 | 1001)
    reads = [
        Read("through", "chr1", 951, "100M"),  # contiguous, 50 bases each side
        Read("through", "chr1", 961, "80M", flag=0x80),  # its mate, the same fragment
        Read("spliced_out", "chr1", 951, "50M500N50M"),  # exon end at the junction, spliced on
        Read("spliced_in", "chr1", 401, "50M550N50M"),  # spliced in to the junction
        Read("clipped", "chr1", 951, "50M50S"),  # a fusion read: ends at the junction
        Read("split", "chr1", 951, "100M", tags={"SA": "chr15,87940753,+,50S50M,60,0;"}),
        Read("duplicate", "chr1", 951, "100M", flag=0x400),
        Read("short_anchor", "chr1", 995, "100M"),  # 5 bases before the junction
        Read("ambiguous", "chr1", 951, "100M", mapq=3),
        Read("skips_the_exon", "chr1", 901, "50M300N50M"),  # spliced over the junction's exon
    ]
    bam = pysam.AlignmentFile(str(bam_factory(reads=reads)))
    assert wild_type_fragments(bam, "chr1", b, min_mapq=10) == 3  # through, spliced_out, spliced_in
    assert runs_through([(990, 1000), (1500, 1520)], b) and not runs_through([(990, 1000)], b)
    assert not runs_through([(995, 1000), (1500, 1520)], b)  # 5-base anchor


def test_dna_fusion_fraction_is_about_half_the_tumour_content():
    """The example DNA TPM3::NTRK1 at 20 % tumour content: a heterozygous rearrangement in a
    fifth of the cells is about 10 % of the NTRK1 alleles."""
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "resources/example"
    fusions = call_sample(example / "dna_tpm3_ntrk1_20.bam", "dna_tpm3_ntrk1_20", "dna", load_annotation("GRCh38")).fusions
    best = fusions.iloc[0]
    assert best["fusion"] == "TPM3::NTRK1" and best["wild_type_fragments3"] > 100
    assert 0.05 <= best["fusion_fraction"] <= 0.2
    assert best["fusion_fraction"] == pytest.approx(
        best["supporting_fragments"] / (best["supporting_fragments"] + best["wild_type_fragments3"]), abs=1e-4)


def test_a_fusion_table_from_an_older_version_reads_with_the_new_columns_empty(tmp_path):
    """Results written before a column was added still make a report (and the settings digest,
    which holds the table layout, re-runs the calling stage after an upgrade)."""
    from ntrkfusion import records
    from ntrkfusion.provenance import stage_settings

    old = pd.DataFrame([{c: None for c in records.FUSION_COLUMNS[:30]}])
    old.to_parquet(tmp_path / "old.parquet")
    back = records.read_fusions(tmp_path / "old.parquet")
    assert set(records.FUSION_COLUMNS) <= set(back.columns) and back["fusion_fraction"].isna().all()
    assert "fusion_columns" in stage_settings({}, "sample") and "pipeline_version" in stage_settings({}, "sample")


def test_wild_type_is_counted_whatever_the_bams_contig_names(bam_factory):
    """Candidate rows name contigs chr-prefixed; a BAM may say `1`: the count must not vanish."""
    from ntrkfusion.calling.wildtype import add_wild_type

    reads = [Read(f"r{i}", "chr1", 951, "100M") for i in range(4)]
    row = dict(gene5="TPM3", gene3="NTRK1", supporting_fragments=4, chrom5="chr1", pos5=1000, direction5="downstream",
               chrom3="chr1", pos3=1001, direction3="upstream")  # fmt: skip
    for prefix in (True, False):
        rows = [dict(row)]
        with pysam.AlignmentFile(str(bam_factory(f"p{prefix}.bam", reads=reads, chr_prefix=prefix))) as bam:
            add_wild_type(rows, bam, 10)
        assert (rows[0]["wild_type_fragments5"], rows[0]["wild_type_fragments3"], rows[0]["fusion_fraction"]) == (4, 4, 0.5)
