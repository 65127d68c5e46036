"""Build the annotation from a lab's own GENCODE or Ensembl GTF or GFF3 (any release or
assembly; gzipped or not).

One transcript per gene is kept: the one tagged ``MANE_Select``, else ``Ensembl_canonical``,
else the one with the longest CDS (then the longest transcript).  The CDS spans the CDS
and stop_codon features.  Contigs are renamed to the chr-prefixed form.

GFF3 is read into the GTF's vocabulary: GENCODE's GFF3 carries ``gene_name``, ``transcript_id``
and ``tag`` on every feature; Ensembl's links exons to transcripts and transcripts to genes
through ``Parent`` (``transcript:ENST...``, ``gene:ENSG...``, parents before children, as the
GFF3 specification's ordering and Ensembl's files have them).
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pandas as pd

from ..errors import UserError
from ..genome import canonical_contig
from ..vocabulary import NTRK_GENES
from .domains import write_kinase_domains
from .tables import TranscriptModel, write_tables

ATTRIBUTE = re.compile(r'(\S+) "([^"]*)"')


def build_from_gtf(gtf: Path, out_dir: Path, build: str, curated: Path, reference_dir: Path) -> dict:
    """Write the annotation tables for ``build`` from ``gtf`` into ``out_dir``."""
    if not Path(gtf).is_file():
        raise UserError(f"annotation_gtf {gtf}: file not found")
    transcripts, genes = _parse(Path(gtf))
    if not transcripts:
        raise UserError(f"annotation_gtf {gtf}: no transcripts with exons found")
    chosen = _choose(transcripts)
    missing = [g for g in NTRK_GENES if g not in {t.gene for t in chosen}]
    if missing:
        raise UserError(f"annotation_gtf {gtf}: no transcript for {', '.join(missing)}")
    counts = write_tables(out_dir, chosen, pd.DataFrame(genes))
    counts["with_cds"] = sum(t.has_cds for t in chosen)
    info = {"build": build, "source": f"GTF {Path(gtf).name}", "counts": counts}
    (out_dir / "build.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    write_kinase_domains(curated, reference_dir, out_dir)
    return counts


def is_gff3(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".gff3", ".gff")):
        return True
    with _open(path) as fh:
        return fh.readline().startswith("##gff-version 3")


def _open(path: Path):
    return gzip.open(path, "rt") if path.suffix == ".gz" else open(path)


def records(path: Path):
    """(fields, attributes as GTF names -> list of values) of every feature line."""
    gff3, ids = is_gff3(path), {}
    with _open(path) as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 9:
                continue
            yield fields, (_gff3_attributes(fields[2], fields[8], ids) if gff3 else _gtf_attributes(fields[8]))


def _gtf_attributes(text: str) -> dict[str, list[str]]:
    attrs: dict[str, list[str]] = {}
    for key, value in ATTRIBUTE.findall(text):
        attrs.setdefault(key, []).append(value)
    return attrs


GFF3_NAMES = {"Name": "gene_name", "biotype": "gene_biotype", "version": "transcript_version"}
EXON_LIKE = ("exon", "CDS", "stop_codon", "five_prime_UTR", "three_prime_UTR", "start_codon")


def _gff3_attributes(feature: str, text: str, ids: dict) -> dict[str, list[str]]:
    """GFF3 attributes in GTF names; ``ids`` holds the gene and transcript attributes seen so
    far by ID, for the children that name them only as ``Parent``."""
    raw = {k: unquote(v) for k, _, v in (p.partition("=") for p in text.strip().strip(";").split(";")) if k}
    own = {k: raw[k] for k in ("gene_name", "gene_id", "gene_type", "transcript_id", "transcript_version")
           if k in raw}  # fmt: skip
    ident, parent = raw.get("ID", ""), raw.get("Parent", "").split(",")[0]
    if feature == "gene" or ident.startswith("gene:"):
        own = {"gene_name": raw.get("Name", ""), "gene_id": ident.removeprefix("gene:"),
               "gene_biotype": raw.get("biotype", "")} | own  # fmt: skip
        ids[ident] = own
    elif feature not in EXON_LIKE and ident:  # a transcript (mRNA, transcript, ncRNA...)
        version = {"transcript_version": raw["version"]} if "version" in raw else {}
        own = ids.get(parent, {}) | {"transcript_id": ident.removeprefix("transcript:")} | version | own
        ids[ident] = own
    else:
        own = ids.get(parent, {}) | own
    attrs = {k: [v] for k, v in own.items() if v}
    tags = raw.get("tag") or ",".join(ids.get(parent, {}).get("tag", []))
    if tags:
        attrs["tag"] = tags.split(",")
        if feature not in EXON_LIKE and ident in ids:
            ids[ident]["tag"] = attrs["tag"]
    return attrs


def _parse(gtf: Path) -> tuple[dict[str, dict], list[dict]]:
    transcripts: dict[str, dict] = {}
    genes: list[dict] = []
    for fields, attrs in records(gtf):
        chrom, _, feature, start, end, _, strand, _, _ = fields
        first = {k: v[0] for k, v in attrs.items()}
        start0, end0, chrom = int(start) - 1, int(end), canonical_contig(chrom)
        if feature == "gene":
            genes.append(
                dict(
                    gene=first.get("gene_name", first.get("gene_id", "")),
                    gene_id=first.get("gene_id", ""),
                    chrom=chrom,
                    start=start0,
                    end=end0,
                    strand=strand,
                    gene_type=first.get("gene_type", first.get("gene_biotype", "")),
                )
            )
            continue
        if feature not in ("exon", "CDS", "stop_codon") or "transcript_id" not in first:
            continue
        tx = transcripts.setdefault(
            first["transcript_id"],
            dict(first=first, chrom=chrom, strand=strand, tags=set(), exons=[], cds=[]),
        )
        tx["tags"].update(attrs.get("tag", []))
        (tx["exons"] if feature == "exon" else tx["cds"]).append((start0, end0))
    return transcripts, genes


def _choose(transcripts: dict[str, dict]) -> list[TranscriptModel]:
    by_gene: dict[str, list[TranscriptModel]] = {}
    rank: dict[str, tuple] = {}
    for tx_id, tx in transcripts.items():
        if not tx["exons"]:
            continue
        first = tx["first"]
        version = first.get("transcript_version")
        full_id = f"{tx_id}.{version}" if version and "." not in tx_id else tx_id
        cds = tx["cds"]
        model = TranscriptModel(
            gene=first.get("gene_name", first.get("gene_id", "")),
            gene_id=first.get("gene_id", ""),
            transcript_id=full_id,
            chrom=tx["chrom"],
            strand=tx["strand"],
            exons=sorted(set(tx["exons"])),
            cds_start=min(s for s, _ in cds) if cds else None,
            cds_end=max(e for _, e in cds) if cds else None,
            source="GTF",
        )
        tags = tx["tags"]
        rank[full_id] = (
            "MANE_Select" in tags,
            "Ensembl_canonical" in tags,
            model.coding_length(),
            sum(e - s for s, e in model.exons),
            full_id,
        )
        by_gene.setdefault(model.gene, []).append(model)
    return [max(models, key=lambda m: rank[m.transcript_id]) for models in by_gene.values()]
