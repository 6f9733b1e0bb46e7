//! The commands that show what is there: channels, posts, a thread, members, an invite,
//! the running node's status, a post as a torrent. They read the database (SQLite lets
//! them beside a running node), except `status` and `torrent`, which ask the node.

use crate::node::{self, NetArgs};
use crate::ops::{self, Request};
use crate::{control, request, show, stop, Cli, Failure};
use serde_json::{json, Value};
use std::path::Path;
use swarmroll_core::catalog::{credit_line, Credit, Post};
use swarmroll_core::channel::Invite;
use swarmroll_core::Timestamp;

/// A time in the terminal's zone, to the minute.
fn when(t: Timestamp) -> String {
    chrono::DateTime::from_timestamp_millis(t.0)
        .map(|d| d.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// `1.2 MB`.
fn size(bytes: u64) -> String {
    let b = bytes as f64;
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.0} KB", b / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", b / 1e6),
        _ => format!("{:.2} GB", b / 1e9),
    }
}

/// `12 photos, 1 video`.
fn photos_and_videos(photos: u64, videos: u64) -> String {
    match (photos, videos) {
        (p, 0) => show::count(p, "photo", "photos"),
        (0, v) => show::count(v, "video", "videos"),
        (p, v) => format!("{}, {}", show::count(p, "photo", "photos"), show::count(v, "video", "videos")),
    }
}

fn role_name(r: swarmroll_core::channel::Role) -> &'static str {
    match r {
        swarmroll_core::channel::Role::Viewer => "viewer",
        swarmroll_core::channel::Role::Contributor => "contributor",
        swarmroll_core::channel::Role::Admin => "co-host",
        swarmroll_core::channel::Role::Owner => "owner",
    }
}

pub fn channels(dir: &Path, json: bool) -> Result<(), Failure> {
    let node = node::open(dir, &NetArgs::default())?;
    let list = node.channels()?;
    let v: Vec<Value> = list
        .iter()
        .map(|c| {
            json!({"id": c.id.to_hex(), "name": c.name, "role": role_name(c.my_role), "unread": c.unread,
                   "items": c.items, "photos": c.items - c.videos, "videos": c.videos})
        })
        .collect();
    show::result(json, &Value::Array(v), |_| {
        if list.is_empty() {
            say!("No channels yet. Create one with: swarmroll create \"Our party\"");
        }
        for c in &list {
            let things = photos_and_videos(c.items - c.videos, c.videos);
            say!("{}  {:<24} {}, {}, {} unread", c.id.to_hex(), c.name, role_name(c.my_role), things, c.unread);
        }
    });
    Ok(())
}

pub fn inspect(link: &str, json: bool) -> Result<(), Failure> {
    let inv = Invite::parse(link, Timestamp::now()).map_err(Failure::input)?;
    let v = json!({"channel": inv.channel.to_hex(), "name": inv.name, "role": role_name(inv.capability.role()),
                   "inviter_name": inv.inviter_name, "epoch": inv.epoch,
                   "addresses": inv.addresses.iter().map(ToString::to_string).collect::<Vec<_>>(),
                   "expires_ms": inv.expires.map(|t| t.0)});
    show::result(json, &v, |_| {
        say!("Channel  {}\nId       {}\nRole     {}", inv.name, inv.channel.to_hex(), role_name(inv.capability.role()));
        say!("From     {}", if inv.inviter_name.is_empty() { "someone" } else { &inv.inviter_name });
        if let Some(t) = inv.expires {
            say!("Expires  {}", when(t));
        }
    });
    Ok(())
}

/// After `join`: whether a member answered; exit 3 when nobody was reachable.
pub fn joined(json: bool, v: &Value) -> Result<(), Failure> {
    let name = v["name"].as_str().unwrap_or_default();
    if v["synced"].as_bool() == Some(true) {
        show::result(json, v, |_| {
            say!("Joined {name}. Its posts and comments are here; run `swarmroll run` or `mirror` for the originals.");
        });
        return Ok(());
    }
    show::result(json, v, |_| say!("Joined {name}, but no member answered yet."));
    Err(Failure::unreachable("nobody was reachable: the channel fills in when a member is (run `swarmroll run`)"))
}

