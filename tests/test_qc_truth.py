"""The per-sample result and QC flags of every simulated case, against the truth's expectations."""

from __future__ import annotations

import pytest

from ntrkfusion.simulate.cases import CATALOGUE

from .conftest import NO_REFERENCE


@pytest.fixture(scope="session")
def qc(analysed):
    """The result of every case (analysed with the reference, as a lab would run RNA), as the
    dict qc.json holds, and of one case without the reference."""
    records = {name: analysed[name].qc.to_json() for name in CATALOGUE}
    records["etv6_ntrk3_nochim/no-reference"] = analysed[NO_REFERENCE].qc.to_json()
    return records


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_result_and_flags_as_the_truth_expects(qc, name):
    case, record = CATALOGUE[name], qc[name]
    assert record["result"] == case.expected_result, record["reasons"]
    assert sorted(record["qc_flags"]) == sorted(case.expected_qc_flags), record["reasons"]
    if case.expected_result == "NEGATIVE":  # a clean negative says so briefly, whatever its background
        assert len("; ".join(record["reasons"])) < 300
        assert set(record["background"]["candidates"]) <= {"weak", "artefact"}


def test_never_a_plain_negative_where_a_fusion_could_be_missed(qc):
    assert qc["degraded_negative"]["result"] == "INDETERMINATE" and "DEGRADED_RNA" in qc["degraded_negative"]["qc_flags"]
    assert qc["low_tc_5"]["result"] in ("POSITIVE", "INDETERMINATE")
    assert "LOW_TUMOUR_CONTENT" in qc["low_tc_5"]["qc_flags"]
    assert qc["dna_unbaited_ntrk3"]["qc_flags"] == ["UNTESTED_REGIONS"]
    assert any("NTRK3 introns 1-19" in r for r in qc["dna_unbaited_ntrk3"]["reasons"])


def test_no_reference_clip_only_fusion_is_indeterminate_not_negative(qc):
    record = qc["etv6_ntrk3_nochim/no-reference"]
    assert record["result"] == "INDETERMINATE"
    assert any("unknown::NTRK3" in r for r in record["reasons"])
    assert any("NTRK3 3'/5' expression imbalance" in r for r in record["reasons"])


def test_reasons_read_as_words(qc):
    assert qc["low_tc_10"]["reasons"] == [
        "NM_001987.5(ETV6):e.5::NM_001012338.3(NTRK3):e.15 detected "
        f"({qc['low_tc_10']['best_fusion_fragments']} fragments)",
        "tumour content 10% < 20%",
    ]
    assert qc["negative_rna"]["reasons"] == ["no NTRK fusion detected"]


def test_rna_metrics_separate_degraded_from_intact(qc):
    good, bad = qc["negative_rna"]["metrics"], qc["degraded_negative"]["metrics"]
    assert bad["median_fragment_length"] < 130 < 200 < good["median_fragment_length"]
    assert bad["median_tin"] < good["median_tin"] - 15
    assert bad["median_5prime_to_3prime_bias"] < 0.5 < 0.8 < good["median_5prime_to_3prime_bias"]


def test_dna_detectability_follows_purity(qc):
    high = qc["negative_dna"]["metrics"]["detectability"]["NTRK1"]  # 50 %
    low = qc["dna_lmna_ntrk1_10"]["metrics"]["detectability"]["NTRK1"]  # 10 %
    assert high > low > 0.9


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_aligner_is_read_from_the_header_and_a_mismatch_is_a_warning(catalogue, qc, name):
    case, record = CATALOGUE[name], qc[name]
    assert record["inputs"]["aligner"] == catalogue.sims[name].truth.iloc[0].aligner
    dna_aligner_for_rna = case.assay == "rna" and case.aligner_name == "bwa"
    assert any("an unspliced (DNA) aligner" in w for w in record["warnings"]) == dna_aligner_for_rna


def test_cfdna_is_judged_by_unique_molecules_and_detectability(qc):
    clean, low = qc["cfdna_negative"], qc["cfdna_negative_low_tf"]
    # UMI families make most reads copies: that is the design, not a poor library
    assert clean["metrics"]["duplicate_rate"] > 0.3 and "LOW_LIBRARY_COMPLEXITY" not in clean["qc_flags"]
    assert clean["metrics"]["median_exon_depth"] >= 1300  # unique molecules, over the baited exons only
    assert clean["metrics"]["genes_not_in_panel"] == ["NTRK2"]
    assert any("NTRK2 (no exon in the panel)" in r for r in clean["reasons"])
    # the same depth at 0.3 % tumour fraction cannot show a fusion: said, with the number
    assert low["metrics"]["detectability"]["NTRK1"] < 0.95 <= clean["metrics"]["detectability"]["NTRK1"]
    assert any(r.startswith("detectability for NTRK1") for r in low["reasons"])


def test_anchored_pcr_panel_qc_counts_umi_families_as_one(qc):
    record = qc["amp_negative"]
    assert record["result"] == "NEGATIVE" and "LOW_LIBRARY_COMPLEXITY" not in record["qc_flags"]
    assert record["metrics"]["housekeeping_expressed_fraction"] == 1.0
