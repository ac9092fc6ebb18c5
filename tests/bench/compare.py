#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Table C of the doorbell-lat benchmark: doorbell-target's modes beside
Linux's nvmet-rdma and the floor, from one run's files.

    compare.py [--load TEXT] RUN_DIR

RUN_DIR holds doorbell_lat.txt and doorbell_bw.txt (ib_doorbell_lat and
ib_doorbell_bw), fio-NAME.json with fio-NAME.stat0/.stat1 (/proc/stat
before and after fio's I/O) for local-qd1, nvmet-qd1 and nvmet-qd16, and
ib_read_lat.txt.  The goals are printed, not asserted; the exit status is
1 only when a file or row is missing.
"""
import argparse
import json
import os
import sys

USER_HZ = os.sysconf("SC_CLK_TCK")
OUR_MODES = ("one-sided", "two-sided-busy")
# At depth, also one-sided with its doorbells rung once per burst.
DEPTH_MODES = ("one-sided", "one-sided-batch", "two-sided-busy")


def fail(msg):
    print(f"compare: {msg}", file=sys.stderr)
    sys.exit(1)


def read(run, name):
    try:
        with open(os.path.join(run, name)) as f:
            return f.read()
    except OSError as e:
        fail(f"{name}: {e.strerror}")


def lat_rows(text):
    """ib_doorbell_lat's table B: mode -> typical, avg, p99, p999."""
    rows, in_b = {}, False
    for line in text.splitlines():
        if line.startswith("B. "):
            in_b = True
        f = line.split()
        if in_b and len(f) >= 14 and f[0] in OUR_MODES:
            rows[f[0]] = dict(p50=float(f[5]), avg=float(f[6]),
                              p99=float(f[8]), p999=float(f[9]))
    return rows


def bw_rows(text):
    """ib_doorbell_bw's table: (mode, depth) -> IOPS, CPU per I/O."""
    rows = {}
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 12 and f[1].isdigit() and f[2].isdigit():
            rows[(f[0], int(f[1]))] = dict(iops=float(f[7]),
                                           target_cpu=float(f[8]),
                                           cpu=float(f[9]))
    return rows


def busy_seconds(stat):
    """Busy CPU seconds of the whole machine in a /proc/stat snapshot."""
    for line in stat.splitlines():
        f = line.split()
        if f and f[0] == "cpu":
            user, nice, system, idle, iowait, irq, softirq, steal = \
                map(int, f[1:9])
            return (user + nice + system + irq + softirq + steal) / USER_HZ
    fail("no cpu line in /proc/stat")


def fio_row(run, name):
    job = json.loads(read(run, f"fio-{name}.json"))["jobs"][0]["read"]
    pct = job["lat_ns"]["percentile"]
    ios = job["total_ios"]
    busy = busy_seconds(read(run, f"fio-{name}.stat1")) - \
        busy_seconds(read(run, f"fio-{name}.stat0"))
    return dict(p50=pct["50.000000"] / 1e3, avg=job["lat_ns"]["mean"] / 1e3,
                p99=pct["99.000000"] / 1e3, p999=pct["99.900000"] / 1e3,
                iops=job["iops"], cpu=busy * 1e6 / ios if ios else 0)


def read_lat_typical(text):
    """t_typical of ib_read_lat's 4096-byte row."""
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 5 and f[0] == "4096" and f[1].isdigit():
            return float(f[4])
    fail("ib_read_lat.txt has no 4096-byte row")


def goal(text, value, limit, at_most=True):
    met = value <= limit if at_most else value >= limit
    sign = "<=" if at_most else ">="
    print(f"  {text:58s} {value:6.2f}  (goal {sign} {limit}: "
          f"{'met' if met else 'missed'})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--load", default="idle host")
    ap.add_argument("run")
    a = ap.parse_args()

    lat = lat_rows(read(a.run, "doorbell_lat.txt"))
    bw = bw_rows(read(a.run, "doorbell_bw.txt"))
    for m in OUR_MODES:
        if (m, 1) not in bw:
            fail(f"doorbell_bw.txt has no {m} row at depth 1")
        if m not in lat:
            fail(f"doorbell_lat.txt has no {m} row in table B")
    for m in DEPTH_MODES:
        if (m, 16) not in bw:
            fail(f"doorbell_bw.txt has no {m} row at depth 16")
    kq1, kq16 = fio_row(a.run, "nvmet-qd1"), fio_row(a.run, "nvmet-qd16")
    local = fio_row(a.run, "local-qd1")
    rdma_read = read_lat_typical(read(a.run, "ib_read_lat.txt"))
    floor = rdma_read + local["p50"]

    rule = "-" * 87
    print(rule)
    print("C. Against Linux's NVMe-oF target: 4096-byte random Reads over "
          "the same rxe pair")
    print(f" {a.load}; kernel nvmet-rdma is fio (libaio, direct) on "
          "nvme-rdma to nvmet-rdma;")
    print(" machine_cpu is the whole VM's busy CPU per I/O, both ends "
          "counted")
    print(rule)
    print(" QD1")
    print(f" {'path':18s} {'t_typical/p50[usec]':20s} {'t_avg[usec]':12s} "
          f"{'99%[usec]':10s} {'99.9%[usec]':12s} {'IOPS':8s} "
          "machine_cpu[usec/IO]")
    rows = [(m, dict(lat[m], iops=bw[(m, 1)]["iops"], cpu=bw[(m, 1)]["cpu"]))
            for m in OUR_MODES] + [("kernel nvmet-rdma", kq1)]
    for name, r in rows:
        print(f" {name:18s} {r['p50']:<20.2f} {r['avg']:<12.2f} "
              f"{r['p99']:<10.2f} {r['p999']:<12.2f} {r['iops']:<8.0f} "
              f"{r['cpu']:.2f}")
    print(f" floor: RDMA READ of 4096 bytes (ib_read_lat t_typical) "
          f"{rdma_read:.2f} + local NVMe Read at QD1 (fio p50, kernel nvme "
          f"driver) {local['p50']:.2f} = {floor:.2f} usec")
    print(" QD16")
    print(f" {'path':18s} {'IOPS':8s} {'machine_cpu[usec/IO]':21s} "
          "IOs per machine CPU-second")
    per_cpu = {}
    for name, r in [(m, bw[(m, 16)]) for m in DEPTH_MODES] + \
            [("kernel nvmet-rdma", kq16)]:
        per_cpu[name] = 1e6 / r["cpu"] if r["cpu"] else float("inf")
        print(f" {name:18s} {r['iops']:<8.0f} {r['cpu']:<21.2f} "
              f"{per_cpu[name]:.0f}")
    one = dict(rows)["one-sided"]
    print(" Goals (printed, not asserted):")
    goal("QD1 p50, one-sided / kernel nvmet-rdma", one["p50"] / kq1["p50"],
         0.5)
    goal("QD1 99%, one-sided / kernel nvmet-rdma", one["p99"] / kq1["p99"],
         1.0)
    goal("QD1 p50, one-sided / two-sided-busy",
         one["p50"] / lat["two-sided-busy"]["p50"], 1.0)
    goal("QD16 IOs per machine CPU-second, one-sided / kernel",
         per_cpu["one-sided"] / per_cpu["kernel nvmet-rdma"], 1.5,
         at_most=False)
    goal("QD16 IOs per machine CPU-second, one-sided-batch / kernel",
         per_cpu["one-sided-batch"] / per_cpu["kernel nvmet-rdma"], 1.5,
         at_most=False)
    target_cpu = max(r["target_cpu"] for (m, d), r in bw.items()
                     if m == "one-sided")
    goal("target CPU per I/O, one-sided, most over depths [usec]",
         target_cpu, 0.0)
    goal("QD1 p50, one-sided / floor", one["p50"] / floor, 2.0)
    print(rule)


if __name__ == "__main__":
    main()
