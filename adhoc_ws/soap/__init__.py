"""The SOAP contract (spyne models and service), the served WSDL, and the WSGI server."""
