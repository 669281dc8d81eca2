"""Outgoing HTTP: the one client every request statusgen sends goes through.

A low room: it imports nothing of the package, so the rooms that talk to the network
(importers, notify, relay, and commands for what they fetch) may all use it.
"""
