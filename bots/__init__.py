"""The bots' side of customer-chat: reply suggestions and the assistant, and their ML code."""
