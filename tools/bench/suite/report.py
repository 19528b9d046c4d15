"""Tables and plots of the benchmark suite: BENCHMARKS.md (from
BENCHMARKS.md.in beside this file) and docs/bench/*.png, from results.json.

    python report.py RESULTS.json [ROOT]
"""

import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MB = 1_000_000


class R:
    def __init__(self, results):
        self.res = results
        self.records = results["records"]
        self.inputs = results["inputs"]

    def get(self, workload, input=None, tool=None):
        for r in self.records:
            if r["workload"] == workload and (input is None or r["input"] == input) and (tool is None or r["tool"] == tool):
                return r
        return None

    def all(self, workload, input=None, tool=None):
        return [r for r in self.records if r["workload"] == workload and (input is None or r["input"] == input)
                and (tool is None or r["tool"] == tool)]

    def words(self, name):
        return self.inputs[name].get("words")

    def order(self, kind=None):
        """Inputs: the treebank first, then by size."""
        names = [n for n, i in self.inputs.items() if kind is None or i["kind"] == kind]
        return sorted(names, key=lambda n: (not n.startswith("ewt-"), self.inputs[n]["kind"], self.inputs[n]["bytes"]))

    def peer_inputs(self):
        return [n for n in self.order("conllu") if self.get("size", n, "strata")]


# ---------------------------------------------------------------------------
# Formatting


def dur(s):
    if s is None:
        return "–"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


def size(b):
    if b >= 1e9:
        return f"{b / 1e9:.2f} GB"
    if b >= 1e6:
        return f"{b / 1e6:.1f} MB"
    return f"{b / 1e3:.0f} kB"


def rate(x, unit):
    if x is None:
        return "–"
    if x >= 1e6:
        return f"{x / 1e6:.2f} M{unit}"
    if x >= 1e3:
        return f"{x / 1e3:.1f} k{unit}"
    return f"{x:.0f} {unit}"


def ratio(x):
    if x is None:
        return "–"
    if x >= 10:
        return f"{x:.0f}×"
    return f"{x:.1f}×"


def table(header, rows, align=None):
    align = align or ["l"] + ["r"] * (len(header) - 1)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(":--" if a == "l" else "--:" for a in align) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def label(name, inputs):
    i = inputs[name]
    if name == "ewt-dev":
        return "UD EWT dev (CoNLL-U)"
    if name.startswith("ewt-"):
        return f"UD EWT dev ×{i.get('copies')} (CoNLL-U, the size of EWT train)"
    kind = "CoNLL-U" if i["kind"] == "conllu" else "tagged"
    return f"generated {kind}, {size(i['bytes'])}"


# ---------------------------------------------------------------------------
# Tables

KEEPS = {
    "CoNLL-U": "everything (the source)",
    "CoNLL-U gzip -6": "everything; no random access",
    "CoNLL-U zstd -19": "everything; no random access",
    "JSONL (strata export)": "everything; text, spans with code-point offsets",
    "strata": "everything, byte-identical round trip; random access",
    "strata --compress 3": "everything; random access by block",
    "strata --compress 19": "everything; random access by block",
    "spaCy DocBin": "drops DEPS, MISC, comments; no random access",
    "Arrow IPC": "ten columns, drops comments; memory-mapped",
    "Arrow IPC zstd": "ten columns, drops comments",
    "Parquet zstd": "ten columns, drops comments",
}
SIZE_ORDER = ["CoNLL-U", "JSONL (strata export)", "Arrow IPC", "strata", "CoNLL-U gzip -6", "Arrow IPC zstd",
              "spaCy DocBin", "strata --compress 3", "Parquet zstd", "strata --compress 19", "CoNLL-U zstd -19"]
COMPRESSED = {"CoNLL-U gzip -6", "CoNLL-U zstd -19", "Arrow IPC zstd", "Parquet zstd", "spaCy DocBin",
              "strata --compress 3", "strata --compress 19"}


