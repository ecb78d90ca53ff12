/**
 * The funnel and the hand-made events that the funnel tests share (the cube's SQL on DuckDB in
 * test/dashboards, and every store in test/conformance): order, window edges, a failed then a
 * successful attempt, Jitsu page views, users known by id only, an anonymous visitor.
 */
import type { FunnelDef } from "../../src/dashboards/model.js";

export const FUNNEL: FunnelDef = {
  name: "signup_flow",
  seconds_to_convert: 3600,
  steps: [
    { name: "landing", target: "/a", action: "pageview" },
    { name: "pricing", target: "/b", action: "pageview" },
    { name: "signed up", target: "signup", action: "event" },
  ],
};

/** [user (domain_userid), user_id, event_type, path or event name, time] */
export type Row = [string | null, string | null, string, string, string];
export const pv = (user: string, path: string, time: string): Row => [
  user,
  null,
  "page_view",
  path,
  time,
];
export const ev = (user: string, name: string, time: string): Row => [
  user,
  null,
  "custom",
  name,
  time,
];

export const EVENTS: Row[] = [
  // u1 completes the funnel.
  pv("u1", "/a", "10:00"),
  pv("u1", "/b", "10:10"),
  ev("u1", "signup", "10:20"),
  // u2 reaches /b only after the hour is over.
  pv("u2", "/a", "10:00"),
  pv("u2", "/b", "11:30"),
  // u3 saw /b before /a: order matters.
  pv("u3", "/b", "09:00"),
  pv("u3", "/a", "10:00"),
  ev("u3", "signup", "10:30"),
  // u4 fails a first attempt and completes a second one.
  pv("u4", "/a", "10:00"),
  pv("u4", "/a", "12:00"),
  pv("u4", "/b", "12:30"),
  ev("u4", "signup", "12:45"),
  // u5 never starts.
  pv("u5", "/b", "10:00"),
  // u6 signs up before seeing /b, so only reaches step 2.
  pv("u6", "/a", "10:00"),
  ev("u6", "signup", "10:05"),
  pv("u6", "/b", "10:10"),
  // u7 is known by user id only and signs up exactly at the end of the window.
  [null, "u7", "page_view", "/a", "10:00"],
  [null, "u7", "page_view", "/b", "10:59:59"],
  [null, "u7", "custom", "signup", "11:00"],
  // u8's page view comes from Jitsu (`pageview`).
  ["u8", null, "pageview", "/a", "10:00"],
  // An anonymous visitor cannot be followed through a funnel.
  [null, null, "page_view", "/a", "10:00"],
];
