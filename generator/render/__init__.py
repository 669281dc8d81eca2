"""Render: views, templates, feeds, the JSON API, badges, the calendar: bytes per output path."""
