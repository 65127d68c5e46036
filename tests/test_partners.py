import pytest

from ntrkfusion.annotation import load_annotation
from ntrkfusion.partners import is_known_partner, known_partners

from .helpers import shared_file

ISSUE_PARTNERS = {"ETV6", "LMNA", "TPM3", "TPR", "IRF2BP2", "SQSTM1", "QKI", "AGBL4", "BCAN", "EML4"}


def test_table_has_a_reference_per_row_and_the_common_partners():
    table = known_partners()
    assert table["reference"].str.len().min() > 40
    assert ISSUE_PARTNERS <= set(table["partner"])
    assert set(table["ntrk_gene"]) == {"NTRK1", "NTRK2", "NTRK3"}
    assert not table.duplicated(["partner", "ntrk_gene"]).any()
    assert is_known_partner("ETV6", "NTRK3") and not is_known_partner("ETV6", "NTRK1")


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_typical_exon_joins_are_in_frame(build):
    ann = load_annotation(build)
    rows = known_partners().dropna(subset=["exon5"])
    assert len(rows) >= 3
    for r in rows.itertuples():
        assert ann.exon_join_in_frame(r.partner, int(r.exon5), r.ntrk_gene, int(r.exon3)) is True, r


def test_every_partner_gene_is_annotated_in_both_builds():
    for build in ("GRCh38", "GRCh37"):
        genes = set(load_annotation(build).transcripts["gene"])
        assert set(known_partners()["partner"]) <= genes


def test_every_pair_is_listed_in_mitelman():
    pairs = set(shared_file("known_fusions/jaffa_known_fusions_mitelman.txt").read_text().split())
    table = known_partners()
    missing = [f"{p}::{n}" for p, n in zip(table["partner"], table["ntrk_gene"]) if f"{p}::{n}" not in pairs]
    assert missing == []
