#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`make bench`: run the host-side benchmarks, print one table, write JSON.

usage: run.py BENCH_BINARY VTL1_ELF WORKDIR JSON_OUT [--reps N]

Figures (each with the floor it is compared with, measured in the same run):
  - South calls (= ModifyVtlProtectionMask hypercalls) to protect N pages
    through the real north_protect()/north_protect_many() on the fake South,
    vs ceil(N/510);
  - modval's modsig_verify() of a 1 MiB signed module (gcc-built ELF,
    openssl-signed like scripts/sign-file) vs `openssl dgst -sha256` +
    `openssl cms -verify` on the same bytes;
  - the VTL1 image's section sizes;
  - in-guest figures (VTL call / intercept round trips, boot-to-ready), which
    need the VTL0 test guest's bench mode: listed as not measured yet.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import time

NOT_YET = "not measured yet: needs tests/vtl0 bench mode"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def env_info():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    def ver(cmd):
        try:
            return sh(cmd).stdout.decode().splitlines()[0].strip()
        except (OSError, subprocess.CalledProcessError, IndexError):
            return "?"
    virt = "?"
    try:
        virt = sh(["systemd-detect-virt"]).stdout.decode().strip()
    except (OSError, subprocess.CalledProcessError):
        virt = "none or unknown"
    return {
        "cpu": cpu, "cpus": os.cpu_count(), "kernel": platform.release(),
        "virtualisation": virt,
        "accelerator": "host process (fake South; no hypervisor involved)",
        "cc": ver(["gcc", "--version"]), "openssl": ver(["openssl", "version"]),
        "date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
    }


def make_module(work):
    """A 1 MiB module: gcc-built ELF object plus 1 MiB of random rodata,
    signed RSA-2048/SHA-256 and given Linux's appended-signature trailer."""
    os.makedirs(work, exist_ok=True)
    j = lambda n: os.path.join(work, n)
    sh(["openssl", "req", "-x509", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", j("k.pem"),
        "-out", j("c.pem"), "-days", "30", "-subj", "/CN=vtlguard-bench"])
    sh(["openssl", "x509", "-in", j("c.pem"), "-outform", "DER", "-out", j("c.der")])
    with open(j("mod.c"), "w") as f:
        f.write("int bench_init(void) { return 0; }\n"
                "__attribute__((section(\".modinfo\"), used)) static const char m[] = \"license=GPL\";\n")
    sh(["gcc", "-c", "-O2", "-fno-pic", "-ffreestanding", j("mod.c"), "-o", j("small.o")])
    with open(j("blob.bin"), "wb") as f:
        f.write(os.urandom(1 << 20))
    sh(["objcopy", "--add-section", ".rodata.bench=" + j("blob.bin"),
        "--set-section-flags", ".rodata.bench=alloc,load,readonly,data,contents",
        j("small.o"), j("mod.o")])
    sh(["openssl", "cms", "-sign", "-in", j("mod.o"), "-signer", j("c.pem"), "-inkey", j("k.pem"),
        "-binary", "-outform", "DER", "-nosmimecap", "-nocerts", "-noattr", "-md", "sha256",
        "-out", j("mod.p7s")])
    sig = open(j("mod.p7s"), "rb").read()
    elf = open(j("mod.o"), "rb").read()
    with open(j("module.ko"), "wb") as f:
        f.write(elf + sig + bytes([0, 0, 2, 0, 0, 0, 0, 0]) + len(sig).to_bytes(4, "big") +
                b"~Module signature appended~\n")
    return j("c.der"), j("c.pem"), j("mod.o"), j("mod.p7s"), j("module.ko"), len(elf)


def openssl_verify_ns(pem, content, sig, reps):
    times = []
    for _ in range(reps):
        t0 = time.monotonic_ns()
        sh(["openssl", "dgst", "-sha256", content])
        sh(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content",
            content, "-certfile", pem, "-nointern", "-noverify", "-out", "/dev/null"])
        times.append(time.monotonic_ns() - t0)
    return min(times), statistics.median(times)


def image_sizes(elf):
    """Section sizes of the VTL1 image, grouped like size(1) but with rodata
    apart (the LVBS loader maps text RX, rodata R, data+bss RW)."""
    out = sh(["size", "-A", elf]).stdout.decode().splitlines()
    groups = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
    for line in out:
        parts = line.split()
        if len(parts) < 3 or not parts[0].startswith("."):
            continue
        name, size = parts[0], int(parts[1])
        if name.startswith((".text", ".hypercall")):
            groups["text"] += size
        elif name.startswith((".rodata", ".rela", ".dynamic", ".dynsym", ".dynstr", ".gnu.hash",
                              ".hash", ".got", ".data.rel.ro", ".note", ".eh_frame")):
            groups["rodata"] += size
        elif name.startswith(".data"):
            groups["data"] += size
        elif name.startswith(".bss") or name.startswith(".stack") or "stack" in name:
            groups["bss"] += size
    return groups, os.path.getsize(elf)


