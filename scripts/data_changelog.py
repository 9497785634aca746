"""Generate CHANGELOG-data.md from the git history of the atlas data folder — never written by hand.

For each data release (a change of ``version`` in ``release.yaml``, or a git tag on a commit touching the
data) and, within it, for each day with data commits, the changelog lists the clusters added, removed and
changed and the figures corrected (a claim's value, range, bound, unit or period, old → new), plus counts of
claims, sources, industries, markets and register entries added, removed or changed. Commits after the last
release are listed as *Unreleased*. Newest first. The data at each commit is read from git objects (no
checkout), through :mod:`clusteratlas.diff`.

Usage::

    python scripts/data_changelog.py                  # writes CHANGELOG-data.md at the repository root
    python scripts/data_changelog.py --check          # exit 1 when CHANGELOG-data.md is not up to date
    python scripts/data_changelog.py --repo R --data-path src/clusteratlas/data --out -   # to stdout
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from clusteratlas.diff import Snapshot, diff_snapshots, is_data_file, snapshot_from_files, summarise
from clusteratlas.errors import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
DATA_PATH = "src/clusteratlas/data"
#: How many ids a line lists before it says "and N more".
MAX_IDS = 40


def _git(repo: Path, *args: str, input_: bytes | None = None) -> bytes:
    res = subprocess.run(["git", "-C", str(repo), *args], input=input_, capture_output=True, check=False)
    if res.returncode != 0:
        raise SystemExit(f"Error: git {' '.join(args[:2])} failed: {res.stderr.decode(errors='replace').strip()}")
    return res.stdout


@dataclass
class Commit:
    sha: str
    date: str
    subject: str
    tags: list[str] = field(default_factory=list)


def data_commits(repo: Path, data_path: str) -> list[Commit]:
    """Commits touching ``data_path``, oldest first (first-parent history, so merges count once)."""
    out = _git(repo, "log", "--reverse", "--first-parent", "--format=%H%x09%cs%x09%s", "--", data_path)
    commits = []
    for line in out.decode("utf-8", "replace").splitlines():
        sha, date, subject = line.split("\t", 2)
        commits.append(Commit(sha, date, subject))
    tags = _git(repo, "tag", "--list", "--format=%(objectname) %(*objectname) %(refname:short)").decode()
    by_sha: dict[str, list[str]] = {}
    for line in tags.splitlines():
        parts = line.split()
        if len(parts) == 3:
            by_sha.setdefault(parts[1], []).append(parts[2])  # annotated: the tagged commit
        elif len(parts) == 2:
            by_sha.setdefault(parts[0], []).append(parts[1])
    for c in commits:
        c.tags = sorted(by_sha.get(c.sha, []))
    return commits


def snapshot_at(repo: Path, sha: str, data_path: str) -> Snapshot:
    """The data at a commit, read with ``git ls-tree`` and ``git cat-file --batch``."""
    listing = _git(repo, "ls-tree", "-r", "--full-tree", sha, "--", data_path).decode("utf-8", "replace")
    wanted: list[tuple[str, str]] = []
    prefix = data_path.rstrip("/") + "/"
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        rel = path[len(prefix):] if path.startswith(prefix) else path
        if meta.split()[1] == "blob" and is_data_file(rel):
            wanted.append((rel, meta.split()[2]))
    if not wanted:
        return Snapshot()
    raw = _git(repo, "cat-file", "--batch", input_="\n".join(obj for _, obj in wanted).encode() + b"\n")
    files, pos = {}, 0
    for rel, _ in wanted:
        header_end = raw.index(b"\n", pos)
        size = int(raw[pos:header_end].split()[2])
        files[rel] = raw[header_end + 1: header_end + 1 + size].decode("utf-8", "replace")
        pos = header_end + 1 + size + 1
    return snapshot_from_files(files, where=f"{sha[:10]}:{data_path}")


def versions_at(repo: Path, shas: list[str], data_path: str) -> dict[str, str | None]:
    """The ``version`` of ``release.yaml`` at each commit (None where the file is absent or unreadable)."""
    if not shas:
        return {}
    path = data_path.rstrip("/") + "/release.yaml"
    raw = _git(repo, "cat-file", "--batch", input_="\n".join(f"{sha}:{path}" for sha in shas).encode() + b"\n")
    out: dict[str, str | None] = {}
    pos = 0
    for sha in shas:
        header_end = raw.index(b"\n", pos)
        header = raw[pos:header_end].split()
        if header[-1] == b"missing":
            out[sha], pos = None, header_end + 1
            continue
        size = int(header[2])
        text = raw[header_end + 1: header_end + 1 + size].decode("utf-8", "replace")
        pos = header_end + 1 + size + 1
        try:
            out[sha] = snapshot_from_files({"release.yaml": text}).version
        except DataValidationError:
            out[sha] = None
    return out


def _ids(ids: list[str]) -> str:
    shown = ", ".join(f"`{i}`" for i in ids[:MAX_IDS])
    return shown + (f" and {len(ids) - MAX_IDS} more" if len(ids) > MAX_IDS else "")


def _fmt(v) -> str:
    return "∅" if v is None else f"{v:g}" if isinstance(v, float) else str(v)


def section_lines(summary: dict, first: bool) -> list[str]:
    """Markdown bullet lines for one range of commits."""
    lines = []
    added, removed, changed = summary["clusters_added"], summary["clusters_removed"], summary["clusters_changed"]
    if first:
        lines.append(f"- First data: {len(added)} clusters, {summary['claims_added']} claims, "
                     f"{summary.get('sources_added', 0)} sources, {summary.get('industrys_added', 0)} industries.")
        return lines
    if added:
        lines.append(f"- Clusters added ({len(added)}): {_ids(added)}")
    if removed:
        lines.append(f"- Clusters removed ({len(removed)}): {_ids(removed)}")
    if changed:
        lines.append(f"- Clusters changed ({len(changed)}): {_ids(changed)}")
    # values first, then the other figure fields (bound, unit, period)
    figures = sorted(summary["figures_corrected"], key=lambda f: not ({"value", "value_max"} & set(f["changes"])))
    if figures:
        lines.append(f"- Figures corrected ({len(figures)}):")
        for f in figures[:MAX_IDS]:
            what = "; ".join(f"{k} {_fmt(a)} → {_fmt(b)}" for k, (a, b) in f["changes"].items())
            lines.append(f"  - `{f['id']}` {f['claim']}: {what}")
        if len(figures) > MAX_IDS:
            lines.append(f"  - and {len(figures) - MAX_IDS} more")
    counts = []
    for key, label in (("claims", "claims"), ("sources", "sources"), ("industrys", "industries"),
                       ("markets", "markets"), ("register_entrys", "register entries")):
        parts = [f"{summary.get(f'{key}_{c}', 0)} {c}" for c in ("added", "removed", "changed")
                 if summary.get(f"{key}_{c}", 0)]
        if parts:
            counts.append(f"{label} {', '.join(parts)}")
    if counts:
        lines.append("- " + "; ".join(counts) + ".")
    return lines or ["- No change to clusters, claims or sources (other data files only)."]


def build_changelog(repo: Path, data_path: str = DATA_PATH) -> str:
    """The changelog text for the repository at ``repo``."""
    commits = data_commits(repo, data_path)
    cache: dict[str, Snapshot] = {}

    def snap(sha: str | None) -> Snapshot:
        if sha is None:
            return Snapshot()
        if sha not in cache:
            try:
                cache[sha] = snapshot_at(repo, sha, data_path)
            except DataValidationError as exc:  # a broken commit in history: compare around it
                print(f"warning: {exc}", file=sys.stderr)
                cache[sha] = Snapshot()
        return cache[sha]

    # releases: a new one ends where the version in release.yaml changes or a commit is tagged
    releases: list[tuple[str | None, list[Commit]]] = []
    current: list[Commit] = []
    version_before = None
    versions = versions_at(repo, [c.sha for c in commits], data_path)
    for c in commits:
        current.append(c)
        version = versions[c.sha]
        if c.tags or (version is not None and version != version_before):
            releases.append((" / ".join(c.tags) if c.tags else version, current))
            current = []
        version_before = version
    if current:
        releases.append((None, current))

    out = ["# Data changelog", "",
           f"Generated by `python scripts/data_changelog.py` from the git history of `{data_path}`; do not edit "
           "by hand. Per data release (the `version` of `release.yaml`, or a git tag), newest first, and within "
           "each release per day of commits: clusters added, removed and changed, and figures corrected "
           "(old → new). `clusteratlas diff OLD NEW` gives every field.", ""]
    sections: list[list[str]] = []
    previous: str | None = None
    for name, group in releases:
        days: dict[str, list[Commit]] = {}
        for c in group:
            days.setdefault(c.date, []).append(c)
        title = f"## {name} ({group[-1].date})" if name else "## Unreleased"
        body = [title, ""]
        day_parts = []
        for date, day in days.items():
            rows = diff_snapshots(snap(previous), snap(day[-1].sha))
            day_parts.append([f"### {date} — {len(day)} commit(s), {day[0].sha[:10]}..{day[-1].sha[:10]}", "",
                              *section_lines(summarise(rows), first=previous is None), ""])
            previous = day[-1].sha
        for part in reversed(day_parts):
            body += part
        sections.append(body)
    for body in reversed(sections):
        out += body
    if not commits:
        out += ["No data commits yet.", ""]
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", type=Path, default=ROOT, help="The git repository (default: this checkout).")
    ap.add_argument("--data-path", default=DATA_PATH, help="The data folder inside the repository.")
    ap.add_argument("--out", default=None, help="Where to write (default: CHANGELOG-data.md in --repo; - for stdout).")
    ap.add_argument("--check", action="store_true", help="Exit 1 when the file differs from what would be written.")
    args = ap.parse_args(argv)
    text = build_changelog(args.repo, args.data_path)
    if args.out == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args.out) if args.out else args.repo / "CHANGELOG-data.md"
    if args.check:
        same = target.is_file() and target.read_text("utf-8") == text
        print(f"{target}: {'up to date' if same else 'out of date; run python scripts/data_changelog.py'}",
              file=sys.stderr)
        return 0 if same else 1
    from clusteratlas.tables import atomic_write

    with atomic_write(target, "w") as fh:
        fh.write(text)
    print(f"Wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
