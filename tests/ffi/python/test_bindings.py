"""The generated Python bindings driving two real Swarmroll nodes over loopback.

Run by tests/ffi/run.sh after scripts/bindings.sh has built the library and generated
the module (SWARMROLL_BINDINGS points at the generated folder).
"""

import asyncio
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, os.environ.get("SWARMROLL_BINDINGS", str(REPO / "target/bindings/python")))

import swarmroll_ffi as sr  # noqa: E402

PHOTOS = REPO.parent / "shared/fixtures/photos"


def settings(data_dir):
    s = sr.default_node_settings(str(data_dir))
    s.sync_address = "127.0.0.1:0"
    s.swarm_address = "127.0.0.1:0"
    s.local_discovery = False
    s.internet_discovery = False
    return s


class Collect:
    """Thread-safe record of callbacks, with waiting for a condition."""

    def __init__(self):
        self.items = []
        self.cond = threading.Condition()

    def add(self, x):
        with self.cond:
            self.items.append(x)
            self.cond.notify_all()

    def wait_for(self, pred, what, secs=20):
        deadline = time.monotonic() + secs
        with self.cond:
            while not pred(self.items):
                left = deadline - time.monotonic()
                assert left > 0, f"timed out waiting for {what}; got {self.items!r}"
                self.cond.wait(left)


def apply(lst, updates):
    """What a native list does with the updates."""
    for u in updates:
        if isinstance(u, (sr.GalleryUpdate.RESET, sr.ThreadUpdate.RESET, sr.ChannelListUpdate.RESET)):
            lst[:] = u.values
        elif isinstance(u, (sr.GalleryUpdate.INSERT, sr.ThreadUpdate.INSERT, sr.ChannelListUpdate.INSERT)):
            lst.insert(u.index, u.value)
        elif isinstance(u, (sr.GalleryUpdate.SET, sr.ThreadUpdate.SET, sr.ChannelListUpdate.SET)):
            lst[u.index] = u.value
        else:
            del lst[u.index]


class ListModel:
    """A listener keeping a list, as a screen would."""

    def __init__(self):
        self.rows = []
        self.calls = Collect()

    def on_update(self, updates):
        apply(self.rows, updates)
        self.calls.add(list(self.rows))


class Gallery(ListModel, sr.GalleryListener):
    pass


class Thread(ListModel, sr.ThreadListener):
    pass


class Channels(ListModel, sr.ChannelListListener):
    pass


class Events(sr.EventListener):
    def __init__(self):
        self.seen = Collect()

    def on_event(self, event):
        self.seen.add(event)


class DictStorage(sr.SecureStorage):
    """The platform's key storage, as a dict."""

    def __init__(self):
        self.saved = {}

    def load(self, name):
        return self.saved.get(name)

    def save(self, name, secret):
        self.saved[name] = bytes(secret)


class JpegPosters(sr.PosterMaker):
    """A platform decoder: answers with a real JPEG for any HEIC."""

    def __init__(self):
        self.asked = []

    def poster(self, path, mime):
        self.asked.append(mime)
        return (PHOTOS / "phones/jolla.jpg").read_bytes()


@pytest.fixture
def dirs():
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        yield Path(a), Path(b)


