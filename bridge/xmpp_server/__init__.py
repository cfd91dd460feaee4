"""The private ejabberd instance: its rendered configuration and its control."""
