"""The message log: every reflected room message, exactly once."""