def test_two_nodes_share_a_photo_and_talk(dirs):
    async def scenario():
        posters = JpegPosters()
        alice = sr.SwarmrollNode.open(settings(dirs[0]), None, posters)
        bob = sr.SwarmrollNode.open(settings(dirs[1]), None, None)
        await alice.start()
        await bob.start()
        party = alice.create_channel("Garden party", "Alice", False)
        channel = party.id()

        invite = await party.invite(sr.MemberRole.CONTRIBUTOR, None)
        assert invite.qr_png[:8] == b"\x89PNG\r\n\x1a\n"
        parsed = sr.parse_invite(invite.link, int(time.time() * 1000))
        assert parsed.name == "Garden party" and parsed.inviter_name == "Alice"
        assert parsed.role == sr.MemberRole.CONTRIBUTOR and parsed.addresses

        bob_events = Events()
        bob_sub = bob.subscribe(bob_events)
        joined = await bob.join(invite.link, "Bob", 15_000)
        assert joined.channel_id == channel and joined.synced
        assert [c.name for c in bob.channels()] == ["Garden party"]
        assert bob.channels()[0].my_role == sr.MemberRole.CONTRIBUTOR
        bob_party = bob.channel(channel)

        gallery = Gallery()
        gallery_task = bob_party.watch_gallery(50, gallery)
        gallery.calls.wait_for(lambda calls: calls, "the first gallery reset")
        assert gallery.rows == []

        photo = PHOTOS / "phones/iphone_hdr_NO.jpg"
        heic = PHOTOS / "heic/IMG_5195.HEIC"
        broken = dirs[0] / "not-a-photo.jpg"
        broken.write_bytes(b"this is not a photo")
        shared = await party.share(
            "first dance",
            [sr.ShareFile(path=str(photo), asset_id=None, created_ms=None),
             sr.ShareFile(path=str(broken), asset_id=None, created_ms=None),
             sr.ShareFile(path=str(heic), asset_id=None, created_ms=None)],
        )
        assert shared.shared == 2 and shared.duplicates == 0
        assert [s.index for s in shared.skipped] == [1] and shared.skipped[0].reason
        assert posters.asked == ["image/heic"], "only the HEIC needed the platform's decoder"

        # Bob's gallery fills in live, thumbnails included.
        gallery.calls.wait_for(lambda calls: len(calls[-1]) == 2, "both items in Bob's gallery")
        assert all(item.thumbnail[:2] == b"\xff\xd8" for item in gallery.rows)
        assert {item.post_id for item in gallery.rows} == {shared.post_id}
        assert sorted(item.mime for item in gallery.rows) == ["image/heic", "image/jpeg"]
        bob_events.seen.wait_for(
            lambda seen: any(isinstance(e, sr.SwarmrollEvent.POST_ARRIVED) and e.post_id == shared.post_id for e in seen),
            "Bob's PostArrived event",
        )

        # The author's originals are here at once: the imported files themselves.
        here = party.originals(shared.post_id)
        assert sorted(o.path for o in here) == sorted([str(photo), str(heic)])

        # A comment both ways, seen live in the viewer's thread.
        thread = Thread()
        thread_task = party.watch_thread(shared.post_id, thread)
        thread.calls.wait_for(lambda calls: calls, "the first thread reset")
        assert isinstance(thread.rows[0], sr.ThreadItem.POST) and thread.rows[0].post.caption == "first dance"
        bob_party.comment(shared.post_id, "what a photo", None)
        thread.calls.wait_for(lambda calls: len(calls[-1]) == 2, "Bob's comment in Alice's viewer")
        assert thread.rows[1].comment.text == "what a photo" and thread.rows[1].comment.author.name == "Bob"
        party.comment(shared.post_id, "thanks!", thread.rows[1].comment.id)
        party.react(shared.post_id, "❤️", True)
        thread.calls.wait_for(lambda calls: len(calls[-1]) == 3 and calls[-1][0].post.reactions, "reply and reaction")
        assert [r.emoji for r in thread.rows[0].post.reactions] == ["❤️"]
        deadline = time.monotonic() + 20
        while len(bob_party.thread(shared.post_id)) < 3:
            assert time.monotonic() < deadline, "Alice's reply never reached Bob"
            await asyncio.sleep(0.05)
        assert bob_party.thread(shared.post_id)[2].comment.reply_to == thread.rows[1].comment.id

        # Cancelled listeners stop.
        for task in (gallery_task, thread_task, bob_sub):
            task.cancel()
            assert task.is_finished()
        calls = len(thread.calls.items)
        bob_party.comment(shared.post_id, "after cancel", None)
        await asyncio.sleep(1.0)
        assert len(thread.calls.items) == calls
        assert gallery_task.is_finished() and thread_task.is_finished()

        # Unread counts and news come from the core.
        news = alice.news()
        assert news and news[0].new_comments >= 1 and "Bob" in news[0]._from

        # Host tools: members, hiding a post, a co-host, removing a member.
        members = party.members()
        assert [(m.name, m.role) for m in members] == [("Alice", sr.MemberRole.OWNER), ("Bob", sr.MemberRole.CONTRIBUTOR)]
        bob_id = members[1].device_id
        with pytest.raises(sr.SwarmrollError.NotAllowed):
            bob_party.set_hidden(shared.post_id, True)
        party.set_hidden(shared.post_id, True)
        assert party.gallery(None, 50).items == []
        party.set_hidden(shared.post_id, False)
        assert len(party.gallery(None, 50).items) == 2
        with pytest.raises(sr.SwarmrollError.InvalidArgument):
            party.set_member_role(bob_id, sr.MemberRole.OWNER)
        party.set_member_role(bob_id, sr.MemberRole.ADMIN)
        assert [m.role for m in party.members() if m.name == "Bob"] == [sr.MemberRole.ADMIN]
        party.remove_member(bob_id)
        assert [m.removed for m in party.members() if m.name == "Bob"] == [True]
        await alice.stop()
        await bob.stop()

    asyncio.run(scenario())


