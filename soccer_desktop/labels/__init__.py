"""Labels beyond single boxes: the review queue that decides which frame a person checks next."""
