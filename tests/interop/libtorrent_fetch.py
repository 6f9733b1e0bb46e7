#!/usr/bin/env python3
"""Downloads a Swarmroll post the way a stock BitTorrent client does: libtorrent-rasterbar
(the engine of qBittorrent and Deluge, Debian's python3-libtorrent) given what
`swarmroll torrent` prints — the magnet link, whose `x.pe` names the node — and, with
`--torrent`, the .torrent file it wrote (otherwise the client asks the node for the
metadata). Loopback only; no DHT, LSD, UPnP or NAT-PMP.

usage: libtorrent_fetch.py MAGNET DEST [--torrent FILE]
Prints `done` and exits 0 once every file is here and verified; exits 1 after 90 s.
"""
import sys
import time

import libtorrent as lt


def main() -> int:
    magnet, dest = sys.argv[1], sys.argv[2]
    torrent = sys.argv[sys.argv.index("--torrent") + 1] if "--torrent" in sys.argv else None
    ses = lt.session({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "alert_mask": 0,
    })
    params = lt.parse_magnet_uri(magnet)
    if not params.peers:
        print("the magnet names no peer (x.pe)", file=sys.stderr)
        return 1
    if torrent:
        params.ti = lt.torrent_info(torrent)
    params.save_path = dest
    handle = ses.add_torrent(params)
    deadline = time.time() + 90
    while time.time() < deadline:
        s = handle.status()
        if s.is_seeding:
            print("done")
            return 0
        time.sleep(0.2)
    s = handle.status()
    print(f"timed out: state {s.state}, {s.total_wanted_done}/{s.total_wanted} bytes, {s.num_peers} peers",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
