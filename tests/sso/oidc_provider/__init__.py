"""A small OpenID Connect identity server for the tests: django-oauth-toolkit in its own Django
project and process (serve.py), standing in for the province's unified identity system."""
