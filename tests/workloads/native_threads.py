"""Threads whose time is spent in C, for --native (tests/test_native.py).

  zipper    zlib.compress of a 4 MiB buffer, over and over (zip_loop): libz's deflate
  sorter    ctypes calls libc's qsort with a Python comparison (sort_loop -> qsort ->
            compare): Python, C, Python again on one stack
  sleeper   time.sleep(0.01) in a loop (sleep_loop)
  locker    blocks in threading.Lock.acquire on a lock the main thread holds (lock_wait)
  receiver  blocks in socket.recv on a socketpair nobody writes to (recv_wait)
Prints {"pid", "python", "threads"} once every thread is running, then waits.
"""
import ctypes
import ctypes.util
import json
import os
import socket
import sys
import threading
import time
import zlib

DATA = os.urandom(1 << 20) * 4
held = threading.Lock()
held.acquire()
ends = socket.socketpair()
started = []


def zip_loop():
    while True:
        zlib.compress(DATA, 6)


LIBC = ctypes.CDLL(ctypes.util.find_library("c"))
COMPARE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))


def compare(a, b):
    return a[0] - b[0]


def sort_loop():
    callback = COMPARE(compare)
    values = (ctypes.c_int * 2000)(*range(2000, 0, -1))
    while True:
        for i in range(len(values)):
            values[i] = (i * 7919) % 2000
        LIBC.qsort(values, len(values), ctypes.sizeof(ctypes.c_int), callback)


def sleep_loop():
    while True:
        time.sleep(0.01)


def lock_wait():
    held.acquire()


def recv_wait():
    ends[0].recv(1)


def run(target):
    started.append((threading.current_thread().name, threading.get_native_id()))
    target()


for name, target in [("zipper", zip_loop), ("sorter", sort_loop), ("sleeper", sleep_loop),
                     ("locker", lock_wait), ("receiver", recv_wait)]:
    threading.Thread(target=run, args=(target,), name=name, daemon=True).start()
while len(started) < 5:
    time.sleep(0.01)
print(json.dumps({"pid": os.getpid(), "python": sys.version,
                  "threads": [{"name": "MainThread", "tid": threading.get_native_id()}] +
                  [{"name": n, "tid": t} for n, t in started]}), flush=True)
time.sleep(3600)
