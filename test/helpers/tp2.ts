/** Posts a batch to the collector's Snowplow tp2 endpoint, as a tracker does. */
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
