/**
 * Reads the dashboard folders of one commit through git (`ls-tree`, `cat-file`), never the
 * working tree, so uncommitted edits are not live. Symlinks are followed only inside the
 * commit's tree; one pointing outside the repository is refused.
 */
import { listTree, readBlobs, type TreeEntry } from "./git.js";
import {
  LAYOUT_ROOTS,
  type SourceFile,
  type SourceLimits,
  type SourceSnapshot,
  SYMLINK_ESCAPES,
  tooLarge,
} from "./source-files.js";

const SYMLINK_REASONS = {
  symlink: SYMLINK_ESCAPES,
  dangling: "symlink points to nothing in the commit",
  loop: "symlink loop",
  notdir: "symlink points through a file",
} as const;

export async function readGitSnapshot(
  repoDir: string,
  commit: string,
  limits: SourceLimits,
): Promise<SourceSnapshot> {
  const files: SourceFile[] = [];
  const entries: TreeEntry[] = [];
  for (const entry of await listTree(repoDir, commit, LAYOUT_ROOTS)) {
    if (entry.type !== "blob") continue;
    // cat-file takes one path per line: a name with a line break would shift every answer.
    if ([...entry.path].some((c) => c.charCodeAt(0) < 0x20)) {
      files.push({
        path: JSON.stringify(entry.path),
        ok: false,
        problem: "file name has control characters",
        unsafe: true,
      });
    } else {
      entries.push(entry);
    }
  }
  const considered = entries.slice(0, limits.maxFiles);
  for (const skipped of entries.slice(limits.maxFiles)) {
    files.push({
      path: skipped.path,
      ok: false,
      problem: `more than ${limits.maxFiles} files; not read`,
    });
  }
  const blobs = await readBlobs(
    repoDir,
    commit,
    considered.map((e) => e.path),
    limits.maxFileBytes,
  );
  for (const entry of considered) {
    const found = blobs.get(entry.path);
    if (!found || found.kind === "missing") {
      files.push({ path: entry.path, ok: false, problem: "cannot be read from the commit" });
    } else if (found.kind === "bad-symlink") {
      const problem = SYMLINK_REASONS[found.reason];
      files.push(
        found.reason === "symlink"
          ? { path: entry.path, ok: false, problem, unsafe: true }
          : { path: entry.path, ok: false, problem },
      );
    } else if (found.kind === "other") {
      files.push({ path: entry.path, ok: false, problem: `is a ${found.type}, not a file` });
    } else if (found.content === null) {
      files.push({ path: entry.path, ok: false, problem: tooLarge(found.size, limits) });
    } else {
      files.push({ path: entry.path, ok: true, text: found.content.toString("utf8") });
    }
  }
  return { revision: commit, files };
}
