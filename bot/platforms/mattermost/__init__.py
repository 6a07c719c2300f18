"""Mattermost adapter: slash command, buttons and dialogs over HTTP, reactions over the websocket,
everything the bot says through REST API v4 (mattermostautodriver)."""
