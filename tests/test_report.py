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

from ntrkfusion import __version__
from ntrkfusion.annotation import load_annotation
from ntrkfusion.testing import Read

from .helpers import snakemake

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def example(example_run) -> Path:
    return example_run


def render(qc_json: Path, fusions_parquet: Path, out: Path) -> str:
    """A sample's report drawn again from its files (as an older run's results are)."""
    from ntrkfusion.records import read_fusions, read_sample_result
    from ntrkfusion.report.html import sample_report

    return sample_report(read_sample_result(qc_json), read_fusions(fusions_parquet), load_annotation("GRCh38"), out)


def test_sample_report_shows_result_diagram_and_limitations(example):
    html = (example / "results/etv6_ntrk3/report.html").read_text()
    assert 'class="result POSITIVE"' in html and "NM_001987.5(ETV6):e.5::NM_001012338.3(NTRK3):e.15" in html
    svg = re.search(r'<svg[^>]*class="fusion-diagram".*?</svg>', html, re.S).group(0)
    labels = re.findall(r'class="exon-label"[^>]*>(e\d+)<', svg)
    assert labels[0] == "e1" and "e5" in labels and "e15" in labels
    assert "kinase domain" in svg and 'class="breakpoint"' in svg
    dna = (example / "results/dna_tpm3_ntrk1_20/report.html").read_text()
    assert "does not bait" not in dna and "fused transcript and its frame are inferred" in dna  # a positive
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
    results = example / "results/etv6_ntrk3"
    first = render(results / "qc.json", results / "fusions.parquet", tmp_path / "a.html")
    again = render(results / "qc.json", results / "fusions.parquet", tmp_path / "b.html")
    assert first == again == (results / "report.html").read_text()


def test_reports_are_self_contained(example):
    for page in [example / "results/report.html", *sorted(example.glob("results/*/report.html"))]:
        html = re.sub(r"<script>.*?</script>", "", page.read_text(), flags=re.S)  # embedded code (igv.js) aside
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
    rows = re.findall(r'<tr><td><a class="sample-link" href="([^"/]+)/report.html"', html)
    assert rows == list(samples["sample"])
    assert "3 POSITIVE" in html and "1 INDETERMINATE" in html and "1 NEGATIVE" in html
    assert "genome GRCh38" in html and "genome ·" not in html  # the footer names the build
    run = json.loads((example / "results/run_info.json").read_text())
    assert f"settings digest {run['config_digest'][:16]}" in html and f"Run {run['date']}" in html


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
    # titles, not column ids; percentages as percentages; the result coloured; DV200 present
    for title in ("Result", "QC flags", "Fragments", "Tumour %", "DV200", "Duplicates"):
        assert f">{title}<" in html or f'"{title}"' in html, title
    degraded = re.search(r'data-original-sn="degraded_negative">.*?</tr>', html, re.S).group(0)
    assert re.search(r'style="background-color:#f9e79f[^"]*">INDETERMINATE<', degraded)
    dup = json.loads((example / "results/degraded_negative/qc.json").read_text())["metrics"]["duplicate_rate"]
    assert f'data-sorting-val="{dup * 100}"' in degraded and dup * 100 > 1  # 5.1 %, not 0.1
    assert re.search(r'class="data-coloured dv200 ">.*?>15<span[^>]*></span>%<', degraded)
    assert "settings digest" in html and f"ntrkfusion {__version__}" in html  # provenance in the section's description


def test_snakemake_report_zip_links_the_cohort_to_each_sample(example, tmp_path):
    out = snakemake(example, "--report", str(tmp_path / "report.zip"))
    assert out.returncode == 0, out.stderr[-2000:]
    with zipfile.ZipFile(tmp_path / "report.zip") as z:
        names = z.namelist()
        assert any("samples.tsv" in n for n in names)
        z.extractall(tmp_path / "unzipped")
    cohorts = [n for n in names if n.endswith("report.html") and "<h1>NTRK fusion results</h1>" in
               (tmp_path / "unzipped" / n).read_text()]  # fmt: skip
    assert len(cohorts) == 1
    cohort = tmp_path / "unzipped" / cohorts[0]
    # in the browser, the page's script points each link at the sample's report inside the zip
    dom = browser(tmp_path, "--dump-dom", cohort.as_uri()).stdout
    links = re.findall(r'<a class="sample-link" href="([^"]+)"[^>]*>([^<]+)</a>', dom)
    assert len(links) == 5
    for href, sample in links:
        target = (cohort.parent / href).resolve()
        assert target.is_file(), (sample, href)
        assert f"<title>{sample}: " in target.read_text()


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("NTRKFUSION_REQUIRE_REPORT_TOOLS") == "1":
            pytest.fail("chromium missing; NTRKFUSION_REQUIRE_REPORT_TOOLS=1 forbids skipping")
        pytest.skip("needs chromium (Debian: chromium)")
    return found


