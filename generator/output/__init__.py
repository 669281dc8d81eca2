"""Write: the rendered bytes onto disk, atomically, never losing the previous site."""
