"""A single-node SLURM for tests: munge + slurmctld + slurmd from Debian's packages, no accounting.

Recipe: ../shared/docs/snakemake_conventions.md section 6.2 (verified on Debian 12, SLURM 22.05).
Needs root (the daemons run as root; munged as user munge).  The configuration goes to
/etc/slurm/slurm.conf, where srun inside a job looks for it (SLURM_CONF set by the submitter
does not reach it); a machine that already has one is left alone, unless it is one this
module wrote in a run killed before it could clean up.  Everything this starts is
stopped by process id, and the configuration file it wrote is removed, in ``stop()``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

SLURM_CONF = """ClusterName=ntrkfusion-ci
SlurmctldHost={host}
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge=600
MpiDefault=none
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/slurmctld.log
SlurmdLogFile={root}/slurmd.log
NodeName={host} CPUs={cpus} RealMemory={memory} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""


def available() -> str | None:
    """None if a test cluster can be started here, else why not."""
    missing = [t for t in ("slurmctld", "slurmd", "sbatch", "squeue", "munged") if shutil.which(t) is None]
    if missing:
        return f"needs {', '.join(missing)} (Debian: slurm-wlm, munge)"
    if os.geteuid() != 0:
        return "the test SLURM daemons need root"
    if SYSTEM_CONF.exists() and not left_by_an_earlier_run():
        return f"{SYSTEM_CONF} exists: this machine has its own SLURM, which the test does not touch"
    return None


def left_by_an_earlier_run() -> bool:
    """True if /etc/slurm/slurm.conf is one this module wrote, in a run that was killed before
    ``stop()`` (its cluster name is ours and its slurmctld is gone): it may be replaced."""
    text = SYSTEM_CONF.read_text()
    if not text.startswith(SLURM_CONF.splitlines()[0] + "\n"):
        return False
    for line in text.splitlines():
        if line.startswith("SlurmctldPidFile="):
            pid_file = Path(line.partition("=")[2])
            if pid_file.is_file() and pid_file.read_text().strip():
                try:
                    os.kill(int(pid_file.read_text()), 0)
                    return False  # that run's controller still runs
                except (ProcessLookupError, ValueError):
                    pass
    return True


SYSTEM_CONF = Path("/etc/slurm/slurm.conf")


class Cluster:
    def __init__(self, root: Path):
        self.root = root
        self.pids: list[int] = []
        self.env = dict(os.environ, SLURM_CONF=str(SYSTEM_CONF))
        self.wrote_conf = False

    def start(self) -> None:
        for d in ("state", "spool"):
            (self.root / d).mkdir(parents=True, exist_ok=True)
        memory = int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20) - 1024
        host = socket.gethostname().split(".")[0]
        SYSTEM_CONF.parent.mkdir(parents=True, exist_ok=True)
        SYSTEM_CONF.write_text(SLURM_CONF.format(host=host, root=self.root, cpus=os.cpu_count(), memory=memory))
        self.wrote_conf = True
        self._start_munge()
        subprocess.run(["slurmctld", "-c"], env=self.env, check=True)  # -c: a clean state
        self.pids.append(self._pid("slurmctld.pid"))
        subprocess.run(["slurmd"], env=self.env, check=True)
        self.pids.append(self._pid("slurmd.pid"))
        self._wait_idle()

    def _start_munge(self) -> None:
        if subprocess.run(["munge", "-n"], capture_output=True).returncode == 0:
            return  # a munged is already running: use it, do not stop it
        run = Path("/run/munge")
        run.mkdir(exist_ok=True)
        shutil.chown(run, "munge", "munge")
        if not Path("/etc/munge/munge.key").is_file():
            subprocess.run(["mungekey", "--create"], check=True)
            shutil.chown("/etc/munge/munge.key", "munge", "munge")
        subprocess.run(["runuser", "-u", "munge", "--", "munged", "--force"], check=True)
        self.pids.append(int(Path("/run/munge/munged.pid").read_text()))

    def _pid(self, name: str) -> int:
        path = self.root / name
        for _ in range(50):
            if path.is_file() and path.read_text().strip():
                return int(path.read_text())
            time.sleep(0.1)
        raise RuntimeError(f"{name} not written; see {self.root}/*.log")

    def _wait_idle(self, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            out = subprocess.run(["sinfo", "-h", "-o", "%t"], env=self.env, capture_output=True, text=True)
            if out.stdout.strip() in ("idle", "mix"):
                return
            time.sleep(1)
        raise RuntimeError(f"the test node did not become idle; see {self.root}/slurmd.log")

    def stop(self) -> None:
        for pid in reversed(self.pids):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in self.pids:
            for _ in range(50):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
        self.pids.clear()
        if self.wrote_conf:
            SYSTEM_CONF.unlink(missing_ok=True)
            self.wrote_conf = False
