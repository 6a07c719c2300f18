"""All Slack listeners, registered in one place."""

from slack_bolt import App

from bot.platforms.slack.listeners import actions, commands, events
from bot.platforms.slack.runtime import SlackRuntime


def register_listeners(app: App, slack: SlackRuntime) -> None:
    commands.register(app, slack)
    events.register(app, slack)
    actions.register(app, slack)
