"""The caller against the simulator's truth, on every named case (STAR, HISAT2 and BWA-MEM BAMs;
whole-transcriptome and anchored-PCR RNA, tissue and plasma DNA, with and without UMIs), each
analysed once for the session (``conftest.analysed``, with the reference)."""

from __future__ import annotations

import pandas as pd
import pytest

from ntrkfusion.annotation import load_annotation
from ntrkfusion.calling.engine import call_sample, settings_from_config
from ntrkfusion.records import read_exon_boundaries
from ntrkfusion.simulate.cases import CATALOGUE

ANN = load_annotation("GRCh38")
POSITIVES = [n for n, c in CATALOGUE.items() if c.expected_result == "POSITIVE" and c.has_fusion]
UNBAITED = "dna_unbaited_ntrk3"  # the panel captures no fragment of this rearrangement
NTRK_EVENTS = [n for n, c in CATALOGUE.items() if c.has_fusion and not c.readthrough and n != UNBAITED]
NEGATIVES = [n for n, c in CATALOGUE.items() if not c.has_fusion or c.readthrough or c.template_switch]
UMI_EVENTS = [n for n in NTRK_EVENTS if CATALOGUE[n].umi != "none"]


def settings(name: str, umi: str | None = None):
    """The settings a lab would give this case: its UMIs (the sheet's umi column)."""
    return settings_from_config({"umi": {"source": umi or CATALOGUE[name].umi}})


@pytest.fixture(scope="session")
def boundaries(catalogue):
    return read_exon_boundaries(catalogue.boundaries)


@pytest.fixture(scope="session")
def calls(analysed):
    """Every case as the per-sample path called it (with the reference: RNA soft clips get their
    partner named)."""
    return analysed


def matching(result, truth) -> pd.DataFrame:
    f = result.fusions
    return f[(f["gene5"] == truth.gene5) & (f["gene3"] == truth.gene3)]


def placements(hit) -> list[tuple[str, str]]:
    """Every (breakpoint5, breakpoint3) a junction with ``homology_length`` shared bases could be
    given: k of them moved from the 3' partner to the 5' one, k = 0..homology_length."""
    (c5, p5), (c3, p3) = position(hit.breakpoint5), position(hit.breakpoint3)
    s5 = 1 if hit.direction5 == "downstream" else -1  # the 5' side grows away from what it keeps
    s3 = 1 if hit.direction3 == "upstream" else -1  # the 3' side shrinks toward what it keeps
    h = 0 if pd.isna(hit.homology_length) else int(hit.homology_length)
    return [(f"{c5}:{p5 + s5 * k}", f"{c3}:{p3 + s3 * k}") for k in range(h + 1)]


def position(text: str) -> tuple[str, int]:
    chrom, pos = text.split(":")
    return chrom, int(pos)


@pytest.mark.parametrize("name", NTRK_EVENTS)
def test_event_found_with_partner_exons_and_breakpoints(catalogue, calls, name):
    truth = catalogue.sims[name].truth.iloc[0]
    hits = matching(calls[name], truth)
    assert len(hits) == 1, calls[name].fusions[["fusion", "breakpoint5", "breakpoint3", "filters"]]
    hit = hits.iloc[0]
    assert (hit.exon5, hit.exon3) == (truth.exon5, truth.exon3)
    # exact: RNA at the exon boundaries; DNA up to its microhomology, which the table gives to the 3'
    # partner and the truth to either: the truth is one of the homology_length + 1 placements
    if truth.assay == "rna":
        assert (hit.breakpoint5, hit.breakpoint3) == (truth.breakpoint5, truth.breakpoint3)
    else:
        assert (truth.breakpoint5, truth.breakpoint3) in placements(hit)
    assert bool(hit.in_frame) == bool(truth.in_frame)
    assert bool(hit.kinase_domain_retained) == bool(truth.kinase_domain_retained)