def size_table(r):
    names = r.peer_inputs()
    header = ["format"] + [f"bytes/word, {label(n, r.inputs)}" for n in names] + ["vs strata (same kind)", "keeps"]
    rows = []
    for fmt in SIZE_ORDER:
        cells = []
        recs = [r.get("size", n, fmt) for n in names]
        if not any(recs):
            continue
        for rec in recs:
            cells.append(f"{rec['bytes_per_word']:.1f}" if rec else "–")
        base = "strata --compress 19" if fmt in COMPRESSED else "strata"
        b = r.get("size", names[0], base)
        x = recs[0]
        cmp = "" if fmt.startswith("strata") else (ratio(x["bytes"] / b["bytes"]) if x and b else "–")
        if fmt.startswith("strata"):
            fmt = f"**{fmt}**"
        rows.append([fmt] + cells + [cmp, KEEPS.get(fmt.strip("*"), "")])
    return table(header, rows, ["l"] + ["r"] * (len(names) + 1) + ["l"])


def breakdown_table(r):
    """Bytes per word of each part of an uncompressed strata file."""
    names = [n for n in r.peer_inputs() if r.get("breakdown", n, "strata")]
    if not names:
        return "(no breakdown in this run)"
    recs = [r.get("breakdown", n, "strata") for n in names]
    parts = [("text", lambda j: j["text"])]
    layers = []
    for j in recs:
        for layer in j["layers"]:
            if layer not in layers:
                layers.append(layer)
    for layer in layers:
        parts.append((f"layer `{layer}`", lambda j, l=layer: sum(j["layers"].get(l, {}).values())))
        cols = []
        for j in recs:
            for col, v in j["layers"].get(layer, {}).items():
                if v and col not in cols:
                    cols.append(col)
        for col in cols:
            parts.append((f"&nbsp;&nbsp;{col}", lambda j, l=layer, c=col: j["layers"].get(l, {}).get(c, 0)))
    parts += [("ids, counts, varints of the records", lambda j: j["records_other"]),
              ("document index", lambda j: j["doc_index"]), ("id index", lambda j: j["id_index"]),
              ("string dictionary", lambda j: j["strings"]), ("schema", lambda j: j["schema"]),
              ("**whole file**", lambda j: j["file_bytes"])]
    rows = [[part] + [f"{get(j) / j['words']:.2f}" for j in recs] for part, get in parts]
    return table(["part"] + [f"bytes/word, {label(n, r.inputs)}" for n in names], rows, ["l"] + ["r"] * len(names))


def mbps(rec, name, r):
    return r.inputs[name]["bytes"] / rec["median"] / MB if rec and rec.get("median") else None


def convert_table(r, kind):
    rows = []
    for name in r.order(kind):
        base = r.get("convert", name, "strata convert")
        words = r.words(name)
        tools = ["cat > /dev/null", "wc -l"]
        recs = [r.get("floor", name, t) for t in tools]
        recs += [x for x in r.all("convert", name)]
        for rec in recs:
            if rec is None:
                continue
            tool = rec["tool"]
            m = rec["median"]
            wps = words / m if words else None
            vs = base["median"] / m if base and not tool.startswith("strata convert") else None
            shown = f"**{tool}**" if tool.startswith("strata") else tool
            extra = " (identical)" if rec.get("identical") else (" (DIFFERS)" if rec.get("identical") is False else "")
            row = [label(name, r.inputs), shown + extra, dur(m), f"{mbps(rec, name, r):.1f}"]
            if kind == "conllu":
                row.append(rate(wps, "words/s"))
            row.append(ratio(vs) if vs else "")
            row.append(size(rec["maxrss"]) if rec.get("maxrss") else "–")
            rows.append(row)
    header = ["input", "tool", "median", "MB/s"] + (["words/s"] if kind == "conllu" else []) + \
             ["speed vs strata convert (>1: faster)", "peak RSS"]
    return table(header, rows, ["l", "l"] + ["r"] * (len(header) - 2))


