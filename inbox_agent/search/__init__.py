"""Search over the archive.

The Chroma index, embeddings, keywords, hybrid retrieval, style memory, evaluation.
"""
