"""demo_app.py - a small concurrent service for `make demo` to profile.

It runs for about eight seconds (or the number of seconds given as its only
argument), then exits 0 by itself.  Standard library only; CPython 3.8-3.15.

The story the flamegraph should tell, one thread per part:

- MainThread runs an asyncio "service": an echo server on 127.0.0.1 (an
  ephemeral port, nothing leaves the machine) and a few client coroutines
  sending it requests.  Each request costs a little CPU (handle_request ->
  compute_digest) and an awaited backend call (query_backend ->
  asyncio.sleep).  A coroutine that is suspended is on no thread's stack, so
  the wait itself shows as the loop idling in its selector (select).
- a ThreadPoolExecutor of four workers, each renamed after its job:
  checksummer  mostly on CPU: compute_checksum (FNV-1a in pure Python) and
               count_primes, with a short rest_between_batches sleep;
  ledger-a/b   contend for one threading.Lock: each holds it while it
               flush_ledger_to_disk (time.sleep), so the other spends its
               time in wait_for_lock;
  auditor      waits on a queue.Queue (wait_for_audit_records, get with a
               timeout) for the records the service produces, then writes
               them in batches (append_to_audit_log).
"""

import asyncio
import concurrent.futures
import queue
import sys
import threading
import time

CLIENTS = 3
REQUESTS_PER_BURST = 5

audit_queue = queue.Queue()
ledger_lock = threading.Lock()
stop_workers = threading.Event()
counters = {"requests": 0, "checksums": 0, "ledger": 0, "audit": 0}
counters_lock = threading.Lock()


def count(name, amount=1):
    with counters_lock:
        counters[name] += amount


# --- the asyncio service (MainThread) ------------------------------------


def compute_digest(payload):
    """A little CPU per request: a rolling hash over the payload, repeated."""
    digest = 7
    for _ in range(150):
        for byte in payload:
            digest = (digest * 31 + byte) % 1000003
    return digest


async def query_backend(key):
    """Stands in for a database or an upstream service: pure waiting."""
    await asyncio.sleep(0.004)
    return key % 97


async def handle_request(line):
    payload = line.strip()
    digest = compute_digest(payload)
    shard = await query_backend(digest)
    audit_queue.put((time.time(), digest, shard))
    return b"OK %d %d\n" % (digest, shard)


async def serve_connection(reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            writer.write(await handle_request(line))
            await writer.drain()
            count("requests")
    finally:
        writer.close()


async def send_requests(client_id, port, deadline):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sent = 0
    try:
        while time.monotonic() < deadline:
            for _ in range(REQUESTS_PER_BURST):
                writer.write(b"client-%d request-%d %s\n" % (client_id, sent, b"x" * 64))
                await writer.drain()
                reply = await reader.readline()
                if not reply.startswith(b"OK "):
                    raise RuntimeError("bad reply %r" % reply)
                sent += 1
            await asyncio.sleep(0.02)  # think time between bursts
    finally:
        writer.close()
        await writer.wait_closed()


async def run_service(deadline):
    server = await asyncio.start_server(serve_connection, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    # Named tasks: `--group task` shows each client under task:client-N.
    clients = [asyncio.ensure_future(send_requests(i, port, deadline)) for i in range(CLIENTS)]
    for i, client in enumerate(clients):
        client.set_name("client-%d" % i)
    try:
        await asyncio.gather(*clients)
    finally:
        server.close()
        await server.wait_closed()


# --- the worker threads ---------------------------------------------------


def compute_checksum(block):
    """FNV-1a, 32 bits, one byte at a time: deliberately slow pure Python."""
    checksum = 0x811C9DC5
    for byte in block:
        checksum ^= byte
        checksum = (checksum * 0x01000193) & 0xFFFFFFFF
    return checksum


def count_primes(limit):
    found = 0
    for candidate in range(2, limit):
        divisor = 2
        while divisor * divisor <= candidate:
            if candidate % divisor == 0:
                break
            divisor += 1
        else:
            found += 1
    return found


def rest_between_batches():
    time.sleep(0.02)


def run_checksummer():
    threading.current_thread().name = "checksummer"
    block = bytes(range(256)) * 512
    while not stop_workers.is_set():
        compute_checksum(block)
        count_primes(20000)
        count("checksums")
        rest_between_batches()


def wait_for_lock(lock):
    lock.acquire()


def apply_ledger_entries(entries):
    return sum(entry * entry for entry in range(entries))


def flush_ledger_to_disk():
    time.sleep(0.04)


def run_ledger_writer(name):
    threading.current_thread().name = name
    while not stop_workers.is_set():
        wait_for_lock(ledger_lock)
        try:
            apply_ledger_entries(20000)
            flush_ledger_to_disk()
            count("ledger")
        finally:
            ledger_lock.release()
        time.sleep(0.001)  # let the other writer take its turn


def wait_for_audit_records():
    """Blocks on the queue for the first record, then takes what else is there."""
    try:
        records = [audit_queue.get(timeout=0.2)]
    except queue.Empty:
        return []
    while True:
        try:
            records.append(audit_queue.get_nowait())
        except queue.Empty:
            return records


def append_to_audit_log(records):
    lines = ["%.6f digest=%d shard=%d" % record for record in records]
    time.sleep(0.005)  # one write per batch
    return sum(len(line) for line in lines)


def run_auditor():
    threading.current_thread().name = "auditor"
    while not stop_workers.is_set():
        records = wait_for_audit_records()
        if records:
            append_to_audit_log(records)
            count("audit", len(records))


def main(argv):
    seconds = float(argv[1]) if len(argv) > 1 else 8.0
    deadline = time.monotonic() + seconds
    with concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="worker") as pool:
        jobs = [
            pool.submit(run_checksummer),
            pool.submit(run_ledger_writer, "ledger-a"),
            pool.submit(run_ledger_writer, "ledger-b"),
            pool.submit(run_auditor),
        ]
        try:
            asyncio.run(run_service(deadline))
        finally:
            stop_workers.set()
        for job in jobs:
            job.result()  # re-raise a worker's exception, if any
    print(
        "demo_app: %(requests)d requests served, %(checksums)d checksum batches, "
        "%(ledger)d ledger flushes, %(audit)d audit records" % counters,
        file=sys.stderr,
    )
    return 0 if all(counters.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
