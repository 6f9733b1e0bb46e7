//! `swarmroll`: the Swarmroll core from a terminal — for a laptop, for an always-on home
//! server that keeps channels available while phones sleep, and for developers.
//!
//! Runs on an embedded default — an SQLite database in the platform's data folder
//! (`~/.local/share/swarmroll` on Linux), overridable with `--data-dir` or
//! `SWARMROLL_DATA_DIR` — with nothing to install or start. Commands that change
//! something go through the node already running on the folder if there is one
//! (`control`), so they reach members at once; otherwise they run here.
//!
//! Exit codes: 0 done, 1 failed, 2 bad input, 3 nobody reachable, 4 a node already runs
//! on the data folder.

/// Prints a line on standard output. A closed output (`swarmroll run | head`) is no
/// reason for the node to die, so write errors are ignored (`println!` would panic).
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

mod control;
mod folders;
mod interrupt;
mod logs;
mod node;
mod ops;
mod posters;
mod show;
mod web;

use clap::{Parser, Subcommand, ValueEnum};
use node::{Folder, NetArgs};
use ops::Request;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;
use swarmroll_core::channel::Invite;
use swarmroll_core::node::{Node, NodeError};
use swarmroll_core::Timestamp;

#[derive(Parser)]
#[command(name = "swarmroll", version, about = "Share full-quality photos and videos in channels, with no server")]
struct Cli {
    /// Where the node keeps its database and media.
    #[arg(long, env = "SWARMROLL_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Machine-readable output: one JSON value per result, one JSON line per event.
    #[arg(long, global = true)]
    json: bool,
    /// Log more on standard error (-v, -vv, -vvv); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum InviteRole {
    /// May see, comment and react.
    Viewer,
    /// May also post photos and videos.
    Contributor,
}

