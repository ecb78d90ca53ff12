/**
 * User-agent enrichment with ua-parser-js (browser, OS, device) and isbot (bot flag).
 * Parsing costs tens of microseconds and real traffic repeats a few hundred agents, so results
 * are memoised: the hot path pays one Map lookup per event.
 */
import { isbot } from "isbot";
import { UAParser } from "ua-parser-js";
import { BoundedMemo } from "../memo.js";

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

const agents = new BoundedMemo<AgentInfo>(10_000);

export function parseAgent(userAgent: string): AgentInfo {
  return agents.get(userAgent, parse);
}

function parse(userAgent: string): AgentInfo {
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
  return info;
}