def annotate_table(r):
    rows = []
    recs = r.all("annotate")
    base = r.get("annotate", tool="strata-annotate (in process)")
    for rec in recs:
        name = rec["input"]
        vs = rec["median"] / base["median"] if base else None
        tool = f"**{rec['tool']}**" if rec["tool"].startswith("strata") else rec["tool"]
        rows.append([label(name, r.inputs), tool, f"{rec['tokens']:,}", f"{rec['sentences']:,}", dur(rec["median"]),
                     f"{mbps(rec, name, r):.1f}", rate(rec["tokens"] / rec["median"], "tokens/s"),
                     "" if rec is base else ratio(vs), size(rec["maxrss"]) if rec.get("maxrss") else "–"])
    return table(["input", "tool", "tokens", "sentences", "median", "MB/s", "tokens/s", "time vs strata in process",
                  "peak RSS"], rows, ["l", "l"] + ["r"] * 7)


def open_table(r):
    rows = []
    for rec in sorted(r.all("open"), key=lambda x: (not x["tool"].startswith("strata"), x["tool"], x["file_bytes"])):
        rows.append([f"**{rec['tool']}**" if rec["tool"].startswith("strata") else rec["tool"], label(rec["input"], r.inputs),
                     size(rec["file_bytes"]), dur(rec["median"]), dur(rec.get("p99"))])
    return table(["open", "corpus", "file size", "median", "p99"], rows, ["l", "l", "r", "r", "r"])


def access_table(r):
    rows = []
    for rec in r.all("access"):
        tool = f"**{rec['tool']}**" if rec["tool"].startswith("strata") else rec["tool"]
        n = rec.get("picks") or (len(rec.get("seconds", [])) or "")
        rows.append([tool, label(rec["input"], r.inputs), size(rec["file_bytes"]) if rec.get("file_bytes") else "",
                     f"{n:,}" if isinstance(n, int) else n, dur(rec["median"]), dur(rec.get("p99")), dur(rec.get("p999"))])
    return table(["one random document", "corpus", "file size", "picks", "median", "p99", "p99.9"], rows,
                 ["l", "l", "r", "r", "r", "r", "r"])


def scan_table(r):
    rows = []
    for name in r.order("conllu"):
        base = r.get("scan", name, "strata scan")
        for rec in r.all("scan", name) + r.all("load", name):
            words = r.words(name)
            tool = f"**{rec['tool']}**" if rec["tool"].startswith("strata") else rec["tool"]
            vs = rec["median"] / base["median"] if base and rec is not base else None
            rows.append([label(name, r.inputs), tool, dur(rec["median"]), rate(words / rec["median"], "words/s"),
                         ratio(vs) if vs else "", size(rec["maxrss"]) if rec.get("maxrss") else "–"])
    return table(["corpus", "every word with its attributes", "median", "words/s", "time vs strata scan", "peak RSS"],
                 rows, ["l", "l", "r", "r", "r", "r"])


def cores_table(r):
    rows = []
    recs = r.all("cores")
    groups = {}
    for rec in recs:
        key = (rec["input"], rec["tool"].replace(" -j 1", "").replace(" -j 2", "").replace(", 1 thread", "").replace(", 2 threads", ""))
        groups.setdefault(key, {})[rec.get("jobs")] = rec
    for (name, tool), g in groups.items():
        one, two = g.get(1), g.get(2)
        if not one or not two:
            continue
        rows.append([label(name, r.inputs), tool, dur(one["median"]), dur(two["median"]), f"{one['median'] / two['median']:.2f}×"])
    return table(["input", "work", "1 core", "2 cores", "speed-up"], rows, ["l", "l", "r", "r", "r"])


def memory_table(r):
    rows = []
    for name in r.order():
        rec = r.get("convert", name, "strata convert")
        ex = r.get("convert", name, "strata export")
        if rec:
            rows.append([label(name, r.inputs), size(r.inputs[name]["bytes"]), size(rec["maxrss"]) if rec.get("maxrss") else "–",
                         size(ex["maxrss"]) if ex and ex.get("maxrss") else "–"])
    return table(["input", "input size", "strata convert, peak RSS", "strata export, peak RSS"], rows, ["l", "r", "r", "r"])


