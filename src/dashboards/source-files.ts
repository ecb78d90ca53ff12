/**
 * The raw input of a catalog: the files found under the dashboard folders of one revision,
 * each either read (within the size limit) or refused with a reason.
 */

/** The folders (relative to the repository root) that dashboards, visualizations and funnels live in. */
export const LAYOUT_ROOTS = [
  ".gitlab/analytics/dashboards",
  ".gitlab/product_analytics/dashboards",
  ".gitlab/analytics/funnels",
] as const;

/** The pseudo-ref that reads the working tree instead of a commit. */
export const WORKTREE = "WORKTREE";

export interface SourceLimits {
  /** Largest file read, in bytes. */
  maxFileBytes: number;
  /** Most files considered under the dashboard folders. */
  maxFiles: number;
  /** Most YAML aliases resolved in one file (the `yaml` package's maxAliasCount). */
  maxAliasCount: number;
}

export const DEFAULT_LIMITS: SourceLimits = {
  maxFileBytes: 256 * 1024,
  maxFiles: 2000,
  maxAliasCount: 100,
};

export type SourceFile =
  | { path: string; ok: true; text: string }
  | {
      path: string;
      ok: false;
      problem: string;
      /** An escape or a hostile name: reported even where no dashboard file is expected. */
      unsafe?: true;
    };

export interface SourceSnapshot {
  /** The commit id the files came from, or `WORKTREE`. */
  revision: string;
  files: SourceFile[];
}

export const SYMLINK_ESCAPES = "symlink escapes the repository";

export function tooLarge(size: number, limits: SourceLimits): string {
  return `file is ${size} bytes, over the ${limits.maxFileBytes}-byte limit`;
}