def main():
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    bench, elf, work, json_out = sys.argv[1:5]
    reps = 9
    if "--reps" in sys.argv:
        reps = int(sys.argv[sys.argv.index("--reps") + 1])
    env = env_info()
    result = {"environment": env, "protect": [], "modval": {}, "image": {}, "in_guest": {}}

    for line in sh([bench, "protect", str(reps)]).stdout.decode().splitlines():
        result["protect"].append(json.loads(line))

    der, pem, content, sig, module, elf_len = make_module(work)
    ours = json.loads(sh([bench, "modsig", der, module, str(reps * 2)]).stdout.decode())
    omin, omed = openssl_verify_ns(pem, content, sig, reps)
    result["modval"] = {
        "module_bytes": os.path.getsize(module), "elf_bytes": elf_len,
        "vtlguard": ours, "openssl_ns_min": omin, "openssl_ns_median": omed,
        "ratio_median": ours["ns_median"] / omed if omed else None,
        "note": "openssl figure is two process runs (dgst + cms -verify), startup included",
    }
    # dm-mod's whole validation (signature + loaded-bytes rule) next to
    # openssl on the same signature: tests/modval/bench-loaded.
    loaded = None
    if "--loaded" in sys.argv:
        i = sys.argv.index("--loaded")
        r = subprocess.run([os.path.join(os.path.dirname(__file__), "..", "modval", "bench-loaded"),
                            os.path.join(work, "loaded"), sys.argv[i + 1], sys.argv[i + 2], str(reps)],
                           stdout=subprocess.PIPE, text=True)
        try:
            loaded = json.loads(r.stdout)
        except ValueError:
            loaded = {"skipped": "bench-loaded failed (exit %d)" % r.returncode}
        result["modval_dm_mod"] = loaded
    sizes, file_size = image_sizes(elf)
    result["image"] = dict(sizes, file_bytes=file_size, elf=elf)
    guest = None
    if "--guest" in sys.argv:
        try:
            guest = json.load(open(sys.argv[sys.argv.index("--guest") + 1]))
        except (OSError, ValueError, IndexError):
            guest = None
    linux = None
    if "--linux" in sys.argv:
        try:
            linux = json.load(open(sys.argv[sys.argv.index("--linux") + 1]))
        except (OSError, ValueError, IndexError):
            linux = None
    result["linux"] = linux or "not measured (BENCH_LINUX=0, or make bench-linux failed)"
    lvbs_all = []
    for i, w in enumerate(sys.argv):
        if w == "--lvbs-linux":
            try:
                lvbs_all.append(json.load(open(sys.argv[i + 1])))
            except (OSError, ValueError, IndexError):
                pass
    result["lvbs_linux"] = lvbs_all or "not measured (BENCH_LVBS_LINUX=0, or make bench-lvbs-linux failed)"
    if guest:
        # From `make bench-guest` (tests/vtl0/bench-run): TSC cycles in VTL0
        # under hvsim, each with its ratio to the model's bare world switch.
        result["in_guest"] = {"environment": guest.get("environment"),
                              "floor": guest.get("floor"),
                              "figures": guest.get("figures", []),
                              "vtl1_boot_to_ready_cycles": guest.get("vtl1_boot_to_ready_cycles")}
    else:
        result["in_guest"] = {k: NOT_YET for k in (
            "vtl_call_round_trip", "model_world_switch_floor", "memory_intercept_round_trip",
            "cr4_intercept_emulated_round_trip", "boot_to_ready")}

    os.makedirs(os.path.dirname(json_out) or ".", exist_ok=True)
    with open(json_out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")

    print("vtlguard benchmarks (host side)")
    for k, v in env.items():
        print(f"  {k:15} {v}")
    print()
    print(f"{'figure':58} {'value':>14} {'floor':>10} {'ratio':>7}")
    print("  (ratio = value / floor, both medians of this run; > 1: slower or bigger than the floor;"
          " docs/performance.md)")
    print("-" * 92)
    for p in result["protect"]:
        name = f"protect {p['pages']} pages, {p['layout']}: South calls"
        ratio = p["south_calls"] / p["floor"]
        print(f"{name:58} {p['south_calls']:>14} {p['floor']:>10} {ratio:>7.2f}")
    for p in result["protect"]:
        if p["layout"] == "contiguous":
            name = f"  north_protect {p['pages']} pages: cycles min/median"
            print(f"{name:58} {p['cycles_min']:>7}/{p['cycles_median']:<7}")
    m = result["modval"]
    name = f"module validation {m['module_bytes'] >> 10} KiB: us median (vtlguard)"
    print(f"{name:58} {ours['ns_median'] / 1000:>14.0f} {omed / 1000:>10.0f} "
          f"{m['ratio_median']:>7.2f}")
    print(f"{'  (floor: openssl dgst -sha256 + cms -verify, 2 processes)':58} "
          f"{'min ' + format(ours['ns_min'] / 1000, '.0f'):>14} {'min ' + format(omin / 1000, '.0f'):>10}")
    print(f"{'  modsig_verify cycles min/median':58} {ours['cycles_min']:>7}/{ours['cycles_median']:<7}")
    if loaded and "skipped" not in loaded:
        v = loaded["vtlguard"]
        name = f"dm_mod whole validation ({v['verdict']}): us median"
        print(f"{name:58} {v['ns_median'] / 1000:>14.0f} {loaded['openssl_ns_median'] / 1000:>10.0f} "
              f"{loaded['ratio_median']:>7.2f}")
        print(f"{'  (floor: openssl cms -verify of its PKCS#7, 1 process)':58} "
              f"{'min ' + format(v['ns_min'] / 1000, '.0f'):>14} "
              f"{'min ' + format(loaded['openssl_ns_min'] / 1000, '.0f'):>10}")
        if loaded.get("callgrind_ir_one_validation_process"):
            print(f"{'  instructions, one validation process (callgrind Ir)':58} "
                  f"{loaded['callgrind_ir_one_validation_process']:>14}")
    elif loaded:
        print(f"{'dm_mod whole validation':58} skipped: {loaded['skipped']}")
    for k in ("text", "rodata", "data", "bss"):
        print(f"{'VTL1 image ' + k + ' (bytes)':58} {sizes[k]:>14}")
    print(f"{'VTL1 image file (bytes)':58} {file_size:>14}")
    if guest:
        ge = guest.get("environment", {})
        print(f"in guest (hvsim, accelerator {ge.get('accelerator', '?')}, "
              f"{ge.get('vps', '?')} VP): TSC cycles per operation, median; floor: "
              f"{guest.get('floor', '?')}")
        fl = next((f for f in guest.get("figures", []) if f.get("name") == guest.get("floor")), {})
        for f in guest.get("figures", []):
            ratio = f.get("ratio_median")
            if f is fl:
                rs, fs = f"{1:>7.2f}", f"{'(floor)':>10}"
            else:
                rs = f"{ratio:>7.2f}" if isinstance(ratio, (int, float)) else f"{'-':>7}"
                fs = f"{fl.get('median', '?'):>10}"
            print(f"{'  ' + f['name']:58} {f.get('median', '?'):>14} {fs} {rs}")
        b = guest.get("vtl1_boot_to_ready_cycles") or {}
        print(f"{'  VTL1 boot to ready (cycles, median of boots)':58} {b.get('median', '?'):>14}")
    else:
        for k in result["in_guest"]:
            print(f"{k.replace('_', ' '):58} {NOT_YET} (make bench-guest)")
    if linux:
        print(f"Linux in VTL0 (tests/bench/linux-bench, {linux.get('runs')} run(s), 1 VP, TCG): "
              f"seconds, median")
        for f in linux.get("figures", []):
            for who, floor, key in (("hvsim alone", "tcg", "ratio_hvsim_to_tcg"),
                                    ("hvsim+vtlguard", "tcg", "ratio_vtlguard_to_tcg"),
                                    ("hvsim+vtlguard", "hvsim", "ratio_vtlguard_to_hvsim")):
                val = f.get("hvsim" if who == "hvsim alone" else "vtlguard")
                fv, r = f.get(floor), f.get(key)
                name = f"  {f['name']}: {who} vs {'direct TCG' if floor == 'tcg' else 'hvsim alone'}"
                print(f"{name:58} {val if val is None else format(val, '.2f'):>14} "
                      f"{fv if fv is None else format(fv, '.2f'):>10} "
                      f"{r if r is None else format(r, '.2f'):>7}")
    for lvbs in lvbs_all:
        print(f"LVBS Linux in VTL0 (tests/bench/lvbs-linux-bench, {lvbs.get('runs')} run(s), "
              f"{lvbs.get('vps')} VPs, clock {lvbs.get('clock')}): with vtlguard vs the same kernel "
              f"without vsm_sk, median")
        for f in lvbs.get("figures", []):
            def s(x, u=f.get("unit", "")):
                return "-" if x is None else f"{x:.2f} {u}"
            r = f.get("ratio")
            print(f"{'  ' + f['what'][:56]:58} {s(f.get('value')):>14} {s(f.get('floor')):>10} "
                  f"{'-' if r is None else format(r, '.2f'):>7}")
    print(f"\nwrote {json_out}")
    bad = [p for p in result["protect"] if p["layout"] == "contiguous" and p["south_calls"] != p["floor"]]
    if bad:
        print("bench: contiguous protection took more South calls than ceil(N/510)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
