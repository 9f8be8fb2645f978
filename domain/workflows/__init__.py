"""Use cases: each talks only to ports, and adapters call nothing else."""
