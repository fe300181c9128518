"""The read model engine: runs, tracks and rebuilds the views."""
