"""The command line: argument parsing, shared options and exit codes, one module per command.

Commands import downward (the pipeline and the rooms below it), never ``cli`` back.
"""
