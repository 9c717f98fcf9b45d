"""Text helpers shared by every stage: HTML to text, language detection."""
