"""Accounts: customers and staff, passwords, session tokens."""
