"""Reports from the views: monthly statistics and satisfaction."""
