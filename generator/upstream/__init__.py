"""Upstream components: a third party's status read at build time, before compute.

A load-side step like reading files: it fetches each provider's status page through the
one HTTP client, keeps the last status read in ``.statusgen-cache/upstream.json``, and
hands compute the readings as data, so compute stays a pure function of its inputs and
the clock.
"""