/// Everyone credited in a post, in order, once each.
fn post_credits(p: &Post) -> Vec<Credit> {
    let mut out: Vec<Credit> = Vec::new();
    for c in p.items.iter().flat_map(|i| &i.credits) {
        if !out.iter().any(|o| o.device == c.device && o.guest == c.guest) {
            out.push(c.clone());
        }
    }
    out
}

fn credit_json(c: &Credit) -> Value {
    json!({"device": c.device.to_hex(), "name": c.name, "guest": c.guest, "display": c.display()})
}

pub fn posts(dir: &Path, json: bool, channel: &str) -> Result<(), Failure> {
    let node = node::open(dir, &NetArgs::default())?;
    let ch = ops::known_channel(&node, channel)?;
    // A photo two members shared shows once, in the first post, crediting both.
    let posts = node.posts(&ch)?;
    let mut out = Vec::new();
    for p in &posts {
        let here = node.originals(&ch, &p.id)?.is_some();
        let credits = post_credits(p);
        let files: Vec<Value> = p
            .items
            .iter()
            .map(|i| {
                let m = &i.media;
                json!({"name": m.name, "mime": m.mime, "size": m.size, "content_hash": m.content_hash.to_hex(),
                       "by": i.credits.iter().map(Credit::display).collect::<Vec<_>>()})
            })
            .collect();
        out.push(json!({"post": p.id.to_hex(), "author": p.author.name, "guest": p.guest,
                        "by": credits.iter().map(Credit::display).collect::<Vec<_>>(),
                        "credits": credits.iter().map(credit_json).collect::<Vec<_>>(),
                        "time_ms": p.time.0, "caption": p.caption, "files": files, "originals_here": here}));
    }
    show::result(json, &Value::Array(out.clone()), |_| {
        if out.is_empty() {
            say!("No posts yet.");
        }
        for (p, v) in posts.iter().zip(&out) {
            let videos = p.items.iter().filter(|i| i.media.mime.starts_with("video/")).count() as u64;
            let things = photos_and_videos(p.items.len() as u64 - videos, videos);
            let bytes = size(p.items.iter().map(|i| i.media.size).sum());
            let here = if v["originals_here"].as_bool() == Some(true) { "here" } else { "not here yet" };
            let caption = if p.caption.is_empty() { String::new() } else { format!(" · \"{}\"", p.caption) };
            let by = credit_line(&post_credits(p));
            say!("{}  {}  {by} · {things} · {bytes} · {here}{caption}", p.id.to_hex(), when(p.time));
        }
    });
    Ok(())
}

pub fn thread(dir: &Path, json: bool, post: &str) -> Result<(), Failure> {
    let node = node::open(dir, &NetArgs::default())?;
    let Some(t) = node.thread(&ops::event_id(post)?)? else {
        return Err(Failure::input("no such post here (see `swarmroll posts`)"));
    };
    let reactions = |r: &[swarmroll_core::comment::ReactionCount]| {
        r.iter().map(|x| json!({"emoji": x.emoji, "count": x.count})).collect::<Vec<_>>()
    };
    let v = json!({"post": t.post.id.to_hex(), "author": t.post.author.name, "guest": t.post.guest,
                   "by": t.post.author.display(), "time_ms": t.post.time.0,
                   "caption": t.post.caption, "reactions": reactions(&t.reactions),
                   "comments": t.comments.iter().map(|c| json!({"comment": c.id.to_hex(), "author": c.author.name,
                        "guest": c.guest, "by": c.author.display(), "text": c.text,
                        "reply_to": c.reply_to.map(|r| r.to_hex()), "time_ms": c.time.0,
                        "reactions": reactions(&c.reactions)})).collect::<Vec<_>>()});
    show::result(json, &v, |_| {
        let videos = t.post.items.iter().filter(|i| i.media.mime.starts_with("video/")).count() as u64;
        let things = photos_and_videos(t.post.items.len() as u64 - videos, videos);
        let caption = if t.post.caption.is_empty() { String::new() } else { format!(" · \"{}\"", t.post.caption) };
        say!("{} · {} · {things}{caption}", t.post.author.display(), when(t.post.time));
        if !t.reactions.is_empty() {
            let r: Vec<String> = t.reactions.iter().map(|r| format!("{} {}", r.emoji, r.count)).collect();
            say!("{}", r.join("  "));
        }
        for c in &t.comments {
            let indent = if c.reply_to.is_some() { "    ↳ " } else { "  " };
            say!("{indent}{}: {}    [{} · {}]", c.author.display(), c.text, when(c.time), &c.id.to_hex()[..12]);
        }
    });
    Ok(())
}

