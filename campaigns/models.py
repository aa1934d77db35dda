"""Models of campaigns."""
