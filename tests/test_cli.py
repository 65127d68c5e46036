from ntrkfusion.cli import main


def test_check_samples_prints_build_and_naming(sheet_factory, bam_factory, capsys):
    a = bam_factory("a.bam", build="GRCh38", chr_prefix=True)
    b = bam_factory("b.bam", build="GRCh37", chr_prefix=False)
    sheet = sheet_factory([["A", a.name, "rna"], ["B", b.name, "dna"]])
    assert main(["check-samples", str(sheet)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:4] for line in lines[:2]] == [["A", "rna", "GRCh38", "chr"], ["B", "dna", "GRCh37", "no chr"]]
    assert lines[2] == "2 samples ready"


def test_check_samples_reports_every_problem_without_traceback(sheet_factory, bam_factory, capsys):
    a = bam_factory("a.bam", index=False)
    sheet = sheet_factory([["A", a.name, "rna"], ["B", "missing.bam", "dna"]])
    assert main(["check-samples", str(sheet)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("ntrkfusion: error: sample A: no index for a.bam")
    assert err[1].startswith("ntrkfusion: error: sample B: alignment file not found:")
    assert err[2] == "ntrkfusion: 2 problems in 2 samples; fix them and check again" and len(err) == 3


def test_locate_both_builds(capsys):
    assert main(["locate", "chr1:156874571"]) == 0
    assert main(["locate", "1:156,844,363", "--build", "GRCh37"]) == 0
    assert main(["locate", "chr1:1000"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("\t")[1:] == ["NTRK1", "ENST00000524377.7", "NM_002529.4", "exon 10"]
    assert out[1].split("\t")[1:] == ["NTRK1", "ENST00000524377.7", "NM_002529.4", "exon 10"]
    assert out[2].endswith("\tintergenic")


def test_locate_bad_position(capsys):
    assert main(["locate", "chr1-5"]) == 1
    assert "expected chrom:pos" in capsys.readouterr().err
