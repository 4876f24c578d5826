"""Connections made in EvidenceConfig.ready()."""
