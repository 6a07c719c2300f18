"""The rules of Slack's Web API that the local stand-in (`tests.fakes.slack_api`) enforces, one module each."""
