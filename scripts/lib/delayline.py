#!/usr/bin/env python3
"""A delay line for the lab: copies Ethernet frames between two interfaces over AF_PACKET,
each one DELAY_MS later, dropping LOSS_PCT percent of them (seeded, so runs compare).

This kernel has no netem (CONFIG_NET_SCH_NETEM is not set): `tbf` shapes the rate, and
this adds the latency and loss of a long link. The interfaces must have their offloads
turned off (ethtool -K … gro off gso off tso off tx off), so that every frame is one
packet of at most the MTU. Prints the frames it carried and dropped when stopped.

    delayline.py IF_A IF_B DELAY_MS LOSS_PCT [SEED]
"""

import collections
import random
import select
import signal
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def opened(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
    s.bind((ifname, 0))
    s.setblocking(False)
    return s


def main():
    if_a, if_b, delay_ms, loss_pct = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    delay, loss = delay_ms / 1000.0, loss_pct / 100.0
    a, b = opened(if_a), opened(if_b)
    other = {a: b, b: a}
    queue = collections.deque()  # (due, out socket, frame): one FIFO, as the delay is constant
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 19)
    carried = dropped = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    while not stop:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, out, frame = queue.popleft()
            try:
                out.send(frame)
                carried += 1
            except OSError:
                dropped += 1
        wait = max(0.0, queue[0][0] - now) if queue else 0.2
        try:
            ready, _, _ = select.select([a, b], [], [], wait)
        except InterruptedError:
            continue
        now = time.monotonic()
        for s in ready:
            while True:
                try:
                    frame, addr = s.recvfrom(65536)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue  # our own sends, seen on the way out
                if loss and rng.random() < loss:
                    dropped += 1
                    continue
                queue.append((now + delay, other[s], frame))
    print(f"delayline: {carried} frames carried, {dropped} dropped", file=sys.stderr)


if __name__ == "__main__":
    main()
