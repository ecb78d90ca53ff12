/**
 * User-agent enrichment with ua-parser-js (browser, OS, device) and isbot (bot flag).
 * Parsing costs tens of microseconds and real traffic repeats a few hundred agents, so results
 * are memoised in a bounded map: the hot path pays one Map lookup per event.
 */
import { isbot } from "isbot";
import { UAParser } from "ua-parser-js";

export interface AgentInfo {
  agent_name: string | null;
  agent_version: string | null;
  os_family: string | null;
  os_name: string | null;
  os_version: string | null;
  os_version_major: string | null;
  device_type: string;
  is_bot: boolean;
}

const CACHE_LIMIT = 10_000;
const cache = new Map<string, AgentInfo>();

export function parseAgent(userAgent: string): AgentInfo {
  const hit = cache.get(userAgent);
  if (hit) return hit;
  const parsed = new UAParser(userAgent).getResult();
  const osVersion = parsed.os.version ?? null;
  const info: AgentInfo = {
    agent_name: parsed.browser.name ?? null,
    agent_version: parsed.browser.major ?? null,
    os_family: parsed.os.name ?? null,
    os_name: parsed.os.name
      ? [parsed.os.name, osVersion?.split(".")[0]].filter(Boolean).join(" ")
      : null,
    os_version: osVersion,
    os_version_major: osVersion?.split(".")[0] ?? null,
    device_type: parsed.device.type ?? "desktop",
    is_bot: isbot(userAgent),
  };
  // A crude bound: forgetting everything now and then is cheaper than LRU bookkeeping per hit.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(userAgent, info);
  return info;
}
