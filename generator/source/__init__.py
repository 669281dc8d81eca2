"""Load: the repository's files into the typed model, with every reading problem located.

YAML with locations, the format declared once (the schema), safe reading inside the
repository, links and attachments, and one loader whether the files come from disk
or from a git ref.
"""
