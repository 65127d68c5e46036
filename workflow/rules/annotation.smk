rule build_annotation:
    """Build the annotation tables from the lab's own GTF (config annotation_gtf)."""
    input:
        gtf=config["annotation_gtf"] or [],
    output:
        tables=multiext(
            "results/annotation/{build}/",
            "transcripts.parquet",
            "exons.parquet",
            "genes.parquet",
            "kinase_domains.tsv",
        ),
    log:
        "logs/annotation/{build}.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        out_dir=lambda wildcards, output: Path(output.tables[0]).parent,
        # a GTF replaced by an older one (cp -p) re-builds the tables, as a replaced BAM re-runs
        fingerprint=(
            file_fingerprint(config["annotation_gtf"])
            if config["annotation_gtf"]
            else ""
        ),
    script:
        "../../scripts/build_annotation.py"


rule exon_boundaries:
    """Read the spliced sequence at every exon boundary from the reference, once per build."""
    input:
        reference=config["reference"] or [],
        annotation=lambda wildcards: f"{annotation_dir(wildcards.build)}/transcripts.parquet",
    output:
        table="results/reference/{build}/exon_boundaries.parquet",
    log:
        "logs/exon_boundaries/{build}.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        annotation=lambda wildcards: annotation_dir(wildcards.build),
        fingerprint=file_fingerprint(config["reference"]) if config["reference"] else "",
    script:
        "../../scripts/exon_boundaries.py"
