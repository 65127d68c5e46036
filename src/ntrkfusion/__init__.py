"""ntrkfusion: find NTRK1/NTRK2/NTRK3 gene fusions in tumour RNA-seq and DNA-panel BAMs."""

__version__ = "0.1.0"
