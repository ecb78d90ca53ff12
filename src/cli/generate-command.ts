/** `glimpse generate`: synthetic traffic straight into the store's bulk path, with a progress bar. */
import { SingleBar } from "cli-progress";
import { generateEvents } from "../generate/generator.js";
import type { Store } from "../store/store.js";

export async function generateInto(
  store: Store,
  projectId: string,
  events: number,
  days: number,
  progress: boolean,
): Promise<number> {
  const bar = progress
    ? new SingleBar({
        format: "generating {bar} {percentage}% | {value}/{total} events | {eta_formatted} left",
        hideCursor: true,
      })
    : null;
  bar?.start(events, 0);
  let done = 0;
  for (const chunk of generateEvents({ projectId, events, days }, 100_000)) {
    await store.insertEvents(chunk);
    done += chunk.length;
    bar?.update(done);
  }
  bar?.stop();
  return done;
}
