"""The site board: reads of what is live, what is late and who is blocking, per project.

Selectors only (no writes), shared by the board page, the permit list's attention filters and
the board API, so a count and the list it links to always agree. Every function takes `now`.
"""
