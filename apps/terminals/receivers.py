"""Connections made in TerminalsConfig.ready()."""
