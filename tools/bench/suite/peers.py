"""The peers of the benchmark suite, one task per process.

    python peers.py TASK [args...]

prints one JSON object on standard output. Each task times its own work
in-process with time.perf_counter (interpreter start-up and imports are not
counted), repeats it --reps times, and reports the peak resident set of the
process (ru_maxrss, which includes the imported libraries).

Tasks (FILE is CoNLL-U unless said otherwise):
  conllu-parse FILE               the `conllu` package: parse_incr over the file
  docbin-build FILE OUT           CoNLL-U -> spaCy Docs -> DocBin file
  docbin-load FILE.spacy          DocBin.from_disk + get_docs (every Doc built)
  docbin-scan FILE.spacy          load, then every token with its attributes
  arrow-build FILE OUTDIR         CoNLL-U -> Arrow table -> IPC, IPC+zstd, Parquet+zstd
  arrow-open FILE                 open an IPC file (memory map) or Parquet file
  arrow-load FILE                 read the whole table (IPC: memory map)
  arrow-scan FILE                 read the table, then every row with its columns
  arrow-access FILE               one random document (rows of one doc id)
  docbin-access FILE.spacy        one random document (needs a full load first)
  spacy-annotate FILE.txt         spacy.blank("en") + sentencizer over tagged articles
"""

import argparse
import gc
import json
import os
import random
import resource
import sys
import time


def maxrss_bytes():
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r * 1024 if sys.platform != "darwin" else r


def timed(fn, reps):
    out = []
    result = None
    for _ in range(max(1, reps)):
        gc.collect()
        t = time.perf_counter()
        result = fn()
        out.append(time.perf_counter() - t)
    return out, result


def summary(times):
    s = sorted(times)
    n = len(s)

    def rank(q):
        import math

        return s[min(n, max(1, math.ceil(q * n))) - 1]

    return {"n": n, "median": rank(0.5), "p99": rank(0.99), "p999": rank(0.999), "min": s[0], "max": s[-1]}


# ---------------------------------------------------------------------------
# A minimal CoNLL-U reader for building the peers' files (not timed as
# "parsing": the `conllu` package is the Python parser that is measured).


def read_conllu(path):
    """Yields documents: lists of sentences; a sentence is (comments, rows),
    a row the list of ten column strings. `# newdoc` starts a document."""
    doc = []
    comments, rows = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if rows:
                    if any(c.startswith("# newdoc") for c in comments) and doc:
                        yield doc
                        doc = []
                    doc.append((comments, rows))
                comments, rows = [], []
            elif line.startswith("#"):
                comments.append(line)
            else:
                rows.append(line.split("\t"))
    if rows:
        doc.append((comments, rows))
    if doc:
        yield doc


def spacy_doc(vocab, sentences):
    """One spaCy Doc for one CoNLL-U document: integer words as tokens
    (multiword tokens are split into their words, empty nodes dropped),
    with tags, POS, morphology, lemmas, heads and dependency labels."""
    from spacy.tokens import Doc

    words, spaces, tags, pos, morphs, lemmas, heads, deps = [], [], [], [], [], [], [], []
    for _comments, rows in sentences:
        base = len(words)
        mwt_end, mwt_space = 0, True
        for r in rows:
            wid = r[0]
            if "." in wid:
                continue
            misc = r[9]
            if "-" in wid:
                a, b = wid.split("-")
                mwt_end = int(b)
                mwt_space = "SpaceAfter=No" not in misc
                continue
            i = int(wid)
            if i <= mwt_end:
                space = mwt_space if i == mwt_end else False
            else:
                space = "SpaceAfter=No" not in misc
            words.append(r[1])
            spaces.append(space)
            tags.append(r[4] if r[4] != "_" else "")
            pos.append(r[3] if r[3] != "_" else "X")
            morphs.append(r[5] if r[5] != "_" else "")
            lemmas.append(r[2])
            h = r[6]
            heads.append(base + int(h) - 1 if h not in ("_", "0") else base + i - 1)
            deps.append(r[7] if r[7] != "_" else "dep")
    return Doc(vocab, words=words, spaces=spaces, tags=tags, pos=pos, morphs=morphs, lemmas=lemmas, heads=heads, deps=deps)


# ---------------------------------------------------------------------------


