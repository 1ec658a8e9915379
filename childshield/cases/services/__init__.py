"""Every write about cases, one module per sub-domain and one function per use case."""
