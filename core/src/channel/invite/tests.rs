use super::*;
use crate::channel::OwnerKey;

fn fixed_device(seed: u8) -> DeviceKey {
    DeviceKey::from_secret(&[seed; 32])
}

fn sample(inviter: &DeviceKey, role: Role, expires: Option<Timestamp>) -> Invite {
    let owner = OwnerKey::from_secret(&Secret([7; 32]));
    let keys = EpochKeys { epoch: 0, read_key: Secret([1; 32]), contributor_secret: Some(Secret([2; 32])) };
    Invite {
        channel: owner.channel(),
        name: "Ana & Ben's wedding".into(),
        epoch: 0,
        capability: Capability::from_keys(&keys, role).unwrap(),
        inviter: inviter.id(),
        inviter_name: "Ana".into(),
        addresses: vec!["192.168.1.23:41000".parse().unwrap(), "[fe80::1]:41000".parse().unwrap()],
        expires,
    }
}

const NOW: Timestamp = Timestamp(1_790_000_000_000);

#[test]
fn roundtrip_both_link_forms_and_case() {
    let dev = fixed_device(3);
    let inv = sample(&dev, Role::Contributor, Some(Timestamp(NOW.0 + 1000)));
    let link = inv.link(&dev).unwrap();
    assert!(link.starts_with("swarmroll://join/"));
    assert_eq!(Invite::parse(&link, NOW).unwrap(), inv);
    let https = inv.https_link(&dev).unwrap();
    assert_eq!(Invite::parse(&https, NOW).unwrap(), inv);
    assert_eq!(Invite::parse(&link.to_lowercase(), NOW).unwrap(), inv);
    // compact: a contributor invite with two addresses fits a QR code of version 14 or less
    assert!(link.len() < 470, "link is {} chars", link.len());
    let qr = qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M).unwrap();
    assert!(matches!(qr.version(), qrcode::Version::Normal(v) if v <= 14), "{:?}", qr.version());
}

#[test]
fn each_defect_has_its_own_error() {
    let dev = fixed_device(3);
    let inv = sample(&dev, Role::Viewer, Some(Timestamp(NOW.0 + 1000)));
    let bytes = inv.encode(&dev).unwrap();
    let text = Invite::to_text(&bytes);

    assert_eq!(Invite::parse("https://example.org/x", NOW), Err(InviteError::NotAnInvite));
    assert_eq!(Invite::parse("hello", NOW), Err(InviteError::NotAnInvite));
    assert_eq!(Invite::parse("swarmroll://join/AB!D", NOW), Err(InviteError::BadEncoding));
    let cut = &text[..text.len() - 16];
    assert_eq!(Invite::parse(&format!("swarmroll://join/{cut}"), NOW), Err(InviteError::Truncated));

    let mut v2 = bytes.clone();
    v2[0] = 2;
    assert_eq!(Invite::decode(&v2, NOW), Err(InviteError::UnsupportedVersion(2)));

    let mut flipped = bytes.clone();
    flipped[10] ^= 0x40;
    assert_eq!(Invite::decode(&flipped, NOW), Err(InviteError::Corrupted));

    // An edit with a recomputed checksum: only the signature can tell.
    let mut edited = bytes.clone();
    let body_at = 3 + 32 + 1; // version, length, channel id, name length
    edited[body_at] ^= 0x20; // 'A' -> 'a' in the channel name
    let n = edited.len();
    let sum = checksum(&edited[..n - 4]);
    edited[n - 4..].copy_from_slice(&sum);
    assert_eq!(Invite::decode(&edited, NOW), Err(InviteError::Tampered));

    assert_eq!(Invite::decode(&bytes, Timestamp(NOW.0 + 1000)), Err(InviteError::Expired));
    assert_eq!(Invite::decode(&[], NOW), Err(InviteError::Truncated));
}

#[test]
fn refuses_to_make_bad_invites() {
    let dev = fixed_device(3);
    let mut inv = sample(&dev, Role::Viewer, None);
    inv.name = "x".repeat(65);
    assert!(matches!(inv.encode(&dev), Err(InviteError::Invalid(_))));
    let inv = sample(&dev, Role::Viewer, None);
    assert!(matches!(inv.encode(&fixed_device(4)), Err(InviteError::Invalid(_))));
}

