"""Printed output (PDF through reportlab). Never imports Qt: the window, the command line
and the tests call the same functions."""
