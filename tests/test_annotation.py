"""Annotation look-ups in both bundled builds.

Coordinates are GENCODE v44 MANE Select exons (GRCh38) and their GRCh37 equivalents,
1-based; the breakpoints are those of the FusionCatcher ETV6-NTRK3 test case.
"""

import pandas as pd
import pytest

from ntrkfusion.annotation import load_annotation

from .helpers import shared_file

# gene, exon, (GRCh38 start, end), (GRCh37 start, end); 1-based closed
EXONS = {
    ("NTRK1", 10): ((156874571, 156874626), (156844363, 156844418)),
    ("ETV6", 5): ((11869424, 11869969), (12022358, 12022903)),
    ("ETV6", 6): ((11884445, 11884587), (12037379, 12037521)),
    ("TPM3", 1): ((154191902, 154192100), (154164378, 154164576)),
    ("TPM3", 8): ((154170400, 154170469), (154142876, 154142945)),
    ("NTRK3", 15): ((87940623, 87940753), (88483854, 88483984)),
}
CHROM = {"NTRK1": "chr1", "ETV6": "chr12", "TPM3": "chr1", "NTRK3": "chr15"}
BUILDS = [("GRCh38", 0), ("GRCh37", 1)]


@pytest.mark.parametrize("build, i", BUILDS)
def test_position_in_ntrk1_exon_10(build, i):
    start, end = EXONS[("NTRK1", 10)][i]
    ann = load_annotation(build)
    for pos in (start, (start + end) // 2, end):
        (locus,) = [x for x in ann.locate("chr1", pos) if x.gene == "NTRK1"]
        assert (locus.region, locus.number) == ("exon", 10)
        assert (locus.transcript_id, locus.refseq_id) == ("ENST00000524377.7", "NM_002529.4")
    # one base before the exon is intron 9, with or without the chr prefix
    (locus,) = [x for x in ann.locate("1", start - 1) if x.gene == "NTRK1"]
    assert (locus.region, locus.number) == ("intron", 9)


@pytest.mark.parametrize("build, i", BUILDS)
def test_position_between_etv6_exons_5_and_6_is_intron_5(build, i):
    ann = load_annotation(build)
    after5, before6 = EXONS[("ETV6", 5)][i][1] + 1, EXONS[("ETV6", 6)][i][0] - 1
    for pos in (after5, (after5 + before6) // 2, before6):
        locus = ann.locate_in("ETV6", pos)
        assert (locus.region, locus.number) == ("intron", 5)


@pytest.mark.parametrize("build, i", BUILDS)
def test_minus_strand_tpm3_numbers_exons_from_its_5_prime_end(build, i):
    ann = load_annotation(build)
    exons = ann.exons("TPM3")
    assert exons["strand"].iloc[0] == "-"
    assert list(exons["start"]) == sorted(exons["start"], reverse=True)  # exon 1 is the highest
    for number in (1, 8):
        start, end = EXONS[("TPM3", number)][i]
        assert ann.locate_in("TPM3", start).number == number
        assert ann.exon_end("TPM3", number) == start  # a minus-strand exon ends at its lowest base
        assert ann.exon_start("TPM3", number) == end
    assert ann.locate_in("TPM3", EXONS[("TPM3", 8)][i][0] - 1).number == 8  # intron 8 lies below exon 8


@pytest.mark.parametrize("build, i", BUILDS)
@pytest.mark.parametrize(
    "gene5, exon5, gene3, exon3",
    [("ETV6", 5, "NTRK3", 15), ("TPM3", 8, "NTRK1", 10), ("LMNA", 2, "NTRK1", 11)],
)
def test_known_joins_are_in_frame_and_a_one_base_shift_is_not(build, i, gene5, exon5, gene3, exon3):
    ann = load_annotation(build)
    assert ann.exon_join_in_frame(gene5, exon5, gene3, exon3) is True
    last5, first3 = ann.exon_end(gene5, exon5), ann.exon_start(gene3, exon3)
    assert ann.junction_in_frame(gene5, last5, gene3, first3) is True
    step5 = 1 if ann.transcript(gene5)["strand"] == "+" else -1
    step3 = 1 if ann.transcript(gene3)["strand"] == "+" else -1
    assert ann.junction_in_frame(gene5, last5 - step5, gene3, first3) is False  # one base less of the partner
    assert ann.junction_in_frame(gene5, last5, gene3, first3 + step3) is False  # one base less of NTRK
    assert ann.junction_in_frame(gene5, last5 - 3 * step5, gene3, first3) is True  # a whole codon less


def test_etv6_ntrk3_breakpoints_are_the_exon_boundaries():
    ann = load_annotation("GRCh38")
    assert ann.exon_end("ETV6", 5) == 11869969  # FusionCatcher: 12:11869969:+
    assert ann.exon_start("NTRK3", 15) == 87940753  # FusionCatcher: 15:87940753:-


def test_frame_is_unknown_outside_the_cds():
    ann = load_annotation("GRCh38")
    utr = ann.exon_start("TPM3", 1)  # exon 1 begins in the 5' UTR
    assert ann.locate_in("TPM3", utr).cds_offset is None
    assert ann.junction_in_frame("TPM3", utr, "NTRK1", ann.exon_start("NTRK1", 10)) is None
    intron = EXONS[("ETV6", 5)][0][1] + 100
    assert ann.junction_in_frame("ETV6", intron, "NTRK3", 87940753) is None


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_kinase_domains_are_whole_codons_in_the_same_exons(build):
    ann = load_annotation(build)
    expected = {"NTRK1": (511, 781, 13, 17), "NTRK2": (554, 822, 15, 19), "NTRK3": (539, 824, 15, 20)}
    for gene, (aa1, aa2, e1, e2) in expected.items():
        d = ann.kinase_domain(gene)
        assert (d.cds_start_offset // 3 + 1, d.cds_end_offset // 3 + 1) == (aa1, aa2)
        assert d.cds_start_offset % 3 == 0 and d.cds_end_offset % 3 == 2
        assert {ann.locate_in(gene, d.start).number, ann.locate_in(gene, d.end).number} == {e1, e2}


def test_grch38_ntrk3_domain_matches_pfam_coordinates():
    d = load_annotation("GRCh38").kinase_domain("NTRK3")
    # Pfam/BioMart gives 87876985-87940724; the lowest codon is widened by its two last bases
    assert (d.chrom, d.start, d.end) == ("chr15", 87876983, 87940724)


def test_every_protein_coding_gene_has_one_model():
    for build in ("GRCh38", "GRCh37"):
        ann = load_annotation(build)
        assert ann.transcripts["gene"].is_unique
        assert len(ann.transcripts) > 18000
        assert ann.transcripts["cds_start"].notna().mean() > 0.99
        coding = ann.transcripts.dropna(subset=["cds_start"])
        assert ((coding["cds_end"] - coding["cds_start"]) > 0).all()


def test_non_coding_genes_are_named():
    genes = load_annotation("GRCh38").genes_at("chr1", 156874571)
    assert "NTRK1" in set(genes["gene"])


@pytest.mark.parametrize("build, table", [
    ("GRCh38", "annotation/ntrk_partners_qc.mane_exons_cds_phase.grch38.tsv"),
    ("GRCh37", "annotation/ntrk_partners_qc.mane_coding_exons_cds_phase.grch37.tsv"),
])  # fmt: skip
def test_exon_numbers_and_phases_match_the_curated_partner_tables(build, table):
    """Independent check: the MANE exon tables of the 59 NTRK partner / QC genes."""
    truth = pd.read_csv(shared_file(table), sep="\t")
    truth = truth[truth["MANE_status"] == "MANE Select"]
    number = "exon_number" if "exon_number" in truth else "mane_exon_number"
    start = "exon_start_0based" if build == "GRCh38" else "source_exon_start_0based"
    end = "exon_end" if build == "GRCh38" else "source_exon_end"
    ann = load_annotation(build)
    mismatches, checked = [], 0
    for gene, rows in truth.groupby("#gene"):
        try:
            ours = ann.exons(gene).set_index("exon_number")
        except KeyError:
            mismatches.append((gene, "missing"))
            continue
        for r in rows.itertuples():
            n = getattr(r, number)
            got = ours.loc[n]
            want = (getattr(r, start), getattr(r, end), r.phase, r.end_phase)
            if (got["start"], got["end"], got["phase"], got["end_phase"]) != want:
                mismatches.append((gene, n))
            checked += 1
    # PDE4DIP has no CDS in the 2019 tables (its MANE transcript is newer); nothing else may differ
    assert {g for g, _ in mismatches} <= {"PDE4DIP", "LTAP1", "C1orf43"}, mismatches
    assert checked > 750


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_gene_table_has_one_locus_per_name_and_no_chromosome_long_spans(build):
    """Multi-copy families (Y_RNA, snoU13, U3...) merged into chromosome-long "genes" named
    intragenic NTRK splits Y_RNA::NTRK3 on GRCh37: no name may cover more than the longest
    human gene, nor appear at two places."""
    from ntrkfusion.annotation.model import _genes
    from ntrkfusion.annotation.tables import MAX_GENE_SPAN

    genes = _genes(load_annotation(build).directory)
    assert (genes["end"] - genes["start"]).max() <= MAX_GENE_SPAN
    assert not genes["gene"].duplicated().any()
    assert not {"Y_RNA", "snoU13", "U3", "5S_rRNA", "Metazoa_SRP"} & set(genes["gene"])
    assert {"RBFOX1", "CNTNAP2", "LINC00486"} <= set(genes["gene"])  # long and non-coding genes stay


def test_single_copy_loci_merges_overlaps_and_drops_families():
    from ntrkfusion.annotation.tables import single_copy_loci

    rows = [("A", "chr1", 100, 200), ("A", "chr1", 150, 400), ("FAM", "chr1", 10, 20), ("FAM", "chr2", 10, 20),
            ("B", "chr3", 0, 3_000_000)]  # fmt: skip
    genes = pd.DataFrame([dict(gene=g, gene_id="", chrom=c, start=s, end=e, strand="+", gene_type="x")
                          for g, c, s, e in rows])  # fmt: skip
    kept, dropped = single_copy_loci(genes)
    assert kept[["gene", "start", "end"]].values.tolist() == [["A", 100, 400]]
    assert dropped == ["B", "FAM"]


@pytest.mark.parametrize("build, pos", [("GRCh37", 88576218), ("GRCh38", 88032987)])
def test_no_partner_is_named_after_a_family_spanning_ntrk3(build, pos):
    from ntrkfusion.calling.junctions import Side
    from ntrkfusion.calling.naming import PartnerNamer

    # inside NTRK3 intron 13 (GRCh37: an intragenic split of SplitFusion Lib001 was named Y_RNA)
    partner = PartnerNamer(load_annotation(build)).at(Side("chr15", pos, "left"), "NTRK3")
    assert partner.gene == "intergenic"
