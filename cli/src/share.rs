//! `swarmroll share`: looks at the paths first (nothing to share makes no channel),
//! creates the channel if asked, shares through the node on the data folder (the running
//! one, or one started here that then stays to seed), and stops cleanly on Ctrl-C.

use crate::node::{self, NetArgs};
use crate::ops::{self, Request};
use crate::{control, interrupt, request, show, stop, Cli, Failure};
use serde_json::json;
use std::path::PathBuf;

/// What `swarmroll share` was asked.
pub struct ShareArgs<'a> {
    pub paths: &'a [PathBuf],
    pub channel: &'a Option<String>,
    pub new: &'a Option<String>,
    pub as_name: &'a str,
    pub private: bool,
    pub caption: &'a str,
    pub keep_location: bool,
}

pub async fn share(
    cli: &Cli,
    dir: &std::path::Path,
    a: ShareArgs<'_>,
    no_serve: bool,
    net: &NetArgs,
) -> Result<(), Failure> {
    let json = cli.json;
    let paths: Vec<PathBuf> = a.paths.iter().map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone())).collect();
    // Looked at before a channel is made: nothing to share makes no channel.
    let found = crate::files::expand(&paths)?;
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
    let interrupt = interrupt::Interrupt::install("Stopping after the files being read now…");
    let req = Request::Share {
        channel: channel.clone(),
        caption: a.caption.to_owned(),
        files: found.files.clone(),
        keep_location: a.keep_location,
    };
    let (mut v, started) = request(cli, req, net, Some(&interrupt)).await?;
    drop(interrupt);
    v["other_files"] = found.other_files.into();
    v["install_for_previews"] = crate::posters::ToolPosters::detect().missing_for(found.kinds.iter().copied()).into();
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
    // The control socket is bound before the result is printed: a command started on
    // seeing it (a web gallery beside this share) reaches this node, not a locked folder.
    let bound = match &started {
        Some(_) if !no_serve && !cancelled => control::bind(dir).ok(),
        _ => None,
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
            node::serve(&node, dir, json, Vec::new(), bound, None).await?;
        } else {
            node.stop().await;
        }
    }
    Ok(())
}
