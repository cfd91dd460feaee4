"""The HTTP api (FastAPI) and the web pages it serves."""
