"""A working group's own channel, where its decision notes and session reminders are posted: bound by
typing `/club groupe canal <n>` inside it, and never the Club's channel, which every member reads.

A slash command works in any channel its user is in, club-bot's own posts only where it is a member
(../shared/corpus/NOTES.md: Mattermost slash commands; Slack's `not_in_channel` on chat.postMessage,
docs.slack.dev/reference/methods/chat.postMessage). So binding posts a confirmation in the channel: refused
for good, the group keeps the channel it had, and the referent is told to invite club-bot first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.context import Context
from handlers.core import Reply, UserError, Visibility
from handlers.groups.rules import club_channel, find_group, label, require_lead
from handlers.i18n import N_, translate
from handlers.outbox import Refusal, Undo, on_refusal, undone_if_refused
from storage.groups import Group, GroupChannel

UNDO = "group_channel"
INVITE_FIRST = N_("Le groupe {groupe} n'a donc pas changé de salon : invitez d'abord club-bot dans celui-ci "
                  "(`/invite @club-bot`), puis tapez à nouveau `/club groupe canal {n}`.")
UNCHANGED = N_("Le groupe {groupe} n'a donc pas changé de salon. Prévenez l'administrateur du Club.")


def bind_channel(ctx: Context, args: str) -> list[Reply]:
    """One channel per group and platform: binding another one moves the group's posts there."""
    group = find_group(ctx, args.strip(), "/club groupe canal 1")
    require_lead(ctx, group)
    club = club_channel(ctx)
    if club is None or ctx.channel_id == club:
        # Confidential notes go to the group's channel: it must never be the Club's, open to all.
        raise UserError("Ce salon est celui du Club (ou le salon du Club n'est pas configuré ici) : les relevés "
                        "confidentiels n'y ont pas leur place. Tapez `/club groupe canal {n}` dans un salon privé "
                        "du groupe.", n=group.number)
    found = ctx.session.scalar(select(GroupChannel).where(GroupChannel.group_id == group.id,
                                                          GroupChannel.platform == ctx.platform))
    before = found.channel_id if found is not None else None
    if found is None:
        ctx.session.add(GroupChannel(group_id=group.id, platform=ctx.platform, channel_id=ctx.channel_id))
    else:
        found.channel_id = ctx.channel_id
    _ = ctx._
    confirmation = Reply(_("Ce salon reçoit désormais les relevés de décisions et les rappels de séance du groupe "
                           "{groupe}.", groupe=label(group)), visibility=Visibility.CHANNEL, channel=ctx.channel_id)
    return [Reply(_("Ce salon est désormais celui du groupe {groupe} : ses relevés de décisions y seront "
                    "publiés. Veillez à ce qu'il soit réservé aux membres du groupe.", groupe=label(group))),
            undone_if_refused(confirmation, Undo(UNDO, group.id, before))]


@on_refusal(UNDO)
def keep_previous_channel(session: Session, refusal: Refusal) -> str | None:
    """club-bot could not post in the new channel: the group's posts would all be refused there."""
    group = session.get(Group, refusal.undo.object_id)
    bound = session.scalar(select(GroupChannel).where(GroupChannel.group_id == refusal.undo.object_id,
                                                      GroupChannel.platform == refusal.platform).with_for_update())
    if group is None or bound is None or bound.channel_id != refusal.channel:
        return None  # another channel was bound since: that later choice stands
    if refusal.undo.before is None:
        session.delete(bound)
    else:
        bound.channel_id = refusal.undo.before
    advice = INVITE_FIRST if refusal.not_member else UNCHANGED
    return translate(refusal.lang, advice, groupe=label(group), n=group.number)
