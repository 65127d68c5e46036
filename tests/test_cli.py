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


def test_every_argument_has_help_and_the_description_is_plain_text():
    import argparse

    from ntrkfusion.cli import _parser

    parser = _parser()
    assert "``" not in parser.description
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = []
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            if not isinstance(action, argparse._HelpAction) and not (action.help or "").strip():
                missing.append(f"{name} {action.dest}")
    assert missing == []
    assert {"--genome-build"} <= set(subparsers.choices["locate"]._option_string_actions)  # one name everywhere


def test_run_gives_one_samples_full_result_with_the_config(tmp_path, capsys):
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "resources/example"
    config = tmp_path / "config.yaml"
    config.write_text("qc:\n  min_tumour_content: 70\n")  # the same config file as the workflow's
    args = ["run", str(example / "etv6_ntrk3.bam"), "--assay", "rna", "--tumour-content", "60", "--config", str(config),
            "--out", str(tmp_path / "out")]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("etv6_ntrk3: POSITIVE") and "tumour content 60% < 70%" in out
    folder = tmp_path / "out/etv6_ntrk3"
    assert {p.name for p in folder.iterdir()} >= {"bam_info.json", "evidence.parquet", "fusions.tsv", "qc.json",
                                                  "supporting_reads.bam", "report.html"}  # fmt: skip
    assert main(["run", str(example / "etv6_ntrk3.bam"), "--assay", "rna", "--tumour-content", "150"]) == 1
    assert "column tumour_content: 150 is outside 0-100" in capsys.readouterr().err


def test_snakefile_points_at_the_workflow(capsys):
    from pathlib import Path

    assert main(["snakefile"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.name == "Snakefile" and (path.parent / "workflow/rules/common.smk").is_file()
