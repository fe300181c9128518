"""The running service: runtime, bootstrap, background work and its companion, logs, metrics."""
