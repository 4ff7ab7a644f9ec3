"""Slack adapter: mentions in threads, DMs, /coach, buttons and App Home, in Socket Mode or HTTP mode."""

from adapters.slack.app import create_app

__all__ = ["create_app"]