def conllu_parse(a):
    import conllu

    def run():
        words = 0
        with open(a.file, encoding="utf-8") as f:
            for sent in conllu.parse_incr(f):
                words += sum(1 for t in sent if isinstance(t["id"], int))
        return words

    times, words = timed(run, a.reps)
    return {"words": words, "seconds": times}


def docbin_build(a):
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")

    def run():
        t0 = time.perf_counter()
        db = DocBin()
        words = 0
        for sentences in read_conllu(a.file):
            d = spacy_doc(nlp.vocab, sentences)
            words += len(d)
            db.add(d)
        t1 = time.perf_counter()
        db.to_disk(a.out)
        return words, t1 - t0

    times, (words, build) = timed(run, a.reps)
    return {"words": words, "seconds": times, "bytes": os.path.getsize(a.out), "build_seconds_last": build}


def docbin_load(a):
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")

    def run():
        db = DocBin().from_disk(a.file)
        return sum(len(d) for d in db.get_docs(nlp.vocab))

    times, words = timed(run, a.reps)
    return {"words": words, "seconds": times}


def docbin_scan(a):
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")

    def run():
        db = DocBin().from_disk(a.file)
        n = 0
        acc = 0
        for d in db.get_docs(nlp.vocab):
            for t in d:
                acc += len(t.text) + len(t.lemma_) + len(t.pos_) + len(t.tag_) + len(str(t.morph)) + len(t.dep_) + t.head.i
                acc += len(t.whitespace_)
                n += 1
        return n

    times, words = timed(run, a.reps)
    return {"words": words, "seconds": times}


