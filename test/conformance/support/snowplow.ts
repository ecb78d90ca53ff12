/** A Snowplow tracker's batches, as the service's load tests send them. */
import { SignJWT } from "jose";

export { batch, type SentEvent, send } from "../../helpers/tp2.js";

/** A query API token for `projectId`, signed as GitLab signs them. */
export function token(projectId: string, secret: string): Promise<string> {
  return new SignJWT({ appId: projectId, iss: "gitlab" })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("180s")
    .sign(new TextEncoder().encode(secret));
}

/** POSTs a Cube query to the service's query API. */
export async function load(
  url: string,
  projectId: string,
  secret: string,
  query: unknown,
): Promise<{ status: number; body: { error?: string; data?: Array<Record<string, string>> } }> {
  const response = await fetch(`${url}/cubejs-api/v1/load`, {
    method: "POST",
    headers: { authorization: await token(projectId, secret), "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { error?: string } };
}