def browser(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Headless Chromium, offline, with its console on stderr."""
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]  # fmt: skip
    return subprocess.run([chromium(), *flags, *args], capture_output=True, text=True, timeout=120)


def console_errors(*runs: subprocess.CompletedProcess) -> list[str]:
    console = [line for run in runs for line in run.stderr.splitlines() if "CONSOLE" in line]
    return [line for line in console if "Uncaught" in line or "Error" in line]


def test_browser_renders_the_sample_report(example, tmp_path):
    page = (example / "results/etv6_ntrk3/report.html").as_uri()
    shot = browser(tmp_path, f"--screenshot={tmp_path / 'shot.png'}", "--window-size=1100,900", page)
    assert (tmp_path / "shot.png").stat().st_size > 20_000  # a rendered page, not a blank one
    dom = browser(tmp_path, "--dump-dom", page)
    assert "POSITIVE" in dom.stdout and 'class="fusion-diagram"' in dom.stdout and ">e15<" in dom.stdout
    assert not console_errors(shot, dom)


def test_printed_sample_report_names_the_sample_on_every_page(example, tmp_path):
    try:
        import pypdf  # reads the text of each printed page
    except ImportError:
        if os.environ.get("NTRKFUSION_REQUIRE_REPORT_TOOLS") == "1":
            pytest.fail("pypdf missing; NTRKFUSION_REQUIRE_REPORT_TOOLS=1 forbids skipping")
        pytest.skip("needs pypdf (pip install -e '.[test]')")
    qc = json.loads((example / "results/etv6_ntrk3/qc.json").read_text())
    pdf = tmp_path / "report.pdf"
    browser(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
            (example / "results/etv6_ntrk3/report.html").as_uri())  # fmt: skip
    pages = [page.extract_text() for page in pypdf.PdfReader(pdf).pages]
    assert len(pages) >= 2  # the header must repeat, so the test needs a second page
    for number, text in enumerate(pages, 1):
        assert "Sample etv6_ntrk3" in text and "POSITIVE" in text, number
        assert qc["provenance"]["date"][:10] in text and f"ntrkfusion {qc['provenance']['pipeline']['version']}" in text
        assert "MANE Select" in text, number  # the annotation


def test_cohort_table_wraps_at_1400_px_and_never_inside_a_flag(example, tmp_path):
    """Every flag a sample can carry and a long reason: the table fits 1400 px, no flag is broken
    across lines ("DEGR ADED _RNA"), and the printed page keeps each reason whole."""
    from ntrkfusion.qc.flags import ALL_FLAGS
    from ntrkfusion.records import read_json, read_samples
    from ntrkfusion.report.html import cohort_report

    samples = read_samples(example / "results/samples.parquet")
    reason = "sub-threshold evidence for ETV6::NTRK3 (4 fragments, 5 needed; fewer distinct supporting fragments"
    samples.at[0, "qc_flags"] = list(ALL_FLAGS)
    samples.at[0, "reasons"] = ["no NTRK fusion detected", reason + " than required)"]
    page = tmp_path / "cohort.html"
    cohort_report(samples, page, read_json(example / "results/run_info.json"))
    probe = ("<script>document.body.dataset.overflow = document.documentElement.scrollWidth > window.innerWidth;"
             "document.body.dataset.broken = Array.from(document.querySelectorAll('.flag'))"
             ".filter(function (f) { return f.getClientRects().length > 1; }).length;</script>")  # fmt: skip
    page.write_text(page.read_text().replace("</body>", probe + "</body>"))
    dom = browser(tmp_path, "--window-size=1400,900", "--dump-dom", page.as_uri())
    assert "LOW_LIBRARY_COMPLEXITY" in dom.stdout
    assert 'data-overflow="false"' in dom.stdout and 'data-broken="0"' in dom.stdout
    import pypdf

    pdf = tmp_path / "cohort.pdf"
    browser(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(pdf).pages)
    assert reason in text and "DEGRADED_RNA" in text


def test_limitations_fit_the_assay():
    from ntrkfusion.records import SampleResult
    from ntrkfusion.report.words import limitations

    def qc(assay, result, untested=(), flags=()):
        return SampleResult(sample="S", assay=assay, result=result, reasons=[], qc_flags=list(flags), warnings=[],
                            inputs={}, best_fusion=None, best_fusion_name=None, best_fusion_fragments=None,
                            tumour_content=None, dv200=None, build="GRCh38", ntrk_reads=0, background={},
                            metrics={"untested_regions": list(untested)}, checks=[])  # fmt: skip

    plasma = " ".join(limitations(qc("cfdna", "NEGATIVE", [{"gene": "NTRK2", "intron": 3}])))
    assert "negative liquid biopsy does not exclude" in plasma and "does not bait 1 NTRK introns (NTRK2)" in plasma
    assert not any("liquid biopsy" in line for line in limitations(qc("cfdna", "POSITIVE")))
    assert not any("liquid biopsy" in line or "bait" in line for line in limitations(qc("rna", "NEGATIVE")))
    degraded_rna = qc("rna", "INDETERMINATE", flags=["DEGRADED_RNA"])
    degraded_dna = qc("dna", "INDETERMINATE", flags=["LOW_COVERAGE"])
    assert "RNA-NGS" not in " ".join(limitations(degraded_rna))  # RNA is not orthogonal to an RNA test
    assert "orthogonal test (RNA-NGS" in " ".join(limitations(degraded_dna))
    positive = " ".join(limitations(qc("rna", "POSITIVE", flags=["LOW_COVERAGE"])))
    assert "does not rule out" not in positive and "repeat" not in positive  # a POSITIVE is not told to hedge
    assert "detected although the material is limited (LOW_COVERAGE)" in positive


def test_headline_is_gene_level_and_numbers_read_as_numbers(example):
    html = (example / "results/etv6_ntrk3/report.html").read_text()
    headline = re.search(r'<p class="headline">(.*?)</p>', html).group(1)
    assert headline == "ETV6::NTRK3 detected: ETV6 exon 5 :: NTRK3 exon 15, in frame, kinase domain retained"
    assert "tumour content 60%" in html and "tumour content 60.0" not in html
    for raw in ("in frame: true", "kinase domain kept: true", ".0 fragments", " 1 fragments", "exons 15–)"):
        assert raw not in html, raw
    assert "(3′, exons 15–20)" in html  # NTRK3's MANE transcript ends at exon 20
    row = pd.read_parquet(example / "results/etv6_ntrk3/fusions.parquet").iloc[0]
    share = (f"{100 * row['fusion_fraction']:.0f}% of the NTRK3 transcripts read through the breakpoint are fused "
             f"({row['supporting_fragments']} fused fragments, {row['wild_type_fragments3']} unfused fragments through "
             "the NTRK3 breakpoint)")  # fmt: skip
    assert share in html and "fusion fraction" not in html  # not to be read as an allele fraction
    dna = (example / "results/dna_tpm3_ntrk1_20/report.html").read_text()
    assert "Allele fraction of the rearrangement" in dna
    negative = (example / "results/negative_rna/report.html").read_text()
    assert re.search(r'<p class="headline">No NTRK fusion detected</p>', negative)


def test_metrics_show_the_verdicts_qc_made(example):
    """A POSITIVE sample's NTRK3 3'/5' imbalance is its fusion, not a failure (nor what it could
    have missed); the DV200 and the integrity that made a sample INDETERMINATE are shown, marked as
    deciding; each verdict is the one in qc.json."""
    def rows(sample):
        html = (example / f"results/{sample}/report.html").read_text()
        table = re.search(r'<table class="sortable metrics">.*?</table>', html, re.S).group(0)
        return {label: (cls, value) for cls, label, value in
                re.findall(r'<tr class="([^"]*)"><td>([^<]+)</td><td class="meter">([^<]+)</td>', table)}  # fmt: skip

    positive = rows("etv6_ntrk3")
    assert positive["NTRK3 3′/5′ exon depth ratio"][0] == "explained"
    assert not [label for label, (cls, _) in positive.items() if cls.startswith("fail")]
    degraded = rows("degraded_negative")
    assert degraded["DV200"] == ("fail decides", "15%")
    qc = json.loads((example / "results/degraded_negative/qc.json").read_text())
    deciding = [c["metric"] for c in qc["checks"] if c["decides"]]
    assert {"dv200", "median_tin"} <= set(deciding)
    assert deciding == [c["metric"] for c in qc["checks"] if c["status"] == "fail"]
    assert len(degraded) == len(qc["checks"])


def test_filtered_candidates_are_apart_and_in_words(example, tmp_path):
    from ntrkfusion.records import read_fusions

    results = example / "results/etv6_ntrk3"
    fusions = read_fusions(results / "fusions.parquet")
    weak = fusions.iloc[0].copy()
    weak["fusion"], weak["gene5"], weak["filters"], weak["classification"] = "QKI::NTRK2", "QKI", "low_support;no_split_read", "subthreshold"  # fmt: skip
    weak["gene3"], weak["supporting_fragments"], weak["split_reads"] = "NTRK2", 1, 0

    table = pd.concat([pd.DataFrame([weak]), fusions], ignore_index=True)  # the filtered one first
    table.to_parquet(tmp_path / "fusions.parquet")
    html = render(results / "qc.json", tmp_path / "fusions.parquet", tmp_path / "r.html")
    sections = re.findall(r'<section class="fusion (\w+)">\s*<h3>([^:<]+::\w+)', html)
    assert sections == [("passing", "ETV6::NTRK3"), ("filtered", "QKI::NTRK2")]
    filtered = html[html.index('<section class="fusion filtered">'):]
    assert "fewer distinct supporting fragments than required" in filtered and "1 fragment (0 split reads" in filtered
    assert 'title="filter code: low_support"' in filtered  # the code stays, beside the words
    assert "low_support;no_split_read" not in html


def test_an_out_of_frame_join_draws_the_part_of_the_kinase_domain_it_keeps():
    from ntrkfusion.report.diagram import fusion_svg

    ann = load_annotation("GRCh38")
    row = dict(fusion="ETV6::NTRK3", gene5="ETV6", gene3="NTRK3", exon5=5, exon3=16, breakpoint5="chr12:1",
               breakpoint3="chr15:1", split_reads=3, discordant_pairs=2, supporting_fragments=5, in_frame=False,
               kinase_domain_retained=False, vicc_name="x")  # fmt: skip
    svg = fusion_svg(ann, row)
    assert 'class="kinase partial"' in svg and "kinase domain (partly kept), out of frame" in svg
    whole = fusion_svg(ann, dict(row, exon3=15, in_frame=True, kinase_domain_retained=True))
    assert 'class="kinase"' in whole and "partly" not in whole


def test_without_a_reference_an_unnamed_partner_says_what_would_name_it():

    from ntrkfusion.stages.assess import _reference_hint

    fusions = pd.DataFrame([dict(fusion="unknown::NTRK3", gene5="unknown", classification="subthreshold")])
    assert "no genome reference" in _reference_hint(fusions, None)[0]
    assert _reference_hint(fusions, "genome.fa") == []
    assert _reference_hint(fusions.assign(classification="weak"), None) == []  # no bearing on the result


def test_supporting_reads_bam_holds_the_candidates_reads(example):
    """results/{sample}/supporting_reads.bam: exactly the reads of the supporting fragments of the
    candidates with a bearing on the result, sorted and indexed; without a reference the report
    says what setting one would add."""
    import pysam

    results = example / "results/etv6_ntrk3"
    evidence = pd.read_parquet(results / "evidence.parquet")
    expected = set(evidence.loc[evidence["candidate"] == 1, "read_name"])
    with pysam.AlignmentFile(str(results / "supporting_reads.bam")) as bam:
        records = list(bam.fetch())  # through the index
        assert bam.header.to_dict()["HD"]["SO"] == "coordinate"
    assert {r.query_name for r in records} == expected and len(expected) >= 32
    positions = [(r.reference_id, r.reference_start) for r in records]
    assert positions == sorted(positions)
    assert any(r.is_supplementary for r in records)  # split reads keep both parts
    html = (results / "report.html").read_text()
    assert "kept beside this report (supporting_reads.bam)" in html and "`reference`" not in html  # no config talk
    negative = (example / "results/negative_rna/supporting_reads.bam")
    assert pysam.AlignmentFile(str(negative)).count(until_eof=True) == 0  # nothing to show: empty, not absent


@pytest.fixture(scope="module")
def with_reference(analysed) -> Path:
    """The ETV6::NTRK3 case analysed with the simulator's reference (the genome its reads came
    from): its folder, laid out as the workflow's results/<sample>/."""
    return analysed["etv6_ntrk3"].folder


