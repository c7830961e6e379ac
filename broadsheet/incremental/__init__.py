"""What the last build left, what changed since, and how far each stage of the next must go."""
