/**
 * The few git plumbing commands dashboards need, run through execFile (never a shell) so
 * that what is served is what was committed. Every call disables prompts and trusts only
 * the repository it was pointed at.
 */
import { execFile } from "node:child_process";

export class GitError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = "GitError";
  }
}

export interface GitRunOptions {
  input?: string;
  /** Bytes of stdout accepted before the command is treated as failed. */
  maxBuffer?: number;
}

/** Runs `git -C repoDir <args>` and returns stdout as bytes. */
export function git(
  repoDir: string,
  args: readonly string[],
  options: GitRunOptions = {},
): Promise<Buffer> {
  // safe.directory on the command line: the operator configured this path, so git's
  // ownership check (which would refuse a repository owned by another user) does not apply.
  const fullArgs = [
    "-c",
    `safe.directory=${repoDir}`,
    "-c",
    "core.fsmonitor=false",
    "-C",
    repoDir,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      fullArgs,
      {
        encoding: "buffer",
        maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" },
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.toString("utf8").trim().split("\n")[0] ?? "";
          reject(new GitError(`git ${args[0] ?? ""} failed: ${detail || error.message}`, detail));
        } else {
          resolve(stdout);
        }
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Refs are passed as arguments; refuse anything that could read as an option or a range. */
const SAFE_REF = /^(?!-)[A-Za-z0-9._/@{}^~+-]{1,200}$/;

export function isSafeRef(ref: string): boolean {
  return SAFE_REF.test(ref) && !ref.includes("..");
}

/** The commit id a ref (default: HEAD, the repository's checked-out branch) points at. */
export async function resolveCommit(repoDir: string, ref: string | null): Promise<string> {
  const name = ref ?? "HEAD";
  if (!isSafeRef(name)) throw new GitError(`unsafe git ref ${JSON.stringify(name)}`, "");
  const out = await git(repoDir, ["rev-parse", "--verify", "--quiet", `${name}^{commit}`]).catch(
    () => {
      throw new GitError(
        `git ref ${JSON.stringify(name)} does not name a commit in ${repoDir}`,
        "",
      );
    },
  );
  return out.toString("utf8").trim();
}

export interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  size: number;
  path: string;
}

/** `git ls-tree -r -l -z <commit> -- <paths>`: every file under the given folders. */
export async function listTree(
  repoDir: string,
  commit: string,
  paths: readonly string[],
): Promise<TreeEntry[]> {
  const out = await git(repoDir, ["ls-tree", "-r", "-l", "-z", commit, "--", ...paths]);
  const entries: TreeEntry[] = [];
  for (const record of out.toString("utf8").split("\0")) {
    if (record === "") continue;
    const tab = record.indexOf("\t");
    const [mode, type, , size] = record.slice(0, tab).split(/ +/);
    entries.push({
      mode: mode ?? "",
      type: type as TreeEntry["type"],
      size: size === "-" || size === undefined ? 0 : Number(size),
      path: record.slice(tab + 1),
    });
  }
  return entries;
}

/** What `git cat-file --batch --follow-symlinks` says about one `<commit>:<path>` request. */
export type CatFileResult =
  | { kind: "blob"; size: number; content: Buffer | null }
  | { kind: "other"; type: string }
  | { kind: "missing" }
  /** A symlink whose target lies outside the tree (`symlink`), dangles, loops or crosses a file. */
  | { kind: "bad-symlink"; reason: "symlink" | "dangling" | "loop" | "notdir"; target: string };

/**
 * Looks up `<commit>:<path>` for each path, following symlinks inside the tree. Only the
 * header is read (`--batch-check`) so a large blob is never loaded; then the blobs no larger
 * than `maxBytes` are read in one `--batch` call.
 */
export async function readBlobs(
  repoDir: string,
  commit: string,
  paths: readonly string[],
  maxBytes: number,
): Promise<Map<string, CatFileResult>> {
  const results = new Map<string, CatFileResult>();
  if (paths.length === 0) return results;
  const requests = `${paths.map((p) => `${commit}:${p}`).join("\n")}\n`;
  const check = await git(repoDir, ["cat-file", "--batch-check", "--follow-symlinks"], {
    input: requests,
  });
  const lines = check.toString("utf8").split("\n");
  const wanted: string[] = [];
  let i = 0;
  for (const path of paths) {
    const header = lines[i++] ?? "";
    const parts = header.split(" ");
    if (header.endsWith(" missing")) {
      results.set(path, { kind: "missing" });
    } else if (["symlink", "dangling", "loop", "notdir"].includes(parts[0] ?? "")) {
      // These answers carry a second line: the offending target or object name.
      const target = lines[i++] ?? "";
      results.set(path, { kind: "bad-symlink", reason: parts[0] as "symlink", target });
    } else if (parts[1] === "blob") {
      const size = Number(parts[2]);
      results.set(path, { kind: "blob", size, content: null });
      if (size <= maxBytes) wanted.push(path);
    } else {
      results.set(path, { kind: "other", type: parts[1] ?? "unknown" });
    }
  }
  if (wanted.length > 0) {
    const input = `${wanted.map((p) => `${commit}:${p}`).join("\n")}\n`;
    const out = await git(repoDir, ["cat-file", "--batch", "--follow-symlinks"], { input });
    let offset = 0;
    for (const path of wanted) {
      const newline = out.indexOf(0x0a, offset);
      const header = out.subarray(offset, newline).toString("utf8").split(" ");
      const size = Number(header[2]);
      const content = out.subarray(newline + 1, newline + 1 + size);
      offset = newline + 1 + size + 1;
      results.set(path, { kind: "blob", size, content: Buffer.from(content) });
    }
  }
  return results;
}
