"""The running club-bot: entry point, settings, platform adapters, scheduler and web server."""
