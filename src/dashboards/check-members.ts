/** Reports every member of a query that the project's data model does not define. */
import type { Diagnostic, DocPath } from "./diagnostic.js";
import { queryMembers } from "./query-members.js";
import type { YamlFile } from "./yaml-file.js";

export type HasMember = (name: string) => boolean;

export function checkMembers(
  query: Record<string, unknown>,
  queryPath: DocPath,
  yaml: YamlFile,
  hasMember: HasMember | null,
): Diagnostic[] {
  if (!hasMember) return [];
  return queryMembers(query)
    .filter((use) => !hasMember(use.name))
    .map((use) =>
      yaml.diagnostic(
        [...queryPath, ...use.path],
        `unknown member "${use.name}" in the data model`,
      ),
    );
}

/** Members named by a visualization's `options.links` (table cells that become links). */
export function checkLinkMembers(
  options: Record<string, unknown> | undefined,
  optionsPath: DocPath,
  yaml: YamlFile,
  hasMember: HasMember | null,
): Diagnostic[] {
  const links = options?.links;
  if (!hasMember || !Array.isArray(links)) return [];
  const out: Diagnostic[] = [];
  links.forEach((link: Record<string, unknown>, i) => {
    for (const key of ["text", "href"] as const) {
      const name = link[key];
      if (typeof name === "string" && !hasMember(name)) {
        out.push(
          yaml.diagnostic(
            [...optionsPath, "links", i, key],
            `unknown member "${name}" in the data model`,
          ),
        );
      }
    }
  });
  return out;
}
