"""A working group's own channel, where its decision notes are posted: bound by typing `/club groupe
canal <n>` inside it, and never the Club's channel, which every member reads."""

from __future__ import annotations

from sqlalchemy import select

from handlers.context import Context
from handlers.core import Reply, UserError, Visibility
from handlers.groups.rules import club_channel, find_group, label, require_lead
from storage.groups import GroupChannel


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
    if found is None:
        ctx.session.add(GroupChannel(group_id=group.id, platform=ctx.platform, channel_id=ctx.channel_id))
    else:
        found.channel_id = ctx.channel_id
    return [Reply(ctx._("Ce salon est désormais celui du groupe {groupe} : ses relevés de décisions y seront "
                        "publiés. Veillez à ce qu'il soit réservé aux membres du groupe.", groupe=label(group)),
                  visibility=Visibility.CHANNEL)]
