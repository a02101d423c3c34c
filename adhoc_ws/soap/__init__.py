"""The SOAP contract (spyne models and service), the served WSDL, and the WSGI server."""
from . import spyne_compat  # noqa: F401  (before spyne is imported; see its docstring)
