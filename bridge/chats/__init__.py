"""Chats: one room per conversation, its life cycle and the supporters' queue."""
