/**
 * Resolves the member names of a query against the model, with "did you mean" suggestions for
 * unknown names, and remembers which cubes the query touches (one, since no joins are defined).
 */
import { QueryError } from "./errors.js";
import type { CompiledModel, Cube, Dimension, Measure, Member, Segment } from "./model/member.js";
import { closest } from "./suggest.js";

export class MemberResolver {
  private readonly cubes = new Set<Cube>();
  constructor(private readonly model: CompiledModel) {}

  private find(name: string, kind: Member["kind"] | "member", extra: string[] = []): Member {
    const member = this.model.members.get(name);
    if (member && (kind === "member" || member.kind === kind)) {
      const cube = this.model.cubes.get(member.cube) as Cube;
      this.cubes.add(cube);
      return member;
    }
    const shown = JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
    const candidates = [...this.model.members.values()]
      .filter((m) => kind === "member" || m.kind === kind)
      .map((m) => m.fullName)
      .concat(extra);
    if (member) {
      throw new QueryError(`${shown} is a ${member.kind}, not a ${kind}`);
    }
    const near = closest(name, candidates);
    const label = kind === "member" ? "member" : kind;
    throw new QueryError(`Unknown ${label} ${shown}. Closest valid ${label}s: ${near.join(", ")}`);
  }

  measure(name: string): Measure {
    return this.find(name, "measure") as Measure;
  }
  dimension(name: string): Dimension {
    return this.find(name, "dimension") as Dimension;
  }
  segment(name: string): Segment {
    return this.find(name, "segment") as Segment;
  }
  filterable(name: string): Dimension | Measure {
    const member = this.find(name, "member");
    if (member.kind === "segment")
      throw new QueryError(`${name} is a segment: put it in segments, not filters`);
    return member;
  }

  singleCube(): Cube | null {
    if (this.cubes.size > 1) {
      const names = [...this.cubes].map((c) => c.name).join(", ");
      throw new QueryError(
        `Members of different cubes can't be combined in one query (${names}): no join is defined`,
      );
    }
    return [...this.cubes][0] ?? null;
  }
}
