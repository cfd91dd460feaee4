"""The archive: ended chats moved to their own database, readable and importable."""
