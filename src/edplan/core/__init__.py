"""The library calls behind each command: load the plan and the log, compute, write."""
