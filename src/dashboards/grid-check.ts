/**
 * Checks panel placement on GitLab's 12-column grid: every panel fits within the columns and
 * no two placed panels overlap. Panels without xPos/yPos (allowed in v2) are placed by the UI
 * and only have their size checked.
 */
import type { Diagnostic } from "./diagnostic.js";
import type { PanelDef } from "./model.js";
import type { YamlFile } from "./yaml-file.js";

export const GRID_COLUMNS = 12;

interface Placed {
  index: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

const intersects = (a: Placed, b: Placed) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** `panelsKey` is `panels`, or `widgets` in the earliest v1 files. */
export function checkGrid(
  panels: readonly PanelDef[],
  panelsKey: string,
  yaml: YamlFile,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const placed: Placed[] = [];
  panels.forEach((panel, index) => {
    const grid = panel.gridAttributes;
    const at = (key?: string) =>
      key ? [panelsKey, index, "gridAttributes", key] : [panelsKey, index, "gridAttributes"];
    const before = out.length;
    if (grid.width > GRID_COLUMNS)
      out.push(yaml.diagnostic(at("width"), `must be ≤ ${GRID_COLUMNS}`));
    if (grid.width < 1) out.push(yaml.diagnostic(at("width"), "must be ≥ 1"));
    if (grid.height < 1) out.push(yaml.diagnostic(at("height"), "must be ≥ 1"));
    if (grid.xPos !== undefined && grid.xPos < 0)
      out.push(yaml.diagnostic(at("xPos"), "must be ≥ 0"));
    if (grid.yPos !== undefined && grid.yPos < 0)
      out.push(yaml.diagnostic(at("yPos"), "must be ≥ 0"));
    if (out.length > before || grid.xPos === undefined || grid.yPos === undefined) return;
    if (grid.xPos + grid.width > GRID_COLUMNS) {
      out.push(
        yaml.diagnostic(
          at(),
          `extends past the ${GRID_COLUMNS}-column grid (xPos ${grid.xPos} + width ${grid.width} > ${GRID_COLUMNS})`,
        ),
      );
      return;
    }
    const self: Placed = { index, x: grid.xPos, y: grid.yPos, w: grid.width, h: grid.height };
    const other = placed.find((p) => intersects(p, self));
    if (other) {
      const title = panels[other.index]?.title;
      const named = title ? ` ("${title}")` : "";
      out.push(yaml.diagnostic(at(), `overlaps ${panelsKey}[${other.index}]${named}`));
    }
    placed.push(self);
  });
  return out;
}
