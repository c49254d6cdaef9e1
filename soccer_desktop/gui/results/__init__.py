"""The results viewer: evaluations, their curves and metric tables, and the error browser."""
