"""Demo data for `make run`: German and English bike-leasing support chats.

`topics.json` holds the support topics: how customers ask, what supporters answer.
"""