#[derive(Subcommand)]
enum Command {
    /// Create a channel and print an invite to it (link and QR code).
    Create {
        /// The channel's name.
        name: String,
        /// Your display name in the channel.
        #[arg(long, default_value = "Host")]
        as_name: String,
        /// What the printed invite lets a guest do.
        #[arg(long, value_enum, default_value_t = InviteRole::Contributor)]
        role: InviteRole,
        /// Photos and videos travel encrypted, readable by members only (for good).
        #[arg(long)]
        private: bool,
    },
    /// Share files or folders into a channel (a new one with --new), print its invite,
    /// and keep the node running so members can fetch them (unless --no-serve).
    Share {
        /// Files and folders (a folder's photos and videos, its subfolders included,
        /// hidden and system folders left out).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The channel to post in.
        #[arg(long, conflicts_with = "new", required_unless_present = "new")]
        channel: Option<String>,
        /// Create a channel with this name and post in it.
        #[arg(long, value_name = "NAME")]
        new: Option<String>,
        /// Your display name in a new channel.
        #[arg(long, default_value = "Host")]
        as_name: String,
        /// A new channel is private (encrypted originals).
        #[arg(long)]
        private: bool,
        /// The posts' caption.
        #[arg(long, default_value = "")]
        caption: String,
        /// Exit once posted instead of staying to seed (members fetch from whoever runs).
        #[arg(long)]
        no_serve: bool,
        /// Share where photos and videos were taken. By default location is removed
        /// from what members receive, and a file whose location cannot be removed is
        /// not shared.
        #[arg(long)]
        keep_location: bool,
        #[command(flatten)]
        net: NetArgs,
    },
    /// List your channels.
    Channels,
    /// Print an invite (link and QR code) to a channel.
    Invite {
        /// The channel id (from `swarmroll channels`).
        channel: String,
        /// What the invite lets a guest do.
        #[arg(long, value_enum, default_value_t = InviteRole::Contributor)]
        role: InviteRole,
        /// Hours until the invite expires.
        #[arg(long)]
        expires_in_hours: Option<u32>,
    },
    /// Decode an invite link and show what it grants.
    Inspect {
        /// The link.
        link: String,
    },
    /// Join a channel from an invite link and fetch its posts and comments.
    Join {
        /// The link.
        link: String,
        /// Your display name in the channel.
        #[arg(long, default_value = "Guest")]
        as_name: String,
        /// Seconds to wait for a member.
        #[arg(long, default_value_t = 30)]
        wait: u64,
        #[command(flatten)]
        net: NetArgs,
    },
    /// List a channel's posts, newest first.
    Posts {
        /// The channel id.
        channel: String,
    },
    /// Show a post and its comments.
    Thread {
        /// The post id (from `swarmroll posts`).
        post: String,
    },
    /// Comment on a post.
    Comment {
        /// The channel id.
        channel: String,
        /// The post id.
        post: String,
        /// What to say.
        text: String,
        /// The comment this answers.
        #[arg(long)]
        reply_to: Option<String>,
    },
    /// React to a post or comment.
    React {
        /// The channel id.
        channel: String,
        /// The post or comment id.
        target: String,
        /// The emoji.
        emoji: String,
        /// Take the reaction back.
        #[arg(long)]
        off: bool,
    },
    /// What the running node is doing: members, transfers, what is held.
    Status,
    /// Run the node: seed, sync and fetch originals until Ctrl-C; optionally keep
    /// folders in step with channels.
    Run {
        /// Copy a channel's originals into a folder as they arrive: CHANNEL=FOLDER.
        #[arg(long, value_name = "CHANNEL=FOLDER")]
        mirror: Vec<String>,
        /// Post files dropped into a folder: FOLDER=CHANNEL.
        #[arg(long, value_name = "FOLDER=CHANNEL")]
        watch: Vec<String>,
        #[command(flatten)]
        net: NetArgs,
    },
    /// Run the node, copying a channel's originals into a folder as they arrive.
    Mirror {
        /// The channel id.
        channel: String,
        /// The folder.
        folder: PathBuf,
        #[command(flatten)]
        net: NetArgs,
    },
    /// Run the node, posting files dropped into a folder to a channel.
    Watch {
        /// The folder.
        folder: PathBuf,
        /// The channel id.
        channel: String,
        #[command(flatten)]
        net: NetArgs,
    },
    /// Open a channel to browsers on this network for a while: guests scan the QR code to
    /// see the gallery, add photos and videos, and comment, without the app.
    Web {
        /// The channel id.
        channel: String,
        /// How long the gallery stays open (90m, 6h, 2d).
        #[arg(long = "for", value_name = "LENGTH", default_value = "6h")]
        window: String,
        /// Guests may look and comment, not upload.
        #[arg(long, conflicts_with = "drop_box")]
        view_only: bool,
        /// A drop box: guests add photos and videos and see only their own (you see all).
        #[arg(long)]
        drop_box: bool,
        /// Where to listen (default: this machine's LAN address, port 8080).
        #[arg(long, value_name = "IP:PORT")]
        bind: Option<std::net::SocketAddr>,
        #[command(flatten)]
        net: NetArgs,
    },
    /// Download every original of a channel into a folder, then exit.
    Export {
        /// The channel id.
        channel: String,
        /// The folder.
        folder: PathBuf,
        #[command(flatten)]
        net: NetArgs,
    },
}

/// A failure with its exit code.
pub struct Failure(pub u8, pub String);

impl Failure {
    pub fn other(msg: impl std::fmt::Display) -> Self {
        Failure(1, msg.to_string())
    }
    pub fn input(msg: impl std::fmt::Display) -> Self {
        Failure(2, msg.to_string())
    }
    pub fn unreachable(msg: impl std::fmt::Display) -> Self {
        Failure(3, msg.to_string())
    }
    pub fn busy(msg: impl std::fmt::Display) -> Self {
        Failure(4, msg.to_string())
    }
}

impl From<NodeError> for Failure {
    fn from(e: NodeError) -> Self {
        use swarmroll_core::{publish, replica, sync};
        match e {
            NodeError::Sync(sync::SyncError::NoPeerReachable) => Failure::unreachable(e),
            NodeError::Replica(
                replica::Error::UnknownChannel
                | replica::Error::Invalid(_)
                | replica::Error::Invite(_)
                | replica::Error::Rejected(_)
                | replica::Error::NotOwner
                | replica::Error::MissingKeys,
            )
            | NodeError::Publish(publish::Error::ItemCount | publish::Error::UnknownPost) => Failure::input(e),
            other => Failure::other(other),
        }
    }
}

