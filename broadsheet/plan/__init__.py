"""Planning: every file the site will have, its template, its view and what it shows (pure)."""
