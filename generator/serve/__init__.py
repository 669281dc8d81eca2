"""``statusgen serve``: the live preview, safe on a laptop on a hostile network."""
