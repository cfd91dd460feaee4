"""Reply suggestions: answer modules learned from archived chats, ranked for a question.

Training: `service.train_and_store` (the `customer-chat suggestions train`
command). Serving: `suggester.Suggester.load_newest(...).suggest(question, context)`.
"""
