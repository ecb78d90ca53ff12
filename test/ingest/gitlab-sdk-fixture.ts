/**
 * The requests `@gitlab/application-sdk-browser` 0.3.4 really sent (fixtures/, copied from the
 * shared capture), typed for the tests: two sessions of the same page script, one with the SDK's
 * default anonymous tracking and one with cookie consent.
 */
import { readFileSync } from "node:fs";

export interface CapturedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: { schema: string; data: Record<string, string>[] };
}

interface Capture {
  about: string;
  anonymous_default: CapturedRequest[];
  with_cookie_consent: CapturedRequest[];
}

export const capture = JSON.parse(
  readFileSync(new URL("./fixtures/gitlab-sdk-0.3.4-requests.json", import.meta.url), "utf8"),
) as Capture;

/** Every event of a session's POSTs, in the order the SDK sent them. */
export function sdkEvents(session: "anonymous_default" | "with_cookie_consent") {
  return capture[session].flatMap((request) => request.body?.data ?? []);
}

/** A copy of the i-th event of a session, to vary in a test. */
export function sdkEvent(
  session: "anonymous_default" | "with_cookie_consent",
  index: number,
): Record<string, string> {
  const event = sdkEvents(session)[index];
  if (!event) throw new Error(`the fixture has no event ${index} in ${session}`);
  return { ...event };
}