def docbin_access(a):
    """DocBin has no random access: a pick costs a full load; after the
    load, a pick is a list index. Both are reported."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    t = time.perf_counter()
    docs = list(DocBin().from_disk(a.file).get_docs(nlp.vocab))
    load = time.perf_counter() - t
    rng = random.Random(a.seed)
    picks = []
    for _ in range(a.picks):
        i = rng.randrange(len(docs))
        t = time.perf_counter()
        d = docs[i]
        acc = sum(len(tok.text) + len(tok.lemma_) + len(tok.pos_) + len(tok.dep_) for tok in d)
        picks.append(time.perf_counter() - t)
    return {"docs": len(docs), "load_seconds": load, "after_load": summary(picks), "picks": a.picks, "check": acc}


COLUMNS = ["id", "form", "lemma", "upos", "xpos", "feats", "head", "deprel", "deps", "misc"]


def arrow_table(path):
    import pyarrow as pa

    cols = {c: [] for c in COLUMNS}
    doc_ids, sent_ids = [], []
    d = s = 0
    for sentences in read_conllu(path):
        for _comments, rows in sentences:
            for r in rows:
                for c, v in zip(COLUMNS, r):
                    cols[c].append(v)
                doc_ids.append(d)
                sent_ids.append(s)
            s += 1
        d += 1
    arrays = [pa.array(doc_ids, pa.int32()), pa.array(sent_ids, pa.int32())]
    arrays += [pa.array(cols[c], pa.string()).dictionary_encode() for c in COLUMNS]
    return pa.table(arrays, names=["doc", "sentence"] + COLUMNS)


def arrow_build(a):
    import pyarrow as pa
    import pyarrow.ipc as ipc
    import pyarrow.parquet as pq

    os.makedirs(a.out, exist_ok=True)
    stem = os.path.join(a.out, os.path.splitext(os.path.basename(a.file))[0])
    paths = {"ipc": stem + ".arrow", "ipc_zstd": stem + ".zstd.arrow", "parquet_zstd": stem + ".parquet"}

    def write_ipc(table, path, compression):
        opts = ipc.IpcWriteOptions(compression=compression)
        with pa.OSFile(path, "wb") as sink:
            with ipc.new_file(sink, table.schema, options=opts) as w:
                w.write_table(table, max_chunksize=64 * 1024)

    seconds = {k: [] for k in ["table", "ipc", "ipc_zstd", "parquet_zstd"]}
    table = None
    for _ in range(max(1, a.reps)):
        gc.collect()
        t = time.perf_counter()
        table = arrow_table(a.file)
        seconds["table"].append(time.perf_counter() - t)
        t = time.perf_counter()
        write_ipc(table, paths["ipc"], None)
        seconds["ipc"].append(time.perf_counter() - t)
        t = time.perf_counter()
        write_ipc(table, paths["ipc_zstd"], "zstd")
        seconds["ipc_zstd"].append(time.perf_counter() - t)
        t = time.perf_counter()
        pq.write_table(table, paths["parquet_zstd"], compression="zstd", row_group_size=1 << 20)
        seconds["parquet_zstd"].append(time.perf_counter() - t)
    ids = table.column("id").cast(pa.string()).to_pylist()
    words = sum(1 for v in ids if v.isdigit())
    return {
        "rows": table.num_rows,
        "words": words,
        "paths": paths,
        "bytes": {k: os.path.getsize(p) for k, p in paths.items()},
        "seconds": seconds,
    }


def _is_parquet(path):
    return path.endswith(".parquet")


def arrow_open(a):
    import pyarrow as pa
    import pyarrow.ipc as ipc
    import pyarrow.parquet as pq

    def run():
        if _is_parquet(a.file):
            f = pq.ParquetFile(a.file)
            return f.metadata.num_rows
        src = pa.memory_map(a.file, "r")
        r = ipc.open_file(src)
        n = r.num_record_batches
        return n

    run()
    times = []
    for _ in range(a.n):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return {"open": summary(times)}


def _read_table(path):
    import pyarrow as pa
    import pyarrow.ipc as ipc
    import pyarrow.parquet as pq

    if _is_parquet(path):
        return pq.read_table(path)
    return ipc.open_file(pa.memory_map(path, "r")).read_all()


def arrow_load(a):
    times, rows = timed(lambda: _read_table(a.file).num_rows, a.reps)
    return {"rows": rows, "seconds": times}


def arrow_scan(a):
    def run():
        table = _read_table(a.file)
        cols = [table.column(c).to_pylist() for c in table.column_names]
        acc = 0
        n = 0
        for row in zip(*cols):
            acc += row[0] + row[1] + sum(len(v) for v in row[2:])
            n += 1
        return n

    times, rows = timed(run, a.reps)
    return {"rows": rows, "seconds": times}


def arrow_access(a):
    """Open the IPC file by memory map, find the rows of the document by a
    binary search over the sorted `doc` column (read once after opening,
    reported as index_seconds), and read every column of those rows."""
    import bisect

    import pyarrow as pa
    import pyarrow.ipc as ipc

    t = time.perf_counter()
    table = ipc.open_file(pa.memory_map(a.file, "r")).read_all()
    doc = table.column("doc").to_pylist()
    index = time.perf_counter() - t
    ndocs = doc[-1] + 1
    rng = random.Random(a.seed)
    picks = []
    for _ in range(a.picks):
        d = rng.randrange(ndocs)
        t = time.perf_counter()
        lo = bisect.bisect_left(doc, d)
        hi = bisect.bisect_right(doc, d)
        rows = table.slice(lo, hi - lo).to_pydict()
        picks.append(time.perf_counter() - t)
    return {"docs": ndocs, "index_seconds": index, "pick": summary(picks), "picks": a.picks, "check": len(rows)}


def split_articles(path):
    """Tagged articles: a header line starting with ` date ` begins one."""
    arts, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(" date ") and cur:
                arts.append("".join(cur))
                cur = []
            cur.append(line)
    if cur:
        arts.append("".join(cur))
    return arts


def spacy_annotate(a):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    texts = split_articles(a.file)

    def run():
        toks = sents = 0
        for d in nlp.pipe(texts, batch_size=64):
            toks += sum(1 for t in d if not t.is_space)
            sents += sum(1 for _ in d.sents)
        return toks, sents

    times, (toks, sents) = timed(run, a.reps)
    return {"docs": len(texts), "text_bytes": sum(len(t.encode()) for t in texts), "tokens": toks, "sentences": sents, "seconds": times}


TASKS = {
    "conllu-parse": conllu_parse,
    "docbin-build": docbin_build,
    "docbin-load": docbin_load,
    "docbin-scan": docbin_scan,
    "docbin-access": docbin_access,
    "arrow-build": arrow_build,
    "arrow-open": arrow_open,
    "arrow-load": arrow_load,
    "arrow-scan": arrow_scan,
    "arrow-access": arrow_access,
    "spacy-annotate": spacy_annotate,
}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("task", choices=sorted(TASKS))
    p.add_argument("file")
    p.add_argument("out", nargs="?")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--picks", type=int, default=2000)
    p.add_argument("--seed", type=int, default=20250001)
    a = p.parse_args()
    result = TASKS[a.task](a)
    result["task"] = a.task
    result["file"] = a.file
    result["maxrss_bytes"] = maxrss_bytes()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
