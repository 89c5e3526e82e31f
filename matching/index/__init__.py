"""The matching index: an inverted index of the stock in each worker's memory.

Split by concern:

- ``vocabulary``: the item words by first letter and length, for typo neighbours;
- ``postings``: term -> items, as Roaring bitmaps;
- ``catalogue``: the worker's copy of items and shops, built from the stock table;
- ``changes``: following the change log that database triggers write, so every worker
  sees every other worker's writes (the database stays the truth);
- ``memo``: the process's catalogue, loaded once and brought up to date before each use;
- ``phrases``: which items a phrase or a want matches (exact and similar), on postings;
- ``offers``: one offer per shop, the first shops only, by a top-k pass.
"""