def machine(r):
    m = r.res["machine"]
    o = r.res["options"]
    lines = [
        f"- measured {m.get('date')}, commit `{m.get('commit', '?')}`, {o['reps']} repetitions per timing (medians), "
        f"suite time {r.res.get('elapsed_seconds', 0) / 60:.0f} min",
        f"- CPU: {m.get('cpu', '?')}, {m.get('cores')} cores; {m.get('memory_gb', '?')} GB RAM; {m.get('os')}",
        f"- {m.get('rustc', 'rustc ?')}; Python {m.get('python')}; {m.get('zstd', '').strip('* ')}; {m.get('gzip', '')}",
    ]
    if m.get("peers"):
        lines.append("- peers: " + ", ".join(f"{k} {v}" for k, v in m["peers"].items()))
    if m.get("load_average"):
        la = m["load_average"]
        lines.append(f"- load average at the end of the run: {la[0]:.2f} {la[1]:.2f} {la[2]:.2f} (other work was running on this machine)")
    return "\n".join(lines)


def headline(r):
    """The few ratios the README quotes."""
    out = {}
    n = "ewt-dev" if r.get("size", "ewt-dev", "strata") else (r.peer_inputs() or [None])[0]
    if n:
        s = r.get("size", n, "strata")
        z = r.get("size", n, "strata --compress 19")
        for fmt in ("CoNLL-U", "Arrow IPC", "spaCy DocBin", "Parquet zstd", "CoNLL-U zstd -19", "Arrow IPC zstd", "CoNLL-U gzip -6"):
            x = r.get("size", n, fmt)
            if x:
                out[f"size:{fmt}"] = x["bytes_per_word"]
        out["size:strata"] = s["bytes_per_word"]
        out["size:strata --compress 19"] = z["bytes_per_word"] if z else None
        c = r.get("convert", n, "strata convert")
        for tool in ("conllu (Python) parse", "spaCy DocBin build+save", "Arrow IPC build+write"):
            x = r.get("convert", n, tool)
            if x and c:
                out[f"convert:{tool}"] = x["median"] / c["median"]
        sc = r.get("scan", n, "strata scan")
        for tool, wl in (("spaCy DocBin load (all)", "open"), ("spaCy DocBin load + every token", "scan"),
                         ("Arrow IPC read + every row (Python)", "scan")):
            x = r.get(wl, n, tool)
            if x and sc:
                out[f"scan:{tool}"] = x["median"] / sc["median"]
        out["words_per_s:strata convert"] = r.words(n) / c["median"] if c else None
        out["words_per_s:strata scan"] = r.words(n) / sc["median"] if sc else None
    # The speed targets hold per core, on a treebank the size of
    # EWT train: one process per conversion, on one core and on two.
    x = next((n for n in r.order("conllu") if n.startswith("ewt-") and n != "ewt-dev"), None)
    if x and r.words(x):
        out["per_core:input"] = x
        for key, wl, tool in (("import -j 1", "cores", "strata convert -j 1"),
                              ("import -j 2", "cores", "strata convert -j 2"),
                              ("export -j 1", "cores", "strata export -j 1"),
                              ("import in process", "convert", "strata-conllu import, built and written (in process)"),
                              ("export in process", "convert", "strata-conllu export (in process)")):
            rec = r.get(wl, x, tool)
            out[f"per_core:{key}"] = r.words(x) / rec["median"] if rec else None
    opens = sorted(r.all("open", tool="strata Corpus::open"), key=lambda x: x["file_bytes"])
    if len(opens) >= 2:
        out["open:smallest"] = (opens[0]["file_bytes"], opens[0]["median"])
        out["open:largest"] = (opens[-1]["file_bytes"], opens[-1]["median"])
    return out


