"""What exists only for speed: the parse cache, the render memo, the parallel map.

Nothing here changes a byte of the output; the tests compare incremental, cached and
parallel builds with a clean one.
"""
