"""Marks knowledge/ as the package ``bot.knowledge_data`` so the YAML ships inside the wheel."""