READS_PROBE = """<script>
window.readsView.then(function (browsers) {
  document.body.dataset.probe = browsers.map(function (b) {
    var tv = b.trackViews.find(function (t) { return t.track.type === "alignment"; });
    return tv.viewports.map(function (vp) {
      var f = vp.featureCache.features, reads = 0, c = vp.canvas, n = 0;
      f.packedGroups.forEach(function (g) { g.rows.forEach(function (r) { reads += r.alignments.length; }); });
      var px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      for (var i = 0; i < px.length; i += 4) { if (px[i + 3] > 0 && Math.min(px[i], px[i + 1], px[i + 2]) < 240) n++; }
      return vp.referenceFrame.chr + ":" + reads + ":" + n;
    }).join(",");
  }).join(";");
});
</script>"""


def test_reads_view_draws_the_supporting_reads_at_both_breakpoints(with_reference, tmp_path):
    """The igv.js panel opens on both breakpoints, offline, and draws the supporting reads there."""
    html = (with_reference / "report.html").read_text()
    assert html.count('<div class="igv-panel"') == 1 and "<script src" not in html
    at = html.rindex("</body>")
    page = tmp_path / "report.html"
    page.write_text(html[:at] + READS_PROBE + html[at:])
    run = browser(tmp_path, "--virtual-time-budget=30000", "--dump-dom", page.as_uri())
    probe = re.search(r'data-probe="([^"]*)"', run.stdout)
    assert probe, run.stderr[-2000:]
    sides = [side.split(":") for side in probe.group(1).split(",")]
    assert [chrom for chrom, _, _ in sides] == ["chr12", "chr15"]  # ETV6 and NTRK3
    for chrom, reads, pixels in sides:
        assert int(reads) >= 10 and int(pixels) > 5000, (chrom, reads, pixels)  # reads drawn, not a blank track
    assert not console_errors(run)


