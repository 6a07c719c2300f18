from urllib.parse import parse_qs
import pytest
from tests.bot.platforms.slack.test_http import SLACK, slack  # noqa

def test_show(slack):
    body = (SLACK / "command_slash_enterprise.form.txt").read_text().strip()
    fields = parse_qs(body)
    slack.api.add_user(fields["user_id"][0], "Marie")
    response = slack.post(body)
    print("STATUS", response.status_code)
    print("TEXT", response.text)