fn data_dir(cli: &Cli) -> Result<PathBuf, Failure> {
    if let Some(d) = &cli.data_dir {
        return Ok(d.clone());
    }
    dirs::data_dir().map(|d| d.join("swarmroll")).ok_or_else(|| {
        Failure::input("no standard data folder on this system: pass --data-dir or set SWARMROLL_DATA_DIR")
    })
}

fn split_pair(s: &str, what: &str) -> Result<(String, String), Failure> {
    s.split_once('=')
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .ok_or_else(|| Failure::input(format!("{what} takes A=B")))
}

/// Runs `req` through the node running on `dir`, or here: started if it needs the
/// network. Returns the result, and the node if it was started here. `interrupt` (for
/// shares) stops the work on Ctrl-C, here or in the running node.
async fn request(
    cli: &Cli,
    req: Request,
    net: &NetArgs,
    interrupt: Option<&interrupt::Interrupt>,
) -> Result<(Value, Option<(Node, std::fs::File)>), Failure> {
    let dir = data_dir(cli)?;
    let bar = show::import_bar();
    let progress = {
        let (bar, json) = (bar.clone(), cli.json);
        move |done: u64, total: u64| show::import_progress(&bar, json, done, total)
    };
    if let Some(v) = control::ask(&dir, &req, progress.clone(), interrupt).await? {
        bar.finish_and_clear();
        return Ok((v, None));
    }
    let node = node::open(&dir, net)?;
    let started = if req.needs_network() {
        let lock = node::lock(&dir)?;
        node.start().await?;
        Some(lock)
    } else {
        None
    };
    let none = swarmroll_core::share::Cancel::default();
    let cancel = interrupt.map_or(&none, interrupt::Interrupt::cancel);
    let out = ops::exec(&node, req, progress, cancel).await;
    bar.finish_and_clear();
    match (out, started) {
        (Ok(v), Some(lock)) => Ok((v, Some((node, lock)))),
        (Ok(v), None) => Ok((v, None)),
        (Err(e), Some(_)) => {
            node.stop().await;
            Err(e)
        }
        (Err(e), None) => Err(e),
    }
}

async fn stop(started: Option<(Node, std::fs::File)>) {
    if let Some((node, _lock)) = started {
        node.stop().await;
    }
}

