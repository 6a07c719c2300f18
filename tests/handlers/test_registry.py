"""Capabilities meet through topics: a subscriber's replies come back to the one who emits."""

from __future__ import annotations

from handlers import Reply, registry


def test_emit_gathers_replies_of_every_subscriber() -> None:
    topic = "test.topic"
    registry.on(topic)(lambda ctx, n: [Reply(f"a{n}")])
    registry.on(topic)(lambda ctx, n: None)
    registry.on(topic)(lambda ctx, n: [Reply(f"b{n}")])
    try:
        assert [r.text for r in registry.emit(topic, None, n=1)] == ["a1", "b1"]
        assert registry.emit("test.nobody", None) == []
    finally:
        del registry.HOOKS[topic]
