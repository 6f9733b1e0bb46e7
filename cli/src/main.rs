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
mod files;
mod folders;
mod interrupt;
mod logs;
mod node;
mod ops;
mod posters;
mod read;
mod share;
mod show;
mod web;

use clap::{Parser, Subcommand, ValueEnum};
use node::{Folder, NetArgs};
use ops::Request;
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;
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

#[derive(Clone, Copy, ValueEnum)]
enum MemberRole {
    /// May also hide posts and comments.
    CoHost,
    /// May post photos and videos.
    Contributor,
    /// May see, comment and react.
    Viewer,
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
    /// List a channel's members: names, roles, ids.
    Members {
        /// The channel id.
        channel: String,
    },
    /// Hide a post or comment from every member (owner and co-hosts).
    Hide {
        /// The channel id.
        channel: String,
        /// The post or comment id.
        target: String,
    },
    /// Show a hidden post or comment again (owner and co-hosts).
    Unhide {
        /// The channel id.
        channel: String,
        /// The post or comment id.
        target: String,
    },
    /// Remove a member from a channel you own: nothing posted from then on is readable
    /// to them.
    Remove {
        /// The channel id.
        channel: String,
        /// The member's id (from `swarmroll members`).
        member: String,
    },
    /// Leave a channel: this node stops syncing, fetching and seeding it and forgets
    /// everything it held of it (posts, comments, thumbnails, fetched originals, keys).
    /// Files you shared from your own folders are not touched; the others keep the
    /// channel, and the same invite joins it again.
    Leave {
        /// The channel id.
        channel: String,
    },
    /// Give a member of a channel you own a role: `co-host` (may hide posts and
    /// comments), `contributor` or `viewer`. Roles go to members, never to invite links,
    /// so a forwarded link cannot make strangers co-hosts.
    Promote {
        /// The channel id.
        channel: String,
        /// The member's id (from `swarmroll members`).
        member: String,
        /// The role.
        #[arg(long, value_enum, default_value_t = MemberRole::CoHost)]
        role: MemberRole,
    },
    /// Write a public post's .torrent and print a magnet link with this node's address,
    /// to open it in any BitTorrent client (the node must run to seed it).
    Torrent {
        /// The post id (from `swarmroll posts`).
        post: String,
        /// Where to write the .torrent (default: <post id>.torrent here).
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        net: NetArgs,
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
    /// Run a rendezvous relay (no data folder, no channels): members of any channel that
    /// name it with --relay-via meet through it where nothing else reaches them. It
    /// carries only ciphertext and learns no channel, device or photo.
    ServeRelay {
        /// Where to listen.
        #[arg(long, value_name = "IP:PORT", default_value = "0.0.0.0:51418")]
        listen: std::net::SocketAddr,
        /// Most circuits at once.
        #[arg(long, default_value_t = 64)]
        max_circuits: u64,
        /// Most GiB carried in all (both ways); then circuits end and new ones are refused.
        #[arg(long, default_value_t = 64)]
        max_gib: u64,
        /// Most members waiting at once.
        #[arg(long, default_value_t = 1024)]
        max_waiting: usize,
    },
    /// Download every original of a channel into a folder, then exit: first in step with
    /// a member (so every post they hold is counted), then every original of those.
    Export {
        /// The channel id.
        channel: String,
        /// The folder.
        folder: PathBuf,
        /// Seconds to wait for a member before exporting only what is here.
        #[arg(long, default_value_t = 30)]
        wait: u64,
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
        use swarmroll_core::node::{PublishError, ReplicaError, SyncError};
        match e {
            NodeError::Sync(SyncError::NoPeerReachable) => Failure::unreachable(e),
            NodeError::Replica(
                ReplicaError::UnknownChannel
                | ReplicaError::UnknownTarget
                | ReplicaError::Invalid(_)
                | ReplicaError::Invite(_)
                | ReplicaError::Rejected(_)
                | ReplicaError::NotOwner
                | ReplicaError::MissingKeys,
            )
            | NodeError::Publish(PublishError::ItemCount | PublishError::UnknownPost) => Failure::input(e),
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
    let report = {
        let (bar, json) = (bar.clone(), cli.json);
        move |v: &Value| {
            if let Some(p) = v.get("progress") {
                show::import_progress(&bar, json, p["done"].as_u64().unwrap_or(0), p["total"].as_u64().unwrap_or(0));
            }
        }
    };
    if let Some(v) = control::ask(&dir, &req, &report, interrupt).await? {
        bar.finish_and_clear();
        return Ok((v, None));
    }
    let node = node::open(&dir, net)?;
    let started = if req.needs_network() {
        let lock = node::lock(&dir)?;
        node.start().await.map_err(node::start_failure)?;
        Some(lock)
    } else {
        None
    };
    let none = swarmroll_core::share::Cancel::default();
    let cancel = interrupt.map_or(&none, interrupt::Interrupt::cancel);
    let notify: ops::Notify = std::sync::Arc::new(move |v: Value| report(&v));
    let out = ops::exec(&node, req, notify, cancel).await;
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
    match &cli.command {
        Command::Create { .. }
        | Command::Invite { .. }
        | Command::Comment { .. }
        | Command::React { .. }
        | Command::Hide { .. }
        | Command::Unhide { .. }
        | Command::Remove { .. }
        | Command::Leave { .. }
        | Command::Promote { .. } => edit(cli).await,
        Command::Run { .. } | Command::Mirror { .. } | Command::Watch { .. } => serve(cli).await,
        Command::Share { paths, channel, new, as_name, private, caption, no_serve, keep_location, net } => {
            let args = share::ShareArgs {
                paths,
                channel,
                new,
                as_name,
                private: *private,
                caption,
                keep_location: *keep_location,
            };
            share::share(cli, &dir, args, *no_serve, net).await
        }
        Command::Channels => read::channels(&dir, json),
        Command::Inspect { link } => read::inspect(link, json),
        Command::Join { link, as_name, wait, net } => {
            let req =
                Request::Join { link: link.clone(), as_name: as_name.clone(), wait_ms: wait.saturating_mul(1000) };
            let (v, started) = request(cli, req, net, None).await?;
            stop(started).await;
            read::joined(json, &v)
        }
        Command::Posts { channel } => read::posts(&dir, json, channel),
        Command::Thread { post } => read::thread(&dir, json, post),
        Command::Members { channel } => read::members(&dir, json, channel),
        Command::Torrent { post, out, net } => read::torrent(cli, post, out.as_deref(), net).await,
        Command::Status => read::status(&dir, json).await,
        Command::ServeRelay { listen, max_circuits, max_gib, max_waiting } => {
            let mut cfg = swarmroll_core::node::RelayServerConfig::new(*listen);
            cfg.max_circuits = *max_circuits;
            cfg.max_bytes = max_gib.saturating_mul(1 << 30);
            cfg.max_waiting = *max_waiting;
            node::serve_relay(cfg, json).await
        }
        Command::Web { channel, window, view_only, drop_box, bind, net } => {
            let guests = match (view_only, drop_box) {
                (true, _) => "view",
                (_, true) => "dropbox",
                _ => "upload",
            };
            web::run(cli, &dir, web::WebArgs { channel, window, guests, bind: *bind, net }).await
        }
        Command::Export { channel, folder, wait, net } => {
            let folder = std::path::absolute(folder).unwrap_or_else(|_| folder.clone());
            web::export(cli, &dir, channel, folder, wait.saturating_mul(1000), net).await
        }
    }
}

/// The commands that change a channel: through the running node if there is one.
async fn edit(cli: &Cli) -> Result<(), Failure> {
    let none = NetArgs::default();
    match &cli.command {
        Command::Create { name, as_name, role, private } => {
            let contributor = matches!(role, InviteRole::Contributor);
            let req = Request::Create { name: name.clone(), as_name: as_name.clone(), private: *private, contributor };
            change(cli, req, &none, show::invite).await
        }
        Command::Invite { channel, role, expires_in_hours } => {
            let expires_ms = expires_in_hours.map(|h| Timestamp::now().0 + i64::from(h) * 3_600_000);
            let contributor = matches!(role, InviteRole::Contributor);
            change(cli, Request::Invite { channel: channel.clone(), contributor, expires_ms }, &none, show::invite)
                .await
        }
        Command::Comment { channel, post, text, reply_to } => {
            let req = Request::Comment {
                channel: channel.clone(),
                post: post.clone(),
                text: text.clone(),
                reply_to: reply_to.clone(),
            };
            change(cli, req, &none, |v| say!("Commented ({}).", v["comment"].as_str().unwrap_or_default())).await
        }
        Command::React { channel, target, emoji, off } => {
            let req =
                Request::React { channel: channel.clone(), target: target.clone(), emoji: emoji.clone(), on: !off };
            change(cli, req, &none, |_| say!("Done.")).await
        }
        Command::Hide { channel, target } | Command::Unhide { channel, target } => {
            let hide = matches!(cli.command, Command::Hide { .. });
            let req = Request::Moderate { channel: channel.clone(), target: target.clone(), hide };
            let done = if hide { "Hidden from every member." } else { "Shown again." };
            change(cli, req, &none, |_| say!("{done}")).await
        }
        Command::Remove { channel, member } => {
            let req = Request::Remove { channel: channel.clone(), member: member.clone() };
            change(cli, req, &none, |_| say!("Removed: nothing posted from now on is readable to them.")).await
        }
        Command::Leave { channel } => {
            let req = Request::Leave { channel: channel.clone() };
            change(cli, req, &none, |v| {
                let posts = v["posts"].as_u64().unwrap_or_default();
                let what = if posts == 1 { "1 post and its".to_owned() } else { format!("{posts} posts and their") };
                say!("Left the channel: {what} files are gone from this node. Your own files are untouched.");
            })
            .await
        }
        Command::Promote { channel, member, role } => {
            let role = match role {
                MemberRole::CoHost => "admin",
                MemberRole::Contributor => "contributor",
                MemberRole::Viewer => "viewer",
            };
            let req = Request::SetRole { channel: channel.clone(), member: member.clone(), role: role.into() };
            change(cli, req, &none, |_| say!("Done: the new role reaches members as they sync.")).await
        }
        _ => Err(Failure::input("not a command that changes a channel")),
    }
}

/// The long-running commands: a node that mirrors and watches folders.
async fn serve(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
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
            long_running(cli, net, folders).await
        }
        Command::Mirror { channel, folder, net } => {
            long_running(cli, net, vec![Folder::Mirror(ops::channel_id(channel)?, folder.clone())]).await
        }
        Command::Watch { folder, channel, net } => {
            long_running(cli, net, vec![Folder::Watch(folder.clone(), ops::channel_id(channel)?)]).await
        }
        _ => Ok(()),
    }
}

/// Runs a request that changes something (through the running node if there is one)
/// and prints its result: as JSON, or through `human`.
async fn change(cli: &Cli, req: Request, net: &NetArgs, human: impl FnOnce(&Value)) -> Result<(), Failure> {
    let (v, started) = request(cli, req, net, None).await?;
    stop(started).await;
    show::result(cli.json, &v, human);
    Ok(())
}

async fn long_running(cli: &Cli, net: &NetArgs, folders: Vec<Folder>) -> Result<(), Failure> {
    let dir = data_dir(cli)?;
    let _lock = node::lock(&dir)?;
    let node = node::open(&dir, net)?;
    node.start().await.map_err(node::start_failure)?;
    node::serve(&node, &dir, cli.json, folders, None, None).await
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
