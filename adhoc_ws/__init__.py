"""adhoc-ws: an open re-implementation of the BRP-V Ad hoc webservice (LrdPlus 1.1)."""

__version__ = "0.1.0"
