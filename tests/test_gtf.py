"""`ntrkfusion build-annotation --gtf`: a lab's GTF gives the same tables as the bundled build."""

from pathlib import Path

import pandas as pd
import pytest

from ntrkfusion.annotation import load_annotation
from ntrkfusion.annotation.model import Annotation
from ntrkfusion.cli import main

GENES = ["NTRK1", "NTRK2", "NTRK3", "ETV6", "TPM3"]


def gtf_line(chrom, feature, start0, end, strand, attrs):
    text = " ".join(f'{k} "{v}";' for k, v in attrs)
    return f"{chrom}\tENSEMBL\t{feature}\t{start0 + 1}\t{end}\t.\t{strand}\t.\t{text}\n"


def write_gtf(path, ann, decoy=True):
    """An Ensembl-style GTF (bare contig names, versions apart) of the bundled models."""
    lines = []
    for gene in GENES:
        tx = ann.transcript(gene)
        chrom, strand = tx["chrom"][3:], tx["strand"]
        tx_id, version = tx["transcript_id"].split(".")
        base = [("gene_id", tx["gene_id"].split(".")[0]), ("gene_name", gene), ("gene_biotype", "protein_coding")]
        lines.append(gtf_line(chrom, "gene", tx["tx_start"], tx["tx_end"], strand, base))
        attrs = base + [("transcript_id", tx_id), ("transcript_version", version), ("tag", "basic"),
                        ("tag", "Ensembl_canonical"), ("tag", "MANE_Select")]  # fmt: skip
        # GTF CDS features exclude the stop codon, which has a stop_codon feature of its own
        cds_start, cds_end = int(tx["cds_start"]), int(tx["cds_end"])
        stop = (cds_end - 3, cds_end) if strand == "+" else (cds_start, cds_start + 3)
        cds_start, cds_end = (cds_start, cds_end - 3) if strand == "+" else (cds_start + 3, cds_end)
        lines.append(gtf_line(chrom, "stop_codon", *stop, strand, attrs))
        for exon in ann.exons(gene).itertuples():
            lines.append(gtf_line(chrom, "exon", exon.start, exon.end, strand, attrs))
            lo, hi = max(exon.start, cds_start), min(exon.end, cds_end)
            if hi > lo:
                lines.append(gtf_line(chrom, "CDS", lo, hi, strand, attrs))
        if decoy:  # a longer, untagged transcript that must not be chosen
            decoy_attrs = base + [("transcript_id", f"ENST9{gene}"), ("transcript_version", "1")]
            lines.append(gtf_line(chrom, "exon", tx["tx_start"] - 5000, tx["tx_end"] + 5000, strand, decoy_attrs))
            lines.append(gtf_line(chrom, "CDS", tx["tx_start"] - 4000, tx["tx_end"] + 4000, strand, decoy_attrs))
    path.write_text("#!genome-build GRCh38\n" + "".join(lines))
    return path


def test_gtf_build_matches_bundled_models(tmp_path, capsys):
    bundled = load_annotation("GRCh38")
    gtf = write_gtf(tmp_path / "lab.gtf", bundled)
    assert main(["build-annotation", "--gtf", str(gtf), "--build", "GRCh38-lab", "--out", str(tmp_path / "ann")]) == 0
    built = Annotation(tmp_path / "ann")
    assert built.build == "GRCh38-lab"
    for gene in GENES:
        ours = built.exons(gene).drop(columns=["transcript_id"])
        theirs = bundled.exons(gene).drop(columns=["transcript_id"])
        pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)
        assert built.transcript(gene)["transcript_id"] == bundled.transcript(gene)["transcript_id"]
    assert built.exon_join_in_frame("ETV6", 5, "NTRK3", 15) is True
    assert built.kinase_domain("NTRK1").start == bundled.kinase_domain("NTRK1").start


def test_gtf_without_ntrk_genes_is_refused(tmp_path, capsys):
    gtf = tmp_path / "bad.gtf"
    gtf.write_text(gtf_line("1", "exon", 100, 200, "+", [("gene_name", "X"), ("transcript_id", "T1")]))
    assert main(["build-annotation", "--gtf", str(gtf), "--build", "B", "--out", str(tmp_path / "o")]) == 1
    assert capsys.readouterr().err == (
        f"ntrkfusion: error: annotation_gtf {gtf}: no transcript for NTRK1, NTRK2, NTRK3\n"
    )


