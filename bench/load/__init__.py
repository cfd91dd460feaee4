"""The load benchmark: the product against a bare-ejabberd ceiling, by a raw XMPP generator."""
