"""What changed between versions: word-level, escaped, on the version page and for a
member who must accept a changed policy again."""

from __future__ import annotations

import html

from guidelines import services
from guidelines.diff import document_diff


def test_a_changed_line_is_compared_word_by_word():
    diff = document_diff(
        "# Rules\n\nBe kind.\nNo secrets.", "# Rules\n\nBe very kind.\nNo secrets."
    )
    assert (diff.inserted, diff.deleted) == (1, 0)
    changed = [line for line in diff.lines if line.op != "equal"]
    assert len(changed) == 1
    assert [(s.op, s.text) for s in changed[0].segments] == [
        ("equal", "Be"),
        ("insert", " very"),
        ("equal", " kind."),
    ]


def test_added_and_removed_lines_and_no_change():
    diff = document_diff("a\nold line\nb", "a\nb\nnew line here")
    ops = [(line.op, "".join(s.text for s in line.segments)) for line in diff.lines]
    assert ("delete", "old line") in ops and ("insert", "new line here") in ops
    assert (diff.inserted, diff.deleted) == (3, 2)
    assert not document_diff("same\ntext", "same\ntext").changed


def _publish(policy, world, body, **kw):
    admin = world.a.members["admin"]
    version = services.policy_version_draft_save(actor=admin, document=policy, body_markdown=body)
    return services.policy_version_publish(actor=admin, version=version, **kw)


def test_version_page_shows_the_changes_escaped(world, policy, client):
    v2 = _publish(policy, world, "# Share with care\n\nBe kind. <script>alert(1)</script>")
    client.force_login(world.a.admin)
    resp = client.get(f"/o/{world.a.org.slug}/guidelines/{policy.pk}/versions/{v2.pk}/")
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "What changed from version 1 to version 2" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in page
    assert "<script>alert(1)</script>" not in page
    # The first version has nothing to compare with.
    v1 = policy.versions.get(number=1)
    first = client.get(f"/o/{world.a.org.slug}/guidelines/{policy.pk}/versions/{v1.pk}/")
    assert "What changed" not in first.content.decode()


def test_draft_preview_compares_with_the_published_version(world, policy, client):
    draft = services.policy_version_draft_save(
        actor=world.a.members["admin"],
        document=policy,
        body_markdown="# Share with care\n\nBe nice.",
    )
    client.force_login(world.a.admin)
    page = client.get(
        f"/o/{world.a.org.slug}/guidelines/{policy.pk}/versions/{draft.pk}/"
    ).content.decode()
    assert "<del>kind</del>" in page and "<ins>nice</ins>" in page


def test_member_who_must_accept_again_sees_what_changed_since_their_version(world, policy, client):
    member = world.a.members["employee"]
    services.policy_acknowledge(actor=member, version=policy.versions.get())
    _publish(
        policy, world, "# Share with care\n\nBe kind and honest.", requires_reacknowledgement=True
    )
    client.force_login(member.user)
    page = html.unescape(
        client.get(f"/o/{world.a.org.slug}/guidelines/{policy.pk}/").content.decode()
    )
    assert "The policy changed since you accepted version 1: review version 2" in page
    assert "What changed from version 1 to version 2" in page
    assert "<ins> and honest</ins>" in page


def test_first_acceptance_shows_no_comparison(world, policy, client):
    _publish(
        policy, world, "# Share with care\n\nBe kind and honest.", requires_reacknowledgement=True
    )
    client.force_login(world.a.employee)
    page = client.get(f"/o/{world.a.org.slug}/guidelines/{policy.pk}/").content.decode()
    assert "What changed" not in page
    assert "since you accepted" not in page
