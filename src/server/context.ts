/** What the HTTP routes of both data paths share: configuration, secrets and the stores. */
import type { Config } from "../config/config.js";
import type { Secrets } from "../config/secrets.js";
import type { ProjectRepository } from "../projects/repository.js";
import type { Store } from "../store/store.js";

export interface AppContext {
  config: Config;
  secrets: Secrets;
  store: Store;
  projects: ProjectRepository;
}
