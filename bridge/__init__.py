"""customer-chat: the XMPP bridge component, the api, extauth and the CLI."""