def headline_md(r):
    h = headline(r)
    lines = []
    if "size:strata" in h:
        lines.append(
            f"- **Size** (UD EWT dev, bytes per word): strata {h['size:strata']:.1f} uncompressed against CoNLL-U "
            f"{h.get('size:CoNLL-U', 0):.1f} and Arrow IPC {h.get('size:Arrow IPC', 0):.1f}; with `--compress 19` "
            f"{h.get('size:strata --compress 19') or 0:.1f} against spaCy DocBin {h.get('size:spaCy DocBin', 0):.1f}, "
            f"Parquet zstd {h.get('size:Parquet zstd', 0):.1f} and `zstd -19` of the CoNLL-U "
            f"{h.get('size:CoNLL-U zstd -19', 0):.1f} (which keeps everything but gives no random access).")
    if "convert:conllu (Python) parse" in h:
        lines.append(
            f"- **Conversion**: `strata convert` reads CoNLL-U at {rate(h['words_per_s:strata convert'], 'words/s')} "
            f"(file to file, a new process each time), {h['convert:conllu (Python) parse']:.0f}× the speed of parsing "
            f"with the Python `conllu` package and {h.get('convert:spaCy DocBin build+save', 0):.0f}× building a DocBin.")
    if h.get("per_core:import -j 1"):
        x = h["per_core:input"]
        lines.append(
            f"- **Per core**, on a treebank of the size of EWT train (UD EWT dev ×{r.inputs[x].get('copies')}, "
            f"{r.words(x):,} words): `strata convert` imports "
            f"{rate(h['per_core:import -j 1'], 'words/s')} on one core, file to file with a new process "
            f"({rate(h.get('per_core:import in process'), 'words/s')} parsing, building and encoding in process; "
            f"{rate(h.get('per_core:import -j 2'), 'words/s')} on two cores), and exports "
            f"{rate(h.get('per_core:export -j 1'), 'words/s')} on one core "
            f"({rate(h.get('per_core:export in process'), 'words/s')} in process).")
    if "scan:spaCy DocBin load (all)" in h:
        lines.append(
            f"- **Reading**: every word with all its attributes at {rate(h['words_per_s:strata scan'], 'words/s')}: "
            f"{h['scan:spaCy DocBin load (all)']:.0f}× faster than loading the DocBin (which only builds the Docs) "
            f"and {h.get('scan:spaCy DocBin load + every token', 0):.0f}× faster than visiting its tokens.")
    if "open:largest" in h:
        (b0, t0), (b1, t1) = h["open:smallest"], h["open:largest"]
        lines.append(
            f"- **Open**: {dur(t0)} for a {size(b0)} file, {dur(t1)} for a {size(b1)} file "
            f"({b1 / b0:.0f}× larger, {t1 / t0:.2f}× the time).")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Plots


