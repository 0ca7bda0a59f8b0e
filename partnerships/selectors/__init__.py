"""Package: see the modules inside."""
