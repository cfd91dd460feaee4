"""Routing: the bridge component that runs the rooms, the queue and supporters' commands."""
