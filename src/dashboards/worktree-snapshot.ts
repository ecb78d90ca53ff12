/**
 * Reads the dashboard folders from the working tree (`ref: WORKTREE`), for authors previewing
 * uncommitted changes. Mirrors the git reader's rules: symlinks may point anywhere inside the
 * repository but never outside it, and large files are refused before being read.
 */
import type { Dirent } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import {
  LAYOUT_ROOTS,
  type SourceFile,
  type SourceLimits,
  type SourceSnapshot,
  SYMLINK_ESCAPES,
  tooLarge,
  WORKTREE,
} from "./source-files.js";

/** Deep enough for `dashboards/<name>/<name>.yaml`; deeper folders hold nothing we read. */
const MAX_DEPTH = 3;

const inside = (root: string, path: string) => path === root || path.startsWith(root + sep);

export async function readWorktreeSnapshot(
  repoDir: string,
  limits: SourceLimits,
  roots: readonly string[] = LAYOUT_ROOTS,
): Promise<SourceSnapshot> {
  const root = await realpath(repoDir);
  const files: SourceFile[] = [];
  let budget = limits.maxFiles;

  const readOne = async (relPath: string, absPath: string, isLink: boolean): Promise<void> => {
    if (budget-- <= 0) {
      files.push({
        path: relPath,
        ok: false,
        problem: `more than ${limits.maxFiles} files; not read`,
      });
      return;
    }
    let target = absPath;
    if (isLink) {
      try {
        target = await realpath(absPath);
      } catch {
        files.push({ path: relPath, ok: false, problem: "symlink points to nothing" });
        return;
      }
      if (!inside(root, target)) {
        files.push({ path: relPath, ok: false, problem: SYMLINK_ESCAPES, unsafe: true });
        return;
      }
    }
    const info = await stat(target);
    if (!info.isFile()) {
      files.push({ path: relPath, ok: false, problem: "is a directory, not a file" });
    } else if (info.size > limits.maxFileBytes) {
      files.push({ path: relPath, ok: false, problem: tooLarge(info.size, limits) });
    } else {
      files.push({ path: relPath, ok: true, text: await readFile(target, "utf8") });
    }
  };

  const walk = async (relDir: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(root, relDir), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const relPath = `${relDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH) await walk(relPath, depth + 1);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        await readOne(relPath, join(root, relPath), entry.isSymbolicLink());
      }
    }
  };

  for (const layoutRoot of roots) {
    let real: string;
    try {
      real = await realpath(join(root, layoutRoot));
    } catch {
      continue; // this layout is not used
    }
    // A symlinked `.gitlab` (or any folder on the way) could lead out of the repository.
    if (!inside(root, real)) {
      files.push({ path: layoutRoot, ok: false, problem: SYMLINK_ESCAPES, unsafe: true });
      continue;
    }
    await walk(layoutRoot, 1);
  }
  return { revision: WORKTREE, files };
}
