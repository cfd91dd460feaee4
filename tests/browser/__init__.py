"""Browser tests: the customer page and the supporter console in a real Chromium."""
