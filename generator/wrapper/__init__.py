"""The statusgen a status repository installs, kept in the repository itself.

Like Gradle's or Maven's wrapper: ``statusgen init`` and ``statusgen upgrade`` write the
running statusgen as a wheel (``.statusgen/statusgen-<version>-py3-none-any.whl``) and a
``requirements.txt`` that installs it and its dependencies at pinned versions with their
hashes, so that ``pip install --require-hashes -r requirements.txt`` works on any runner
that reaches the public package index, whether statusgen is on it or not.
"""
