"""Certificates: issuing and the kinds offered."""
