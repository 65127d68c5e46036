rule inspect_bam:
    """Check one sample's BAM, name its genome build and count its reads in the NTRK loci."""
    input:
        bam=get_bam,
        index=get_bam_index,
        annotation=get_annotation_tables,
    output:
        info="results/{sample}/bam_info.json",
    log:
        "logs/inspect_bam/{sample}.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 1000 * attempt,
        runtime=lambda wildcards, attempt: 10 * attempt,
    params:
        settings=SETTINGS["inspect"],
        inputs=input_fingerprint,
        sample=sample_record,
        annotation=get_annotation,
        padding=config["ntrk_padding"],
        reference=config["reference"],
        genome_build=config["genome_build"],
        min_mapq=config["calling"]["min_mapq"],
        strict_identity=config["strict_identity"],
    script:
        "../../scripts/inspect_bam.py"


rule summarise_inputs:
    """One row per sample: build, contig naming, aligner and reads in NTRK1/2/3."""
    input:
        infos=expand("results/{sample}/bam_info.json", sample=sorted(SAMPLES)),
    output:
        tsv="results/inputs.tsv",
    log:
        "logs/summarise_inputs.log",
    conda:
        "../../envs/ntrkfusion.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/summarise_inputs.py"
