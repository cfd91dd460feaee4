"""Several bots processes share the chats' rooms: each room is served by exactly one."""
