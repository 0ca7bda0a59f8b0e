"""Web pages of the partnerships app."""
