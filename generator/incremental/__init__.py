"""What exists only for speed: the parse cache, the record of what each step made, the
parallel map.

Nothing here changes a byte of the output; the tests compare incremental, cached and
parallel builds with a clean one.
"""
