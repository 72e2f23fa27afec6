"""月度报表: the month's figures and the reports as they were sent."""
