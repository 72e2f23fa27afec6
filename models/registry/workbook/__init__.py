"""Registers as workbooks: reading, checking, importing, exporting."""
