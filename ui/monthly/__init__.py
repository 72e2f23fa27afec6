"""The monthly report window and the history of reports sent."""