/// The published vectors (`tests/vectors/invites.json`) are what this build produces and
/// accepts. `UPDATE_VECTORS=1 cargo test -p swarmroll-core vectors` rewrites the file.
#[test]
fn published_vectors_match() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/invites.json");
    let dev = fixed_device(3);
    let viewer = sample(&dev, Role::Viewer, None);
    let contributor = sample(&dev, Role::Contributor, Some(Timestamp(1_900_000_000_000)));
    let mut valid = Vec::new();
    for (label, inv) in [("viewer", &viewer), ("contributor, expiring", &contributor)] {
        valid.push(serde_json::json!({
            "label": label,
            "link": inv.link(&dev).unwrap(),
            "https_link": inv.https_link(&dev).unwrap(),
            "expect": {
                "channel": inv.channel.to_hex(),
                "name": inv.name,
                "epoch": inv.epoch,
                "role": format!("{:?}", inv.capability.role()).to_lowercase(),
                "inviter": inv.inviter.to_hex(),
                "inviter_name": inv.inviter_name,
                "addresses": inv.addresses.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
                "expires_ms": inv.expires.map(|t| t.0),
            }
        }));
    }
    let good = viewer.encode(&dev).unwrap();
    let text = Invite::to_text(&good);
    let mut corrupted = good.clone();
    corrupted[10] ^= 1;
    let mut tampered = good.clone();
    tampered[3 + 32 + 1] ^= 0x20; // a letter of the channel name changes case
    let n = tampered.len();
    let sum = checksum(&tampered[..n - 4]);
    tampered[n - 4..].copy_from_slice(&sum);
    // A body with one byte too many, signed and summed as if it were right.
    let trailing = {
        let body_len = good.len() - 3 - 64 - 4;
        let mut body = good[3..3 + body_len].to_vec();
        body.push(0);
        let mut out = vec![VERSION];
        out.extend_from_slice(&u16::try_from(good.len() + 1).unwrap().to_be_bytes());
        let sig = dev.sign(&signed_part(&out, &body));
        out.extend_from_slice(&body);
        out.extend_from_slice(&sig);
        let sum = checksum(&out);
        out.extend_from_slice(&sum);
        out
    };
    let mut wrong_version = good.clone();
    wrong_version[0] = 9;
    let invalid = serde_json::json!([
        {"link": "https://example.org/join", "error": "NotAnInvite"},
        {"link": "swarmroll://join/ABC$DEF", "error": "BadEncoding"},
        {"link": format!("swarmroll://join/{}", &text[..text.len() - 20]), "error": "Truncated"},
        {"link": format!("swarmroll://join/{}", Invite::to_text(&wrong_version)), "error": "UnsupportedVersion"},
        {"link": format!("swarmroll://join/{}", Invite::to_text(&corrupted)), "error": "Corrupted"},
        {"link": format!("swarmroll://join/{}", Invite::to_text(&tampered)), "error": "Tampered"},
        {"link": format!("swarmroll://join/{}", Invite::to_text(&trailing)), "error": "Malformed"},
        {"link": contributor.link(&dev).unwrap(), "now_ms": 1_900_000_000_001_i64, "error": "Expired"},
    ]);
    let doc = serde_json::json!({
        "format": "swarmroll invite v1 (see core/src/channel/invite.rs)",
        "now_ms": NOW.0,
        "valid": valid,
        "invalid": invalid,
    });
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::write(path, &text).unwrap();
    }
    let published = std::fs::read_to_string(path).expect("tests/vectors/invites.json is published");
    assert_eq!(published, text, "vectors changed: rerun with UPDATE_VECTORS=1 and review the diff");
    // and every invalid vector fails with the named error
    let parsed: serde_json::Value = serde_json::from_str(&published).unwrap();
    for v in parsed["invalid"].as_array().unwrap() {
        let now = v["now_ms"].as_i64().map(Timestamp).unwrap_or(NOW);
        let err = Invite::parse(v["link"].as_str().unwrap(), now).unwrap_err();
        assert!(format!("{err:?}").starts_with(v["error"].as_str().unwrap()), "{err:?} vs {}", v["error"]);
    }
}
