rule summarise_inputs:
    """One row per sample: build, contig naming, aligner and reads in NTRK1/2/3 (from the
    bam_info.json each sample's first stage, call_fusions, writes)."""
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
