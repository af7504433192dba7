"""Runs a command and writes the CPU time it used (user and system seconds, its children included) to a file:
bench/lib/childcpu.py OUT COMMAND [ARGS...]. Exits with the command's status."""
import resource
import subprocess
import sys

out, command = sys.argv[1], sys.argv[2:]
before = resource.getrusage(resource.RUSAGE_CHILDREN)
status = subprocess.call(command)
after = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as f:
    f.write(f"{after.ru_utime - before.ru_utime:.3f} {after.ru_stime - before.ru_stime:.3f}\n")
sys.exit(status)
