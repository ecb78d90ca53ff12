/**
 * The default member check: the query engine's built-in data model. Callers that load an
 * operator's extra model (GLIMPSE_MODEL_DIR) pass their own `hasMember` instead.
 */
import { hasMember } from "../query/model/load-model.js";
import type { HasMember } from "./check-members.js";

export const builtInModelHasMember: HasMember = (name) => hasMember(name);
