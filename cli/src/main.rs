//! `swarmroll`: the Swarmroll core from a terminal.
//!
//! Runs on an embedded default — an SQLite database in the platform's data folder
//! (`~/.local/share/swarmroll` on Linux), overridable with `--data-dir` or
//! `SWARMROLL_DATA_DIR` — with nothing to install or start. This first version manages
//! channels and invites; sharing, syncing and serving arrive with the swarm and sync
//! layers.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use swarmroll_core::channel::{qr, Invite, Role};
use swarmroll_core::replica::Replica;
use swarmroll_core::store::Store;
use swarmroll_core::{ChannelId, Timestamp};

#[derive(Parser)]
#[command(name = "swarmroll", version, about = "Share full-quality photos in channels, with no server")]
struct Cli {
    /// Where the node keeps its database and media.
    #[arg(long, env = "SWARMROLL_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum InviteRole {
    /// May read, comment and react.
    Viewer,
    /// May also post photos and videos.
    Contributor,
}

#[derive(Subcommand)]
enum Command {
    /// Create a channel and print an invite to it.
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
        /// Without it they are ordinary BitTorrent any client can fetch.
        #[arg(long)]
        private: bool,
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
    /// Join a channel from an invite link.
    Join {
        /// The link.
        link: String,
        /// Your display name in the channel.
        #[arg(long, default_value = "Guest")]
        as_name: String,
    },
}

/// A failure with its exit code: 2 for bad input, 1 for everything else.
struct Failure(u8, String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(1, e.to_string())
    }
}

fn data_dir(cli: &Cli) -> Result<PathBuf, Failure> {
    if let Some(d) = &cli.data_dir {
        return Ok(d.clone());
    }
    dirs::data_dir().map(|d| d.join("swarmroll")).ok_or_else(|| {
        Failure(2, "no standard data folder on this system: pass --data-dir or set SWARMROLL_DATA_DIR".into())
    })
}

fn role(r: InviteRole) -> Role {
    match r {
        InviteRole::Viewer => Role::Viewer,
        InviteRole::Contributor => Role::Contributor,
    }
}

fn print_invite(json: bool, ch: &ChannelId, invite: &Invite, link: &str, https: &str) -> Result<(), Failure> {
    if json {
        let v = serde_json::json!({
            "channel": ch.to_hex(), "name": invite.name, "role": format!("{:?}", invite.capability.role()).to_lowercase(),
            "link": link, "https_link": https, "expires_ms": invite.expires.map(|t| t.0),
        });
        println!("{v}");
        return Ok(());
    }
    println!("Channel  {}", invite.name);
    println!("Id       {}", ch.to_hex());
    println!("Invite   {link}");
    println!("Web      {https}");
    println!();
    println!("{}", qr::terminal(link)?);
    Ok(())
}

/// Makes and prints an invite carrying this device's LAN addresses on the default sync
/// port, where its node listens.
fn invite_to(
    replica: &Replica,
    json: bool,
    ch: &ChannelId,
    role: Role,
    expires: Option<Timestamp>,
) -> Result<(), Failure> {
    let addresses = swarmroll_core::sync::lan_addresses(swarmroll_core::sync::SYNC_PORT);
    let (invite, link) = replica.invite(ch, role, addresses, expires)?;
    let https =
        link.replace(swarmroll_core::channel::invite::SCHEME_PREFIX, swarmroll_core::channel::invite::HTTPS_PREFIX);
    print_invite(json, ch, &invite, &link, &https)
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let dir = data_dir(cli)?;
    let store = Store::open_dir(&dir).map_err(|e| Failure(1, format!("cannot open the data folder: {e}")))?;
    let replica = Replica::open(Arc::new(store))?;
    let parse_channel = |s: &str| ChannelId::from_hex(s).ok_or_else(|| Failure(2, "not a channel id".into()));
    match &cli.command {
        Command::Create { name, as_name, role: r, private } => {
            let ch =
                replica.create_channel_with(name, None, as_name, *private).map_err(|e| Failure(2, e.to_string()))?;
            invite_to(&replica, cli.json, &ch, role(*r), None)?;
        }
        Command::Channels => {
            let list = replica.channels()?;
            if cli.json {
                let v: Vec<_> = list
                    .iter()
                    .map(|c| serde_json::json!({"id": c.id.to_hex(), "name": c.name, "role": format!("{:?}", c.my_role).to_lowercase(), "unread": c.unread, "items": c.items}))
                    .collect();
                println!("{}", serde_json::Value::Array(v));
            } else if list.is_empty() {
                println!("No channels yet. Create one with: swarmroll create \"Our party\"");
            } else {
                for c in list {
                    println!(
                        "{}  {:<24} {:?}, {} photos, {} unread",
                        c.id.to_hex(),
                        c.name,
                        c.my_role,
                        c.items,
                        c.unread
                    );
                }
            }
        }
        Command::Invite { channel, role: r, expires_in_hours } => {
            let ch = parse_channel(channel)?;
            let expires = expires_in_hours.map(|h| Timestamp(Timestamp::now().0 + i64::from(h) * 3_600_000));
            invite_to(&replica, cli.json, &ch, role(*r), expires)?;
        }
        Command::Inspect { link } => {
            let inv = Invite::parse(link, Timestamp::now()).map_err(|e| Failure(2, e.to_string()))?;
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({"channel": inv.channel.to_hex(), "name": inv.name, "role": format!("{:?}", inv.capability.role()).to_lowercase(), "inviter_name": inv.inviter_name, "epoch": inv.epoch, "expires_ms": inv.expires.map(|t| t.0)})
                );
            } else {
                println!(
                    "Channel  {}\nId       {}\nRole     {:?}\nFrom     {}",
                    inv.name,
                    inv.channel.to_hex(),
                    inv.capability.role(),
                    inv.inviter_name
                );
            }
        }
        Command::Join { link, as_name } => {
            let inv = Invite::parse(link, Timestamp::now()).map_err(|e| Failure(2, e.to_string()))?;
            let ch = replica.join(&inv, as_name).map_err(|e| Failure(2, e.to_string()))?;
            if cli.json {
                println!("{}", serde_json::json!({"channel": ch.to_hex(), "name": inv.name}));
            } else {
                println!("Joined {} ({}). Photos arrive once a member is reachable.", inv.name, ch.to_hex());
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, msg)) => {
            eprintln!("swarmroll: {msg}");
            ExitCode::from(code)
        }
    }
}
