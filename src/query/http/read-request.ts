/**
 * Reads a query request as Cube clients send it: `?query=<JSON>&queryType=multi` on GET, or a
 * JSON body `{query, queryType}` on POST. The query may be one object or an array of them.
 */
import type { FastifyRequest } from "fastify";
import { QueryError } from "../errors.js";

export interface QueryRequest {
  queries: unknown[];
  multi: boolean;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new QueryError("Invalid query format: the query is not valid JSON");
  }
}

export function readQueryRequest(request: FastifyRequest): QueryRequest {
  const source = (request.method === "GET" ? request.query : request.body) as
    | Record<string, unknown>
    | undefined;
  if (!source || typeof source !== "object") throw new QueryError("Query param is required");
  let query = source.query;
  if (typeof query === "string") query = parseJson(query);
  if (query === undefined || query === null) throw new QueryError("Query param is required");
  const queries = Array.isArray(query) ? query : [query];
  if (queries.length === 0 || queries.length > 10)
    throw new QueryError("A request may hold 1 to 10 queries");
  return { queries, multi: source.queryType === "multi" };
}
