/** A Snowplow tracker's batches and how it posts them to the collector's tp2 endpoint. */
import { randomUUID } from "node:crypto";

export interface SentEvent {
  e: "pv";
  eid: string;
  aid: string;
  url: string;
  duid: string;
}

/** `size` page views of project key `appId`, each with its own event id. */
export function batch(appId: string, size: number): SentEvent[] {
  return Array.from({ length: size }, (_, i) => ({
    e: "pv",
    eid: randomUUID(),
    aid: appId,
    url: `https://shop.example/p${i % 5}`,
    duid: `visitor-${i % 7}`,
  }));
}

/** Posts a batch to the collector's Snowplow tp2 endpoint, as a tracker does: true when acknowledged. */
export async function send(url: string, events: readonly object[]): Promise<boolean> {
  try {
    const response = await fetch(`${url}/com.snowplowanalytics.snowplow/tp2`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        schema: "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
        data: events,
      }),
    });
    return response.status === 200;
  } catch {
    return false; // no answer (e.g. the process died): not acknowledged
  }
}
