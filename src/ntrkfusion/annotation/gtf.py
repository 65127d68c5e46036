"""Build the annotation from a lab's own GENCODE or Ensembl GTF (any release or assembly).

One transcript per gene is kept: the one tagged ``MANE_Select``, else ``Ensembl_canonical``,
else the one with the longest CDS (then the longest transcript).  The CDS spans the CDS
and stop_codon features.  Contigs are renamed to the chr-prefixed form.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pandas as pd

from ..errors import UserError
from ..genome import canonical_contig
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
    missing = [g for g in ("NTRK1", "NTRK2", "NTRK3") if g not in {t.gene for t in chosen}]
    if missing:
        raise UserError(f"annotation_gtf {gtf}: no transcript for {', '.join(missing)}")
    counts = write_tables(out_dir, chosen, pd.DataFrame(genes))
    counts["with_cds"] = sum(t.has_cds for t in chosen)
    info = {"build": build, "source": f"GTF {Path(gtf).name}", "counts": counts}
    (out_dir / "build.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    write_kinase_domains(curated, reference_dir, out_dir)
    return counts


def _parse(gtf: Path) -> tuple[dict[str, dict], list[dict]]:
    opener = gzip.open if gtf.suffix == ".gz" else open
    transcripts: dict[str, dict] = {}
    genes: list[dict] = []
    with opener(gtf, "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 9:
                continue
            chrom, _, feature, start, end, _, strand, _, attributes = fields
            attrs: dict[str, list[str]] = {}
            for key, value in ATTRIBUTE.findall(attributes):
                attrs.setdefault(key, []).append(value)
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
