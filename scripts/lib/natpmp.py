#!/usr/bin/env python3
"""A NAT-PMP-only router for the NAT lab (RFC 6886): what routers that predate PCP run.

miniupnpd serves PCP and NAT-PMP together or neither, so the node's fallback from PCP to
NAT-PMP (crab_nat's) never runs against it. This answers a PCP request as a NAT-PMP
server must (version 0, "unsupported version"), and NAT-PMP requests for the external
address and for TCP/UDP mappings, which it installs in the lab router's nftables chains
(the ones miniupnpd fills in the other cases) and removes when a mapping is deleted
(lifetime 0) or expires.

    natpmp.py LAN_IP EXTERNAL_IP WAN_IF

Lab only: one router, a handful of mappings, no persistence. Logs each request to stderr.
"""

import socket
import struct
import subprocess
import sys
import time

LAN_IP, EXTERNAL_IP, WAN_IF = sys.argv[1], sys.argv[2], sys.argv[3]
PORT = 5351
START = time.monotonic()
# (protocol, external port) -> (client, internal port, expiry)
mappings = {}


def epoch():
    return int(time.monotonic() - START)


def nft(*args):
    subprocess.run(["nft", *args], check=True)


def install():
    """Rewrites the chains with the mappings in force."""
    nft("flush", "chain", "inet", "lab", "prerouting_miniupnpd")
    nft("flush", "chain", "inet", "lab", "miniupnpd")
    now = time.monotonic()
    for (proto, ext), (client, internal, expiry) in list(mappings.items()):
        if expiry <= now:
            del mappings[(proto, ext)]
            continue
        nft("add", "rule", "inet", "lab", "prerouting_miniupnpd", "iifname", WAN_IF, proto, "dport", str(ext),
            "dnat", "ip", "to", f"{client}:{internal}")
        nft("add", "rule", "inet", "lab", "miniupnpd", "ip", "daddr", client, proto, "dport", str(internal), "accept")


def answer(data, client):
    if len(data) < 2:
        return None
    version, op = data[0], data[1]
    if version != 0:
        # A PCP (or later) request: say which version this server speaks.
        print(f"natpmp: version {version} request refused (unsupported version)", file=sys.stderr, flush=True)
        return struct.pack("!BBH", 0, 0x80 | (op & 0x7F), 1)
    if op == 0:
        print("natpmp: external address asked", file=sys.stderr, flush=True)
        return struct.pack("!BBHI4s", 0, 128, 0, epoch(), socket.inet_aton(EXTERNAL_IP))
    if op in (1, 2) and len(data) >= 12:
        _, _, _, internal, external, lifetime = struct.unpack("!BBHHHI", data[:12])
        proto = "udp" if op == 1 else "tcp"
        if lifetime == 0:
            for key in [k for k, v in mappings.items() if k[0] == proto and v[0] == client and v[1] == internal]:
                del mappings[key]
            print(f"natpmp: {proto} {internal} deleted", file=sys.stderr, flush=True)
            install()
            return struct.pack("!BBHIHHI", 0, 128 + op, 0, epoch(), internal, 0, 0)
        external = external or internal
        taken = mappings.get((proto, external))
        if taken and taken[0] != client:
            external = next(p for p in range(external + 1, 65536) if (proto, p) not in mappings)
        lifetime = min(lifetime, 7200)
        mappings[(proto, external)] = (client, internal, time.monotonic() + lifetime)
        print(f"natpmp: {proto} {external} -> {internal} for {lifetime} s", file=sys.stderr, flush=True)
        install()
        return struct.pack("!BBHIHHI", 0, 128 + op, 0, epoch(), internal, external, lifetime)
    return struct.pack("!BBHI", 0, 128 + op, 5, epoch())  # unsupported opcode


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((LAN_IP, PORT))
    print("natpmp: ready", file=sys.stderr, flush=True)
    while True:
        data, (client, port) = sock.recvfrom(1100)
        reply = answer(data, client)
        if reply is not None:
            sock.sendto(reply, (client, port))


if __name__ == "__main__":
    main()
