"""The preview: a session kept in memory, the watcher, and the preview server."""
