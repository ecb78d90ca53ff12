/** `/cubejs-api/v1/meta`: the model's cubes and members as Cube describes them to clients. */
import type { CompiledModel } from "./model/member.js";

export function metaResponse(model: CompiledModel): { cubes: unknown[] } {
  const cubes = [...model.cubes.values()].map((cube) => ({
    name: cube.name,
    title: cube.title,
    description: cube.description,
    type: "cube",
    isVisible: true,
    public: true,
    connectedComponent: 1,
    measures: [...cube.measures.values()].map((m) => ({
      name: m.fullName,
      title: m.title,
      shortTitle: m.shortTitle,
      description: m.description,
      type: "number",
      aggType: m.type,
      cumulative: false,
      cumulativeTotal: false,
      drillMembers: [],
      drillMembersGrouped: { measures: [], dimensions: [] },
      isVisible: true,
      public: true,
    })),
    dimensions: [...cube.dimensions.values()].map((d) => ({
      name: d.fullName,
      title: d.title,
      shortTitle: d.shortTitle,
      description: d.description,
      type: d.type,
      primaryKey: d.primaryKey,
      suggestFilterValues: true,
      isVisible: true,
      public: true,
    })),
    segments: [...cube.segments.values()].map((s) => ({
      name: s.fullName,
      title: s.title,
      shortTitle: s.shortTitle,
      description: s.description,
      isVisible: true,
      public: true,
    })),
  }));
  return { cubes };
}
