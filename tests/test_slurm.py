"""The bundled example on a real single-node SLURM, through snakemake-executor-plugin-slurm,
gives the same result tables as a local run."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .slurm_cluster import Cluster, available
from .helpers import ROOT, example_rows, project

pytestmark = [pytest.mark.slurm, pytest.mark.xdist_group("slurm")]  # one cluster for the module
TABLES = ("inputs.tsv", "fusions.tsv", "samples.tsv")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    why = available()
    if why:
        if os.environ.get("NTRKFUSION_REQUIRE_SLURM") == "1":
            pytest.fail(why + "; NTRKFUSION_REQUIRE_SLURM=1 forbids skipping")
        pytest.skip(why)
    c = Cluster(tmp_path_factory.mktemp("slurm"))
    try:
        c.start()
        yield c
    finally:
        c.stop()


def test_example_on_slurm_matches_a_local_run(cluster, tmp_path, example_run):
    local = example_run
    remote = project(tmp_path / "slurm", example_rows())
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--directory", str(remote),
           "--workflow-profile", str(ROOT / "workflow/profiles/slurm"), "--jobs", "2", "--cores", "2",
           "--slurm-no-account", "--slurm-status-command", "squeue",
           "--slurm-init-seconds-before-status-checks", "2", "--latency-wait", "10", "--slurm-keep-successful-logs",
           "--default-resources", "slurm_partition=debug", "mem_mb=1000", "runtime=10"]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, env=cluster.env, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    for table in TABLES:
        assert (remote / "results" / table).read_bytes() == (local / "results" / table).read_bytes(), table
    # every job ran through SLURM, the per-sample jobs of all five samples bundled: 5 rule runs,
    # far fewer SLURM jobs (one log each)
    slurm_logs = sorted((remote / ".snakemake/slurm_logs").rglob("*.log"))
    assert 1 <= len(slurm_logs) <= 3, slurm_logs
    assert all("group_per_sample" in str(p) for p in slurm_logs)


def test_profile_plans_a_dry_run():
    out = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--forceall", "--workflow-profile",
                          str(ROOT / "workflow/profiles/slurm"), "--executor", "dryrun"], cwd=ROOT,
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr


def test_a_configuration_left_by_a_killed_run_is_replaced_and_a_foreign_one_kept(tmp_path, monkeypatch):
    from . import slurm_cluster

    conf = tmp_path / "slurm.conf"
    monkeypatch.setattr(slurm_cluster, "SYSTEM_CONF", conf)
    ours = slurm_cluster.SLURM_CONF.format(host="h", root=tmp_path, cpus=2, memory=1000)
    conf.write_text(ours)
    (tmp_path / "slurmctld.pid").write_text("999999999")  # no such process: the run was killed
    assert slurm_cluster.left_by_an_earlier_run()
    (tmp_path / "slurmctld.pid").write_text(str(os.getpid()))  # its controller still runs
    assert not slurm_cluster.left_by_an_earlier_run()
    conf.write_text("ClusterName=hospital\n" + ours.partition("\n")[2])
    assert not slurm_cluster.left_by_an_earlier_run()
