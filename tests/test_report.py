"""Reports people read: HTML per sample and cohort, MultiQC section, Snakemake report, a browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from ntrkfusion.annotation import load_annotation

from .test_workflow import example_rows, project, snakemake

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    work = project(tmp_path_factory.mktemp("report"), example_rows())
    out = snakemake(work)
    assert out.returncode == 0, out.stderr
    return work


def test_sample_report_shows_result_diagram_and_limitations(example):
    html = (example / "results/etv6_ntrk3/report.html").read_text()
    assert 'class="result POSITIVE"' in html and "NM_001987.5(ETV6):e.5::NM_001012338.3(NTRK3):e.15" in html
    svg = re.search(r'<svg[^>]*class="fusion-diagram".*?</svg>', html, re.S).group(0)
    labels = re.findall(r'class="exon-label"[^>]*>(e\d+)<', svg)
    assert labels[0] == "e1" and "e5" in labels and "e15" in labels
    assert "kinase domain" in svg and 'class="breakpoint"' in svg
    dna = (example / "results/dna_tpm3_ntrk1_20/report.html").read_text()
    assert "does not bait 48 NTRK introns" in dna and "fused transcript and its frame are inferred" in dna
    degraded = (example / "results/degraded_negative/report.html").read_text()
    assert 'class="result INDETERMINATE"' in degraded and "DEGRADED_RNA" in degraded


def test_sample_report_plots(example):
    rna = (example / "results/etv6_ntrk3/report.html").read_text()
    for plot in ("coverage-plot", "threshold-plot", "imbalance-plot", "fragment-plot"):
        assert f'id="{plot}"' in rna, plot
    coverage = re.search(r'<svg id="coverage-plot".*?</svg>', rna, re.S).group(0)
    assert "NTRK3 (red: kinase domain exons)" in coverage
    dna = (example / "results/dna_tpm3_ntrk1_20/report.html").read_text()
    assert 'id="coverage-plot"' in dna and 'id="fragment-plot"' not in dna  # RNA-only plots


def test_reports_are_deterministic(example, tmp_path):
    from ntrkfusion.report.html import sample_report

    results = example / "results/etv6_ntrk3"
    first = sample_report(results / "qc.json", results / "fusions.parquet", "GRCh38", tmp_path / "a.html")
    again = sample_report(results / "qc.json", results / "fusions.parquet", "GRCh38", tmp_path / "b.html")
    assert first == again == (results / "report.html").read_text()


def test_reports_are_self_contained(example):
    for page in [example / "results/report.html", *sorted(example.glob("results/*/report.html"))]:
        html = page.read_text()
        assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html), page  # nothing fetched at view time
        assert "<link" not in html and "<script src" not in html


def test_diagram_is_drawn_to_scale(example):
    """ETV6's share of the drawing is its share of the fusion's coding bases."""
    ann = load_annotation("GRCh38")
    svg = re.search(r"<svg.*?</svg>", (example / "results/etv6_ntrk3/report.html").read_text(), re.S).group(0)
    boxes = re.findall(r'<rect class="exon" x="[\d.]+" y="52" width="([\d.]+)".*?<title>(\w+) exon (\d+)</title>', svg)
    width = {g: sum(float(w) for w, gene, _ in boxes if gene == g) for g in ("ETV6", "NTRK3")}

    def coding(gene, first, last):
        tx, exons = ann.transcript(gene), ann.exons(gene)
        kept = exons[(exons["exon_number"] >= first) & (exons["exon_number"] <= last)]
        return sum(max(0, min(e, tx["cds_end"]) - max(s, tx["cds_start"])) or 12 for s, e in zip(kept["start"], kept["end"]))

    etv6, ntrk3 = coding("ETV6", 1, 5), coding("NTRK3", 15, 20)
    assert width["ETV6"] / (width["ETV6"] + width["NTRK3"]) == pytest.approx(etv6 / (etv6 + ntrk3), abs=0.01)


def test_cohort_report_has_one_row_per_sample(example):
    html = (example / "results/report.html").read_text()
    samples = pd.read_csv(example / "results/samples.tsv", sep="\t")
    rows = re.findall(r'<tr><td><a href="([^"/]+)/report.html">', html)
    assert rows == list(samples["sample"])
    assert "3 POSITIVE" in html and "1 INDETERMINATE" in html and "1 NEGATIVE" in html


def test_multiqc_finds_our_section(example, tmp_path):
    if shutil.which("multiqc") is None and os.environ.get("NTRKFUSION_REQUIRE_REPORT_TOOLS") != "1":
        pytest.skip("needs multiqc (PyPI: multiqc)")
    out = subprocess.run([sys.executable, "-m", "multiqc", str(example / "results/multiqc"), "-o", str(tmp_path),
                          "--no-ansi", "-f"], capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    data = json.loads((tmp_path / "multiqc_data/multiqc_data.json").read_text())
    text = json.dumps(data)
    assert "ntrkfusion" in text and "NM_001987.5(ETV6):e.5::NM_001012338.3(NTRK3):e.15" in text
    html = (tmp_path / "multiqc_report.html").read_text()
    assert "NTRK fusions (ntrkfusion)" in html


def test_snakemake_report_zip(example, tmp_path):
    out = snakemake(example, "--report", str(tmp_path / "report.zip"))
    assert out.returncode == 0, out.stderr[-2000:]
    names = zipfile.ZipFile(tmp_path / "report.zip").namelist()
    assert any(n.endswith("report.html") for n in names) and any("samples.tsv" in n for n in names)


def test_browser_renders_the_sample_report(example, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("NTRKFUSION_REQUIRE_REPORT_TOOLS") == "1":
            pytest.fail("chromium missing; NTRKFUSION_REQUIRE_REPORT_TOOLS=1 forbids skipping")
        pytest.skip("needs chromium (Debian: chromium)")
    page = (example / "results/etv6_ntrk3/report.html").as_uri()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]  # fmt: skip
    shot = subprocess.run([chromium, *flags, f"--screenshot={tmp_path / 'shot.png'}", "--window-size=1100,900", page],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert (tmp_path / "shot.png").stat().st_size > 20_000  # a rendered page, not a blank one
    dom = subprocess.run([chromium, *flags, "--dump-dom", page], capture_output=True, text=True, timeout=120)
    assert "POSITIVE" in dom.stdout and 'class="fusion-diagram"' in dom.stdout and ">e15<" in dom.stdout
    console = [line for line in (shot.stderr + dom.stderr).splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "Uncaught" in line or "Error" in line], console


def test_limitations_fit_the_assay():
    from ntrkfusion.report.html import limitations

    def qc(assay, result, untested=()):
        return {"assay": assay, "result": result, "qc_flags": [], "metrics": {"untested_regions": list(untested)}}

    plasma = " ".join(limitations(qc("cfdna", "NEGATIVE", ["NTRK2 intron 3"])))
    assert "negative liquid biopsy does not exclude" in plasma and "does not bait 1 NTRK introns (NTRK2)" in plasma
    assert not any("liquid biopsy" in line for line in limitations(qc("cfdna", "POSITIVE")))
    assert not any("liquid biopsy" in line or "bait" in line for line in limitations(qc("rna", "NEGATIVE")))