@pytest.mark.parametrize("name", NTRK_EVENTS)
def test_support_agrees_with_the_simulated_fragments(catalogue, calls, name):
    """Never more fragments than simulated; most of them found.  The rest are the fragments
    whose NTRK part is too short to align, which no NTRK-locus read can show."""
    truth = catalogue.sims[name].truth.iloc[0]
    hit = matching(calls[name], truth).iloc[0]
    # without chimeric detection STAR leaves pairs across the junction unmapped: soft clips remain
    share = 0.25 if CATALOGUE[name].star_mode == "plain" and CATALOGUE[name].gene5 != "LMNA" else 0.45
    assert hit.supporting_fragments <= truth.fusion_fragments
    assert hit.supporting_fragments >= share * truth.fusion_fragments
    assert hit.supporting_fragments == hit.split_reads + hit.discordant_pairs
    assert hit.split_reads >= 0.4 * truth.split_fragments
    assert hit.duplicate_fragments <= truth.duplicate_fragments + 3
    assert hit.supporting_reads == hit.supporting_fragments + hit.duplicate_fragments


@pytest.mark.parametrize("name", UMI_EVENTS)
def test_umi_libraries_count_molecules_not_reads(catalogue, calls, boundaries, name):
    """Fragments sharing positions and UMI are one molecule: never more than the simulated
    molecules, most of them found, however many reads each; without the UMIs, unique start
    sites alone can only merge molecules, never split them."""
    case, truth = CATALOGUE[name], catalogue.sims[name].truth.iloc[0]
    hit = matching(calls[name], truth).iloc[0]
    assert truth.duplicate_fragments > truth.fusion_fragments  # several reads per molecule
    assert 0.8 * truth.fusion_fragments <= hit.supporting_fragments <= truth.fusion_fragments
    assert hit.supporting_reads >= 0.8 * (truth.fusion_fragments + truth.duplicate_fragments)
    plain = call_sample(catalogue.sims[name].bam, name, case.assay, ANN, boundaries=boundaries,
                        settings=settings(name, "none"))  # fmt: skip
    positions_only = matching(plain, truth).iloc[0]
    assert positions_only.supporting_fragments <= hit.supporting_fragments
    assert positions_only.supporting_reads == hit.supporting_reads


@pytest.mark.parametrize("name", POSITIVES)
def test_positives_pass_the_filters(calls, name):
    case = CATALOGUE[name]
    hits = calls[name].fusions
    passing = hits[(hits["filters"] == "") & (hits["gene3"] == case.gene3)]
    assert len(passing) == 1 and passing.iloc[0].gene5 == case.gene5
    assert bool(passing.iloc[0].known_partner) == (case.gene5 != "GPI")  # GPI is the novel partner


@pytest.mark.parametrize("name", NEGATIVES)
def test_no_ntrk_fusion_passes_on_negatives_and_the_readthrough(calls, name):
    f = calls[name].fusions
    assert f[(f["filters"] == "") & f["gene3"].isin(["NTRK1", "NTRK2", "NTRK3"])].empty


def test_template_switch_is_an_artefact_at_its_true_mid_exon_join(catalogue, calls):
    """GAPDH mid-exon 8 -> NTRK1 mid-exon 15 where 4 bases agree: found where the simulator made it,
    and set aside as a mid-exon join (Arriba calls it with medium confidence)."""
    truth = catalogue.sims["template_switch_gapdh_ntrk1"].truth.iloc[0]
    (hit,) = matching(calls["template_switch_gapdh_ntrk1"], truth).itertuples()
    assert hit.classification == "artefact" and "mid_exon_join" in hit.filters.split(";")
    assert hit.breakpoint_type == "not_at_exon_boundary" and hit.supporting_fragments >= 3


def test_unbaited_breakpoint_gives_no_call(catalogue, calls):
    assert catalogue.sims[UNBAITED].truth.iloc[0].fusion_fragments == 0
    assert calls[UNBAITED].fusions.empty


def test_readthrough_is_named_as_such(calls):
    f = calls["readthrough_decoy"].fusions
    assert "readthrough" in f.iloc[0].filters and f.iloc[0].fusion == "NTRK1::PEAR1"


def test_reciprocal_and_out_of_frame_are_filtered_with_their_reason(calls):
    assert "ntrk_not_3prime" in calls["reciprocal_only"].fusions.iloc[0].filters
    oof = calls["out_of_frame"].fusions.iloc[0]
    assert "out_of_frame" in oof.filters and oof.in_frame is not True


