"""The site model: which stories are live, in what order, and how they group (pure)."""