def test_bad_input_and_panics_are_typed_errors(dirs):
    for link in ["", "hello", "https://example.org/x", "swarmroll://join/AB!D"]:
        with pytest.raises(sr.SwarmrollError.InvalidInvite) as e:
            sr.parse_invite(link, int(time.time() * 1000))
        assert str(e.value)
    node = sr.SwarmrollNode.open(settings(dirs[0]), None, None)
    with pytest.raises(sr.SwarmrollError.InvalidArgument):
        node.channel("not-a-channel")
    with pytest.raises(sr.SwarmrollError.NotFound):
        node.channel("00" * 32)

    async def needs_start():
        ch = node.create_channel("x", "me", False)
        with pytest.raises(sr.SwarmrollError.NotStarted):
            await ch.share("", [sr.ShareFile(path=str(PHOTOS / "phones/jolla.jpg"), asset_id=None, created_ms=None)])
        with pytest.raises(sr.SwarmrollError.InvalidInvite):
            await node.join("nonsense", "me", 1000)

    asyncio.run(needs_start())

    # A bug in Rust arrives as a typed error, and the library keeps working.
    with pytest.raises(sr.SwarmrollError.Internal) as e:
        sr.debug_panic("deliberate")
    assert "deliberate" in str(e.value)
    with pytest.raises(sr.SwarmrollError.Internal):
        asyncio.run(sr.debug_panic_async("deliberate async"))
    assert node.channels()[0].name == "x"
    with pytest.raises(sr.SwarmrollError.InvalidArgument):
        node.channel(node.channels()[0].id).comment("not-an-id", "hello", None)


def test_identity_key_lives_in_platform_storage(dirs):
    storage = DictStorage()
    first = sr.SwarmrollNode.open(settings(dirs[0]), storage, None)
    device = first.device_id()
    assert list(storage.saved) and len(next(iter(storage.saved.values()))) == 32
    del first
    again = sr.SwarmrollNode.open(settings(dirs[0]), storage, None)
    assert again.device_id() == device
    del again
    with pytest.raises(sr.SwarmrollError.Identity):
        sr.SwarmrollNode.open(settings(dirs[0]), DictStorage(), None)
    with pytest.raises(sr.SwarmrollError.Identity):
        sr.SwarmrollNode.open(settings(dirs[0]), None, None)


def test_an_app_opens_the_venue_web_gallery_and_closes_it(dirs):
    import json
    import urllib.error
    import urllib.request

    def status(url, data=None):
        req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    async def scenario():
        node = sr.SwarmrollNode.open(settings(dirs[0]), None, None)
        await node.start()
        ch = node.create_channel("Garden party", "Ana", False)
        with pytest.raises(sr.SwarmrollError.InvalidArgument):
            await ch.open_web_gallery(60, sr.WebGuestAccess.UPLOAD, "not an address")
        gallery = await ch.open_web_gallery(60, sr.WebGuestAccess.UPLOAD, "127.0.0.1:0")
        assert gallery.guest_qr_png()[:8] == b"\x89PNG\r\n\x1a\n"
        assert gallery.closes_ms() > int(time.time() * 1000) + 59 * 60 * 1000
        guest, host = gallery.guest_url(), gallery.host_url()
        assert guest.startswith("http://127.0.0.1:") and guest != host != gallery.viewer_url()
        code, page = status(guest)
        assert code == 200 and b"<html" in page
        code, body = status(guest + "api/session", json.dumps({"name": "Maya"}).encode())
        assert code == 200 and json.loads(body)["role"] == "uploader"
        code, body = status(host + "api/session", json.dumps({"name": None}).encode())
        assert json.loads(body)["guest_url"] == guest
        await gallery.stop()
        # A drop box: its guests upload and see only their own.
        box = await ch.open_web_gallery(60, sr.WebGuestAccess.DROP_BOX, "127.0.0.1:0")
        code, body = status(box.guest_url() + "api/session", json.dumps({"name": "Jo"}).encode())
        assert code == 200 and json.loads(body)["role"] == "dropbox"
        await box.stop()
        await gallery.stop()  # stopping twice is harmless
        with pytest.raises(OSError):
            urllib.request.urlopen(guest, timeout=5)
        await node.stop()

    asyncio.run(scenario())
