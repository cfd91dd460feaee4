"""The knowledge base: articles, their versions, embedded chunks and hybrid search."""
