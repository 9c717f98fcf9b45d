"""Drafting replies: the grounded drafter, the LangChain model path, prompts and guardrails."""
