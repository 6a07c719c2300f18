"""Slack adapter on slack-bolt: HTTP (`/slack/events`) and Socket Mode share the same listeners."""
