"""Command line of render.sh: argument parsing and dispatch, nothing else."""