def test_low_tumour_content_5_percent_is_found_across_its_exact_join(calls):
    """At 5 % tumour content two molecules read across ETV6 e5::NTRK3 e15: the exact-join rule calls
    it, with medium confidence (the sample keeps its LOW_TUMOUR_CONTENT flag)."""
    top = calls["low_tc_5"].fusions.iloc[0]
    assert (top.fusion, top.filters, top.support_rule, top.confidence) == ("ETV6::NTRK3", "", "exact_known_join", "medium")
    assert top.split_reads >= 2 and top.supporting_fragments < 5


def test_star_without_chimeric_detection_still_yields_the_fusion(catalogue, boundaries):
    bam = catalogue.sims["etv6_ntrk3_nochim"].bam
    without = call_sample(bam, "x", "rna", ANN).fusions.iloc[0]
    assert (without.fusion, without.exon3, without.breakpoint3) == ("unknown::NTRK3", 15, "chr15:87940753")
    assert "partner_unknown" in without.filters  # reported, not dropped
    named = call_sample(bam, "x", "rna", ANN, boundaries=boundaries).fusions.iloc[0]
    assert (named.fusion, named.exon5, named.breakpoint5, named.filters) == ("ETV6::NTRK3", 5, "chr12:11869969", "")
    chimeric = call_sample(catalogue.sims["etv6_ntrk3"].bam, "x", "rna", ANN).fusions.iloc[0]
    assert 5 <= named.supporting_fragments < chimeric.supporting_fragments  # lower support, and visible
    lmna = call_sample(catalogue.sims["lmna_ntrk1_nochim"].bam, "x", "rna", ANN).fusions.iloc[0]
    assert lmna.fusion == "LMNA::NTRK1" and "gap" in lmna.evidence_kinds and lmna.filters == ""


def test_calls_are_deterministic(catalogue, calls):
    again = call_sample(catalogue.sims["tpm3_ntrk1"].bam, "tpm3_ntrk1", "rna", ANN)
    first = call_sample(catalogue.sims["tpm3_ntrk1"].bam, "tpm3_ntrk1", "rna", ANN)
    assert again.fusions.equals(first.fusions) and again.evidence.equals(first.evidence)


def test_a_microhomology_is_counted_once(calls):
    """DER.000059 of the example TPM3::NTRK1: 105H45M at chr1:154169890 and 43S107M at 156874485,
    152 bases of a 150 bp read: the two shared bases (CA as NTRK1 reads them, TG on TPM3's strand)
    belong to one side only; the breakpoints are the truth's, the homology is stated."""
    hit = calls["dna_tpm3_ntrk1_20"].fusions.iloc[0]
    assert (hit.breakpoint5, hit.breakpoint3) == ("chr1:154169892", "chr1:156874485")
    assert (hit.homology_length, hit.homology_sequence) == (2, "CA")


LONG_READS = [n for n, c in CATALOGUE.items() if c.library_name == "long_read"]


@pytest.mark.parametrize("name", LONG_READS)
def test_long_reads_count_each_read_once(catalogue, calls, name):
    """A long read is a molecule: a fusion's support is exactly the simulated reads that hold its
    junction, none a duplicate; a negative shows no candidate (its poly(A) tails and read ends are
    set aside) and no duplicate rate."""
    truth, found = catalogue.sims[name].truth.iloc[0], calls[name]
    assert found.qc.metrics["duplicate_rate"] is None and found.qc.metrics["long_reads"] is True
    if not CATALOGUE[name].has_fusion:
        assert found.fusions.empty
        assert found.qc.background["evidence_set_aside"].get("poly_a", 0) > 0
        return
    hit = matching(found, truth).iloc[0]
    assert hit.split_reads == hit.supporting_fragments == truth.split_fragments
    assert (hit.discordant_pairs, hit.duplicate_fragments) == (0, 0)
    # most reads are full length: the whole 5' partner to the junction, then the NTRK gene to its last exon
    last = int(ANN.exons(truth.gene3)["exon_number"].max())
    whole = f"{truth.gene5} e1–e{truth.exon5} → {truth.gene3} e{truth.exon3}–e{last}"
    report = (found.folder / "report.html").read_text()
    assert f"Long reads across the junction, 5′ to 3′: {whole} (" in report
