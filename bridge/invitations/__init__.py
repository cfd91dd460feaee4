"""Invitations: a supporter opens a chat for a customer and sends them a link."""