def plots(r, outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(outdir, exist_ok=True)
    plt.rcParams.update({"font.size": 10, "axes.spines.top": False, "axes.spines.right": False})
    made = []

    # 1. Throughput by input size.
    fig, ax = plt.subplots(figsize=(8, 4.8), dpi=110)
    series = [
        ("floor", "cat > /dev/null", "tagged", "cat (floor)", "0.6", "--", "o"),
        ("floor", "wc -l", "tagged", "wc -l", "0.75", ":", "o"),
        ("convert", "strata convert", "tagged", "strata convert, tagged articles", "tab:blue", "-", "o"),
        ("convert", "strata export", "tagged", "strata export, tagged", "tab:blue", "--", "s"),
        ("convert", "strata convert", "conllu", "strata convert, CoNLL-U", "tab:red", "-", "o"),
        ("convert", "strata export", "conllu", "strata export, CoNLL-U", "tab:red", "--", "s"),
        ("convert", "conllu (Python) parse", "conllu", "conllu package parse", "tab:green", "-", "^"),
        ("convert", "spaCy DocBin build+save", "conllu", "spaCy DocBin build + save", "tab:purple", "-", "D"),
        ("convert", "Arrow IPC build+write", "conllu", "Arrow IPC build + write", "tab:orange", "-", "v"),
    ]
    for wl, tool, kind, lab, color, ls, mk in series:
        pts = []
        for name in r.order(kind):
            if name.startswith("ewt-"):
                continue
            rec = r.get(wl, name, tool)
            if rec:
                pts.append((r.inputs[name]["bytes"] / MB, mbps(rec, name, r)))
        if pts:
            xs, ys = zip(*pts)
            ax.plot(xs, ys, ls, marker=mk, color=color, label=lab, lw=2 if "strata" in lab else 1.3)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("input size (MB, generated corpora)")
    ax.set_ylabel("throughput (MB of input per second)")
    ax.set_title("Conversion throughput by input size (higher is better)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    fig.tight_layout()
    p = os.path.join(outdir, "throughput.png")
    fig.savefig(p)
    plt.close(fig)
    made.append(p)

    # 2. Bytes per word by format.
    n = r.peer_inputs()[0]
    recs = [r.get("size", n, f) for f in SIZE_ORDER]
    recs = sorted([x for x in recs if x], key=lambda x: x["bytes_per_word"])
    fig, ax = plt.subplots(figsize=(8, 4.8), dpi=110)
    names = [x["tool"] for x in recs]
    vals = [x["bytes_per_word"] for x in recs]
    colors = ["tab:red" if t.startswith("strata") else ("0.55" if t in COMPRESSED else "0.75") for t in names]
    bars = ax.barh(names, vals, color=colors)
    for b, v in zip(bars, vals):
        ax.text(v + max(vals) * 0.01, b.get_y() + b.get_height() / 2, f"{v:.1f}", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("bytes per word (lower is better)")
    ax.set_title(f"File size per word, {label(n, r.inputs)}, {r.words(n):,} words\n"
                 "red: strata; dark grey: compressed peers; light grey: uncompressed peers", fontsize=10)
    fig.tight_layout()
    p = os.path.join(outdir, "bytes_per_word.png")
    fig.savefig(p)
    plt.close(fig)
    made.append(p)

    # 3. Open time by file size.
    fig, ax = plt.subplots(figsize=(8, 4.8), dpi=110)
    opens = sorted(r.all("open", tool="strata Corpus::open"), key=lambda x: x["file_bytes"])
    xs = [x["file_bytes"] / MB for x in opens]
    ax.plot(xs, [x["median"] * 1e6 for x in opens], "-o", color="tab:red", lw=2, label="strata Corpus::open (median)")
    ax.plot(xs, [x["p99"] * 1e6 for x in opens], ":", marker=".", color="tab:red", lw=1, label="strata Corpus::open (p99)")
    for tool, color, mk in (("Arrow IPC open (mmap)", "tab:orange", "v"), ("Parquet open (footer)", "tab:olive", "s"),
                            ("spaCy DocBin load (all)", "tab:purple", "D")):
        pts = sorted((x["file_bytes"] / MB, x["median"] * 1e6) for x in r.all("open", tool=tool))
        if pts:
            px, py = zip(*pts)
            ax.plot(px, py, "-", marker=mk, color=color, label=tool)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("file size (MB)")
    ax.set_ylabel("time to open (µs, log)")
    ax.set_title("Open time by file size (flat is the goal; lower is better)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    p = os.path.join(outdir, "open_time.png")
    fig.savefig(p)
    plt.close(fig)
    made.append(p)
    return made


# ---------------------------------------------------------------------------


def make(results_path, root, python=None):
    with open(results_path) as f:
        res = json.load(f)
    r = R(res)
    outdir = os.path.join(root, "docs", "bench")
    try:
        made = plots(r, outdir)
        print("[report] plots: " + ", ".join(os.path.relpath(p, root) for p in made), file=sys.stderr)
    except ImportError:
        print("[report] matplotlib is missing: no plots", file=sys.stderr)
    values = {
        "machine": machine(r),
        "headline": headline_md(r),
        "sizes": ", ".join(f"{s} MB" for s in res["options"]["sizes"]),
        "table_size": size_table(r),
        "table_breakdown": breakdown_table(r),
        "table_convert_conllu": convert_table(r, "conllu"),
        "table_convert_tagged": convert_table(r, "tagged"),
        "table_annotate": annotate_table(r),
        "table_open": open_table(r),
        "table_access": access_table(r),
        "table_scan": scan_table(r),
        "table_cores": cores_table(r),
        "table_memory": memory_table(r),
    }
    with open(os.path.join(HERE, "BENCHMARKS.md.in")) as f:
        text = f.read()
    for k, v in values.items():
        text = text.replace("{{" + k + "}}", v)
    with open(os.path.join(root, "BENCHMARKS.md"), "w") as f:
        f.write(text)
    with open(os.path.join(os.path.dirname(results_path), "headline.json"), "w") as f:
        json.dump(headline(r), f, indent=1)
    print(f"[report] wrote {os.path.join(root, 'BENCHMARKS.md')}", file=sys.stderr)


if __name__ == "__main__":
    make(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else os.path.abspath(os.path.join(HERE, "..", "..", "..")))
