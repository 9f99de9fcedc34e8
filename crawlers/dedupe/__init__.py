"""Near-duplicate grouping of syndicated copies: word shingles and their MinHash sketches
(`shingles`, numpy only: extraction workers sketch articles with it) and the LSH index the
crawl queries (`index`, datasketch). Imported by module name, so a worker never loads datasketch.
"""