HEADINGS = ("Result", "Fusions", "Supporting reads", "Quality metrics", "Plots", "Limitations", "Provenance")


def printed(tmp_path: Path, report: Path) -> list[str]:
    """The text of each page of a report printed by Chromium (its own header and footer off)."""
    import pypdf

    pdf = tmp_path / f"{report.parent.name}.pdf"
    browser(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", "--virtual-time-budget=15000",
            report.as_uri())  # fmt: skip
    return [page.extract_text() for page in pypdf.PdfReader(pdf).pages]


@pytest.mark.parametrize("case", ["etv6_ntrk3", "dna_tpm3_ntrk1_20", "negative_rna"])
def test_printed_pages_are_numbered_with_no_orphaned_heading_nor_browser_controls(analysed, case, tmp_path):
    pages = printed(tmp_path, analysed[case].folder / "report.html")
    for number, text in enumerate(pages, 1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert f"page {number} of {len(pages)}" in lines, (number, lines[:3])
        body = [line for line in lines if not line.startswith("page ")]
        assert body[-1] not in HEADINGS, (number, body[-3:])  # a heading always has its content below it
        assert "slices" not in text  # igv.js's toolbar (genome name, locus box) is not printed
    reads = [i for i, text in enumerate(pages) if "Supporting reads" in text.splitlines()]
    if case != "negative_rna":
        assert len(reads) == 1 and "Quality metrics" not in pages[reads[0]] and "Fusions" not in pages[reads[0]]
        assert f"Sample {case}" in pages[reads[0]]


TRACK_PROBE = """<script>
window.readsView.then(function (browsers) {
  document.body.dataset.probe = browsers.map(function (b) {
    var tv = b.trackViews.find(function (t) { return t.track.type === "alignment"; });
    return tv.viewports.map(function (vp) {
      var rows = 0;
      vp.featureCache.features.packedGroups.forEach(function (g) { rows += g.rows.length; });
      return rows + ":" + tv.track.height;
    }).join(",");
  }).join(";");
});
</script>"""


def test_the_reads_view_shows_every_kept_read_without_scrolling(analysed, tmp_path):
    """The DNA example's 41 supporting fragments: the track is as tall as its rows (igv.js
    expanded rows, 14 px) at both breakpoints, on screen and so on paper."""
    from ntrkfusion.report.reads import ROW_HEIGHT

    folder = analysed["dna_tpm3_ntrk1_20"].folder
    html = (folder / "report.html").read_text()
    assert "All 41 supporting fragments shown" in html
    at = html.rindex("</body>")
    page = tmp_path / "report.html"
    page.write_text(html[:at] + TRACK_PROBE + html[at:])
    run = browser(tmp_path, "--virtual-time-budget=30000", "--dump-dom", page.as_uri())
    probe = re.search(r'data-probe="([^"]*)"', run.stdout).group(1)
    for side in probe.split(","):
        rows, height = map(int, side.split(":"))
        assert rows >= 20 and rows * ROW_HEIGHT <= height, side


def test_with_a_reference_the_junction_sequence_is_the_one_the_reads_cross(with_reference):
    """junction_sequence comes from the annotation and the reference; the supporting split reads
    carry it (or its reverse complement) across the junction.  The peptide reads on in frame."""
    import pysam

    from ntrkfusion.sequence import revcomp

    row = pd.read_parquet(with_reference / "fusions.parquet").iloc[0]
    five, three = row["junction_sequence"].split("|")
    assert len(five) == len(three) == 30
    window = five[-20:] + three[:20]
    with pysam.AlignmentFile(str(with_reference / "supporting_reads.bam")) as bam:
        carrying = {r.query_name for r in bam.fetch() if r.query_sequence
                    and (window in r.query_sequence or revcomp(window) in r.query_sequence)}  # fmt: skip
    assert len(carrying) >= 5
    head, tail = row["peptide_sequence"].split("|")
    assert len(head) == 10 and len(tail) >= 10 and tail == tail.upper()  # in frame: upper case
    html = (with_reference / "report.html").read_text()
    assert row["peptide_sequence"] in html and row["junction_sequence"] in html


def test_translation_and_an_out_of_frame_peptide(catalogue):
    import pysam

    from ntrkfusion.calling.fused_sequence import fused_sequences, translate

    assert translate("ATGGCCTAAGG") == "MA*"  # whole codons only
    assert translate("ATGNNN") == "MX"
    ann = load_annotation("GRCh38")
    with pysam.FastaFile(str(catalogue.reference)) as fasta:
        e15 = fused_sequences(ann, fasta, dict(gene5="ETV6", gene3="NTRK3", exon5=5, exon3=15, in_frame=True))
        e16 = fused_sequences(ann, fasta, dict(gene5="ETV6", gene3="NTRK3", exon5=5, exon3=16, in_frame=False))
        none = fused_sequences(ann, fasta, dict(gene5="ETV6", gene3="NTRK3", exon5=None, exon3=15))
    assert e15["junction_sequence"].split("|")[0] == e16["junction_sequence"].split("|")[0]  # the same ETV6 end
    assert e15["peptide_sequence"].split("|")[0] == e16["peptide_sequence"].split("|")[0]
    tail = e16["peptide_sequence"].split("|")[1]
    assert tail == tail.lower() and tail != e15["peptide_sequence"].split("|")[1].lower()
    assert none == {"junction_sequence": None, "peptide_sequence": None, "reading_frame": None}


def test_sample_report_says_what_it_was_computed_with(example):
    qc = json.loads((example / "results/etv6_ntrk3/qc.json").read_text())
    html = (example / "results/etv6_ntrk3/report.html").read_text()
    block = html[html.index("<h2>Provenance</h2>"):]
    assert f"ntrkfusion {__version__}" in block and qc["provenance"]["config_digest"][:16] in block
    assert qc["provenance"]["date"] in block and qc["inputs"]["fingerprint"]["alignments"] in block
    assert "MANE Select" in block and "GRCh38" in block


def test_reads_view_names_contigs_as_the_bam_does(bam_factory, tmp_path):
    """A BAM that names chromosome 1 `1` and a FASTA that names it `chr1`: the view's loci and
    reference slices take the BAM's names (igv.js matches reads to the reference by name)."""
    import base64
    import gzip

    import pysam

    from ntrkfusion.report.reads import SupportingReads, views

    fasta = tmp_path / "genome.fa"
    fasta.write_text(">chr1\n" + "ACGT" * 1000 + "\n")
    pysam.faidx(str(fasta))
    bam = bam_factory("chrless.bam", reads=[Read("r", "chr1", 900, "100M")], chr_prefix=False,
                      contigs={"chr1": 4000})  # fmt: skip
    fusions = pd.DataFrame([dict(fusion="TPM3::NTRK1", classification="qualifying", supporting_fragments=5, candidate=1,
                                 chrom5="chr1", pos5=1000, chrom3="chr1", pos3=3000)])  # fmt: skip
    with pysam.AlignmentFile(str(bam)) as fh:
        spans = [(r.reference_name, r.reference_start, r.reference_end) for r in fh]
        supporting = SupportingReads(bam.read_bytes(), tuple(fh.references), spans, {1: (1, 1)})
    [view] = views(supporting, str(fasta), fusions)
    config = json.loads(view["config"])
    assert config["locus"] == ["1:925-1075", "1:2925-3075"]
    slices = gzip.decompress(base64.b64decode(config["reference"]["fastaURL"].split(",", 1)[1])).decode()
    assert slices.startswith(">1:1-2000 @len=4000\n") and ">1:2000-4000 @len=4000" in slices


def test_the_reads_view_keeps_the_junction_crossing_fragments_first(example):
    """Of a candidate with more fragments than the view keeps, the ones whose reads cross the
    junction come first (a real ETV6::NTRK3 has hundreds of pairs named before its split reads);
    the supporting BAM says which program wrote it."""
    import pysam

    from ntrkfusion.report.reads import MAX_FRAGMENTS, kept_fragments

    pairs = [dict(read_name=f"a{i:03d}", kind="discordant") for i in range(150)]
    crossing = [dict(read_name=f"z{i:02d}", kind=k) for i, k in enumerate(["split", "clip", "partner_clip"] * 20)]
    kept = kept_fragments(pd.DataFrame(pairs + crossing))
    assert len(kept) == MAX_FRAGMENTS and kept[:60] == [r["read_name"] for r in crossing]
    with pysam.AlignmentFile(str(example / "results/etv6_ntrk3/supporting_reads.bam")) as bam:
        programs = bam.header.to_dict()["PG"]
    assert programs[-1]["ID"] == "ntrkfusion" and programs[-1]["VN"] == __version__


class FakeFasta:
    """A genome that is the given bases at the given positions of chr12 and chr15 and A elsewhere
    (pysam.FastaFile's fetch and references, which is all fused_sequences reads)."""

    references = ("chr12", "chr15")

    def __init__(self, bases: dict[tuple[str, int], str]):
        self.bases = bases

    def fetch(self, contig: str, start: int, end: int) -> str:
        return "".join(self.bases.get((contig, p), "A") for p in range(start, end))


def cds_genome(ann, plant_stop: bool) -> FakeFasta:
    """ETV6 exons 1-5 and NTRK3 from exon 15 coding GCC (Ala) in frame, NTRK3's own stop codon at
    its CDS end, and with ``plant_stop`` a TAG in frame in ETV6 exon 3."""
    from ntrkfusion.sequence import revcomp

    bases = {}
    for gene in ("ETV6", "NTRK3"):
        tx, exons = ann.transcript(gene), ann.exons(gene)
        coding = [p for s, e in zip(exons["start"], exons["end"]) for p in range(max(s, tx["cds_start"]),
                                                                              min(e, tx["cds_end"]))]  # fmt: skip
        coding = coding if tx["strand"] == "+" else coding[::-1]  # transcript order
        seq = ["GCC"[i % 3] for i in range(len(coding))]
        seq[-3:] = list("TAG")
        if plant_stop and gene == "ETV6":
            first3 = int(exons[exons["exon_number"] == 3]["start"].iat[0])
            at = next(i for i, p in enumerate(coding) if p >= first3)
            at += (3 - at % 3) % 3
            seq[at : at + 3] = list("TAG")
        for p, b in zip(coding, seq):
            bases[(tx["chrom"], int(p))] = b if tx["strand"] == "+" else revcomp(b)
    return FakeFasta(bases)


@pytest.mark.parametrize("plant_stop, expected", [(False, "in-frame"), (True, "stop-codon")])
def test_a_premature_stop_in_the_fused_coding_sequence_is_named(plant_stop, expected):
    """Arriba's reading_frame: an in-frame join whose fused coding sequence meets a stop before the
    3' partner's own says stop-codon, and the report says it in words."""
    from ntrkfusion.calling.fused_sequence import fused_sequences
    from ntrkfusion.report.words import frame

    ann = load_annotation("GRCh38")
    row = dict(gene5="ETV6", gene3="NTRK3", exon5=5, exon3=15, in_frame=True)
    out = fused_sequences(ann, cds_genome(ann, plant_stop), row)
    assert out["reading_frame"] == expected
    assert ("*" in out["peptide_sequence"]) is False  # the planted stop lies outside the shown window
    assert ("stop codon" in frame(True, out["reading_frame"])) == plant_stop
    assert fused_sequences(ann, cds_genome(ann, False), dict(row, exon3=16, in_frame=False))["reading_frame"] == (
        "out-of-frame")  # fmt: skip


def test_the_threshold_plot_puts_every_metric_on_its_passing_side():
    """A 3% duplicate rate (maximum 60%) passes far inside its threshold, as a 60% tumour content
    (minimum 20%) does: both bars end right of the threshold; a zero still draws a bar."""
    from ntrkfusion.report.plots import HEADROOM, headroom

    duplicates = dict(ratio=0.03 / 0.6, upper=True)
    tumour = dict(ratio=60 / 20, upper=False)
    failing = dict(ratio=0.7 / 0.6, upper=True)
    assert headroom(duplicates) > 1 and headroom(tumour) > 1 and headroom(failing) < 1
    assert headroom(dict(ratio=0.0, upper=True)) == HEADROOM[1] and headroom(dict(ratio=0.0)) > HEADROOM[0]


def test_plots_label_their_axes_in_plain_numbers(example):
    html = (example / "results/etv6_ntrk3/report.html").read_text()
    imbalance = re.search(r'<svg id="imbalance-plot".*?</svg>', html, re.S).group(0)
    assert "10^{0}" not in imbalance and "×10" not in imbalance and ">1×<" in imbalance
    coverage = re.search(r'<svg id="coverage-plot".*?</svg>', html, re.S).group(0)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", coverage)
    assert texts[: texts.index("exon")] == [str(n) for n in range(1, 18, 2)]  # NTRK1's 17 exons: every other one


def test_a_report_carries_the_specimen_the_methods_and_the_labs_interpretation(tmp_path):
    """Specimen fields from the sheet's optional columns, a methods paragraph with the support a
    call needs, and the laboratory's own interpretation text for the result (config
    ``interpretation``), its {fusion} filled in."""
    from ntrkfusion.samplesheet import read_samples
    from ntrkfusion.stages.layout import SampleFiles
    from ntrkfusion.stages.sample import analyse

    from .helpers import EXAMPLE

    sheet = tmp_path / "samples.tsv"
    sheet.write_text("sample\tbam\tassay\ttumour_content\tspecimen_type\tcollection_date\tblock_id\n"
                     f"T1\t{EXAMPLE / 'etv6_ntrk3.bam'}\trna\t60\tFFPE tissue\t2026-11-30\tB-17/3\n")  # fmt: skip
    ours = tmp_path / "interpretation.yaml"
    ours.write_text("POSITIVE: Our lab found {fusion}.\nNEGATIVE: none.\nINDETERMINATE: unclear.\n")
    (sample,) = read_samples(sheet)
    files = SampleFiles(tmp_path / "T1")
    result = analyse(sample, {"interpretation": str(ours), "calling": {"min_fragments": 7}}, files)
    html = files.report.read_text()
    assert result.specimen == {"specimen_type": "FFPE tissue", "collection_date": "2026-11-30", "block_id": "B-17/3"}
    assert "<td>specimen</td><td>FFPE tissue</td>" in html and "<td>block</td><td>B-17/3</td>" in html
    assert '<p class="interpretation">Our lab found ETV6::NTRK3.</p>' in html
    assert "at least 7 distinct supporting molecules" in html  # the threshold in effect, not a copy
    bad = tmp_path / "bad.tsv"
    bad.write_text(sheet.read_text().replace("2026-11-30", "30/11/2026"))
    from ntrkfusion.errors import UserError

    with pytest.raises(UserError, match="column collection_date: '30/11/2026' is not allowed"):
        read_samples(bad)
