"""Bytes in and out: CSV streaming and sniffing, locating bad bytes and rows, and the one atomic writer.

Nothing here knows a format or the canonical table; the readers in :mod:`kzevents.formats` build on it.
"""
