"""The assistant: answers a customer from the knowledge base or hands over to a person."""
