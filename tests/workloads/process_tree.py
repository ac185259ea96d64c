"""Every kind of child process --subprocesses follows (tests/test_subprocesses.py).

`process_tree.py all` runs, one after the other:
  1. a balanced multiprocessing.Pool(4) (fork) over equal CPU work in pool_work;
  2. a ProcessPoolExecutor with the spawn start method running executor_work;
  3. subprocess.run of another Python script (child_script.py: script_work);
  4. ten forkserver children that live 50 ms each (short_life);
  5. a child that is not Python: `sleep`, alive from the start to the end;
  6. an unbalanced Pool(3), owned by a child process named "unbalanced-owner":
     map() with chunksize 10 hands one worker the whole chunk of ten long tasks
     (long_task), the other two only short ones.
`process_tree.py idle-pool` starts Pool(2) (workers waiting for work), prints
{"pid", "python", "threads", "workers"} and waits in main_waits until killed.
"""
import concurrent.futures
import json
import multiprocessing
import os
import subprocess
import sys
import time


def spin(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:
        n += 1
    return n


def pool_work(seconds):
    return spin(seconds)


def executor_work(seconds):
    return spin(seconds)


def short_life():
    time.sleep(0.05)


def long_task(seconds):
    return spin(seconds)


def unbalanced_owner():
    tasks = [0.12] * 10 + [0.002] * 20  # the first chunk of 10 holds every long task
    with multiprocessing.get_context("fork").Pool(3) as pool:
        pool.map(long_task, tasks, chunksize=10)


def run_all():
    not_python = subprocess.Popen(["sleep", "30"])
    fork = multiprocessing.get_context("fork")
    with fork.Pool(4) as pool:
        pool.map(pool_work, [0.05] * 80, chunksize=1)
    print("phase pool done", flush=True)
    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=spawn) as executor:
        list(executor.map(executor_work, [0.15] * 4))
    print("phase executor done", flush=True)
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "child_script.py")
    # 1 s of work: under ASan on a loaded machine, opening the new process as a
    # target took longer than the default 0.3 s (the child exited before ready)
    subprocess.run([sys.executable, script, "1"], check=True)
    print("phase script done", flush=True)
    forkserver = multiprocessing.get_context("forkserver")
    for i in range(10):
        child = forkserver.Process(target=short_life, name="short-%d" % i)
        child.start()
        child.join()
    print("phase short done", flush=True)
    owner = fork.Process(target=unbalanced_owner, name="unbalanced-owner")
    owner.start()
    owner.join()
    print("phase unbalanced done", flush=True)
    not_python.kill()
    not_python.wait()


def main_waits():
    while True:
        time.sleep(0.05)


def idle_pool():
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(pool_work, [0.01] * 4)  # the workers are up
        print(json.dumps({"pid": os.getpid(), "python": sys.version,
                          "threads": [{"name": "MainThread", "tid": os.getpid()}],
                          "workers": [p.pid for p in multiprocessing.active_children()]}),
              flush=True)
        main_waits()


if __name__ == "__main__":
    if sys.argv[1:] == ["idle-pool"]:
        idle_pool()
    else:
        run_all()
