#!/usr/bin/env python3
"""The strata benchmark suite: strata and its peers, side by side, in one run.

Called by run.sh (which builds the binaries and the virtual environment);
see BENCHMARKS.md at the top of the repository for what is measured and how
to rerun it. Writes DIR/results.json, and unless --quick the plots in
docs/bench/ and BENCHMARKS.md (from tools/bench/suite/BENCHMARKS.md.in).

    suite.py --bin TARGET/release --work TARGET/bench-data --results TARGET/bench-results
             [--python VENV/bin/python] [--ewt FILE] [--sizes 10,100,1000] [--reps 3] [--quick]
    suite.py --report-only --results TARGET/bench-results     (tables and plots again)

Only the standard library is used here; the peers run in the virtual
environment's Python (peers.py), the plots too (plots.py).
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
MB = 1_000_000
# The treebank repeated to the size of EWT train (see `prepare`).
EWT_COPIES = 8
EWT_X = f"ewt-dev-x{EWT_COPIES}"
GNU_TIME = "/usr/bin/time"


def log(*a):
    print("[suite]", *a, file=sys.stderr, flush=True)


class Suite:
    def __init__(self, a):
        self.a = a
        self.bin = a.bin
        self.strata = os.path.join(a.bin, "strata")
        self.rsuite = os.path.join(a.bin, "strata-suite")
        self.work = a.work
        self.records = []
        self.inputs = {}
        self.peers = a.python is not None
        os.makedirs(self.work, exist_ok=True)

    # ------------------------------------------------------------------
    # Running commands

    def run(self, argv, stdout=None, check=True):
        """Runs argv once under GNU time (when there): (wall seconds, peak
        RSS bytes or None, stdout text or None)."""
        tf = None
        cmd = list(argv)
        if os.path.exists(GNU_TIME):
            tf = tempfile.NamedTemporaryFile(prefix="suite-time-", delete=False)
            tf.close()
            cmd = [GNU_TIME, "-f", "%M", "-o", tf.name] + cmd
        out_fh = None
        if stdout == "null":
            out_fh = subprocess.DEVNULL
        elif stdout:
            out_fh = open(stdout, "wb")
        else:
            out_fh = subprocess.PIPE
        t = time.perf_counter()
        p = subprocess.run(cmd, stdout=out_fh, stderr=subprocess.PIPE, cwd=self.work)
        wall = time.perf_counter() - t
        if stdout and stdout != "null":
            out_fh.close()
        rss = None
        if tf:
            try:
                with open(tf.name) as f:
                    lines = [x for x in f.read().split() if x.isdigit()]
                    rss = int(lines[-1]) * 1024 if lines else None
            finally:
                os.unlink(tf.name)
        if check and p.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {p.returncode}: {p.stderr.decode(errors='replace')[-2000:]}")
        text = p.stdout.decode() if out_fh is subprocess.PIPE else None
        return wall, rss, text

    def json_cmd(self, argv):
        """A command printing one JSON object (strata-suite, peers.py)."""
        _, rss, text = self.run(argv)
        obj = json.loads(text.strip().splitlines()[-1])
        obj.setdefault("maxrss_bytes", rss)
        return obj

    def peer(self, *args):
        return self.json_cmd([self.a.python, os.path.join(HERE, "peers.py")] + [str(x) for x in args])

    def rs(self, *args):
        return self.json_cmd([self.rsuite] + [str(x) for x in args])

    def time_cmd(self, argv, reps=None, stdout=None):
        """Times argv `reps` times after one untimed warm-up run."""
        reps = reps or self.a.reps
        self.run(argv, stdout=stdout)
        walls, rsss = [], []
        for _ in range(reps):
            w, r, _ = self.run(argv, stdout=stdout)
            walls.append(w)
            if r:
                rsss.append(r)
        return walls, (max(rsss) if rsss else None)

    def rec(self, workload, input, tool, **fields):
        r = {"workload": workload, "input": input, "tool": tool}
        r.update(fields)
        secs = fields.get("seconds")
        if secs:
            r["median"] = statistics.median(secs)
        self.records.append(r)
        show = {k: v for k, v in r.items() if k not in ("seconds", "workload", "input", "tool")}
        log(f"{workload:9} {input:14} {tool:34} " + " ".join(f"{k}={_short(v)}" for k, v in show.items()))
        return r

    def path(self, name):
        return os.path.join(self.work, name)

    # ------------------------------------------------------------------
    # Inputs

    def prepare(self):
        a = self.a
        if a.ewt and os.path.exists(a.ewt):
            dst = self.path("ewt-dev.conllu")
            if not os.path.exists(dst) or os.path.getsize(dst) != os.path.getsize(a.ewt):
                shutil.copyfile(a.ewt, dst)
            self.inputs["ewt-dev"] = {"kind": "conllu", "path": dst, "bytes": os.path.getsize(dst), "source": a.ewt}
            # The figures are for EWT train (204,577 words), which
            # this machine does not have: the dev treebank eight times over
            # (201,176 words) is a treebank of that size, where start-up
            # costs no longer hide the speed of the work itself.
            dst8 = self.path(f"{EWT_X}.conllu")
            repeat_treebank(a.ewt, dst8, EWT_COPIES)
            self.inputs[EWT_X] = {"kind": "conllu", "path": dst8, "bytes": os.path.getsize(dst8), "source": a.ewt,
                                  "copies": EWT_COPIES}
        else:
            log("no EWT treebank found: the treebank rows are left out")
        tagged_sizes = sorted(set([1] + self.sizes))
        for mb in tagged_sizes:
            self.generate("tagged", mb)
        for mb in self.sizes:
            self.generate("conllu", mb)

    def generate(self, kind, mb):
        name = f"{kind}-{mb}mb"
        ext = "txt" if kind == "tagged" else "conllu"
        dst = self.path(f"{name}.{ext}")
        meta = dst + ".json"
        info = None
        if os.path.exists(dst) and os.path.exists(meta):
            with open(meta) as f:
                info = json.load(f)
            if info.get("bytes") != os.path.getsize(dst):
                info = None
        if info is None:
            log(f"generating {dst} ...")
            info = self.rs(f"gen-{kind}", "--size-mb", mb, "-o", dst)
            with open(meta, "w") as f:
                json.dump(info, f)
        self.inputs[name] = {"kind": kind, "path": dst, "bytes": info["bytes"], "generator": info, "mb": mb}

    @property
    def sizes(self):
        return self.a.size_list

    def conllu_inputs(self):
        return [n for n, i in self.inputs.items() if i["kind"] == "conllu"]

    def tagged_inputs(self):
        return [n for n, i in self.inputs.items() if i["kind"] == "tagged"]

    def peer_conllu_inputs(self):
        """The peers are slow (Python): the treebank and the smallest
        generated CoNLL-U only."""
        out = [n for n in self.conllu_inputs() if n == "ewt-dev"]
        gen = [n for n in self.conllu_inputs() if not n.startswith("ewt-")]
        return out + gen[:1]

    # ------------------------------------------------------------------
    # Workloads

    def floor(self):
        """cat and wc -l on every input: the physical floor."""
        for name, i in self.inputs.items():
            reps = self.reps_for(i["bytes"])
            w, r = self.time_cmd(["cat", i["path"]], reps, stdout="null")
            self.rec("floor", name, "cat > /dev/null", seconds=w, bytes_in=i["bytes"], maxrss=r)
            w, r = self.time_cmd(["wc", "-l", i["path"]], reps, stdout="null")
            self.rec("floor", name, "wc -l", seconds=w, bytes_in=i["bytes"], maxrss=r)

    def reps_for(self, nbytes):
        return max(1, self.a.reps if nbytes < 500 * MB else min(self.a.reps, 2))

    def convert(self):
        """strata convert in and out, CoNLL-U and tagged articles; in-process
        CoNLL-U import; the words of each CoNLL-U input."""
        for name in self.conllu_inputs() + self.tagged_inputs():
            i = self.inputs[name]
            reps = self.reps_for(i["bytes"])
            ext = "conllu" if i["kind"] == "conllu" else "txt"
            out = self.path(f"{name}.strata")
            w, r = self.time_cmd([self.strata, "convert", i["path"], "-o", out, "-q"], reps)
            self.rec("convert", name, "strata convert", seconds=w, bytes_in=i["bytes"], maxrss=r, bytes_out=os.path.getsize(out))
            i["strata"] = out
            back = self.path(f"{name}.back.{ext}")
            w, r = self.time_cmd([self.strata, "convert", out, "-o", back, "-q"], reps)
            same = _same_file(back, i["path"])
            self.rec("convert", name, "strata export", seconds=w, bytes_in=i["bytes"], maxrss=r, identical=same)
            os.unlink(back)
            if i["kind"] == "conllu":
                j = self.rs("conllu-import", i["path"], "--reps", reps)
                i["words"] = j["words"]
                self.rec("convert", name, "strata-conllu import (in process)", seconds=j["seconds"], bytes_in=i["bytes"],
                         words=j["words"], maxrss=j["maxrss_bytes"])
                self.rec("convert", name, "strata-conllu import, built (in process)", seconds=j["built_seconds"],
                         bytes_in=i["bytes"], words=j["words"], maxrss=j["maxrss_bytes"])
                self.rec("convert", name, "strata-conllu import, built and written (in process)",
                         seconds=j["built_and_written_seconds"], bytes_in=i["bytes"], words=j["words"],
                         maxrss=j["maxrss_bytes"])
                j = self.rs("conllu-export", out, "--reps", reps)
                self.rec("convert", name, "strata-conllu export (in process)", seconds=j["seconds"], bytes_in=i["bytes"],
                         words=j["words"], words_per_second=j["words_per_second"],
                         to_owned_words_per_second=j["to_owned_words_per_second"], maxrss=j["maxrss_bytes"])

    def cores(self):
        """One core against two: convert and export (-j 1, -j 2) and scan (1,
        2 threads) on the largest generated input of at most 100 MB of each
        kind, and on the treebank of the size of EWT train."""
        picked = []
        for kind in ("tagged", "conllu"):
            names = [n for n in self.inputs if self.inputs[n]["kind"] == kind and self.inputs[n]["bytes"] <= 150 * MB
                     and not n.startswith("ewt-")]
            if names:
                picked.append((kind, max(names, key=lambda n: self.inputs[n]["bytes"])))
        if EWT_X in self.inputs:
            picked.append(("conllu", EWT_X))
        for kind, name in picked:
            i = self.inputs[name]
            out = self.path(f"{name}.cores.strata")
            for j in (1, 2):
                w, r = self.time_cmd([self.strata, "convert", i["path"], "-o", out, "-q", "-j", str(j)])
                self.rec("cores", name, f"strata convert -j {j}", seconds=w, bytes_in=i["bytes"], maxrss=r, jobs=j)
            if kind == "tagged":
                for j in (1, 2):
                    w, r = self.time_cmd([self.strata, "convert", i["path"], "-o", out, "-q", "-j", str(j),
                                          "--annotate", "sentences,tokens"])
                    self.rec("cores", name, f"strata convert --annotate -j {j}", seconds=w, bytes_in=i["bytes"],
                             maxrss=r, jobs=j)
            os.unlink(out)
            if kind != "conllu":
                continue
            back = self.path(f"{name}.cores.conllu")
            for j in (1, 2):
                w, r = self.time_cmd([self.strata, "convert", i["strata"], "-o", back, "-q", "-j", str(j)])
                self.rec("cores", name, f"strata export -j {j}", seconds=w, bytes_in=i["bytes"], maxrss=r, jobs=j)
            os.unlink(back)
            for t in (1, 2):
                s = self.rs("scan", i["strata"], "--threads", t, "--reps", self.a.reps)
                self.rec("cores", name, f"strata scan, {t} thread{'s' if t > 1 else ''}", seconds=s["seconds"],
                         words=s["words"], spans=s["spans"], jobs=t)

    def sizes_workload(self):
        """Bytes per word of every format, on the treebank and the smallest
        generated CoNLL-U."""
        for name in self.peer_conllu_inputs():
            i = self.inputs[name]
            words = i["words"]
            sizes = {"CoNLL-U": i["bytes"]}
            for tool, argv, suffix in (
                ("CoNLL-U gzip -6", ["gzip", "-6", "-c", i["path"]], ".gz"),
                ("CoNLL-U zstd -19", ["zstd", "-19", "-q", "-c", i["path"]], ".zst"),
            ):
                out = self.path(name + suffix)
                w, r = self.time_cmd(argv, 1, stdout=out)
                sizes[tool] = os.path.getsize(out)
                self.rec("compress", name, tool, seconds=w, bytes_in=i["bytes"], maxrss=r)
                os.unlink(out)
            sizes["strata"] = os.path.getsize(i["strata"])
            j = self.rs("breakdown", i["strata"])
            self.rec("breakdown", name, "strata", **{k: v for k, v in j.items() if k != "maxrss_bytes"})
            for level in (3, 19):
                out = self.path(f"{name}.z{level}.strata")
                w, r = self.time_cmd([self.strata, "convert", i["path"], "-o", out, "-q", "--compress", str(level)], 1)
                sizes[f"strata --compress {level}"] = os.path.getsize(out)
                self.rec("compress", name, f"strata convert --compress {level}", seconds=w, bytes_in=i["bytes"], maxrss=r)
                i[f"strata_z{level}"] = out
            jl = self.path(f"{name}.jsonl")
            self.run([self.strata, "convert", i["strata"], "-o", jl, "-q"])
            sizes["JSONL (strata export)"] = os.path.getsize(jl)
            os.unlink(jl)
            if self.peers:
                db = self.path(f"{name}.spacy")
                j = self.peer("docbin-build", i["path"], db, "--reps", self.a.reps)
                sizes["spaCy DocBin"] = j["bytes"]
                i["docbin"] = db
                self.rec("convert", name, "spaCy DocBin build+save", seconds=j["seconds"], bytes_in=i["bytes"],
                         words=j["words"], maxrss=j["maxrss_bytes"])
                j = self.peer("arrow-build", i["path"], self.path(f"{name}-arrow"), "--reps", self.a.reps)
                sizes["Arrow IPC"] = j["bytes"]["ipc"]
                sizes["Arrow IPC zstd"] = j["bytes"]["ipc_zstd"]
                sizes["Parquet zstd"] = j["bytes"]["parquet_zstd"]
                i["arrow"] = j["paths"]
                table = j["seconds"]["table"]
                for k, label in (("ipc", "Arrow IPC"), ("ipc_zstd", "Arrow IPC zstd"), ("parquet_zstd", "Parquet zstd")):
                    total = [t + w for t, w in zip(table, j["seconds"][k])]
                    self.rec("convert", name, f"{label} build+write", seconds=total, bytes_in=i["bytes"],
                             words=words, maxrss=j["maxrss_bytes"], write_seconds=statistics.median(j["seconds"][k]))
                j = self.peer("conllu-parse", i["path"], "--reps", self.a.reps)
                self.rec("convert", name, "conllu (Python) parse", seconds=j["seconds"], bytes_in=i["bytes"],
                         words=j["words"], maxrss=j["maxrss_bytes"])
            for fmt, b in sizes.items():
                self.rec("size", name, fmt, bytes=b, words=words, bytes_per_word=b / words)

    def annotation(self):
        """Sentences and tokens of tagged articles: strata (CLI and in
        process) against spaCy's blank English tokenizer + sentencizer."""
        names = [n for n in self.tagged_inputs() if self.inputs[n]["mb"] in (1, self.sizes[0])]
        name = max(names, key=lambda n: self.inputs[n]["bytes"])
        i = self.inputs[name]
        out = self.path(f"{name}.annotated.strata")
        w, r = self.time_cmd([self.strata, "convert", i["path"], "-o", out, "-q", "--annotate", "sentences,tokens"])
        info = json.loads(self.run([self.strata, "info", "--json", out])[2])
        toks, sents = info["layers"].get("token", 0), info["layers"].get("sentence", 0)
        self.rec("annotate", name, "strata convert --annotate", seconds=w, bytes_in=i["bytes"], tokens=toks,
                 sentences=sents, maxrss=r)
        os.unlink(out)
        j = self.rs("annotate", i["path"], "--reps", self.a.reps)
        self.rec("annotate", name, "strata-annotate (in process)", seconds=j["seconds"], bytes_in=i["bytes"],
                 tokens=j["tokens"], sentences=j["sentences"], maxrss=j["maxrss_bytes"])
        if self.peers:
            j = self.peer("spacy-annotate", i["path"], "--reps", min(self.a.reps, 3))
            self.rec("annotate", name, "spaCy blank(en) + sentencizer", seconds=j["seconds"], bytes_in=i["bytes"],
                     tokens=j["tokens"], sentences=j["sentences"], maxrss=j["maxrss_bytes"])

    def opening(self):
        """Open time by file size: every strata file made so far, and the
        peers' files."""
        for name, i in self.inputs.items():
            j = self.rs("open", i["strata"], "--n", 200 if not self.a.quick else 50)
            self.rec("open", name, "strata Corpus::open", file_bytes=j["file_bytes"], docs=j["docs"], **_flat(j["open"]))
        if not self.peers:
            return
        for name in self.peer_conllu_inputs():
            i = self.inputs[name]
            for key, label in (("ipc", "Arrow IPC open (mmap)"), ("ipc_zstd", "Arrow IPC zstd open (mmap)"),
                               ("parquet_zstd", "Parquet open (footer)")):
                p = i["arrow"][key]
                j = self.peer("arrow-open", p, "--n", 200)
                self.rec("open", name, label, file_bytes=os.path.getsize(p), **_flat(j["open"]))
            j = self.peer("docbin-load", i["docbin"], "--reps", self.a.reps)
            self.rec("open", name, "spaCy DocBin load (all)", file_bytes=os.path.getsize(i["docbin"]),
                     median=statistics.median(j["seconds"]), seconds=j["seconds"], words=j["words"],
                     maxrss=j["maxrss_bytes"])
            for key, label in (("ipc", "Arrow IPC read_all"), ("parquet_zstd", "Parquet read_table")):
                j = self.peer("arrow-load", i["arrow"][key], "--reps", self.a.reps)
                self.rec("load", name, label, seconds=j["seconds"], words=i["words"], maxrss=j["maxrss_bytes"])

    def access(self):
        """One random document: thousands of seeded picks."""
        picks = 5000 if not self.a.quick else 500
        for name, i in self.inputs.items():
            j = self.rs("access", i["strata"], "--picks", picks)
            for k, label in (("by_index", "strata doc(i), whole"), ("by_id", "strata by_id, whole"),
                             ("text_by_index", "strata doc(i).text()")):
                self.rec("access", name, label, file_bytes=j["file_bytes"], docs=j["docs"], picks=picks, **_flat(j[k]))
        # The command line: `strata cat FILE N` as a process, on the largest file.
        big = max(self.inputs, key=lambda n: os.path.getsize(self.inputs[n]["strata"]))
        i = self.inputs[big]
        docs = self.recs("access", big, "strata doc(i), whole")[0]["docs"]
        walls = []
        for k in range(30 if not self.a.quick else 5):
            n = (k * 7919 + 13) % docs
            w, _, _ = self.run([self.strata, "cat", i["strata"], str(n), "--format", "json"], stdout="null")
            walls.append(w)
        self.rec("access", big, "strata cat FILE N (process)", seconds=walls, file_bytes=os.path.getsize(i["strata"]))
        if not self.peers:
            return
        for name in self.peer_conllu_inputs():
            i = self.inputs[name]
            j = self.peer("arrow-access", i["arrow"]["ipc"], "--picks", 2000)
            self.rec("access", name, "Arrow IPC rows of one doc", picks=2000, index_seconds=j["index_seconds"],
                     file_bytes=os.path.getsize(i["arrow"]["ipc"]), **_flat(j["pick"]))
            j = self.peer("docbin-access", i["docbin"], "--picks", 2000)
            self.rec("access", name, "spaCy DocBin (full load)", median=j["load_seconds"], picks=1,
                     file_bytes=os.path.getsize(i["docbin"]),
                     after_load_median=j["after_load"]["median"])

    def scan(self):
        """Every token with its attributes."""
        for name in self.conllu_inputs():
            i = self.inputs[name]
            for key, label in (("strata", "strata scan"), ("strata_z3", "strata --compress 3 scan")):
                if key not in i:
                    continue
                j = self.rs("scan", i[key], "--reps", self.a.reps)
                self.rec("scan", name, label, seconds=j["seconds"], words=j["words"], spans=j["spans"],
                         attr_values=j["attr_values"], maxrss=j["maxrss_bytes"])
            # Every word (the `word` layer) with its form and all its
            # columns, the issue's "iterating every word with its
            # attributes", on one and two threads.
            for t in (1, 2):
                j = self.rs("scan", i["strata"], "--reps", self.a.reps, "--layer", "word", "--threads", t)
                self.rec("scan", name, f"strata scan, words only, {t} thread{'s' if t > 1 else ''}",
                         seconds=j["seconds"], words=j["words"], spans=j["spans"], attr_values=j["attr_values"],
                         maxrss=j["maxrss_bytes"], jobs=t)
        if not self.peers:
            return
        for name in self.peer_conllu_inputs():
            i = self.inputs[name]
            j = self.peer("docbin-scan", i["docbin"], "--reps", self.a.reps)
            self.rec("scan", name, "spaCy DocBin load + every token", seconds=j["seconds"], words=j["words"],
                     maxrss=j["maxrss_bytes"])
            j = self.peer("arrow-scan", i["arrow"]["ipc"], "--reps", self.a.reps)
            self.rec("scan", name, "Arrow IPC read + every row (Python)", seconds=j["seconds"], words=i["words"],
                     rows=j["rows"], maxrss=j["maxrss_bytes"])

    def recs(self, workload, input=None, tool=None):
        return [r for r in self.records if r["workload"] == workload and (input is None or r["input"] == input)
                and (tool is None or r["tool"] == tool)]

    # ------------------------------------------------------------------

    def machine(self):
        m = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
             "os": platform.platform(), "cores": os.cpu_count(), "python": platform.python_version()}
        try:
            for line in open("/proc/cpuinfo"):
                if line.startswith("model name"):
                    m["cpu"] = line.split(":", 1)[1].strip()
                    break
            for line in open("/proc/meminfo"):
                if line.startswith("MemTotal"):
                    m["memory_gb"] = round(int(line.split()[1]) / 1e6, 1)
                    break
        except OSError:
            pass
        for key, argv in (("rustc", ["rustc", "--version"]), ("commit", ["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]),
                          ("zstd", ["zstd", "--version"]), ("gzip", ["gzip", "--version"])):
            try:
                m[key] = subprocess.run(argv, capture_output=True, text=True).stdout.strip().splitlines()[0]
            except (OSError, IndexError):
                pass
        try:
            m["load_average"] = os.getloadavg()
        except OSError:
            pass
        if self.peers:
            code = ("import spacy, pyarrow, conllu, json, importlib.metadata as md;"
                    "print(json.dumps({k: md.version(k) for k in ['spacy', 'pyarrow', 'conllu', 'matplotlib']}))")
            m["peers"] = json.loads(subprocess.run([self.a.python, "-c", code], capture_output=True, text=True).stdout)
        return m

    def expected(self):
        """(workload, input, tool) that must be in the results."""
        out = []
        for n in self.inputs:
            out += [("floor", n, "cat > /dev/null"), ("floor", n, "wc -l"), ("convert", n, "strata convert"),
                    ("convert", n, "strata export"), ("open", n, "strata Corpus::open"), ("access", n, "strata doc(i), whole")]
        for n in self.conllu_inputs():
            out += [("scan", n, "strata scan"), ("scan", n, "strata scan, words only, 2 threads"),
                    ("convert", n, "strata-conllu import (in process)"),
                    ("convert", n, "strata-conllu export (in process)")]
        for n in self.peer_conllu_inputs():
            out += [("size", n, "CoNLL-U zstd -19"), ("size", n, "CoNLL-U gzip -6"), ("size", n, "strata"),
                    ("breakdown", n, "strata")]
            if self.peers:
                out += [("size", n, "spaCy DocBin"), ("size", n, "Parquet zstd"), ("convert", n, "conllu (Python) parse")]
        out += [("cores", None, "strata convert -j 2"), ("cores", None, "strata export -j 2")]
        out.append(("annotate", None, "strata convert --annotate"))
        if self.peers:
            out.append(("annotate", None, "spaCy blank(en) + sentencizer"))
        return out

    def check_complete(self):
        missing = []
        for w, n, t in self.expected():
            rs = self.recs(w, n, t)
            if not rs or not all((r.get("median") or r.get("bytes") or r.get("file_bytes") or 0) > 0 for r in rs):
                missing.append(f"{w}/{n}/{t}")
        bad = [f"{r['input']}" for r in self.recs("convert", tool="strata export") if not r.get("identical")]
        return missing, bad


def _flat(summary):
    return {k: v for k, v in summary.items()}


def _short(v):
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list):
        return "[" + ",".join(_short(x) for x in v) + "]"
    return str(v)


def repeat_treebank(src, dst, copies):
    """Writes `copies` copies of a CoNLL-U treebank one after the other,
    copy k's document ids ending in `-k`, and its paragraph and sentence
    ids that start with their document's id too, so that every id stays
    unique and ids still follow from their document's as in the source.
    Rewritten only when missing or of another size."""
    with open(src, encoding="utf-8", newline="") as f:
        lines = f.read().splitlines(keepends=True)
    out = []
    for k in range(1, copies + 1):
        doc = None
        for line in lines:
            for prefix in ("# newdoc id = ", "# newpar id = ", "# sent_id = "):
                if line.startswith(prefix):
                    value = line[len(prefix):]
                    if prefix == "# newdoc id = ":
                        doc = value.rstrip("\n")
                    if doc and value.startswith(doc):
                        line = f"{prefix}{doc}-{k}{value[len(doc):]}"
                    break
            out.append(line)
    data = "".join(out).encode("utf-8")
    if os.path.exists(dst) and os.path.getsize(dst) == len(data):
        return
    with open(dst + ".tmp", "wb") as f:
        f.write(data)
    os.replace(dst + ".tmp", dst)


def _same_file(a, b):
    if os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", help="folder of the release binaries strata and strata-suite")
    p.add_argument("--work", help="folder for generated inputs and outputs")
    p.add_argument("--results", required=True, help="folder for results.json")
    p.add_argument("--python", help="the virtual environment's python (peers); none: strata side only")
    p.add_argument("--ewt", help="the UD English EWT dev treebank, when there")
    p.add_argument("--sizes", default="10,100,1000", help="generated input sizes in MB")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="smoke mode: the strata side only, tiny inputs, checks completeness")
    p.add_argument("--report-only", action="store_true", help="make the report and plots from an existing results.json")
    p.add_argument("--no-report", action="store_true")
    a = p.parse_args()
    os.makedirs(a.results, exist_ok=True)
    name = "quick.json" if a.quick else "results.json"
    results_path = os.path.join(a.results, name)

    if not a.report_only:
        a.size_list = [int(x) for x in a.sizes.split(",") if x.strip()]
        if a.quick:
            a.python = None
        s = Suite(a)
        started = time.time()
        s.prepare()
        s.floor()
        s.convert()
        s.sizes_workload()
        s.annotation()
        s.cores()
        s.opening()
        s.access()
        s.scan()
        missing, not_identical = s.check_complete()
        results = {
            "machine": s.machine(),
            "options": {"sizes": a.size_list, "reps": a.reps, "quick": a.quick, "peers": s.peers},
            "inputs": s.inputs,
            "records": s.records,
            "missing": missing,
            "not_identical": not_identical,
            "elapsed_seconds": time.time() - started,
        }
        with open(results_path, "w") as f:
            json.dump(results, f, indent=1)
        log(f"wrote {results_path} ({len(s.records)} records, {results['elapsed_seconds']:.0f} s)")
        if missing or not_identical:
            log("INCOMPLETE: missing " + ", ".join(missing) + "; round trips not identical: " + ", ".join(not_identical))
            sys.exit(1)
        log("complete: every expected figure is there")
        if a.quick or a.no_report:
            return
    # The report: tables in BENCHMARKS.md and the plots (no __pycache__ in the work tree).
    sys.dont_write_bytecode = True
    sys.path.insert(0, HERE)
    import report

    report.make(results_path, ROOT, a.python)


if __name__ == "__main__":
    main()
