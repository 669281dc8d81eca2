"""Writing incident files: new files and added updates, as pure text edits."""
