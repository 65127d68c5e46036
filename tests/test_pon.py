"""The panel of normals: recurrent junctions of known-negative samples are filtered, visibly."""

import pandas as pd

from ntrkfusion.annotation import load_annotation
from ntrkfusion.calling.engine import call_sample
from ntrkfusion.calling.pon import PanelOfNormals
from ntrkfusion.cli import main
from ntrkfusion.testing import Read

from .test_background import NTRK3_E15_START, etv6_ntrk3_split

ANN = load_annotation("GRCh38")
ARTEFACT_AT = ("chr4", 19_467_081)  # a mispriming partner seen in every library of one assay


def artefact_split(name: str, i: int) -> list[Read]:
    """An assay artefact: NTRK3 exon 15 joined to the same intergenic place in every sample."""
    chrom, pos = ARTEFACT_AT
    mate = ("chr15", NTRK3_E15_START - 400 - 7 * i)
    return [
        Read(name, "chr15", NTRK3_E15_START - 59, "60M40S", flag=97, mate=mate,
             tags={"SA": f"{chrom},{pos},+,60S40M,60,0;"}),
        Read(name, chrom, pos, "60H40M", flag=2048 | 97, mate=mate, tags={"SA": f"chr15,{NTRK3_E15_START - 59},+,60M40S,60,0;"}),
    ]  # fmt: skip


def test_a_recurrent_artefact_is_filtered_and_the_fusion_is_not(bam_factory, tmp_path, capsys):
    normals = [bam_factory(f"n{k}.bam", reads=[r for i in range(6) for r in artefact_split(f"n{k}.{i}", i)])
               for k in range(3)]  # fmt: skip
    sheet = tmp_path / "normals.tsv"
    sheet.write_text("sample\tbam\tassay\n" + "".join(f"N{k}\t{b}\trna\n" for k, b in enumerate(normals)))
    assert main(["build-pon", str(sheet), "--out", str(tmp_path / "pon.tsv")]) == 0
    assert "sites seen in >= 2 of 3 normals" in capsys.readouterr().out
    pon = PanelOfNormals.load(tmp_path / "pon.tsv")
    assert set(pon.table["samples"]) == {3} and pon.builds() == {"GRCh38"}

    tumour = [r for i in range(6) for r in artefact_split(f"a{i}", i)] + [
        r for i in range(8) for r in etv6_ntrk3_split(f"f{i}")]  # fmt: skip
    bam = bam_factory("tumour.bam", reads=tumour)
    without = call_sample(bam, "T", "rna", ANN).fusions.set_index("gene5")
    with_pon = call_sample(bam, "T", "rna", ANN, pon=pon.restricted("rna", "GRCh38")).fusions.set_index("gene5")
    other = [g for g in without.index if g != "ETV6"]  # the partner named at the artefact's place
    assert len(other) == 1 and "in_panel_of_normals" not in without.loc[other[0], "filters"]
    artefact = with_pon.loc[other[0]]
    assert "in_panel_of_normals" in artefact["filters"].split(";") and artefact["classification"] == "artefact"
    assert with_pon.loc["ETV6", "filters"] == ""  # the real fusion is untouched
    assert pon.restricted("dna", "GRCh38").table.empty  # a panel applies to its own assay only


def test_a_panel_of_normals_that_is_not_one_is_one_clear_line(tmp_path):
    from ntrkfusion.stages.inspect import config_file_problems as file_problems

    bad = tmp_path / "pon.tsv"
    bad.write_text("gene\tpos\nNTRK1\t5\n")
    (line,) = file_problems({"panel_of_normals": str(bad)})
    assert line.startswith(f"panel_of_normals {bad}: columns build, assay, kind") and "build-pon" in line
    missing = file_problems({"panel_of_normals": str(tmp_path / "none.tsv")})
    assert len(missing) == 1 and "not a panel of normals" in missing[0]


def test_lab_control_genes_file_is_checked(tmp_path):
    from ntrkfusion.config import control_genes
    from ntrkfusion.stages.inspect import config_file_problems as file_problems

    good = tmp_path / "controls.tsv"
    good.write_text("gene\tnote\nGAPDH\t\nTBP\tpanel control\n")
    assert control_genes(good) == ["GAPDH", "TBP"]
    assert len(control_genes(None)) == 10  # the bundled list
    bad = tmp_path / "bad.tsv"
    bad.write_text("symbol\nGAPDH\n")
    assert file_problems({"housekeeping_genes": str(bad)}) == [f"housekeeping_genes {bad}: needs a column named 'gene'"]
    assert pd.read_csv(good, sep="\t").shape == (2, 2)