def test_missing_gtf(tmp_path, capsys):
    assert main(["build-annotation", "--gtf", str(tmp_path / "x.gtf"), "--build", "B", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"ntrkfusion: error: annotation_gtf {tmp_path / 'x.gtf'}: file not found\n"


def to_ensembl_gff3(gtf: Path, out: Path) -> Path:
    """The same models as Ensembl writes GFF3: exons name their transcript only as Parent, and
    transcripts their gene; gzipped."""
    import gzip

    from ntrkfusion.annotation.gtf import ATTRIBUTE

    lines, seen = ["##gff-version 3\n"], set()
    for line in gtf.read_text().splitlines():
        if line.startswith("#"):
            continue
        f = line.split("\t")
        attrs: dict[str, list[str]] = {}
        for k, v in ATTRIBUTE.findall(f[8]):
            attrs.setdefault(k, []).append(v)
        gene_id = attrs["gene_id"][0] if "gene_id" in attrs else "G" + attrs["transcript_id"][0]
        if f[2] == "gene":
            f[8] = f"ID=gene:{gene_id};Name={attrs['gene_name'][0]};biotype=protein_coding"
            lines.append("\t".join(f) + "\n")
            continue
        tx = attrs["transcript_id"][0]
        if tx not in seen:
            seen.add(tx)
            tags = f";tag={','.join(attrs['tag'])}" if "tag" in attrs else ""
            version = attrs.get("transcript_version", ["1"])[0]
            head = f[:2] + ["mRNA"] + f[3:8] + [f"ID=transcript:{tx};Parent=gene:{gene_id};version={version}{tags}"]
            lines.append("\t".join(head) + "\n")
        f[8] = f"Parent=transcript:{tx}"
        lines.append("\t".join(f) + "\n")
    with gzip.open(out, "wt") as fh:
        fh.writelines(lines)
    return out


def test_ensembl_gff3_gzipped_gives_the_same_tables_as_the_gtf(tmp_path):
    bundled = load_annotation("GRCh38")
    gtf = write_gtf(tmp_path / "lab.gtf", bundled)
    gff3 = to_ensembl_gff3(gtf, tmp_path / "lab.gff3.gz")
    for name, source in (("from_gtf", gtf), ("from_gff3", gff3)):
        assert main(["build-annotation", "--gtf", str(source), "--build", "B", "--out", str(tmp_path / name)]) == 0
    a, b = Annotation(tmp_path / "from_gtf"), Annotation(tmp_path / "from_gff3")
    pd.testing.assert_frame_equal(a.transcripts, b.transcripts)
    for gene in GENES:
        pd.testing.assert_frame_equal(a.exons(gene), b.exons(gene))
    assert b.transcript("NTRK3")["transcript_id"] == bundled.transcript("NTRK3")["transcript_id"]  # MANE tag read


def test_custom_annotation_is_checked_against_each_bam(tmp_path, bam_factory):
    from ntrkfusion.annotation.custom import check
    from ntrkfusion.errors import UserError

    bundled = load_annotation("GRCh38")
    gtf = write_gtf(tmp_path / "lab.gtf", bundled, decoy=False)
    grch38, grch37 = bam_factory("a.bam"), bam_factory("b.bam", build="GRCh37")
    cache = tmp_path / "results" / "gtf_summary.json"
    check(gtf, {"a": (str(grch38), None)}, cache)  # fits: the summary is kept for the next run
    assert cache.is_file()
    with pytest.raises(UserError) as err:  # the GTF's header says GRCh38
        check(gtf, {"a": (str(grch38), None), "b": (str(grch37), None)}, cache)
    assert err.value.problems == ["sample b: the BAM header is GRCh37 but annotation_gtf is GRCh38 (its header says "
                                  "so): the GTF and the BAM are of different assemblies"]
    # without a named build, a feature past a contig's end tells: NTRK3's chr15 is shorter in a custom header
    unnamed = tmp_path / "unnamed.gtf"
    unnamed.write_text(gtf.read_text().replace("#!genome-build GRCh38\n", ""))
    short = bam_factory("c.bam", contigs={"chr1": 249_000_000, "chr9": 138_000_000, "chr12": 133_000_000,
                                          "chr15": 80_000_000})  # fmt: skip
    with pytest.raises(UserError) as err:
        check(unnamed, {"c": (str(short), None)}, tmp_path / "c" / "gtf_summary.json")
    assert err.value.problems == [f"sample c: annotation_gtf has features on chr15 up to "
                                  f"{int(bundled.transcript('NTRK3')['tx_end']):,} but the BAM's chr15 has 80,000,000 "
                                  "bases: the GTF and the BAM are of different assemblies"]
    lines = [line for line in gtf.read_text().splitlines(keepends=True)
             if not ('"NTRK2"' in line or ('"NTRK3"' in line and "\tCDS\t" in line))]  # fmt: skip
    partial = tmp_path / "partial.gtf"
    partial.write_text("".join(lines))
    with pytest.raises(UserError) as err:
        check(partial, {"a": (str(grch38), None)}, tmp_path / "other" / "gtf_summary.json")
    assert err.value.problems == [
        f"annotation_gtf {partial}: no NTRK2 (gene_name); an NTRK gene must be annotated to be tested",
        f"annotation_gtf {partial}: NTRK3 without CDS features; frame and kinase domain need them",
    ]
    assert not (tmp_path / "other").exists()  # a failed check writes nothing
