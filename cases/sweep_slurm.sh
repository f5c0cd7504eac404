#!/bin/bash
# SLURM job script for a liplate sweep: one MPI rank per case slot, one core per rank.
#   sbatch cases/sweep_slurm.sh cases/demo_sweep/sweep.toml
# Resubmitting the same script after a time-out continues the sweep: finished cases are skipped,
# cases cut short resume from their last checkpoint. See docs/sweeps.md.
#SBATCH --job-name=liplate-sweep
#SBATCH --ntasks=16              # ranks = cases run at the same time (16 cores; several nodes are fine)
#SBATCH --cpus-per-task=1        # each case runs serially on one core
#SBATCH --time=04:00:00
#SBATCH --output=liplate-sweep-%j.out

set -euo pipefail
SWEEP=${1:-cases/demo_sweep/sweep.toml}

# The case directories, results.csv and results.json are written next to the sweep file:
# it must be on a file system every node sees (home or scratch, not node-local /tmp).
cd "${SLURM_SUBMIT_DIR:-.}"
# module load openmpi            # site specific: the MPI that mpi4py was built against
source .venv/bin/activate

export OMP_NUM_THREADS=1         # one thread per case; the ranks are the parallelism
# Each case runs in a serial child process. If those children hang at start-up on your cluster
# (an MPI library trying to join the job from inside a child), let them use SciPy's solvers:
# export FIPY_SOLVERS=scipy

# srun starts the ranks (needs Slurm built with PMIx/PMI2 for your MPI); mpiexec works as well:
srun --mpi=pmix liplate sweep "$SWEEP"
# mpiexec -n "$SLURM_NTASKS" liplate sweep "$SWEEP"