async fn run(cli: &Cli) -> Result<(), Failure> {
    let dir = data_dir(cli)?;
    let json = cli.json;
    let none = NetArgs::default();
    match &cli.command {
        Command::Create { name, as_name, role, private } => {
            let req = Request::Create {
                name: name.clone(),
                as_name: as_name.clone(),
                private: *private,
                contributor: matches!(role, InviteRole::Contributor),
            };
            let (v, started) = request(cli, req, &none, None).await?;
            stop(started).await;
            show::result(json, &v, show::invite);
        }
        Command::Invite { channel, role, expires_in_hours } => {
            let expires_ms = expires_in_hours.map(|h| Timestamp::now().0 + i64::from(h) * 3_600_000);
            let req = Request::Invite {
                channel: channel.clone(),
                contributor: matches!(role, InviteRole::Contributor),
                expires_ms,
            };
            let (v, started) = request(cli, req, &none, None).await?;
            stop(started).await;
            show::result(json, &v, show::invite);
        }
        Command::Share { paths, channel, new, as_name, private, caption, no_serve, keep_location, net } => {
            let args =
                ShareArgs { paths, channel, new, as_name, private: *private, caption, keep_location: *keep_location };
            share(cli, &dir, args, *no_serve, net).await?;
        }
        Command::Channels => {
            let node = node::open(&dir, &none)?;
            let list = node.channels()?;
            let v: Vec<Value> = list
                .iter()
                .map(|c| json!({"id": c.id.to_hex(), "name": c.name, "role": format!("{:?}", c.my_role).to_lowercase(), "unread": c.unread, "items": c.items}))
                .collect();
            show::result(json, &Value::Array(v), |_| {
                if list.is_empty() {
                    say!("No channels yet. Create one with: swarmroll create \"Our party\"");
                }
                for c in &list {
                    say!("{}  {:<24} {:?}, {} photos, {} unread", c.id.to_hex(), c.name, c.my_role, c.items, c.unread);
                }
            });
        }
        Command::Inspect { link } => {
            let inv = Invite::parse(link, Timestamp::now()).map_err(Failure::input)?;
            let v = json!({"channel": inv.channel.to_hex(), "name": inv.name, "role": format!("{:?}", inv.capability.role()).to_lowercase(),
                           "inviter_name": inv.inviter_name, "epoch": inv.epoch, "addresses": inv.addresses.iter().map(ToString::to_string).collect::<Vec<_>>(),
                           "expires_ms": inv.expires.map(|t| t.0)});
            show::result(json, &v, |_| {
                say!(
                    "Channel  {}\nId       {}\nRole     {:?}\nFrom     {}",
                    inv.name,
                    inv.channel.to_hex(),
                    inv.capability.role(),
                    inv.inviter_name
                );
            });
        }
        Command::Join { link, as_name, wait, net } => {
            let req =
                Request::Join { link: link.clone(), as_name: as_name.clone(), wait_ms: wait.saturating_mul(1000) };
            let (v, started) = request(cli, req, net, None).await?;
            stop(started).await;
            show::result(json, &v, |v| {
                if v["synced"].as_bool() == Some(true) {
                    say!("Joined {}. Its posts and comments are here; run `swarmroll run` or `mirror` for the originals.", v["name"].as_str().unwrap_or_default());
                } else {
                    say!(
                        "Joined {}, but no member answered yet: it fills in when one is reachable.",
                        v["name"].as_str().unwrap_or_default()
                    );
                }
            });
        }
        Command::Posts { channel } => {
            let node = node::open(&dir, &none)?;
            let ch = ops::channel_id(channel)?;
            let posts = node.posts(&ch)?;
            let mut out = Vec::new();
            for p in &posts {
                let here = node.originals(&ch, &p.id)?.is_some();
                out.push(json!({"post": p.id.to_hex(), "author": p.author.name, "guest": p.guest, "time_ms": p.time.0, "caption": p.caption,
                                "files": p.items.iter().map(|i| json!({"name": i.name, "mime": i.mime, "size": i.size, "content_hash": i.content_hash.to_hex()})).collect::<Vec<_>>(),
                                "originals_here": here}));
            }
            show::result(json, &Value::Array(out.clone()), |_| {
                if out.is_empty() {
                    say!("No posts yet.");
                }
                for (p, v) in posts.iter().zip(&out) {
                    let bytes: u64 = p.items.iter().map(|i| i.size).sum();
                    let here = if v["originals_here"].as_bool() == Some(true) { "here" } else { "not yet here" };
                    say!(
                        "{}  {} · {} files, {} KB, {}  {}",
                        p.id.to_hex(),
                        p.author.name,
                        p.items.len(),
                        bytes / 1024,
                        here,
                        p.caption
                    );
                }
            });
        }
        Command::Thread { post } => {
            let node = node::open(&dir, &none)?;
            let Some(t) = node.thread(&ops::event_id(post)?)? else { return Err(Failure::input("no such post here")) };
            let reactions = |r: &[swarmroll_core::comment::ReactionCount]| {
                r.iter().map(|x| json!({"emoji": x.emoji, "count": x.count})).collect::<Vec<_>>()
            };
            let v = json!({"post": t.post.id.to_hex(), "author": t.post.author.name, "caption": t.post.caption, "reactions": reactions(&t.reactions),
                           "comments": t.comments.iter().map(|c| json!({"comment": c.id.to_hex(), "author": c.author.name, "text": c.text,
                                "reply_to": c.reply_to.map(|r| r.to_hex()), "time_ms": c.time.0, "reactions": reactions(&c.reactions)})).collect::<Vec<_>>()});
            show::result(json, &v, |_| {
                say!("{} — {} ({} files)", t.post.author.name, t.post.caption, t.post.items.len());
                for r in &t.reactions {
                    print!("{} {}  ", r.emoji, r.count);
                }
                say!();
                for c in &t.comments {
                    say!("  {}: {}    [{}]", c.author.name, c.text, &c.id.to_hex()[..12]);
                }
            });
        }
        Command::Comment { channel, post, text, reply_to } => {
            let req = Request::Comment {
                channel: channel.clone(),
                post: post.clone(),
                text: text.clone(),
                reply_to: reply_to.clone(),
            };
            let (v, started) = request(cli, req, &none, None).await?;
            stop(started).await;
            show::result(json, &v, |v| say!("Commented ({}).", v["comment"].as_str().unwrap_or_default()));
        }
        Command::React { channel, target, emoji, off } => {
            let req =
                Request::React { channel: channel.clone(), target: target.clone(), emoji: emoji.clone(), on: !off };
            let (v, started) = request(cli, req, &none, None).await?;
            stop(started).await;
            show::result(json, &v, |_| say!("Done."));
        }
        Command::Status => match control::ask(&dir, &Request::Status, |_, _| {}, None).await? {
            Some(v) => show::result(json, &v, |v| {
                say!("Node running, sync on {}.", v["sync_address"].as_str().unwrap_or("-"));
                if let Some(h) = v["held"].as_str() {
                    say!("Originals held: {h}");
                }
                for c in v["channels"].as_array().into_iter().flatten() {
                    say!(
                        "{}  {:<24} {} members connected",
                        c["channel"].as_str().unwrap_or_default(),
                        c["name"].as_str().unwrap_or_default(),
                        c["peers"]
                    );
                }
                for t in v["transfers"].as_array().into_iter().flatten() {
                    say!(
                        "  post {}: {}/{} bytes",
                        &t["post"].as_str().unwrap_or_default()[..12],
                        t["have_bytes"],
                        t["total_bytes"]
                    );
                }
            }),
            None => show::result(json, &json!({"running": false}), |_| say!("No node is running on this data folder.")),
        },
        Command::Run { mirror, watch, net } => {
            let mut folders = Vec::new();
            for m in mirror {
                let (ch, dir) = split_pair(m, "--mirror")?;
                folders.push(Folder::Mirror(ops::channel_id(&ch)?, PathBuf::from(dir)));
            }
            for w in watch {
                let (dir, ch) = split_pair(w, "--watch")?;
                folders.push(Folder::Watch(PathBuf::from(dir), ops::channel_id(&ch)?));
            }
            long_running(cli, net, folders).await?;
        }
        Command::Mirror { channel, folder, net } => {
            long_running(cli, net, vec![Folder::Mirror(ops::channel_id(channel)?, folder.clone())]).await?;
        }
        Command::Watch { folder, channel, net } => {
            long_running(cli, net, vec![Folder::Watch(folder.clone(), ops::channel_id(channel)?)]).await?;
        }
        Command::Web { channel, window, view_only, drop_box, bind, net } => {
            let guests = match (view_only, drop_box) {
                (true, _) => swarmroll_core::web::GuestAccess::ViewOnly,
                (_, true) => swarmroll_core::web::GuestAccess::DropBox,
                _ => swarmroll_core::web::GuestAccess::Upload,
            };
            let args = web::WebArgs { channel: ops::channel_id(channel)?, window, guests, bind: *bind, net };
            web::run(&dir, json, args).await?;
        }
        Command::Export { channel, folder, net } => {
            let ch = ops::channel_id(channel)?;
            let _lock = node::lock(&dir)?;
            let node = node::open(&dir, net)?;
            node.start().await?;
            let events = show::Events::new(json);
            let mut rx = node.subscribe();
            let printer = async {
                loop {
                    match rx.recv().await {
                        Ok(e) => events.event(&e),
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        // The node is gone: only the mirror ends the export.
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => std::future::pending::<()>().await,
                    }
                }
            };
            let copied = std::sync::atomic::AtomicUsize::new(0);
            let result = tokio::select! {
                r = folders::mirror(node.clone(), ch, folder.clone(), true, |n| {
                    if let folders::Note::Mirrored { files, .. } = n {
                        copied.fetch_add(files, std::sync::atomic::Ordering::Relaxed);
                    }
                }) => r,
                () = printer => Ok(()),
            };
            node.stop().await;
            result?;
            let n = copied.load(std::sync::atomic::Ordering::Relaxed);
            show::result(json, &json!({"channel": channel, "copied": n}), |_| say!("Exported: {n} files copied."));
        }
    }
    Ok(())
}

