"""The demo archive `make run` imports: German and English bike-leasing support chats.

`topics.json` holds the support topics (how customers ask, what supporters answer);
`make_archive` turns them into `archive.jsonl`, one chat a line in the format of
`customer-chat archive import`. Written for this project; see `README.md`.
"""