pub fn members(dir: &Path, json: bool, channel: &str) -> Result<(), Failure> {
    let node = node::open(dir, &NetArgs::default())?;
    let ch = ops::known_channel(&node, channel)?;
    let list = node.members(&ch)?;
    let v: Vec<Value> = list
        .iter()
        .map(|m| json!({"member": m.device.to_hex(), "name": m.name, "role": role_name(m.role), "removed": m.removed}))
        .collect();
    show::result(json, &Value::Array(v), |_| {
        for m in &list {
            let removed = if m.removed { " (removed)" } else { "" };
            say!("{}  {:<20} {}{removed}", m.device.to_hex(), m.name, role_name(m.role));
        }
    });
    Ok(())
}

pub async fn status(dir: &Path, json: bool) -> Result<(), Failure> {
    match control::ask(dir, &Request::Status, |_| {}, None).await? {
        Some(v) => show::result(json, &v, |v| {
            say!("Node running, sync on {}.", v["sync_address"].as_str().unwrap_or("-"));
            if let Some(h) = v["held"].as_str() {
                say!("Originals held: {h}");
            }
            for c in v["channels"].as_array().into_iter().flatten() {
                let names: Vec<&str> =
                    c["connected"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                let who = if names.is_empty() { "no member connected".to_owned() } else { names.join(", ") };
                say!(
                    "{}  {:<24} {who}",
                    c["channel"].as_str().unwrap_or_default(),
                    c["name"].as_str().unwrap_or_default()
                );
            }
            for t in v["transfers"].as_array().into_iter().flatten() {
                let (have, total) = (t["have_bytes"].as_u64().unwrap_or(0), t["total_bytes"].as_u64().unwrap_or(0));
                say!("  post {}: {} of {}", &t["post"].as_str().unwrap_or_default()[..12], size(have), size(total));
            }
        }),
        None => show::result(json, &json!({"running": false}), |_| say!("No node is running on this data folder.")),
    }
    Ok(())
}

/// `torrent`: the .torrent written, the magnet printed.
pub async fn torrent(cli: &Cli, post: &str, out: Option<&Path>, net: &NetArgs) -> Result<(), Failure> {
    let (v, started) = request(cli, Request::Torrent { post: post.to_owned() }, net, None).await?;
    stop(started).await;
    let running_here = v["peers"].as_array().is_none_or(Vec::is_empty);
    let bytes: Vec<u8> = v["torrent_hex"]
        .as_str()
        .unwrap_or_default()
        .as_bytes()
        .chunks(2)
        .filter_map(|h| std::str::from_utf8(h).ok().and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect();
    let path = out.map_or_else(|| std::path::PathBuf::from(format!("{post}.torrent")), Path::to_path_buf);
    std::fs::write(&path, &bytes).map_err(|e| Failure::other(format!("cannot write the .torrent ({})", e.kind())))?;
    let mut shown = v.clone();
    shown["torrent"] = path.display().to_string().into();
    shown.as_object_mut().map(|o| o.remove("torrent_hex"));
    show::result(cli.json, &shown, |v| {
        say!("Wrote {}.", path.display());
        say!("Magnet: {}", v["magnet"].as_str().unwrap_or_default());
        if running_here {
            say!("No node is running on this data folder: start one (`swarmroll run`) so clients can fetch it.");
        }
    });
    Ok(())
}
