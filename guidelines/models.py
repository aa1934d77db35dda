"""Models of guidelines."""
