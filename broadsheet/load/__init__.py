"""Loading the site folder: site.toml, the stories, the static files."""
