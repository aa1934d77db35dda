"""Models of content_library."""
