"""What a result says it was computed with: pipeline, commit, settings in effect, annotation."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ntrkfusion import __version__
from ntrkfusion.provenance import annotation_source, config_digest, git_state, run_info


def test_every_setting_in_effect_is_listed_and_a_changed_threshold_changes_the_digest():
    info = run_info({"samples": "s.tsv"}, {"S1": {"bam": "/d/S1.bam", "aligner": "BWA-MEM", "NTRK1_reads": 3}},
                    {"GRCh38": "resources/GRCh38"})  # fmt: skip
    assert info["pipeline"]["name"] == "ntrkfusion" and info["pipeline"]["version"] == __version__
    assert info["config"]["qc"]["min_dna_depth"] == 250 and info["config"]["calling"]["min_fragments"] == 5
    assert info["samples"] == {"S1": {"bam": "/d/S1.bam", "aligner": "BWA-MEM"}}
    assert info["annotation"]["GRCh38"]["source"].startswith("bundled: MANE Select v1.5")
    assert config_digest({}) == config_digest({"qc": {"min_dna_depth": 250}})  # a default, written out
    assert config_digest({}) != config_digest({"qc": {"min_dna_depth": 300}})


def test_the_commit_is_recorded_in_a_checkout_and_nothing_outside(tmp_path):
    assert git_state(tmp_path) is None
    if shutil.which("git") is None:
        pytest.skip("needs git")

    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "a.txt").write_text("1\n")
    git("add", "a.txt")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "one")
    state = git_state(tmp_path)
    assert len(state["commit"]) == 40 and state["modified"] is False
    (tmp_path / "a.txt").write_text("2\n")
    assert git_state(tmp_path)["modified"] is True


def test_a_custom_annotation_names_its_gtf(tmp_path):
    (tmp_path / "build.json").write_text('{"build": "GRCh38-lab", "source": "GTF lab.gtf"}')
    assert annotation_source(tmp_path) == {"build": "GRCh38-lab", "source": "GTF lab.gtf", "folder": str(tmp_path)}