/// What `swarmroll share` was asked.
struct ShareArgs<'a> {
    paths: &'a [PathBuf],
    channel: &'a Option<String>,
    new: &'a Option<String>,
    as_name: &'a str,
    private: bool,
    caption: &'a str,
    keep_location: bool,
}

async fn share(
    cli: &Cli,
    dir: &std::path::Path,
    a: ShareArgs<'_>,
    no_serve: bool,
    net: &NetArgs,
) -> Result<(), Failure> {
    let json = cli.json;
    let paths: Vec<PathBuf> = a.paths.iter().map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone())).collect();
    // Looked at before a channel is made: nothing to share makes no channel.
    let found = ops::expand(&paths)?;
    if found.files.is_empty() {
        return Err(Failure::input(show::nothing_found(&found)));
    }
    let mut invite = None;
    let channel = match (a.channel, a.new) {
        (Some(c), _) => c.clone(),
        (None, Some(name)) => {
            let req = Request::Create {
                name: name.clone(),
                as_name: a.as_name.to_owned(),
                private: a.private,
                contributor: true,
            };
            let (v, started) = request(cli, req, net, None).await?;
            stop(started).await;
            let id = v["channel"].as_str().unwrap_or_default().to_owned();
            invite = Some(v);
            id
        }
        (None, None) => return Err(Failure::input("say --channel ID or --new NAME")),
    };
    let interrupt = interrupt::Interrupt::install();
    let req = Request::Share {
        channel: channel.clone(),
        caption: a.caption.to_owned(),
        files: found.files.clone(),
        keep_location: a.keep_location,
    };
    let (mut v, started) = request(cli, req, net, Some(&interrupt)).await?;
    drop(interrupt);
    v["other_files"] = found.other_files.into();
    v["install_for_previews"] = posters::ToolPosters::detect().missing_for(found.kinds.iter().copied()).into();
    v["skipped_folders"] = found.skipped_folders.into();
    let cancelled = v["cancelled"].as_bool() == Some(true);
    // The invite is made once the node listens, so it carries its real address.
    let invite = match (&started, invite) {
        (Some((node, _)), Some(_)) => {
            let ch = ops::channel_id(&channel)?;
            let (inv, link) = node.invite(&ch, swarmroll_core::channel::Role::Contributor, None).await?;
            Some(ops::invite_value(&ch, &inv, &link))
        }
        (_, inv) => inv,
    };
    if json {
        say!("{}", json!({"shared": v, "invite": invite}));
    } else {
        show::shared(&v);
        if let Some(inv) = invite.as_ref().filter(|_| !cancelled) {
            say!();
            show::invite(inv);
        }
    }
    if cancelled {
        stop(started).await;
        return Err(Failure(interrupt::EXIT, "stopped by Ctrl-C".into()));
    }
    if let Some((node, _lock)) = started {
        if !no_serve {
            node::serve(&node, dir, json, Vec::new(), None).await?;
        } else {
            node.stop().await;
        }
    }
    Ok(())
}

async fn long_running(cli: &Cli, net: &NetArgs, folders: Vec<Folder>) -> Result<(), Failure> {
    let dir = data_dir(cli)?;
    let _lock = node::lock(&dir)?;
    let node = node::open(&dir, net)?;
    node.start().await?;
    node::serve(&node, &dir, cli.json, folders, None).await
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logs::init(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("swarmroll: cannot start ({})", e.kind());
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(&cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, msg)) => {
            eprintln!("swarmroll: {msg}");
            ExitCode::from(code)
        }
    }
}
