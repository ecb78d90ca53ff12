/**
 * The collector: one request's events go decode → resolve project → enrich → write-ahead log.
 * It answers only after the accepted events are durable; events that cannot be decoded are
 * set aside (dead-letter table) with their reason, and the rest of the batch is kept.
 */
import type { StoredEvent } from "../events/event.js";
import { eventToCsv } from "../events/event-csv.js";
import type { ProjectDirectory } from "../projects/directory.js";
import type { ProjectRepository, RejectedEvent } from "../projects/repository.js";
import type { BatchWriter } from "./batch-writer.js";
import { type DecodedEvent, EventRejected, type Rejection } from "./decode/decoded.js";
import { type Enricher, enrich, type RequestContext } from "./enrich/enrich.js";
import type { WriteAheadLog } from "./wal/write-ahead-log.js";

export type Decoder = (item: unknown, collectorTstamp: number) => DecodedEvent;

export interface CollectRequest extends RequestContext {
  items: readonly unknown[];
  decode: Decoder;
  /** Reads the key an undecodable item names, if any (Snowplow's `aid`). */
  keyOf?: (item: unknown) => string | null;
  /** A key given for the whole request (Jitsu `?token=`, GitLab's `x-gitlab-appid`). */
  requestAppId: string | null;
}

/** Why an item of the request was refused, by its index in the request. */
export type RejectedItem = Pick<Rejection, "index" | "reason">;

type UnknownApp = { kind: "unknown-app"; appId: string | null };

export type CollectResult =
  | { kind: "stored"; accepted: number; rejected: RejectedItem[] }
  | UnknownApp;

/** A request's events as lines for the log, and its refused items for the dead-letter table. */
interface Prepared {
  kind: "prepared";
  lines: string;
  accepted: number;
  rejected: RejectedItem[];
  dead: RejectedEvent[];
}

export interface CollectorDeps {
  directory: ProjectDirectory;
  projects: ProjectRepository;
  wal: WriteAheadLog;
  writer: BatchWriter;
  enricher: Enricher;
}

export class Collector {
  constructor(private readonly deps: CollectorDeps) {}

  /** Resolves once every event acknowledged so far is in the store. */
  async flush(): Promise<void> {
    await this.deps.writer.drain();
  }

  collect(request: CollectRequest): Promise<CollectResult> {
    // Two steps, and this function is not async: an async function keeps its locals and
    // parameters alive across an await, and the request's parsed items and decoded events
    // would then live through the log's fsync. Under load they survived young-generation
    // collections into the old one, which grew by ~100 MB between full collections.
    return this.prepare(request).then((prepared) =>
      prepared.kind === "unknown-app" ? prepared : this.append(prepared),
    );
  }

  /** Decodes, resolves and enriches the request's events into the log's lines. */
  private async prepare(request: CollectRequest): Promise<Prepared | UnknownApp> {
    const now = Date.now();
    const decoded: DecodedEvent[] = [];
    const rejected: Rejection[] = [];
    request.items.forEach((item, index) => {
      try {
        decoded.push(request.decode(item, now));
      } catch (error) {
        if (!(error instanceof EventRejected)) throw error;
        rejected.push({ index, reason: error.message, payload: item });
      }
    });

    // Every key the request names must be a known project, or nothing is stored (a Snowplow
    // tracker does not retry a 403, and a half-accepted batch under a wrong key helps no one).
    const keys = new Set(decoded.map((d) => d.appId ?? request.requestAppId));
    // With nothing decodable, the rejected events still name their project (for the
    // dead-letter table) when the payload carried a key.
    if (decoded.length === 0)
      keys.add(
        request.items.map((item) => request.keyOf?.(item)).find(Boolean) ?? request.requestAppId,
      );
    const projects = new Map<string | null, string>();
    for (const key of keys) {
      const project = key ? await this.deps.directory.byAppId(key) : null;
      if (!project) return { kind: "unknown-app", appId: key };
      projects.set(key, project.id);
    }

    let lines = "";
    for (const d of decoded) {
      const event: StoredEvent = d.event;
      event.project_id = projects.get(d.appId ?? request.requestAppId) as string;
      enrich(this.deps.enricher, event, request, d.ip);
      lines += eventToCsv(event);
    }
    // Each rejection goes to the project its own key names, else to the request's.
    const fallback = projects.values().next().value as string;
    const receivedAt = new Date(now).toISOString();
    const dead: RejectedEvent[] = [];
    for (const r of rejected) {
      const key = request.keyOf?.(r.payload);
      const own = key ? await this.deps.directory.byAppId(key) : null;
      dead.push({
        projectId: own?.id ?? fallback,
        receivedAt,
        reason: r.reason,
        payload: safeJson(r.payload),
      });
    }
    return {
      kind: "prepared",
      lines,
      accepted: decoded.length,
      rejected: rejected.map(({ index, reason }) => ({ index, reason })),
      dead,
    };
  }

  /** Not async, for the reason `collect` gives: the lines must not outlive the log's copy. */
  private append(prepared: Prepared): Promise<CollectResult> {
    const { accepted, rejected, dead } = prepared;
    const appended = accepted > 0 ? this.deps.wal.append(prepared.lines, accepted) : null;
    return (async () => {
      if (appended) {
        await appended;
        this.deps.writer.nudge();
      }
      // After the append: a request refused with 503 (and retried) files nothing twice.
      if (dead.length > 0) await this.deps.projects.addRejected(dead);
      return { kind: "stored", accepted, rejected };
    })();
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 65_536) ?? "null";
  } catch {
    try {
      return String(value).slice(0, 65_536);
    } catch {
      // Nested too deeply for JSON.stringify and String() alike, which both recurse.
      return '"(payload nested too deeply to keep)"';
    }
  }
}
