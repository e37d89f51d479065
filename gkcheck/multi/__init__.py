"""Checks that need more than one report: units, cross-year, roll-up, copied text, review decisions, history."""
